"""Declarations: 领导批示 (the ledger, its export, the 批示 form on a record, one 批示 and its
answer / 圈阅 / 退回). The world's 批示 is written by 甲市's leader on 甲一县's task, for 甲一县.
调度会 (R-DEC-6): 甲一县's leader holds one a week after the world's last report, when the world's
task is yellow (no report for 8 days), and records its follow-ups."""

import datetime as dt

from core import clock
from core.testing.views import LISTING, MARK, Endpoint, pk, rows, value
from instructions import dispatch
from instructions import services as isvc
from instructions.models import DispatchItem, DispatchMeeting, Instruction

LEADER = "city_a_leader"
CLERK = "county_a_clerk"
HOST = "county_a_leader"


def _instructed(world):
    ins = isvc.instruction_create(
        actor=world["org"].user(LEADER),
        kind="task",
        target_id=world["task"].pk,
        text=f"{MARK}批示：请本周内拿出方案",
        assignee_unit=world["unit"],
        due_date=clock.today() + dt.timedelta(days=7),
        assignee_name="孙局长",
    )
    return {"instruction": ins}


def _answered(world):
    world = {**world, **_instructed(world)}
    ins = isvc.instruction_answer(
        actor=world["org"].user(CLERK), instruction=world["instruction"], text="已落实"
    )
    return {"instruction": ins}


def _create_body(world, **over):
    return {
        "text": "请牵头研究，本周内拿出方案",
        "assignee_unit": world["unit"].pk,
        "assignee_person": "",
        "assignee_name": "孙局长",
        "due_date": (clock.today() + dt.timedelta(days=5)).isoformat(),
        **over,
    }


STATUS = value("instruction", "status", "version")

INSTRUCTIONS = [
    Endpoint(
        "instructions:instruction_list",
        scope=LISTING,
        insider=CLERK,
        prepare=_instructed,
        shows=f"{MARK}批示",
    ),
    Endpoint("instructions:instruction_export", scope=LISTING, insider=LEADER, prepare=_instructed),
    Endpoint(
        "instructions:instruction_create",
        kwargs=lambda w: {"kind": "task", "pk": w["task"].pk},
        insider=LEADER,
        shows=f"{MARK}任务",
        valid=_create_body,
        invalid=lambda w: _create_body(w, text=""),
        state=rows(Instruction),
    ),
    Endpoint(
        "instructions:instruction_detail",
        kwargs=pk("instruction"),
        insider=CLERK,
        prepare=_instructed,
        shows=f"{MARK}批示",
    ),
    Endpoint(
        "instructions:instruction_answer",
        kwargs=pk("instruction"),
        insider=CLERK,
        prepare=_instructed,
        shows=f"{MARK}批示",
        valid=lambda w: {"text": "已召开专题会研究，方案已上报", "version": w["instruction"].version},
        invalid=lambda w: {"text": "", "version": w["instruction"].version},
        state=STATUS,
    ),
    Endpoint(
        "instructions:instruction_close",
        kwargs=pk("instruction"),
        insider=LEADER,
        prepare=_answered,
        shows=f"{MARK}批示",
        valid=lambda w: {"text": "同意", "version": w["instruction"].version},
        invalid=lambda w: {"text": "同意", "version": w["instruction"].version - 1},  # a stale page
        state=STATUS,
    ),
    Endpoint(
        "instructions:instruction_return",
        kwargs=pk("instruction"),
        insider=LEADER,
        prepare=_answered,
        shows=f"{MARK}批示",
        valid=lambda w: {"text": "请补充经费安排", "due_date": "", "version": w["instruction"].version},
        invalid=lambda w: {"text": "", "due_date": "", "version": w["instruction"].version},
        state=STATUS,
    ),
]


def _met(world):
    """甲一县's 调度会, 8 days on: the world's task (its last report 8 days old) is listed yellow."""
    clock.travel(days=8)
    host = world["org"].user(HOST)
    meeting = dispatch.meeting_create(
        actor=host,
        org_unit=world["unit"],
        title=f"{MARK}调度会",
        held_on=clock.today(),
        host=host,
    )
    assert DispatchItem.objects.filter(meeting=meeting, task=world["task"]).exists()
    return {"meeting": meeting}


def _meeting_body(world, **over):
    return {
        "org_unit": world["unit"].pk,
        "title": "第49周重点任务调度会",
        "held_on": clock.today().isoformat(),
        "host": world["org"].user(HOST).pk,
        "category": "",
        "attendees": "各科室负责人",
        "notes": "",
        **over,
    }


def _followup_body(world, **over):
    return {
        "text": "本周内补报进展，说明滞后原因",
        "assignee_unit": world["unit"].pk,
        "assignee_person": "",
        "assignee_name": "孙局长",
        "due_date": (clock.today() + dt.timedelta(days=3)).isoformat(),
        **over,
    }


DISPATCH = [
    Endpoint(
        "instructions:meeting_list",
        scope=LISTING,
        insider=CLERK,
        prepare=_met,
        shows=f"{MARK}调度会",
    ),
    Endpoint(
        "instructions:meeting_create",
        scope=LISTING,
        insider=HOST,
        valid=_meeting_body,
        invalid=lambda w: _meeting_body(w, title=""),
        state=rows(DispatchMeeting),
    ),
    Endpoint(
        "instructions:meeting_detail",
        kwargs=pk("meeting"),
        insider=CLERK,
        prepare=_met,
        shows=f"{MARK}任务",
    ),
    Endpoint(
        "instructions:meeting_followup",
        kwargs=lambda w: {"pk": w["meeting"].pk, "task_pk": w["task"].pk},
        insider=HOST,
        prepare=_met,
        shows=f"{MARK}任务",
        valid=_followup_body,
        invalid=lambda w: _followup_body(w, text=""),
        state=rows(Instruction, meeting__isnull=False),
    ),
]
INSTRUCTIONS += DISPATCH
