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
from core import clock
from core.models import next_in_sequence
from core.services import model_update, require
from notifications.models import Message
from notifications.services import notify
from org.models import Unit, User
from org.selectors import users_with_perm_at
from tasks import workdays
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
    require(actor, "tasks.change_task", task.org_unit, "您无权修改该任务")
    _bump(task, version)
    task, changes = model_update(
        instance=task, fields=TASK_FIELDS + ["co_units", "responsible_persons"], data=data
    )
    if changes:
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
    """Record the 党组会 前置政治审议 of a 重大 task (R-DEC-4)."""
    require(actor, "tasks.review_task", task.org_unit, "您无权登记该任务的前置审议")
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
    """A 重大 task (or a sub-task of one) may be assigned only after an approving 党组会 review
    recorded on it or on the 重大 task it was decomposed from. There is no override."""
    node = task
    while node is not None:
        review = PartyReview.objects.filter(task=node).first()
        if review is not None and review.approves:
            return True
        node = node.parent
    return task.level != TaskLevel.MAJOR and (task.parent is None or not _has_major_ancestor(task))


def _has_major_ancestor(task: Task) -> bool:
    node = task.parent
    while node is not None:
        if node.level == TaskLevel.MAJOR:
            return True
        node = node.parent
    return False


@transaction.atomic
def task_assign(*, actor: User, task: Task) -> list[Assignment]:
    """交办: send the task to its lead unit and co-operating units."""
    require(actor, "tasks.assign_task", task.org_unit, "您无权交办该任务")
    if not review_gate_open(task):
        raise ValidationError("重大任务须先经党组会前置审议并同意，方可交办")
    if task.status not in (TaskStatus.DRAFT, TaskStatus.RETURNED):
        raise ValidationError("任务已交办")
    now = clock.now()
    created = []
    targets = [(task.lead_unit, AssignmentRole.LEAD)] + [
        (u, AssignmentRole.COOPERATE) for u in task.co_units.all()
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
                "start_date": task.start_date,
                "due_date": task.due_date,
                "assigned_by": actor,
                "assigned_at": now,
                "return_reason": "",
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


@transaction.atomic
def task_decompose(
    *, actor: User, parent: Task, org_unit: Unit, items: list[dict], assign: bool = True
) -> list[Task]:
    """分解 (R-TSK-2): break a task into sub-tasks, each led by a unit in the decomposer's subtree.

    The decomposing unit is the parent's creator or a unit the parent was assigned to (五级贯通).
    """
    if not (org_unit.pk == parent.org_unit_id or parent.assignments.filter(unit=org_unit).exists()):
        raise PermissionDenied("只有任务的创建单位或承办单位可以分解该任务")
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


def task_rollup(*, task: Task) -> None:
    """Roll progress, status and last report up the tree (R-TSK-2). The rule, documented in
    docs/rules.md: a task without sub-tasks takes its lead assignment's progress and status;
    a task with sub-tasks takes the weighted mean of its sub-tasks' progress (weight field,
    rounded half up) and is 已办结 only when its own lead assignment is verified, or — when it
    has no assignment of its own — when every sub-task is 已办结."""
    node = task
    while node is not None:
        lead = node.assignments.filter(role=AssignmentRole.LEAD).first()
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


def _transition(assignment: Assignment, allowed: tuple, target: str, message: str):
    if assignment.status not in allowed:
        raise ValidationError(message)
    assignment.status = target


@transaction.atomic
def assignment_sign(*, actor: User, assignment: Assignment) -> Assignment:
    require(actor, "tasks.sign_assignment", assignment.unit, "您无权签收该任务")
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    _transition(assignment, (TaskStatus.ASSIGNED,), TaskStatus.SIGNED, "该任务当前不能签收")
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
    require(actor, "tasks.sign_assignment", assignment.unit, "您无权退回该任务")
    if not reason.strip():
        raise ValidationError({"reason": "请填写退回理由"})
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    _transition(assignment, (TaskStatus.ASSIGNED,), TaskStatus.RETURNED, "只有未签收的任务可以退回")
    assignment.return_reason = reason
    assignment.save(update_fields=["status", "return_reason", "updated_at"])
    task = assignment.task
    if assignment.role == AssignmentRole.LEAD:
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
def assignment_request_completion(*, actor: User, assignment: Assignment, note: str) -> Assignment:
    """申请办结: only with evidence attached (R-TSK-6)."""
    require(actor, "tasks.request_completion", assignment.unit, "您无权为该任务申请办结")
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not note.strip():
        raise ValidationError({"note": "请填写办结说明"})
    if not assignment.attachments.filter(purpose="evidence").exists():
        raise ValidationError("申请办结须上传佐证材料")
    _transition(
        assignment,
        (TaskStatus.SIGNED, TaskStatus.IN_PROGRESS),
        TaskStatus.COMPLETION_REQUESTED,
        "该任务当前不能申请办结（须先签收）",
    )
    assignment.completion_requested_at = clock.now()
    assignment.completion_note = note
    assignment.save(update_fields=["status", "completion_requested_at", "completion_note", "updated_at"])
    task = assignment.task
    _event(task, EventKind.COMPLETION_REQUESTED, actor, note, assignment)
    record(
        actor=actor,
        action="tasks.assignment.completion_requested",
        obj=assignment,
        unit=assignment.unit,
        changes={"note": note},
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


def _check_assigning_side(actor: User, assignment: Assignment, perm: str, what: str):
    require(actor, perm, assignment.org_unit, f"只有交办方可以{what}")
    if actor.unit_id and actor.unit.is_descendant_of(assignment.unit):
        raise PermissionDenied(f"承办单位不能{what}本单位承办的任务")


@transaction.atomic
def assignment_verify(*, actor: User, assignment: Assignment, approve: bool, note: str = "") -> Assignment:
    """审核销号: verified by the assigning side, never by the unit that did the work (R-TSK-6)."""
    _check_assigning_side(actor, assignment, "tasks.verify_assignment", "审核办结")
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    task = assignment.task
    if approve:
        _transition(assignment, (TaskStatus.COMPLETION_REQUESTED,), TaskStatus.COMPLETED, "该任务未申请办结")
        assignment.completed_at = clock.now()
        assignment.verified_by = actor
        assignment.progress = 100
        assignment.save(update_fields=["status", "completed_at", "verified_by", "progress", "updated_at"])
        _event(task, EventKind.COMPLETED, actor, note or "审核通过，办结", assignment)
        record(actor=actor, action="tasks.assignment.completed", obj=assignment, changes={"note": note})
    else:
        if not note.strip():
            raise ValidationError({"note": "退回须填写理由"})
        _transition(
            assignment, (TaskStatus.COMPLETION_REQUESTED,), TaskStatus.IN_PROGRESS, "该任务未申请办结"
        )
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
    require(actor, "tasks.request_extension", assignment.unit, "您无权为该任务申请延期")
    if assignment.status not in (TaskStatus.SIGNED, TaskStatus.IN_PROGRESS):
        raise ValidationError("只有已签收、办理中的任务可以申请延期")
    if not reason.strip():
        raise ValidationError({"reason": "请填写延期理由"})
    if new_due_date <= assignment.due_date:
        raise ValidationError({"new_due_date": "申请延至的日期须晚于现时限"})
    if assignment.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationError("已有待审批的延期申请")
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
    assignment = extension.assignment
    _check_assigning_side(actor, assignment, "tasks.decide_extension", "审批延期")
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ExtensionStatus.PENDING:
        raise ValidationError("该延期申请已审批")
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, clock.now(), note
    extension.save()
    if approve:
        Assignment.objects.filter(pk=assignment.pk).update(due_date=extension.new_due_date)
        task = assignment.task
        if assignment.role == AssignmentRole.LEAD and task.due_date < extension.new_due_date:
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
    require(actor, "tasks.change_task", task.org_unit, "您无权修改该任务")
    if due_date > task.due_date:
        raise ValidationError({"due_date": "节点时限不能晚于任务时限"})
    ms = Milestone(task=task, title=title, due_date=due_date)
    ms.full_clean()
    ms.save()
    record(
        actor=actor,
        action="tasks.milestone.created",
        obj=ms,
        unit=task.org_unit,
        changes={"title": title, "due_date": due_date},
    )
    return ms


@transaction.atomic
def milestone_complete(*, actor: User, milestone: Milestone, note: str = "") -> Milestone:
    task = milestone.task
    lead = task.assignments.filter(role=AssignmentRole.LEAD).first()
    if lead is None:
        raise ValidationError("任务尚未交办")
    require(actor, "reporting.add_progressreport", lead.unit, "只有承办单位可以完成时间节点")
    if not milestone.attachments.exists():
        raise ValidationError("完成时间节点须上传佐证材料")
    milestone.done_on = clock.today()
    milestone.evidence_note = note
    milestone.save(update_fields=["done_on", "evidence_note"])
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
    require(actor, "tasks.change_task", task.org_unit, "您无权修改该任务")
    ind = Indicator(task=task, **data)
    ind.full_clean()
    ind.save()
    record(actor=actor, action="tasks.indicator.created", obj=ind, unit=task.org_unit, changes=data)
    return ind


@transaction.atomic
def taskforce_set(*, actor: User, task: Task, members, leader=None) -> None:
    """专班 (R-TSK-4): members may come from several units; all of them see and may report."""
    require(actor, "tasks.change_task", task.org_unit, "您无权调整该任务专班")
    before = sorted(str(m.user) for m in task.taskforce.select_related("user"))
    task.taskforce.all().delete()
    for user in members:
        TaskForceMember.objects.create(
            task=task, user=user, is_leader=leader is not None and user.pk == leader.pk
        )
    record(
        actor=actor,
        action="tasks.taskforce.updated",
        obj=task,
        changes={"members": {"before": before, "after": sorted(str(u) for u in members)}},
    )


@transaction.atomic
def saved_filter_save(*, actor: User, name: str, query: str) -> SavedFilter:
    if not name.strip():
        raise ValidationError({"name": "请填写筛选名称"})
    sf, _ = SavedFilter.objects.update_or_create(
        user=actor, name=name.strip(), defaults={"query": query[:1000]}
    )
    return sf
