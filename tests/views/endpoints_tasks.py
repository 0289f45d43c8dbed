"""Declarations: tasks (交办, 分解, 签收, 延期, 办结, 节点, 指标, 专班, 应急日报, 调休, 部署, 台账)."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from core import clock
from core.testing import make_task
from core.testing.views import GLOBAL, LISTING, MARK, SELF, Endpoint, pk, rows, value, workbook
from org.models import Unit
from tasks import services as tsvc
from tasks.models import (
    Assignment,
    Directive,
    ExtensionRequest,
    Indicator,
    Milestone,
    SavedFilter,
    Task,
    TaskCategory,
    TaskForceMember,
    WorkdayOverride,
)
from tasks.tests.support_actions import decompose_data, pdf

HEAD = "county_a_head"  # 甲一县's head: the world's task is 甲一县's own (created there)
SUP = "city_a_supervisor"  # changing a task (edit, 节点, 指标, 专班, 应急) is for 督查员


def _not_excel(world):
    return {"file": SimpleUploadedFile("台账.txt", b"not a workbook")}


TASK_HEADER = [
    "任务名称*", "类别*", "等级*", "牵头单位编码*", "配合单位编码", "开始日期*", "完成时限", "工作日数", "报告频次",
    "工作目标", "上级部署文号",
]  # fmt: skip


def _task_rows(world):
    start, due = clock.today(), clock.today() + dt.timedelta(days=60)
    row = ["疫苗接种率提升", "公共卫生", "一般", "SF-A-1", "", start, due, None, "每周", "", ""]
    return {"org_unit": Unit.objects.get(code="SF-A").pk, "file": workbook(TASK_HEADER, [row], "任务.xlsx")}


def _task_body(world, **over):
    task = world["task"]
    data = {
        "org_unit": task.org_unit_id,
        "title": task.title,
        "category": task.category_id,
        "level": task.level,
        "lead_unit": task.lead_unit_id,
        "start_date": task.start_date.isoformat(),
        "due_date": task.due_date.isoformat(),
        "cadence": task.cadence,
        "goals": "签约率≥80%",
        "weight": task.weight,
        "version": Task.objects.get(pk=task.pk).version,
    }
    return {**data, **over}


def _new_task_body(world, **over):
    unit = world["unit"].pk
    data = {
        "org_unit": unit,
        "title": "村卫生室标准化建设",
        "category": TaskCategory.objects.get(name="公共卫生").pk,
        "level": "general",
        "lead_unit": unit,
        "start_date": clock.today().isoformat(),
        "due_date": (clock.today() + dt.timedelta(days=30)).isoformat(),
        "cadence": "weekly",
        "weight": "1",
    }
    return {**data, **over}


def _fresh(assign=True, level="key", sign=False):
    """prepare: a new task of 甲一县 (its own), optionally assigned and signed."""

    def make(world):
        org = world["org"]
        task = make_task(
            org,
            title=f"{MARK}新任务",
            lead="county_a",
            org_unit="county_a",
            creator=HEAD,
            level=level,
            assign=assign,
        )
        out = {"fresh": task}
        if assign:
            out["fresh_assignment"] = task.assignments.get()
            if sign:
                tsvc.assignment_sign(actor=org.user("county_a_clerk"), assignment=out["fresh_assignment"])
        return out

    return make


def _completion_requested(world):
    org, assignment = world["org"], world["assignment"]
    tsvc.assignment_request_completion(actor=org.user("county_a_clerk"), assignment=assignment, note="已完成")


def _emergency(world):
    tsvc.task_set_emergency(
        actor=world["org"].user(SUP),
        task=world["task"],
        start=clock.today(),
        end=clock.today() + dt.timedelta(days=3),
        reason="汛期",
    )


def _decompose(title):
    def body(world):
        row = {"title": title, "lead_unit": Unit.objects.get(code="SF-A-1-H").pk, "weight": "1"}
        row["due_date"] = world["task"].due_date.isoformat()
        return decompose_data(world["unit"], [row])

    return body


def _days(n):
    return lambda w: (w["task"].due_date + dt.timedelta(days=n)).isoformat()


TASKS = [
    Endpoint("tasks:task_detail", pk("task"), shows=f"{MARK}任务"),
    Endpoint(
        "tasks:task_create",
        scope=LISTING,
        insider=HEAD,
        valid=_new_task_body,
        state=rows(Task),
        invalid=lambda w: _new_task_body(w, due_date="2026-02-30"),
    ),
    Endpoint(
        "tasks:task_update",
        pk("task"),
        insider=SUP,
        shows=f"{MARK}任务",
        valid=lambda w: _task_body(w, title=f"{MARK}任务（改）"),
        state=value("task", "title"),
        invalid=lambda w: _task_body(w, title=""),
    ),
    Endpoint(
        "tasks:task_review",
        pk("fresh"),
        insider="prov_leader",
        prepare=_fresh(assign=False, level="major"),
        shows=f"{MARK}新任务",
        valid=lambda w: {
            "meeting_kind": "party_group",
            "meeting_date": clock.today().isoformat(),
            "conclusion": "approved",
        },
        state=rows(Task, pk=lambda w: w["fresh"].pk, party_review__isnull=False),
        invalid=lambda w: {"meeting_kind": "party_group", "meeting_date": "", "conclusion": "approved"},
    ),
    Endpoint(
        "tasks:task_assign",
        pk("fresh"),
        shows=f"{MARK}新任务",
        insider=HEAD,
        prepare=_fresh(assign=False, level="general"),
        valid=lambda w: {},
        state=rows(Assignment, task=lambda w: w["fresh"]),
        invalid=lambda w: {"lead_unit": Unit.objects.get(code="SF-B").pk},  # outside 甲一县
    ),
    Endpoint(
        "tasks:task_decompose",
        pk("task"),
        shows=f"{MARK}任务",
        insider=HEAD,
        valid=_decompose("卫生院落实"),
        state=rows(Task, parent=lambda w: w["task"]),
        audits=3,  # the sub-task created, its assignment, and the 分解 on the parent
        invalid=_decompose(""),
    ),
    Endpoint(
        "tasks:milestone_create",
        pk("task"),
        shows=f"{MARK}任务",
        insider=SUP,
        valid=lambda w: {"title": "完成摸底", "due_date": _days(0)(w)},
        state=rows(Milestone),
        invalid=lambda w: {"title": "完成摸底", "due_date": _days(5)(w)},  # after the task's deadline
    ),
    Endpoint(
        "tasks:indicator_create",
        pk("task"),
        shows=f"{MARK}任务",
        insider=SUP,
        valid=lambda w: {"name": "建档率", "direction": "gte", "target": "94", "unit_of_measure": "%"},
        state=rows(Indicator),
        invalid=lambda w: {"name": "建档率", "direction": "gte", "target": "abc"},
    ),
    Endpoint(
        "tasks:taskforce_edit",
        pk("task"),
        shows=f"{MARK}任务",
        insider=SUP,
        valid=lambda w: {"members": "钱联络", "leader": "孙局长"},
        state=rows(TaskForceMember),
        invalid=lambda w: {"members": "钱联络，不存在的人", "leader": ""},
    ),
    Endpoint(
        "tasks:task_emergency",
        pk("task"),
        shows=f"{MARK}任务",
        insider=SUP,
        valid=lambda w: {
            "start": clock.today().isoformat(),
            "end": (clock.today() + dt.timedelta(days=3)).isoformat(),
            "reason": "汛期",
        },
        state=value("task", "emergency_from"),
        invalid=lambda w: {
            "start": clock.today().isoformat(),
            "end": (clock.today() - dt.timedelta(days=3)).isoformat(),
            "reason": "汛期",
        },
    ),
    Endpoint(
        "tasks:task_emergency_end",
        pk("task"),
        insider=SUP,
        get=None,
        prepare=_emergency,
        valid=lambda w: {},
        state=value("task", "emergency_until"),
        why="invalid: a button without fields",
    ),
    Endpoint(
        "tasks:milestone_complete",
        pk("milestone"),
        shows=lambda w: w["task"].code,
        valid=lambda w: {"note": "已完成摸底", "files": [pdf()]},
        state=value("milestone", "done_on"),
        audits=2,  # the evidence file stored, and the milestone done
        invalid=lambda w: {"note": "无附件"},  # 完成时间节点须上传佐证材料
    ),
    Endpoint(
        "tasks:assignment_sign",
        pk("fresh_assignment"),
        get=None,
        prepare=_fresh(),
        valid=lambda w: {},
        state=value("fresh_assignment", "status"),
        why="invalid: a button without fields",
    ),
    Endpoint(
        "tasks:assignment_return",
        pk("fresh_assignment"),
        shows=f"{MARK}新任务",
        prepare=_fresh(),
        valid=lambda w: {"reason": "不属本单位职责"},
        state=value("fresh_assignment", "status"),
        invalid=lambda w: {"reason": ""},
    ),
    Endpoint(
        "tasks:extension_request",
        pk("fresh_assignment"),
        shows=f"{MARK}新任务",
        prepare=_fresh(sign=True),
        valid=lambda w: {"new_due_date": _days(10)(w), "reason": "汛期影响施工"},
        state=rows(ExtensionRequest),
        invalid=lambda w: {"new_due_date": "2026-02-30", "reason": "汛期影响施工"},
    ),
    Endpoint(
        "tasks:assignment_request_completion",
        pk("assignment"),
        shows=f"{MARK}任务",
        valid=lambda w: {"note": "已全部完成"},
        state=value("assignment", "status"),
        invalid=lambda w: {"note": ""},
    ),
    Endpoint(
        "tasks:assignment_verify",
        pk("assignment"),
        shows=f"{MARK}任务",
        insider=SUP,
        prepare=_completion_requested,
        valid=lambda w: {"decision": "approve", "note": ""},
        state=value("assignment", "status"),
        invalid=lambda w: {"decision": "reject", "note": ""},  # 退回须填写理由
    ),
    Endpoint(
        "tasks:extension_decide",
        pk("extension"),
        shows=f"{MARK}延期",
        insider=SUP,
        valid=lambda w: {"decision": "approve", "note": "同意"},
        state=value("extension", "status"),
        invalid=lambda w: {"decision": "", "note": "同意"},  # no button pressed
    ),
    Endpoint(
        "tasks:workday_list",
        scope=GLOBAL,
        insider="sysadmin",
        editors=frozenset({"city_b_sysadmin"}),  # one holiday calendar, edited by 系统管理员
        shows=f"{MARK}调休",
        valid=lambda w: {"date": "2031-02-03", "is_workday": "1", "note": "调休上班"},
        state=rows(WorkdayOverride),
        invalid=lambda w: {"date": "2031-02-30", "is_workday": "1", "note": "调休上班"},
    ),
    Endpoint(
        "tasks:workday_delete",
        pk("override"),
        scope=GLOBAL,
        insider="sysadmin",
        editors=frozenset({"city_b_sysadmin"}),
        get=None,
        valid=lambda w: {},
        state=rows(WorkdayOverride),
        why="invalid: a button without fields",
    ),
    Endpoint("tasks:workday_compute", scope=LISTING, insider=HEAD),  # a date calculator: no records
    Endpoint("tasks:task_list", scope=LISTING, shows=f"{MARK}任务"),
    Endpoint("tasks:task_export", scope=LISTING, insider=HEAD),
    Endpoint(
        "tasks:task_import",
        scope=LISTING,
        insider=SUP,
        valid=_task_rows,
        state=rows(Task),
        audits=2,  # the row created, and the import (file, row count) as one entry
        invalid=_not_excel,
    ),
    Endpoint("tasks:task_import_template", scope=LISTING, insider=SUP),
    Endpoint(
        "tasks:saved_filter_save",
        scope=SELF,  # one's own saved filter
        get=None,
        valid=lambda w: {"name": "红灯任务", "query": "light=red"},
        state=rows(SavedFilter),
        audits=0,  # a personal list filter is no change of the ledgers: not audited
        refusal="message",
        invalid=lambda w: {"name": "", "query": "light=red"},
    ),
    Endpoint(
        "tasks:saved_filter_delete",
        pk("saved"),
        get=None,
        valid=lambda w: {},
        state=rows(SavedFilter),
        audits=0,  # a personal list filter is no change of the ledgers: not audited
        why="invalid: a button without fields",
    ),
    Endpoint("tasks:directive_list", scope=LISTING, shows=f"{MARK}部署"),
    Endpoint(
        "tasks:directive_create",
        scope=LISTING,
        insider=SUP,
        valid=lambda w: {
            "org_unit": Unit.objects.get(code="SF-A").pk,
            "kind": "document",
            "title": "关于推进签约的通知",
            "issuer": "省卫健委",
            "issued_on": "2026-03-01",
        },
        state=rows(Directive),
        invalid=lambda w: {
            "org_unit": Unit.objects.get(code="SF-A").pk,
            "kind": "document",
            "title": "关于推进签约的通知",
            "issuer": "省卫健委",
            "issued_on": "2026-02-30",
        },
    ),
    Endpoint("tasks:directive_detail", pk("directive"), shows=f"{MARK}部署"),
]
