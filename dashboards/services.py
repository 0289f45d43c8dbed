"""Writes of dashboards: the daily snapshot behind the cockpit's trend."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count

from core import clock
from dashboards.models import DailySnapshot
from rectification.lights import DONE as PROBLEM_DONE
from rectification.lights import overdue_q
from rectification.models import Problem
from tasks import lights
from tasks.choices import Light, TaskStatus
from tasks.filters import REPORT_LATE, REPORT_MISSING, report_q
from tasks.models import Task

LIGHT_FIELDS = {Light.RED: "red", Light.YELLOW: "yellow", Light.GREEN: "green", Light.DONE: "done"}


def _task_counts(day: dt.date) -> dict[int, dict]:
    rows = (
        Task.objects.exclude(status=TaskStatus.DRAFT)
        .annotate(light=lights.light_expression(day))
        .order_by()
        .values("lead_unit_id", "light", "status")
        .annotate(
            n=Count("pk"),
            late=Count("pk", filter=report_q(REPORT_LATE, day)),
            missing=Count("pk", filter=report_q(REPORT_MISSING, day)),
        )
    )
    out: dict[int, dict] = {}
    for r in rows:
        c = out.setdefault(r["lead_unit_id"], {"by_status": {}})
        c["tasks"] = c.get("tasks", 0) + r["n"]
        field = LIGHT_FIELDS[Light(r["light"])]
        c[field] = c.get(field, 0) + r["n"]
        c["by_status"][r["status"]] = c["by_status"].get(r["status"], 0) + r["n"]
        c["report_late"] = c.get("report_late", 0) + r["late"]
        c["report_missing"] = c.get("report_missing", 0) + r["missing"]
    return out


def _problem_counts(day: dt.date) -> dict[int, dict]:
    rows = (
        Problem.objects.order_by()
        .values("org_unit_id")
        .annotate(
            problems=Count("pk"),
            problems_closed=Count("pk", filter=PROBLEM_DONE),
            problems_overdue=Count("pk", filter=overdue_q(day)),
        )
    )
    return {r.pop("org_unit_id"): r for r in rows}


def take_snapshot(day: dt.date | None = None) -> int:
    """Count every unit's tasks (by lead unit, drafts left out) by light on `day` (the database light
    expression of tasks.lights), by status, 迟报/缺报, and its problems (应整改/已整改/逾期); write one
    row per unit with anything to count, replacing that day's rows (re-running the same day keeps
    exactly one row per unit). Returns the number of rows. Meant to run on `day` (statuses are the
    current ones): the queue's daily job, and the demo with its clock on that day."""
    day = day or clock.today()
    tasks, problems = _task_counts(day), _problem_counts(day)
    now = clock.now()
    rows = [
        DailySnapshot(
            unit_id=unit_id, day=day, taken_at=now, **tasks.get(unit_id, {}), **problems.get(unit_id, {})
        )
        for unit_id in sorted(set(tasks) | set(problems))
    ]
    with transaction.atomic():
        DailySnapshot.objects.filter(day=day).delete()
        DailySnapshot.objects.bulk_create(rows)
    return len(rows)
