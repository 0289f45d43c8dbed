"""Writes of reporting (R-RPT-1..3) and attachments (R-SEC-4)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.services import record
from core import clock, crypto
from core.services import require
from notifications.models import Message
from notifications.services import notify
from org.models import User
from org.selectors import users_with_perm_at
from reporting.filetypes import sniff
from reporting.models import Attachment, ProgressReport
from tasks.choices import EventKind, TaskStatus
from tasks.models import Assignment, Milestone, TaskEvent
from tasks.services import task_rollup


def drop_message(last: int, progress: int) -> str:
    """The error when a report lowers the progress without saying why."""
    return f"进度由上次报告的{last}%降至{progress}%，请填写进度下降原因"


def can_report(user: User, assignment: Assignment) -> bool:
    """The receiving unit's own clerks and heads report (the same receiving-side rule as signing,
    tasks.rules.check_receiving_side); so do members of the task's 专班 (R-TSK-4)."""
    from tasks.rules import allowed, check_report_person

    return (
        allowed(check_report_person, user, assignment, False)
        or assignment.task.taskforce.filter(user=user).exists()
    )


@transaction.atomic
def report_submit(
    *,
    actor: User,
    assignment: Assignment,
    progress: int,
    work_done: str,
    difficulties: str = "",
    next_steps: str = "",
    indicator_values: dict | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    files=(),
    drop_reason: str = "",
) -> ProgressReport:
    """A progress below the last report's needs `drop_reason`, kept on the timeline."""
    if not can_report(actor, assignment):
        raise PermissionDenied("您无权为该任务填报进展")
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status not in (TaskStatus.SIGNED, TaskStatus.IN_PROGRESS):
        raise ValidationError("任务须先签收才能填报进展；已申请办结或已办结的任务无需再报")
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": "进度须在0到100之间"})
    if not work_done.strip():
        raise ValidationError({"work_done": "请填写工作进展"})
    previous = assignment.reports.order_by("-submitted_at", "-id").first()
    drop_reason = (drop_reason or "").strip()
    dropped = previous is not None and progress < previous.progress
    if dropped and not drop_reason:
        raise ValidationError({"drop_reason": drop_message(previous.progress, progress)})
    today = clock.today()
    last = assignment.reports.order_by("-period_end").first()
    period_start = period_start or (last.period_end + dt.timedelta(days=1) if last else assignment.start_date)
    period_end = period_end or today
    if period_start > period_end:
        period_start = period_end
    report = ProgressReport(
        assignment=assignment,
        org_unit=assignment.unit,
        period_start=period_start,
        period_end=period_end,
        progress=progress,
        work_done=work_done,
        difficulties=difficulties,
        next_steps=next_steps,
        indicator_values=indicator_values or {},
        submitted_by=actor,
        submitted_at=clock.now(),
        submitted_on=today,
    )
    report.full_clean()
    report.save()
    for f in files:
        attachment_store(
            actor=actor,
            upload=f,
            org_unit=assignment.unit,
            assignment=assignment,
            report=report,
            purpose="report",
        )
    assignment.progress = progress
    assignment.last_report_on = today
    if assignment.status == TaskStatus.SIGNED:
        assignment.status = TaskStatus.IN_PROGRESS
    assignment.save(update_fields=["progress", "last_report_on", "status", "updated_at"])
    task = assignment.task
    if indicator_values:
        for ind in task.indicators.filter(pk__in=[int(k) for k in indicator_values]):
            ind.current = indicator_values[str(ind.pk)]
            ind.full_clean()
            ind.save(update_fields=["current"])
    TaskEvent.objects.create(
        task=task,
        assignment=assignment,
        kind=EventKind.REPORTED,
        actor=actor,
        at=report.submitted_at,
        note=(
            f"进度由{previous.progress}%降至{progress}%，下降原因：{drop_reason}；{work_done[:80]}"
            if dropped
            else f"进度{progress}%：{work_done[:80]}"
        ),
    )
    changes = {"progress": progress, "period": f"{period_start}~{period_end}"}
    if dropped:
        changes["drop_reason"] = drop_reason
    record(actor=actor, action="reporting.report.submitted", obj=report, changes=changes)
    task_rollup(task=task)
    notify(
        recipients=users_with_perm_at(assignment.unit, "reporting.approve_progressreport"),
        kind=Message.Kind.REPORT,
        title=f"进展报告待审核：{task.title}",
        body=f"{actor.full_name}填报进度{progress}%",
        link=task.get_absolute_url(),
    )
    return report


