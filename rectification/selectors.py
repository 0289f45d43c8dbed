"""Reads of problems: the ledger and the statistics that always reconcile (R-RCT-4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from rectification.choices import ProblemStatus
from rectification.models import Problem
from tasks.lights import deadline_light_expression

DONE = Q(status=ProblemStatus.CLOSED)
IN_PROGRESS = Q(status__in=[ProblemStatus.IN_PROGRESS, ProblemStatus.RECTIFIED])
NOT_STARTED = Q(status=ProblemStatus.PENDING)


def rate(part: int, whole: int) -> str:
    """Rates to one decimal place, rounded half up (R-DSH-3): 49 of 51 → 96.1%."""
    if not whole:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def problems_visible(user):
    return Problem.objects.visible_to(user, "rectification.view_problem")


def problem_ledger(user, today: dt.date):
    return (
        problems_visible(user)
        .select_related("org_unit", "found_by_unit", "category", "campaign")
        .annotate(light=deadline_light_expression(today, done=DONE, due_field="deadline"))
    )


@dataclass
class StatRow:
    key: object
    label: str
    total: int
    done: int
    in_progress: int
    not_started: int
    overdue: int
    regressions: int

    @property
    def rate(self) -> str:
        return rate(self.done, self.total)

    @property
    def reconciles(self) -> bool:
        return self.total == self.done + self.in_progress + self.not_started


GROUPS = {
    "unit": ("org_unit", "org_unit__name"),
    "source": ("source", None),
    "category": ("category", "category__name"),
}


def statistics(queryset, *, by: str, today: dt.date) -> tuple[list[StatRow], StatRow]:
    """应整改 = 已整改(销号) + 正在整改 + 未启动; 逾期 counts open items past their deadline.

    One GROUP BY query whatever the number of groups.
    """
    key, label_field = GROUPS[by]
    overdue = Q(deadline__lt=today) & ~DONE
    values = [key] + ([label_field] if label_field else [])
    rows = (
        queryset.order_by()
        .values(*values)
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=DONE),
            in_progress=Count("pk", filter=IN_PROGRESS),
            not_started=Count("pk", filter=NOT_STARTED),
            overdue=Count("pk", filter=overdue),
            regressions=Count("pk", filter=Q(regressions__gt=0)),
        )
        .order_by("-total", key)
    )
    out = []
    source_labels = dict(Problem._meta.get_field("source").choices)
    for r in rows:
        label = r[label_field] if label_field else source_labels.get(r[key], r[key])
        out.append(
            StatRow(
                r[key],
                label,
                r["total"],
                r["done"],
                r["in_progress"],
                r["not_started"],
                r["overdue"],
                r["regressions"],
            )
        )
    total = StatRow(
        None,
        "合计",
        *(
            sum(getattr(x, f) for x in out)
            for f in ("total", "done", "in_progress", "not_started", "overdue", "regressions")
        ),
    )
    return out, total
