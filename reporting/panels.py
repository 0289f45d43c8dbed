"""What reporting adds to the task pages of tasks (below it), through core.panels: each row's last
report, the 进展报告 section of the task page, the last report on 申请办结 / 审核办结.
Registered in ReportingConfig.ready()."""

from __future__ import annotations

from core import panels
from reporting.models import ProgressReport
from tasks.selectors_detail import ROW_FACTS


def report_rows(user, rows) -> None:
    """Every row's reports (newest period first) and its last report, in one query."""
    by_assignment = {row.assignment.pk: row for row in rows}
    for row in rows:
        row.reports = []
    if not by_assignment:
        return
    reports = ProgressReport.objects.filter(assignment_id__in=list(by_assignment)).select_related(
        "submitted_by", "approved_by"
    )
    for rep in reports.order_by("-period_end", "-id"):
        by_assignment[rep.assignment_id].reports.append(rep)
    for row in rows:
        row.last_report = row.reports[0] if row.reports else None


def task_reports(request, detail) -> dict:
    """The 进展报告 section: the reports of the rows shown, newest first, with their unit."""
    reports = []
    for row in detail.assignments:
        for rep in getattr(row, "reports", ()):
            rep.unit_name = row.assignment.unit.display_name
            reports.append(rep)
    reports.sort(key=lambda rep: (rep.submitted_at, rep.pk), reverse=True)
    return {"reports": reports}


def last_report(request, assignment) -> dict:
    """The last report (by submission) and its files, for 申请办结 and 审核办结."""
    last = (
        ProgressReport.objects.filter(assignment=assignment)
        .select_related("submitted_by")
        .prefetch_related("attachments")
        .order_by("-submitted_at", "-id")
        .first()
    )
    return {"last_report": last}


def register() -> None:
    panels.register(ROW_FACTS, "reports", context=report_rows)
    panels.register(
        "tasks.task_detail",
        "reports",
        template="reporting/_task_reports.html",
        context=task_reports,
        order=40,
    )
    panels.register(
        "tasks.assignment_completion",
        "last_report",
        template="reporting/_last_report.html",
        context=last_report,
        order=10,
    )