@transaction.atomic
def report_approve(*, actor: User, report: ProgressReport) -> ProgressReport:
    require(actor, "reporting.approve_progressreport", report.org_unit, "您无权审核该报告")
    if report.status == ProgressReport.Status.APPROVED:
        raise ValidationError("该报告已审核")
    report.status = ProgressReport.Status.APPROVED
    report.approved_by, report.approved_at = actor, clock.now()
    report.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    record(actor=actor, action="reporting.report.approved", obj=report)
    return report


def _storage_root() -> Path:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


@transaction.atomic
def attachment_store(
    *,
    actor: User,
    upload,
    org_unit,
    purpose: str,
    assignment: Assignment | None = None,
    report: ProgressReport | None = None,
    milestone: Milestone | None = None,
) -> Attachment:
    """Store an upload: size limit, type by content, SM3 digest, server-side name (R-SEC-4)."""
    if assignment is not None and not can_report(actor, assignment):
        raise PermissionDenied("您无权为该任务上传附件")
    if purpose not in {"report", "evidence", "milestone", "rectification"}:
        raise ValidationError("附件用途不正确")
    limit = settings.DUBAN_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError({"files": f"文件“{upload.name}”超过大小上限{limit // (1024 * 1024)}MB"})
    if upload.size == 0:
        raise ValidationError({"files": f"文件“{upload.name}”是空文件"})
    upload.seek(0)
    data = upload.read()
    try:
        content_type = sniff(data[:16], data)
    except ValidationError as exc:
        raise ValidationError({"files": f"文件“{upload.name}”：{'；'.join(exc.messages)}"}) from exc
    storage_name = f"{clock.today():%Y/%m}/{uuid.uuid4().hex}"
    path = _storage_root() / storage_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)  # a rolled-back upload leaves an orphan file; reporting.tasks sweeps those
    att = Attachment(
        org_unit=org_unit,
        assignment=assignment,
        report=report,
        milestone=milestone,
        purpose=purpose,
        original_name=Path(upload.name).name[:200],
        content_type=content_type,
        size=len(data),
        sm3=crypto.sm3_hex(data),
        storage_name=storage_name,
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    att.full_clean()
    att.save()
    record(
        actor=actor,
        action="reporting.attachment.uploaded",
        obj=att,
        changes={"name": att.original_name, "size": att.size, "sm3": att.sm3},
    )
    return att


def attachment_read(*, actor: User, attachment: Attachment) -> bytes:
    """Read a stored file after verifying its SM3 digest; a mismatch is refused, never served."""
    data = (_storage_root() / attachment.storage_name).read_bytes()
    if crypto.sm3_hex(data) != attachment.sm3:
        raise ValidationError("附件完整性校验失败（SM3摘要不符），已拒绝下载，请联系管理员")
    record(actor=actor, action="reporting.attachment.downloaded", obj=attachment)
    return data


@transaction.atomic
def report_submit_shared(
    *, actor: User, assignment: Assignment, also: list[Assignment] = (), files=(), **content
) -> list[ProgressReport]:
    """One report serving several tasks of the same 专班 in the same period (R-RPT-3): the same
    content is filed on each assignment (each in its own next period), files attached to each.
    All or nothing."""
    from reporting.selectors import next_report_period

    reports = [report_submit(actor=actor, assignment=assignment, files=files, **content)]
    shared = {k: v for k, v in content.items() if k not in ("indicator_values", "period_start", "period_end")}
    today = clock.today()
    for other in also:
        if other.pk == assignment.pk:
            continue
        start, end = next_report_period(other, today)
        reports.append(
            report_submit(
                actor=actor, assignment=other, period_start=start, period_end=end, files=files, **shared
            )
        )
    return reports


ORPHAN_AGE = dt.timedelta(days=1)


def attachment_sweep_orphans(*, now: dt.datetime | None = None) -> list[str]:
    """Delete stored files that no Attachment row names and that are older than a day (a rolled
    back upload leaves one behind). Returns the storage names removed."""
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    cutoff = (now or clock.now()).timestamp() - ORPHAN_AGE.total_seconds()
    candidates = {}
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            candidates[path.relative_to(root).as_posix()] = path
    removed = []
    names = list(candidates)
    known = set()
    for i in range(0, len(names), 500):
        known.update(
            Attachment.objects.filter(storage_name__in=names[i : i + 500]).values_list(
                "storage_name", flat=True
            )
        )
    for name, path in candidates.items():
        if name not in known:
            path.unlink(missing_ok=True)
            removed.append(name)
    return removed


@transaction.atomic
def attachments_store_many(*, actor: User, uploads, assignment: Assignment, purpose: str) -> list[Attachment]:
    """Several files for one assignment, all or nothing."""
    if not uploads:
        raise ValidationError({"files": "请选择文件"})
    return [
        attachment_store(
            actor=actor, upload=u, org_unit=assignment.unit, assignment=assignment, purpose=purpose
        )
        for u in uploads
    ]
