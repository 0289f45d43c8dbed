"""Helpers every task write shares: the timeline event, optimistic locking, the task chain."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F

from core import clock
from tasks.models import (
    Task,
    TaskEvent,
)

TASK_FIELDS = [
    "title",
    "description",
    "category",
    "level",
    "directive",
    "lead_unit",
    "start_date",
    "due_date",
    "goals",
    "cadence",
    "weight",
]


def _event(task, kind, actor, note="", assignment=None):
    TaskEvent.objects.create(
        task=task, assignment=assignment, kind=kind, actor=actor, at=clock.now(), note=note
    )


def _bump(obj, expected_version: int | None):
    """Optimistic locking (R-NF-5): a stale form is refused, never silently overwrites."""
    if expected_version is not None and obj.version != expected_version:
        raise ValidationError("该记录已被他人修改，请刷新页面后重试")
    updated = type(obj).objects.filter(pk=obj.pk, version=obj.version).update(version=F("version") + 1)
    if not updated:
        raise ValidationError("该记录已被他人修改，请刷新页面后重试")
    obj.version += 1


def _field_names(changes: dict) -> list[str]:
    return [str(Task._meta.get_field(name).verbose_name) for name in changes]


def task_chain(task: Task) -> list[Task]:
    """The task and its ancestors, nearest first."""
    chain, node = [], task
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain
