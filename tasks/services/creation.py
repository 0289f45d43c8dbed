"""Tasks created, edited, reviewed (前置审议, R-DEC-4) and decomposed (分解, R-TSK-2)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import record
from core import clock, scoping
from core.models import next_in_sequence
from core.services import model_update, require
from org.models import Unit, User
from tasks import rules, workdays
from tasks.choices import (
    EventKind,
    TaskLevel,
    TaskStatus,
)
from tasks.models import (
    Directive,
    PartyReview,
    Task,
)
from tasks.services.assignment import task_assign
from tasks.services.common import TASK_FIELDS, _bump, _event, _field_names, task_chain
from tasks.services.rollup import task_rollup


def resolve_due_date(
    *, start_date: dt.date, due_date: dt.date | None, due_in_workdays: int | None
) -> dt.date:
    if due_in_workdays:
        return workdays.add_workdays(start_date, due_in_workdays)
    if due_date is None:
        raise ValidationError({"due_date": "请填写完成时限，或填写工作日数"})
    return due_date


@transaction.atomic
def task_create(
    *,
    actor: User,
    org_unit: Unit,
    title: str,
    category,
    lead_unit: Unit,
    start_date: dt.date,
    due_date: dt.date | None = None,
    due_in_workdays: int | None = None,
    level: str = TaskLevel.GENERAL,
    directive: Directive | None = None,
    description: str = "",
    goals: str = "",
    cadence: str = "weekly",
    parent: Task | None = None,
    weight: int = 1,
    co_units=(),
    responsible_persons=(),
    audit_changes: bool = True,
) -> Task:
    _check_create(actor, org_unit, lead_unit, parent, due_in_workdays)
    due = resolve_due_date(start_date=start_date, due_date=due_date, due_in_workdays=due_in_workdays)
    year = start_date.year
    task = Task(
        code=f"DB-{year}-{next_in_sequence('task', year):04d}",
        title=title,
        description=description,
        category=category,
        level=level,
        directive=directive,
        parent=parent,
        org_unit=org_unit,
        lead_unit=lead_unit,
        created_by=actor,
        start_date=start_date,
        due_date=due,
        due_in_workdays=due_in_workdays,
        goals=goals,
        cadence=cadence,
        weight=weight,
    )
    task.full_clean()
    task.save()
    if responsible_persons:
        task.responsible_persons.set(responsible_persons)
    if co_units:
        task.co_units.set(co_units)
    _event(task, EventKind.CREATED, actor)
    record(actor=actor, action="tasks.task.created", obj=task, changes=_created_changes(task, co_units))
    if parent is not None:
        task_rollup(task=parent)
    return task


def _check_create(actor: User, org_unit: Unit, lead_unit: Unit, parent: Task | None, due_in_workdays) -> None:
    """The creating unit in the actor's scope; the lead unit in it (a sub-task's: under its creating
    unit); a deadline in workdays between 1 and 366."""
    require(actor, "tasks.add_task", org_unit, "您无权在该单位创建任务")
    if parent is not None and not lead_unit.is_descendant_of(org_unit):
        raise ValidationError({"lead_unit": "分解任务只能落实到本单位或下级单位"})
    if parent is None and not scoping.unit_in_scope(actor, "tasks.add_task", lead_unit):
        raise ValidationError({"lead_unit": "牵头单位须在您的管辖范围内"})
    if due_in_workdays is not None and not 1 <= due_in_workdays <= 366:
        raise ValidationError({"due_in_workdays": "工作日数须在1到366之间"})


def _created_changes(task: Task, co_units) -> dict:
    """What the audit entry of a new task records."""
    return {
        "title": task.title,
        "level": task.level,
        "lead_unit": str(task.lead_unit),
        "due_date": task.due_date,
        "co_units": [str(u) for u in co_units],
        "parent": str(task.parent) if task.parent else None,
    }


@transaction.atomic
def task_update(*, actor: User, task: Task, data: dict, version: int | None = None) -> Task:
    """Edit a task; `version` is the one the form was rendered with (optimistic locking, R-NF-5).

    Once assigned, the lead unit cannot change (退回 first), and the level can never be moved
    across 重大 after assignment nor taken off a 重大 task: the 前置审议 gate has no way around."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    rules.check_change_task(actor, task)
    _bump(task, version)
    data = dict(data)
    assigned = (
        task.status not in rules.ASSIGNABLE_TASK
        or task.assignments.exclude(status=TaskStatus.RETURNED).exists()
    )
    if "level" in data and data["level"] != task.level:
        if task.level == TaskLevel.MAJOR:
            raise ValidationError({"level": "重大任务不能降低等级（前置审议不可绕过）"})
        if assigned:
            raise ValidationError({"level": "任务已交办，不能改为重大任务"})
    if task.parent_id and "level" in data and rules.major_origin(task_chain(task.parent)):
        if data["level"] != TaskLevel.MAJOR:
            raise ValidationError({"level": "分解自重大任务的子任务须保持重大等级"})
    lead_open = task.assignments.filter(unit=task.lead_unit).exclude(status=TaskStatus.RETURNED).exists()
    if "lead_unit" in data and data["lead_unit"] != task.lead_unit and lead_open:
        raise ValidationError({"lead_unit": "任务已交办，不能更换牵头单位（可由承办单位退回后再调整）"})
    if "lead_unit" in data and data["lead_unit"] != task.lead_unit:
        if task.parent_id is None and not scoping.unit_in_scope(actor, "tasks.add_task", data["lead_unit"]):
            raise ValidationError({"lead_unit": "牵头单位须在您的管辖范围内"})
        if task.parent_id and not data["lead_unit"].is_descendant_of(task.org_unit):
            raise ValidationError({"lead_unit": "分解任务只能落实到本单位或下级单位"})
    if "due_in_workdays" in data:
        if data["due_in_workdays"] is not None and not 1 <= data["due_in_workdays"] <= 366:
            raise ValidationError({"due_in_workdays": "工作日数须在1到366之间"})
        data["due_date"] = resolve_due_date(
            start_date=data.get("start_date", task.start_date),
            due_date=data.get("due_date"),
            due_in_workdays=data["due_in_workdays"],
        )
    task, changes = model_update(
        instance=task,
        fields=TASK_FIELDS + ["due_in_workdays", "co_units", "responsible_persons"],
        data=data,
    )
    if changes:
        _event(task, EventKind.UPDATED, actor, "修改：" + "、".join(_field_names(changes)))
        record(actor=actor, action="tasks.task.updated", obj=task, changes=changes)
    return task


