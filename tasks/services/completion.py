"""申请办结 and 审核销号 on evidence (R-TSK-6), and deadline extensions (延期)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import record
from core import clock
from core.validators import sane_date
from files.models import EVIDENCE
from notifications.models import Message
from notifications.services import notify
from org.models import User
from org.selectors import users_with_perm_at
from tasks import rules
from tasks.choices import (
    EventKind,
    ExtensionStatus,
)
from tasks.models import (
    Assignment,
    ExtensionRequest,
    Task,
)
from tasks.services.common import _event
from tasks.services.rollup import task_rollup
from tasks.transitions import ASSIGNMENT, EXTENSION


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
    assignment.status = ASSIGNMENT.target("request_completion")
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
        assignment.status = ASSIGNMENT.target("verify", "通过")
        assignment.completed_at = clock.now()
        assignment.verified_by = actor
        assignment.progress = 100
        assignment.save(update_fields=["status", "completed_at", "verified_by", "progress", "updated_at"])
        _event(task, EventKind.COMPLETED, actor, note or "审核通过，办结", assignment)
        record(actor=actor, action="tasks.assignment.completed", obj=assignment, changes={"note": note})
    else:
        if not note.strip():
            raise ValidationError({"note": "退回须填写理由"})
        assignment.status = ASSIGNMENT.target("verify", "退回")
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
    extension.status = EXTENSION.target("decide", "同意" if approve else "不同意")
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
