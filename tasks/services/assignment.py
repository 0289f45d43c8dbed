"""交办, 签收 and 退回 (R-TSK-5): a task sent to its units and received or sent back."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import record
from core import clock, scoping
from core.services import model_update
from notifications.models import Message
from notifications.services import notify
from org.models import Unit, User
from org.selectors import users_with_perm_at
from tasks import rules
from tasks.choices import (
    AssignmentRole,
    EventKind,
    TaskStatus,
)
from tasks.models import (
    Assignment,
    PartyReview,
    Task,
)
from tasks.services.common import _event, _field_names, task_chain
from tasks.services.rollup import task_rollup
from tasks.transitions import ASSIGNMENT


def pending_assignment_units(task: Task, assignments) -> list[Unit]:
    """Lead and co-operating units that have no open assignment yet (never sent, or 退回)."""
    open_units = {a.unit_id for a in assignments if a.status != TaskStatus.RETURNED}
    targets = [task.lead_unit] + [u for u in task.co_units.all() if u.pk != task.lead_unit_id]
    return [u for u in targets if u.pk not in open_units]


@transaction.atomic
def task_assign(*, actor: User, task: Task, lead_unit: Unit | None = None, units=()) -> list[Assignment]:
    """交办: send the task to its lead unit and co-operating units that do not hold it yet
    (first assignment, a unit added later, or one that sent it back). `lead_unit` and `units`
    (the 交办 form) first set the lead unit and add co-operating units: any unit in the actor's
    scope at any level (越级交办) — for a sub-task, units under its creating unit."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    chain = task_chain(task)
    reviews = {r.task_id: r for r in PartyReview.objects.filter(task__in=chain)}
    if lead_unit is not None or units:
        rules.check_assign_units(actor, task, chain, reviews)
        _set_assign_targets(actor, task, lead_unit, list(units))
    pending = pending_assignment_units(task, list(task.assignments.all()))
    rules.check_assign(actor, task, chain, reviews, pending)
    now = clock.now()
    created = [_assign_unit(actor, task, unit, now) for unit in pending]
    task_rollup(task=task)
    return created


def _assign_unit(actor: User, task: Task, unit: Unit, now) -> Assignment:
    """One unit's assignment (new, or a returned one sent again; 牵头 for the task's lead unit,
    else 配合), its event, audit entry and the receiving unit's inbox message."""
    role = AssignmentRole.LEAD if unit.pk == task.lead_unit_id else AssignmentRole.COOPERATE
    assignment, _ = Assignment.objects.update_or_create(
        task=task,
        unit=unit,
        defaults={
            "org_unit": task.org_unit,
            "role": role,
            "status": TaskStatus.ASSIGNED,
            "cadence": task.cadence,
            "emergency_from": task.emergency_from,
            "emergency_until": task.emergency_until,
            "start_date": task.start_date,
            "due_date": task.due_date,
            "assigned_by": actor,
            "assigned_at": now,
            "return_reason": "",
            "signed_at": None,
            "signed_by": None,
        },
    )
    _event(
        task,
        EventKind.ASSIGNED,
        actor,
        f"交办{unit.display_name}（{assignment.get_role_display()}）",
        assignment,
    )
    record(
        actor=actor,
        action="tasks.assignment.assigned",
        obj=assignment,
        unit=task.org_unit,
        changes={"unit": str(unit), "role": role, "due_date": task.due_date},
    )
    notify(
        recipients=users_with_perm_at(unit, "tasks.sign_assignment"),
        kind=Message.Kind.ASSIGNED,
        title=f"新交办任务待签收：{task.title}",
        body=f"{task.org_unit.display_name}交办，完成时限{task.due_date:%Y-%m-%d}",
        link=task.get_absolute_url(),
    )
    return assignment


def _set_assign_targets(actor: User, task: Task, lead_unit: Unit | None, units: list[Unit]) -> None:
    """The 交办 form's choice written on the task (lead unit, added co-operating units)."""
    if task.parent_id:
        outside = [u for u in [lead_unit, *units] if u is not None and not u.is_descendant_of(task.org_unit)]
        where = f"{task.org_unit.display_name}及其下级单位"
    else:
        outside = [
            u
            for u in [lead_unit, *units]
            if u is not None and not scoping.unit_in_scope(actor, "tasks.assign_task", u)
        ]
        where = "您的管辖范围内的单位"
    if outside:
        raise ValidationError({"units": f"只能交办到{where}：" + "、".join(u.display_name for u in outside)})
    data = {}
    if lead_unit is not None and lead_unit.pk != task.lead_unit_id:
        lead_open = task.assignments.filter(unit=task.lead_unit).exclude(status=TaskStatus.RETURNED)
        if lead_open.exists():
            raise ValidationError({"lead_unit": "任务已交办给牵头单位，不能更换（可由承办单位退回后再调整）"})
        data["lead_unit"] = lead_unit
    lead_pk = (lead_unit or task.lead_unit).pk
    co = [u for u in task.co_units.all() if u.pk != lead_pk]
    co += [u for u in units if u.pk != lead_pk and u not in co]
    if co != list(task.co_units.all()):
        data["co_units"] = co
    task, changes = model_update(instance=task, fields=["lead_unit", "co_units"], data=data)
    if changes:
        _event(task, EventKind.UPDATED, actor, "交办单位调整：" + "、".join(_field_names(changes)))
        record(actor=actor, action="tasks.task.updated", obj=task, changes=changes)


@transaction.atomic
def assignment_sign(*, actor: User, assignment: Assignment) -> Assignment:
    assignment = Assignment.objects.select_for_update().select_related("unit").get(pk=assignment.pk)
    rules.check_sign(actor, assignment)
    assignment.status = ASSIGNMENT.target("sign")
    assignment.signed_at = clock.now()
    assignment.signed_by = actor
    assignment.save(update_fields=["status", "signed_at", "signed_by", "updated_at"])
    hours = (assignment.signed_at - assignment.assigned_at).total_seconds() / 3600
    _event(
        assignment.task,
        EventKind.SIGNED,
        actor,
        f"{assignment.unit.display_name}签收（交办后{hours:.1f}小时）",
        assignment,
    )
    record(
        actor=actor,
        action="tasks.assignment.signed",
        obj=assignment,
        unit=assignment.unit,
        changes={"signed_at": assignment.signed_at},
    )
    task_rollup(task=assignment.task)
    return assignment


@transaction.atomic
def assignment_return(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    """退回: the receiving unit sends a task back to the assigner with a reason (e.g. wrong unit)."""
    assignment = Assignment.objects.select_for_update().select_related("unit").get(pk=assignment.pk)
    rules.check_return(actor, assignment)
    if not reason.strip():
        raise ValidationError({"reason": "请填写退回理由"})
    assignment.status = ASSIGNMENT.target("return")
    assignment.return_reason = reason
    assignment.save(update_fields=["status", "return_reason", "updated_at"])
    task = assignment.task
    if assignment.unit_id == task.lead_unit_id:
        Task.objects.filter(pk=task.pk).update(status=TaskStatus.RETURNED)
    _event(task, EventKind.RETURNED, actor, f"{assignment.unit.display_name}退回：{reason}", assignment)
    record(
        actor=actor,
        action="tasks.assignment.returned",
        obj=assignment,
        unit=assignment.unit,
        changes={"reason": reason},
    )
    notify(
        recipients=users_with_perm_at(assignment.org_unit, "tasks.assign_task"),
        kind=Message.Kind.RETURNED,
        title=f"任务被退回：{task.title}",
        body=reason,
        link=task.get_absolute_url(),
    )
    return assignment