@transaction.atomic
def task_review_record(
    *,
    actor: User,
    task: Task,
    meeting_kind: str,
    meeting_date: dt.date,
    conclusion: str,
    meeting_title: str = "",
    notes: str = "",
) -> PartyReview:
    """Record the 党组会 前置政治审议 of a 重大 task (R-DEC-4), before it is assigned."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    rules.check_review(actor, task, task_chain(task))
    if meeting_date > clock.today():
        raise ValidationError({"meeting_date": "审议日期不能晚于今天"})
    review, _ = PartyReview.objects.update_or_create(
        task=task,
        defaults={
            "meeting_kind": meeting_kind,
            "meeting_date": meeting_date,
            "conclusion": conclusion,
            "meeting_title": meeting_title,
            "notes": notes,
            "recorded_by": actor,
        },
    )
    review.full_clean()
    _event(
        task,
        EventKind.REVIEWED,
        actor,
        f"{review.get_meeting_kind_display()} {meeting_date:%Y-%m-%d}：{review.get_conclusion_display()}",
    )
    record(
        actor=actor,
        action="tasks.task.reviewed",
        obj=task,
        changes={
            "meeting_kind": meeting_kind,
            "meeting_date": meeting_date,
            "conclusion": conclusion,
        },
    )
    return review


def review_gate_open(task: Task) -> bool:
    """R-DEC-4, see tasks.rules.gate_refusal: no override exists."""
    return not gate_refusal(task)


def gate_refusal(task: Task) -> str:
    chain = task_chain(task)
    reviews = {r.task_id: r for r in PartyReview.objects.filter(task__in=chain)}
    return rules.gate_refusal(chain, reviews)


@transaction.atomic
def task_decompose(
    *, actor: User, parent: Task, org_unit: Unit, items: list[dict], assign: bool = True
) -> list[Task]:
    """分解 (R-TSK-2): break a task into sub-tasks, each led by a unit in the decomposer's subtree.

    The decomposing unit is the parent's creator or a unit the parent was assigned to (五级贯通).
    """
    parent = Task.objects.select_for_update().get(pk=parent.pk)
    rules.check_decompose(actor, parent, org_unit, list(parent.assignments.all()))
    if not items:
        raise ValidationError("请至少填写一项子任务")
    children = []
    for item in items:
        due = item.get("due_date") or parent.due_date
        if due > parent.due_date:
            raise ValidationError({"due_date": f"子任务“{item['title']}”的时限不能晚于上级任务时限"})
        child = task_create(
            actor=actor,
            org_unit=org_unit,
            parent=parent,
            title=item["title"],
            category=parent.category,
            level=parent.level,
            directive=parent.directive,
            lead_unit=item["lead_unit"],
            start_date=item.get("start_date") or max(parent.start_date, clock.today()),
            due_date=due,
            cadence=item.get("cadence") or parent.cadence,
            weight=item.get("weight") or 1,
            goals=item.get("goals", ""),
            description=item.get("description", ""),
        )
        if parent.emergency_from:  # a sub-task decomposed during an 应急 period reports daily too
            child.emergency_from, child.emergency_until = parent.emergency_from, parent.emergency_until
            child.emergency_reason = parent.emergency_reason
            child.save(update_fields=["emergency_from", "emergency_until", "emergency_reason"])
        children.append(child)
        if assign:
            task_assign(actor=actor, task=child)
    _event(
        parent,
        EventKind.DECOMPOSED,
        actor,
        "分解为：" + "、".join(f"{c.code}（{c.lead_unit.display_name}）" for c in children),
    )
    record(
        actor=actor,
        action="tasks.task.decomposed",
        obj=parent,
        changes={"children": [c.code for c in children]},
    )
    return children
