"""Declarations: 领导批示 (the ledger, its export, the 批示 form on a record, one 批示 and its
answer / 圈阅 / 退回). The world's 批示 is written by 甲市's leader on 甲一县's task, for 甲一县."""

import datetime as dt

from core import clock
from core.testing.views import LISTING, MARK, Endpoint, pk, rows, value
from instructions import services as isvc
from instructions.models import Instruction

LEADER = "city_a_leader"
CLERK = "county_a_clerk"


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
