"""The 批示 light — the task rule's deadline part (tasks.lights), like a problem's
(rectification.lights): once as a database expression (`light_annotation`: the ledger's filter,
counts and sort) and once in Python (`light_of`, with the reason in words); a property test
(instructions/tests/test_lights.py) proves they agree.

- 已圈阅 → 已办结 (no light);
- 已报落实 (waiting for 圈阅): the unit's clock stopped on the day it answered — by the due date
  → 绿, after it → 黄 (answered late);
- 待落实: past the due date → 红 "逾期N天"; due within N days (DUBAN_LIGHT_DUE_SOON_DAYS) → 黄;
  otherwise 绿.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, F, IntegerField, Q, Value, When

from instructions.models import InstructionStatus
from tasks.choices import Light
from tasks.lights import LightResult, deadline_light_expression, for_deadline

S = InstructionStatus
DONE = Q(status=S.CLOSED)
ANSWERED = Q(status=S.ANSWERED)
ANSWERED_IN_TIME = ANSWERED & Q(answered_on__lte=F("due_date"))


def light_annotation(today: dt.date) -> Case:
    return Case(
        When(ANSWERED_IN_TIME, then=Value(Light.GREEN.value)),
        When(ANSWERED, then=Value(Light.YELLOW.value)),
        default=deadline_light_expression(today, done=DONE, due_field="due_date"),
        output_field=IntegerField(),
    )


def overdue_q(today: dt.date) -> Q:
    """红: waiting for its 落实 and past the due date (a plain range condition)."""
    return Q(status=S.PENDING, due_date__lt=today)


def light_of(instruction, today: dt.date) -> LightResult:
    """The same rule in Python, with the reason in words."""
    if instruction.status == S.ANSWERED:
        late = (instruction.answered_on - instruction.due_date).days
        if late <= 0:
            return LightResult(Light.GREEN, "绿：按期报送落实情况，待圈阅")
        return LightResult(Light.YELLOW, f"黄：逾期{late}天报送落实情况，待圈阅")
    return for_deadline(
        done=instruction.status == S.CLOSED, due=instruction.due_date, today=today, done_text="已圈阅"
    )
