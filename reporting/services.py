"""Writes of reporting (R-RPT-1..3), and the files a reporter gives for an assignment (stored by files)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.services import record
from core import clock
from core.services import require
from files import services as files_services
from files.models import Attachment
from notifications.models import Message
from notifications.services import notify
from org.models import User
from org.selectors import users_with_perm_at
from reporting.models import ProgressReport
from reporting.selectors import next_report_period
from tasks.choices import EventKind
from tasks.models import Assignment, TaskEvent
from tasks.rules import allowed, check_report_person
from tasks.services import task_rollup
from tasks.transitions import ASSIGNMENT


def drop_message(last: int, progress: int) -> str:
    """The error when a report lowers the progress without saying why."""
    return f"进度由上次报告的{last}%降至{progress}%，请填写进度下降原因"


def can_report(user: User, assignment: Assignment) -> bool:
    """The receiving unit's own clerks and heads report (the same receiving-side rule as signing,
    tasks.rules.check_receiving_side); so do members of the task's 专班 (R-TSK-4)."""
    return (
        allowed(check_report_person, user, assignment, False)
        or assignment.task.taskforce.filter(user=user).exists()
    )


def _checked_report_input(*, actor: User, assignment: Assignment, progress: int, work_done: str):
    """Who may report, and what a report must say; returns the assignment, locked for the write."""
    if not can_report(actor, assignment):
        raise PermissionDenied("您无权为该任务填报进展")
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    ASSIGNMENT.check("report", assignment.status)
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": "进度须在0到100之间"})
    if not work_done.strip():
        raise ValidationError({"work_done": "请填写工作进展"})
    return assignment


def _default_period(assignment: Assignment, period_start, period_end, today: dt.date):
    """The period a report covers when the caller names none: from the day after the last one."""
    last = assignment.reports.order_by("-period_end").first()
    period_start = period_start or (last.period_end + dt.timedelta(days=1) if last else assignment.start_date)
    period_end = period_end or today
    return min(period_start, period_end), period_end


def _apply_report(*, assignment: Assignment, report: ProgressReport, indicator_values: dict) -> None:
    """The report's effect on its assignment (progress, last report, 办理中) and the indicators."""
    assignment.progress = report.progress
    assignment.last_report_on = report.submitted_on
    assignment.status = ASSIGNMENT.target("report", state=assignment.status)
    assignment.save(update_fields=["progress", "last_report_on", "status", "updated_at"])
    if indicator_values:
        for ind in assignment.task.indicators.filter(pk__in=[int(k) for k in indicator_values]):
            ind.current = indicator_values[str(ind.pk)]
            ind.full_clean()
            ind.save(update_fields=["current"])


def _record_report(*, actor: User, report: ProgressReport, previous_progress, drop_reason: str) -> None:
    """The timeline entry, the audit event, the roll-up and the approvers' notice of one report."""
    assignment, task = report.assignment, report.assignment.task
    dropped = previous_progress is not None and report.progress < previous_progress
    TaskEvent.objects.create(
        task=task,
        assignment=assignment,
        kind=EventKind.REPORTED,
        actor=actor,
        at=report.submitted_at,
        note=(
            f"进度由{previous_progress}%降至{report.progress}%，下降原因：{drop_reason}；{report.work_done[:80]}"
            if dropped
            else f"进度{report.progress}%：{report.work_done[:80]}"
        ),
    )
    changes = {"progress": report.progress, "period": f"{report.period_start}~{report.period_end}"}
    if dropped:
        changes["drop_reason"] = drop_reason
    record(actor=actor, action="reporting.report.submitted", obj=report, changes=changes)
    task_rollup(task=task)
    notify(
        recipients=users_with_perm_at(assignment.unit, "reporting.approve_progressreport"),
        kind=Message.Kind.REPORT,
        title=f"进展报告待审核：{task.title}",
        body=f"{actor.full_name}填报进度{report.progress}%",
        link=task.get_absolute_url(),
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
    assignment = _checked_report_input(
        actor=actor, assignment=assignment, progress=progress, work_done=work_done
    )
    previous = assignment.reports.order_by("-submitted_at", "-id").first()
    drop_reason = (drop_reason or "").strip()
    if previous is not None and progress < previous.progress and not drop_reason:
        raise ValidationError({"drop_reason": drop_message(previous.progress, progress)})
    today = clock.today()
    period_start, period_end = _default_period(assignment, period_start, period_end, today)
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
    _apply_report(assignment=assignment, report=report, indicator_values=indicator_values)
    _record_report(
        actor=actor,
        report=report,
        previous_progress=previous.progress if previous else None,
        drop_reason=drop_reason,
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


@transaction.atomic
def attachment_store(
    *,
    actor: User,
    upload,
    org_unit,
    purpose: str,
    assignment: Assignment | None = None,
    report: ProgressReport | None = None,
) -> Attachment:
    """A file for an assignment — 办结佐证, or one of its reports' files (then it is the report's and
    the assignment's): only a reporter may give it (`can_report`); files stores it (R-SEC-4)."""
    if assignment is not None and not can_report(actor, assignment):
        raise PermissionDenied("您无权为该任务上传附件")
    att = files_services.attachment_store(actor=actor, upload=upload, org_unit=org_unit, purpose=purpose)
    if assignment is not None:
        assignment.attachments.add(att)
    if report is not None:
        report.attachments.add(att)
    return att


@transaction.atomic
def report_submit_shared(
    *, actor: User, assignment: Assignment, also: list[Assignment] = (), files=(), **content
) -> list[ProgressReport]:
    """One report serving several tasks of the same 专班 in the same period (R-RPT-3): the same
    content is filed on each assignment (each in its own next period), files attached to each.
    All or nothing."""
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
