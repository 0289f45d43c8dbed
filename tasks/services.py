"""Writes of the task ledger loop (R-TSK-1..7, R-DEC-4): 交办 → 签收 → 报告 → 办结.

Every function is keyword-only, atomic, checks permission through the one scope function,
records a timeline event and an audit entry in the same transaction, and notifies after.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from audit.services import record
from core import clock, scoping
from core.models import next_in_sequence
from core.services import model_update, require
from core.validators import sane_date
from files.models import EVIDENCE
from files.services import attachment_store
from notifications.models import Message
from notifications.services import notify
from org.models import Unit, User
from org.selectors import users_with_perm_at
from tasks import rules, workdays
from tasks.choices import (
    AssignmentRole,
    EventKind,
    ExtensionStatus,
    TaskLevel,
    TaskStatus,
)
from tasks.models import (
    Assignment,
    Directive,
    ExtensionRequest,
    Indicator,
    Milestone,
    PartyReview,
    SavedFilter,
    Task,
    TaskEvent,
    TaskForceMember,
    WorkdayOverride,
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


# --- directives ----------------------------------------------------------------------------------


@transaction.atomic
def directive_create(*, actor: User, org_unit: Unit, **data) -> Directive:
    require(actor, "tasks.add_directive", org_unit, "您无权在该单位登记上级部署")
    directive = Directive(org_unit=org_unit, **data)
    directive.full_clean()
    directive.save()
    record(actor=actor, action="tasks.directive.created", obj=directive, changes=data)
    return directive


# --- tasks ---------------------------------------------------------------------------------------


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
    require(actor, "tasks.add_task", org_unit, "您无权在该单位创建任务")
    if parent is not None and not lead_unit.is_descendant_of(org_unit):
        raise ValidationError({"lead_unit": "分解任务只能落实到本单位或下级单位"})
    if parent is None and not scoping.unit_in_scope(actor, "tasks.add_task", lead_unit):
        raise ValidationError({"lead_unit": "牵头单位须在您的管辖范围内"})
    if due_in_workdays is not None and not 1 <= due_in_workdays <= 366:
        raise ValidationError({"due_in_workdays": "工作日数须在1到366之间"})
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
    record(
        actor=actor,
        action="tasks.task.created",
        obj=task,
        changes={
            "title": title,
            "level": level,
            "lead_unit": str(lead_unit),
            "due_date": due,
            "co_units": [str(u) for u in co_units],
            "parent": str(parent) if parent else None,
        },
    )
    if parent is not None:
        task_rollup(task=parent)
    return task


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


def _field_names(changes: dict) -> list[str]:
    return [str(Task._meta.get_field(name).verbose_name) for name in changes]


def task_chain(task: Task) -> list[Task]:
    """The task and its ancestors, nearest first."""
    chain, node = [], task
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain


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
    created = []
    targets = [
        (u, AssignmentRole.LEAD if u.pk == task.lead_unit_id else AssignmentRole.COOPERATE) for u in pending
    ]
    for unit, role in targets:
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
        created.append(assignment)
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
    task_rollup(task=task)
    return created


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


# --- 应急 special periods (R-RPT-1) ---------------------------------------------------------------

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


def task_rollup(*, task: Task) -> None:
    """Roll progress, status and last report up the tree (R-TSK-2). The rule, documented in
    docs/rules.md: a task without sub-tasks takes its lead assignment's progress and status;
    a task with sub-tasks takes the weighted mean of its sub-tasks' progress (weight field,
    rounded half up) and is 已办结 only when its own lead assignment is verified, or — when it
    has no assignment of its own — when every sub-task is 已办结."""
    node = task
    while node is not None:
        lead = node.assignments.filter(role=AssignmentRole.LEAD, unit_id=node.lead_unit_id).first()
        children = list(node.children.all())
        if children:
            total_w = sum(c.weight for c in children) or 1
            progress = (sum(c.progress * c.weight for c in children) * 2 + total_w) // (2 * total_w)
            reports = [c.last_report_on for c in children if c.last_report_on]
            if lead:
                status = lead.status
            elif all(c.status == TaskStatus.COMPLETED for c in children):
                status = TaskStatus.COMPLETED
            elif any(c.status not in (TaskStatus.DRAFT, TaskStatus.ASSIGNED) for c in children):
                status = TaskStatus.IN_PROGRESS
            elif any(c.status == TaskStatus.ASSIGNED for c in children):
                status = TaskStatus.ASSIGNED
            else:
                status = node.status
            if lead and lead.last_report_on:
                reports.append(lead.last_report_on)
            last = max(reports) if reports else None
            if lead and lead.status == TaskStatus.COMPLETED:
                progress = 100
        elif lead:
            progress, status, last = lead.progress, lead.status, lead.last_report_on
        else:
            progress, status, last = node.progress, node.status, node.last_report_on
        completed_on = (
            clock.today() if status == TaskStatus.COMPLETED and not node.completed_on else node.completed_on
        )
        if status != TaskStatus.COMPLETED:
            completed_on = None
        Task.objects.filter(pk=node.pk).update(
            progress=progress, status=status, last_report_on=last, completed_on=completed_on
        )
        node.progress, node.status, node.last_report_on, node.completed_on = (
            progress,
            status,
            last,
            completed_on,
        )
        node = node.parent


# --- assignment lifecycle (R-TSK-5, R-TSK-6) -----------------------------------------------------


@transaction.atomic
def assignment_sign(*, actor: User, assignment: Assignment) -> Assignment:
    assignment = Assignment.objects.select_for_update().select_related("unit").get(pk=assignment.pk)
    rules.check_sign(actor, assignment)
    assignment.status = TaskStatus.SIGNED
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
    assignment.status = TaskStatus.RETURNED
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


@transaction.atomic
def assignment_request_completion(*, actor: User, assignment: Assignment, note: str, reuse=()) -> Assignment:
    """申请办结: only with evidence attached (R-TSK-6). `reuse`: files the unit already gave for this
    assignment (its reports' attachments) picked as 佐证, instead of uploading them again."""
    assignment = Assignment.objects.select_for_update().select_related("unit").get(pk=assignment.pk)
    rules.check_request_completion(actor, assignment, True)  # who and when; evidence below
    picked = _pick_evidence(assignment, reuse)
    has_evidence = bool(picked) or assignment.attachments.filter(EVIDENCE).exists()
    rules.check_request_completion(actor, assignment, has_evidence)
    if not note.strip():
        raise ValidationError({"note": "请填写办结说明"})
    if picked:
        assignment.attachments.filter(pk__in=[a.pk for a in picked]).update(used_as_evidence=True)
    assignment.status = TaskStatus.COMPLETION_REQUESTED
    assignment.completion_requested_at = clock.now()
    assignment.completion_note = note
    assignment.save(update_fields=["status", "completion_requested_at", "completion_note", "updated_at"])
    task = assignment.task
    event_note = f"{note}（进度{assignment.progress}%）"
    if picked:
        event_note += "；沿用已报送材料作佐证：" + "、".join(a.original_name for a in picked)
    _event(task, EventKind.COMPLETION_REQUESTED, actor, event_note, assignment)
    record(
        actor=actor,
        action="tasks.assignment.completion_requested",
        obj=assignment,
        unit=assignment.unit,
        changes={
            "note": note,
            "progress": assignment.progress,
            "evidence": [a.original_name for a in picked],
        },
    )
    notify(
        recipients=users_with_perm_at(assignment.org_unit, "tasks.verify_assignment"),
        kind=Message.Kind.COMPLETION,
        title=f"待审核办结：{task.title}",
        body=f"{assignment.unit.display_name}申请办结",
        link=task.get_absolute_url(),
    )
    task_rollup(task=task)
    return assignment


def _pick_evidence(assignment: Assignment, reuse) -> list:
    """The picked files, each one this assignment's own (else a Chinese error, nothing changed)."""
    ids = {getattr(r, "pk", r) for r in reuse or ()}
    if not ids:
        return []
    picked = list(assignment.attachments.filter(pk__in=ids).order_by("id"))
    if len(picked) != len(ids):
        raise ValidationError({"reuse": "所选文件不是本单位为该任务报送的材料，请重新选择"})
    return picked


@transaction.atomic
def assignment_verify(*, actor: User, assignment: Assignment, approve: bool, note: str = "") -> Assignment:
    """审核销号: verified by the assigning side, never by the unit that did the work (R-TSK-6)."""
    assignment = (
        Assignment.objects.select_for_update().select_related("unit", "org_unit").get(pk=assignment.pk)
    )
    rules.check_verify(actor, assignment)
    task = assignment.task
    if approve:
        assignment.status = TaskStatus.COMPLETED
        assignment.completed_at = clock.now()
        assignment.verified_by = actor
        assignment.progress = 100
        assignment.save(update_fields=["status", "completed_at", "verified_by", "progress", "updated_at"])
        _event(task, EventKind.COMPLETED, actor, note or "审核通过，办结", assignment)
        record(actor=actor, action="tasks.assignment.completed", obj=assignment, changes={"note": note})
    else:
        if not note.strip():
            raise ValidationError({"note": "退回须填写理由"})
        assignment.status = TaskStatus.IN_PROGRESS
        assignment.return_reason = note
        assignment.save(update_fields=["status", "return_reason", "updated_at"])
        _event(task, EventKind.COMPLETION_REJECTED, actor, note, assignment)
        record(
            actor=actor, action="tasks.assignment.completion_rejected", obj=assignment, changes={"note": note}
        )
    notify(
        recipients=users_with_perm_at(assignment.unit, "tasks.request_completion"),
        kind=Message.Kind.COMPLETION,
        title=f"{'办结已审核通过' if approve else '办结申请被退回'}：{task.title}",
        body=note,
        link=task.get_absolute_url(),
    )
    task_rollup(task=task)
    return assignment


@transaction.atomic
def extension_request(
    *, actor: User, assignment: Assignment, reason: str, new_due_date: dt.date
) -> ExtensionRequest:
    assignment = Assignment.objects.select_for_update().select_related("unit").get(pk=assignment.pk)
    rules.check_request_extension(
        actor, assignment, assignment.extensions.filter(status=ExtensionStatus.PENDING).exists()
    )
    if not reason.strip():
        raise ValidationError({"reason": "请填写延期理由"})
    if new_due_date <= assignment.due_date:
        raise ValidationError({"new_due_date": "申请延至的日期须晚于现时限"})
    try:
        sane_date(new_due_date)
    except ValidationError as exc:
        raise ValidationError({"new_due_date": exc.messages}) from exc
    ext = ExtensionRequest.objects.create(
        assignment=assignment,
        reason=reason,
        old_due_date=assignment.due_date,
        new_due_date=new_due_date,
        requested_by=actor,
        requested_at=clock.now(),
    )
    _event(
        assignment.task,
        EventKind.EXTENSION_REQUESTED,
        actor,
        f"申请延至{new_due_date:%Y-%m-%d}：{reason}",
        assignment,
    )
    record(
        actor=actor,
        action="tasks.assignment.extension_requested",
        obj=assignment,
        unit=assignment.unit,
        changes={"new_due_date": new_due_date, "reason": reason},
    )
    notify(
        recipients=users_with_perm_at(assignment.org_unit, "tasks.decide_extension"),
        kind=Message.Kind.EXTENSION,
        title=f"延期申请待审批：{assignment.task.title}",
        body=f"{assignment.unit.display_name}申请延至{new_due_date:%Y-%m-%d}",
        link=assignment.task.get_absolute_url(),
    )
    return ext


@transaction.atomic
def extension_decide(
    *, actor: User, extension: ExtensionRequest, approve: bool, note: str = ""
) -> ExtensionRequest:
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    assignment = Assignment.objects.select_related("unit", "org_unit", "task").get(pk=extension.assignment_id)
    rules.check_decide_extension(actor, extension, assignment)
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, clock.now(), note
    extension.save()
    if approve:
        Assignment.objects.filter(pk=assignment.pk).update(due_date=extension.new_due_date)
        task = assignment.task
        if assignment.unit_id == task.lead_unit_id and task.due_date < extension.new_due_date:
            Task.objects.filter(pk=task.pk).update(due_date=extension.new_due_date)
    verdict = "同意" if approve else "不同意"
    _event(
        assignment.task,
        EventKind.EXTENSION_DECIDED,
        actor,
        f"{verdict}延期至{extension.new_due_date:%Y-%m-%d}{('：' + note) if note else ''}",
        assignment,
    )
    record(
        actor=actor,
        action="tasks.assignment.extension_decided",
        obj=assignment,
        changes={"approve": approve, "new_due_date": extension.new_due_date, "note": note},
    )
    notify(
        recipients=users_with_perm_at(assignment.unit, "tasks.request_extension"),
        kind=Message.Kind.EXTENSION,
        title=f"延期申请{verdict}：{assignment.task.title}",
        body=note,
        link=assignment.task.get_absolute_url(),
    )
    return extension


# --- milestones, indicators, task force -----------------------------------------------------------


@transaction.atomic
def milestone_create(*, actor: User, task: Task, title: str, due_date: dt.date) -> Milestone:
    rules.check_change_task(actor, task)
    if not title.strip():
        raise ValidationError({"title": "请填写节点名称"})
    if due_date > task.due_date:
        raise ValidationError({"due_date": f"节点时限不能晚于任务时限（{task.due_date:%Y-%m-%d}）"})
    ms = Milestone(task=task, title=title, due_date=due_date)
    ms.full_clean()
    ms.save()
    _event(task, EventKind.MILESTONE, actor, f"新增时间节点“{title}”，时限{due_date:%Y-%m-%d}")
    record(
        actor=actor,
        action="tasks.milestone.created",
        obj=ms,
        unit=task.org_unit,
        changes={"title": title, "due_date": due_date},
    )
    return ms


@transaction.atomic
def milestone_complete(*, actor: User, milestone: Milestone, note: str = "", files=()) -> Milestone:
    """A milestone is done on evidence (R-TSK-3): files given here are stored with it first."""
    milestone = Milestone.objects.select_for_update().select_related("task").get(pk=milestone.pk)
    task = milestone.task
    lead = task.assignments.select_related("unit").filter(unit=task.lead_unit).first()
    rules.check_milestone_complete(actor, milestone, lead)
    for upload in files:
        milestone.attachments.add(
            attachment_store(actor=actor, upload=upload, org_unit=lead.unit, purpose="milestone")
        )
    if not milestone.attachments.exists():
        raise ValidationError({"files": "完成时间节点须上传佐证材料"})
    milestone.done_on = clock.today()
    milestone.evidence_note = note
    milestone.save(update_fields=["done_on", "evidence_note"])
    _event(
        task,
        EventKind.MILESTONE,
        actor,
        f"完成时间节点“{milestone.title}”{('：' + note) if note else ''}",
        lead,
    )
    record(
        actor=actor,
        action="tasks.milestone.updated",
        obj=milestone,
        unit=lead.unit,
        changes={"done_on": milestone.done_on, "note": note},
    )
    return milestone


@transaction.atomic
def indicator_create(*, actor: User, task: Task, **data) -> Indicator:
    rules.check_change_task(actor, task)
    ind = Indicator(task=task, **data)
    ind.full_clean()
    ind.save()
    _event(
        task,
        EventKind.INDICATOR,
        actor,
        f"新增指标“{ind.name}”：{ind.get_direction_display()}{ind.target}{ind.unit_of_measure}",
    )
    record(actor=actor, action="tasks.indicator.created", obj=ind, unit=task.org_unit, changes=data)
    return ind


@transaction.atomic
def taskforce_set(*, actor: User, task: Task, members, leader=None) -> None:
    """专班 (R-TSK-4): members may come from several units; all of them see and may report."""
    rules.check_change_task(actor, task)
    members = list(members)
    if leader is not None and leader.pk not in {m.pk for m in members}:
        members.append(leader)
    if any(not m.is_active for m in members):
        raise ValidationError({"members": "不能把已停用的账号加入专班"})
    before = sorted(str(m.user) for m in task.taskforce.select_related("user"))
    task.taskforce.all().delete()
    for user in members:
        TaskForceMember.objects.create(
            task=task, user=user, is_leader=leader is not None and user.pk == leader.pk
        )
    after = sorted(str(u) for u in members)
    _event(
        task,
        EventKind.TASKFORCE,
        actor,
        "专班成员：" + ("、".join(after) if after else "（无）") + (f"；负责人{leader}" if leader else ""),
    )
    record(
        actor=actor,
        action="tasks.taskforce.updated",
        obj=task,
        changes={"members": {"before": before, "after": after}, "leader": str(leader) if leader else None},
    )


# --- working-day calendar overrides (R-TSK-1b) ---------------------------------------------------


def _calendar_unit(actor: User) -> Unit:
    """The national/provincial calendar is edited at the root of the actor's unit tree."""
    if actor.unit_id is None:
        raise ValidationError("账号未归属单位")
    return actor.unit.ancestors().first() or actor.unit


@transaction.atomic
def workday_override_set(*, actor: User, date: dt.date, is_workday: bool, note: str = "") -> WorkdayOverride:
    unit = _calendar_unit(actor)
    require(actor, "tasks.change_workdayoverride", unit, "您无权维护节假日调整")
    override, created = WorkdayOverride.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "note": note}
    )
    override.full_clean()
    record(
        actor=actor,
        action="tasks.workday.set",
        obj=override,
        unit=unit,
        changes={"date": date, "is_workday": is_workday, "note": note, "created": created},
    )
    return override


@transaction.atomic
def workday_override_delete(*, actor: User, override: WorkdayOverride) -> None:
    unit = _calendar_unit(actor)
    require(actor, "tasks.change_workdayoverride", unit, "您无权维护节假日调整")
    record(
        actor=actor,
        action="tasks.workday.deleted",
        obj=override,
        unit=unit,
        changes={"date": override.date, "is_workday": override.is_workday, "note": override.note},
    )
    override.delete()


@transaction.atomic
def saved_filter_save(*, actor: User, name: str, query: str) -> SavedFilter:
    if not name.strip():
        raise ValidationError({"name": "请填写筛选名称"})
    sf, _ = SavedFilter.objects.update_or_create(
        user=actor, name=name.strip(), defaults={"query": query[:1000]}
    )
    return sf


@transaction.atomic
def saved_filter_delete(*, actor: User, saved_filter: SavedFilter) -> None:
    """A user deletes one of their own saved ledger filters (others' filters do not exist for them)."""
    if saved_filter.user_id != actor.pk:
        raise PermissionDenied("只能删除自己保存的筛选")
    saved_filter.delete()
