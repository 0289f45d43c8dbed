"""The life cycle of a problem (整改, R-RCT-2, R-RCT-3, R-WRN-2), as a table (core.transitions).
rectification.rules asks it whether an action may start from the current state; rectification.services
take the new state from it. The escalation ladder (提醒 → … → 建议问责) is a level beside the state,
one step at a time (rectification.rules.check_escalation_state)."""

from core.transitions import CREATED, Machine, Transition
from rectification.choices import ProblemStatus

S = ProblemStatus
RECTIFYING = (S.PENDING, S.IN_PROGRESS)
OPEN = (S.PENDING, S.IN_PROGRESS, S.RECTIFIED)

PROBLEM = Machine(
    "整改问题（Problem）",
    ProblemStatus,
    [
        Transition(
            "create",
            "登记问题",
            (CREATED,),
            S.PENDING,
            "发现单位有登记权限的人员（rectification.add_problem）",
            "",
            "整改单位是发现单位本身或其下级；督查发现的问题由检查记录转入",
        ),
        Transition(
            "start",
            "制定整改措施",
            RECTIFYING,
            S.IN_PROGRESS,
            "整改单位（rectification.rectify_problem）",
            "该问题当前不能修改整改措施",
            "整改中也可修改措施",
        ),
        Transition(
            "add_evidence",
            "上传整改佐证",
            OPEN,
            None,
            "整改单位（rectification.rectify_problem）",
            "已销号的问题不能再上传佐证",
        ),
        Transition(
            "submit",
            "提交验收",
            (S.IN_PROGRESS,),
            S.RECTIFIED,
            "整改单位（rectification.rectify_problem）",
            "须先制定整改措施（整改中）才能提交验收",
            "须有整改佐证；提交之日整改时钟停止",
        ),
        Transition(
            "verify",
            "验收",
            (S.RECTIFIED,),
            {"销号": S.CLOSED, "退回": S.IN_PROGRESS},
            "发现单位一方有验收权限的人员（rectification.verify_problem），整改单位的人员不能验收本单位的整改",
            "该问题尚未提交整改结果",
            "销号须有整改佐证；退回须填写理由",
        ),
        Transition(
            "recheck",
            "回头看",
            (S.CLOSED,),
            {"通过": S.CLOSED, "未通过": S.IN_PROGRESS},
            "发现单位一方（rectification.recheck_problem），整改单位的人员不能复查本单位",
            "只有已销号的问题可以回头看",
            "须填写复查情况；未通过记为反弹，重新整改",
        ),
        Transition(
            "escalate",
            "督办升级",
            (S.PENDING, S.IN_PROGRESS),
            None,
            "发现单位一方（rectification.escalate_problem），或每日扫描按天数自动升级",
            "已销号或已报告整改完成（待验收）的问题无需督办",
            "已逾期；逐级进行，每级一次，最高为建议问责",
        ),
    ],
)
