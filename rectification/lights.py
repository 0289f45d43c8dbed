"""The problem light (整改问题的预警灯, R-RCT-2; docs/rules.md §1 "Problems"): once as a database
expression (`light_annotation`, the 问题台账's filters, counts and sort) and once in Python
(`light_of`, with the reason in words) — a property-based test proves they agree — and 逾期 (红:
`overdue_q`, its twin `is_overdue`, and `days_overdue`), which the red filter, 整改统计's 逾期 column,
the escalation ladder (R-WRN-2) and the 督办单 use.

A problem has a deadline and no progress reports, so it uses the deadline part of the task rule
(tasks.lights) — until the rectifying unit reports it rectified (提交验收): then its clock stops
on the report day.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, F, IntegerField, Q, Value, When

from rectification.choices import ProblemStatus
from tasks.choices import Light
from tasks.lights import LightResult, deadline_light_expression, for_deadline

DONE = Q(status=ProblemStatus.CLOSED)
# 已整改(待验收) with its report date: the rectifying unit's clock stopped on that day (docs/rules.md §1)
REPORTED = Q(status=ProblemStatus.RECTIFIED, rectified_on__isnull=False)
REPORTED_IN_TIME = REPORTED & Q(rectified_on__lte=F("deadline"))


def light_annotation(today: dt.date):
    """The problem light as a database expression: 已销号 → 已办结; reported (已整改待验收) by the
    deadline → 绿, after it → 黄 (the clock stopped on the report day); otherwise the deadline
    rule of tasks.lights (past due → 红, due within N days → 黄, else 绿). `light_of` is its twin."""
    return Case(
        When(REPORTED_IN_TIME, then=Value(Light.GREEN.value)),
        When(REPORTED, then=Value(Light.YELLOW.value)),
        default=deadline_light_expression(today, done=DONE, due_field="deadline"),
        output_field=IntegerField(),
    )


def light_of(problem, today: dt.date) -> LightResult:
    """The same rule in Python, with the reason in words (R-WRN-1)."""
    if problem.status == ProblemStatus.RECTIFIED and problem.rectified_on is not None:
        late = (problem.rectified_on - problem.deadline).days
        if late <= 0:
            return LightResult(Light.GREEN, "绿：按期报告整改完成，待验收")
        return LightResult(Light.YELLOW, f"黄：逾期{late}天报告整改完成，待验收")
    return for_deadline(done=problem.status == ProblemStatus.CLOSED, due=problem.deadline, today=today)


def overdue_q(today: dt.date) -> Q:
    """Overdue (红, and 逾期 in the statistics): open, past the deadline, not yet reported.
    `is_overdue` is its twin for one problem."""
    return Q(deadline__lt=today) & ~DONE & ~REPORTED


def is_overdue(problem, today: dt.date) -> bool:
    """overdue_q for one problem: its light (light_of) is 红."""
    return light_of(problem, today).light == Light.RED


def days_overdue(problem, today: dt.date) -> int:
    """How many days an overdue problem is past its deadline (0 when it is not overdue)."""
    return (today - problem.deadline).days if is_overdue(problem, today) else 0
