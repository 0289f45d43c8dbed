"""应急 special periods (R-RPT-1): a task and its sub-tasks reported daily for a while."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import record
from core import clock
from notifications.models import Message
from notifications.services import notify
from org.models import User
from org.selectors import users_with_perm_at
from tasks import rules
from tasks.choices import (
    EventKind,
    TaskStatus,
)
from tasks.models import (
    Assignment,
    Task,
)
from tasks.services.common import _event

EMERGENCY_MAX_DAYS = 366


def _task_subtree(task: Task) -> list[Task]:
    """The task and every sub-task below it (one query per level; the tree is at most five deep)."""
    found, level = [task], [task.pk]
    while level:
        children = list(Task.objects.select_for_update().filter(parent_id__in=level))
        found.extend(children)
        level = [c.pk for c in children]
    return found


def _apply_emergency(actor: User, task: Task, start, end, reason: str, note: str) -> None:
    """Write one 应急 window (or none) on a task, its sub-tasks and all their assignments; one
    timeline event and one audit entry per task, and the receiving units are told."""
    for node in _task_subtree(task):
        before = (node.emergency_from, node.emergency_until, node.emergency_reason)
        node.emergency_from, node.emergency_until, node.emergency_reason = start, end, reason
        if before == (start, end, reason):
            continue
        node.save(update_fields=["emergency_from", "emergency_until", "emergency_reason"])
        open_assignments = list(node.assignments.exclude(status=TaskStatus.COMPLETED).select_related("unit"))
        Assignment.objects.filter(pk__in=[a.pk for a in open_assignments]).update(
            emergency_from=start, emergency_until=end
        )
        _event(node, EventKind.EMERGENCY, actor, note)
        record(
            actor=actor,
            action="tasks.task.updated",
            obj=node,
            changes={
                "emergency_from": {"before": before[0], "after": start},
                "emergency_until": {"before": before[1], "after": end},
                "emergency_reason": {"before": before[2], "after": reason},
            },
        )
        for a in open_assignments:
            notify(
                recipients=users_with_perm_at(a.unit, "reporting.add_progressreport"),
                kind=Message.Kind.REPORT,
                title=f"应急日报：{node.title}",
                body=note,
                link=node.get_absolute_url(),
            )


@transaction.atomic
def task_set_emergency(*, actor: User, task: Task, start: dt.date, end: dt.date, reason: str) -> Task:
    """应急 (R-RPT-1): from `start` to `end` the task and everything decomposed from it is reported
    daily. The window may begin today or later; it replaces an earlier window. A running window
    keeps its start and may be lengthened or shortened (not to before today)."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    rules.check_change_task(actor, task)
    reason = (reason or "").strip()
    errors = {}
    today = clock.today()
    if not reason:
        errors["reason"] = "请填写应急事由"
    running = task.emergency_from == start and task.emergency_until >= today  # adjusting its end
    if start < today and not running:
        errors["start"] = f"起始日期不能早于今天（{today:%Y-%m-%d}）：过去的日子无法补设日报"
    elif start > task.due_date:
        errors["start"] = f"起始日期不能晚于任务完成时限（{task.due_date:%Y-%m-%d}）"
    if end < start:
        errors["end"] = "结束日期不能早于起始日期"
    elif end < today:
        errors["end"] = "结束日期不能早于今天（提前结束请用“结束应急日报”）"
    elif (end - start).days + 1 > EMERGENCY_MAX_DAYS:
        errors["end"] = f"应急日报期限最长{EMERGENCY_MAX_DAYS}天"
    if errors:
        raise ValidationError(errors)
    note = f"应急日报：{start:%Y-%m-%d}至{end:%Y-%m-%d}每日报告进展（{reason}）"
    _apply_emergency(actor, task, start, end, reason, note)
    return task


@transaction.atomic
def task_end_emergency(*, actor: User, task: Task) -> Task:
    """End the 应急 period early: from today the task's own cadence applies again (days already
    passed stay daily). A period that has not begun is withdrawn."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    today = clock.today()
    rules.check_end_emergency(actor, task, today)
    yesterday = today - dt.timedelta(days=1)
    if task.emergency_from <= yesterday:
        start, end, reason = task.emergency_from, yesterday, task.emergency_reason
        note = (
            f"应急日报提前结束：{task.emergency_from:%Y-%m-%d}至{yesterday:%Y-%m-%d}，今日起恢复常规报告频次"
        )
    else:
        start, end, reason = None, None, ""
        note = f"撤销应急日报安排（原定{task.emergency_from:%Y-%m-%d}起）"
    _apply_emergency(actor, task, start, end, reason, note)
    return task
