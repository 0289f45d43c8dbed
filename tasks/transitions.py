"""The life cycle of an assignment (交办, R-TSK-5, R-TSK-6) and of an extension request (延期), as
tables (core.transitions). tasks.rules asks them whether an action may start from the current state;
tasks.services and reporting.services take the new state from them. A task's own status is not a
machine: it rolls up from its assignments (tasks.services.task_rollup)."""

from core.transitions import CREATED, Machine, Transition
from tasks.choices import ExtensionStatus, TaskStatus

S = TaskStatus
ACTIVE_WORK = (S.SIGNED, S.IN_PROGRESS)

ASSIGNMENT = Machine(
    "交办（Assignment）",
    TaskStatus,
    [
        Transition(
            "assign",
            "交办",
            (CREATED, S.RETURNED),
            S.ASSIGNED,
            "创建单位有交办权限的人员（tasks.assign_task）；越级交办可达其范围内任一单位",
            "任务已交办，没有需要交办的单位",
            "重大任务须经党组会前置审议同意；任务未办结；已退回的交办可再次交办",
        ),
        Transition(
            "sign",
            "签收",
            (S.ASSIGNED,),
            S.SIGNED,
            "承办单位本单位人员（tasks.sign_assignment）",
            "该任务当前不能签收",
        ),
        Transition(
            "return",
            "退回",
            (S.ASSIGNED,),
            S.RETURNED,
            "承办单位本单位人员（tasks.sign_assignment）",
            "只有未签收的任务可以退回",
            "须填写退回理由",
        ),
        Transition(
            "report",
            "报告进展",
            ACTIVE_WORK,
            S.IN_PROGRESS,
            "承办单位本单位人员或任务专班成员（reporting.add_progressreport）",
            "任务须先签收才能填报进展；已申请办结或已办结的任务无需再报",
            "进度 0–100；进度下降须说明理由",
        ),
        Transition(
            "request_completion",
            "申请办结",
            ACTIVE_WORK,
            S.COMPLETION_REQUESTED,
            "承办单位本单位人员（tasks.request_completion）",
            "该任务当前不能申请办结（须先签收）",
            "须有佐证材料（上传或沿用已报送的文件）；须填写办结说明",
        ),
        Transition(
            "verify",
            "审核办结",
            (S.COMPLETION_REQUESTED,),
            {"通过": S.COMPLETED, "退回": S.IN_PROGRESS},
            "交办方有审核权限的人员（tasks.verify_assignment），承办单位本身不能审核",
            "该任务未申请办结",
            "退回须填写理由",
        ),
        Transition(
            "request_extension",
            "申请延期",
            ACTIVE_WORK,
            None,
            "承办单位本单位人员（tasks.request_extension）",
            "只有已签收、办理中的任务可以申请延期",
            "没有待审批的延期申请；新时限晚于现时限",
        ),
    ],
    outside=(S.DRAFT,),  # a task's state before it is assigned; an assignment is born 已交办
)

EXTENSION = Machine(
    "延期申请（ExtensionRequest）",
    ExtensionStatus,
    [
        Transition(
            "request",
            "申请延期",
            (CREATED,),
            ExtensionStatus.PENDING,
            "承办单位本单位人员（tasks.request_extension）",
            "",
            "见交办的“申请延期”",
        ),
        Transition(
            "decide",
            "审批延期",
            (ExtensionStatus.PENDING,),
            {"同意": ExtensionStatus.APPROVED, "不同意": ExtensionStatus.REJECTED},
            "交办方有审批权限的人员（tasks.decide_extension），承办单位本身不能审批",
            "该延期申请已审批",
            "同意后交办时限（牵头单位的，任务时限）延至申请的日期",
        ),
    ],
)
