"""Reads of reporting: expected report periods and missing/late reports (R-RPT-4), the late list,
the burden meter (R-RPT-3b) and what the report form pre-fills (R-RPT-3).

Report periods — the one rule, written here (Python, for one assignment) and as database
expressions (for the late list across many assignments):

* Periods start at the anchor: the day the assignment was signed for, or its start date if later
  (before it is signed, the start date).
* 每日 / 每周 / 每两周: consecutive blocks of 1 / 7 / 14 days from the anchor.
  每月: calendar months (the first one starts at the anchor).
  按时间节点: one period ends at each milestone due date before the assignment's due date, and a
  last one ends at the due date.
* A report belongs to the period that contains its 报告期止 (period_end).
* A period is due on its last day plus a grace day (daily reports: the same day). A period that
  is past due without a report is 缺报; a report submitted after the due day is 迟报.
* Periods stop at the day completion was requested; an open assignment keeps expecting reports.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Greatest, Least, TruncDate
from django.utils import timezone

from core.db import DaysBetween
from reporting.models import ProgressReport
from tasks.choices import Cadence, TaskStatus
from tasks.models import Assignment, Milestone

FIXED_DAYS = {Cadence.DAILY: 1, Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14}
GRACE_DAYS = {
    Cadence.DAILY: 0,
    Cadence.WEEKLY: 1,
    Cadence.BIWEEKLY: 1,
    Cadence.MONTHLY: 1,
    Cadence.MILESTONE: 1,
}
REPORTING_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.SIGNED, TaskStatus.IN_PROGRESS)
# The report form asks for these and nothing else (R-RPT-3: keep required fields minimal).
REQUIRED_REPORT_FIELDS = ("progress", "work_done")


@dataclass
class Period:
    index: int
    start: dt.date
    end: dt.date
    due: dt.date
    report: ProgressReport | None = None
    state: str = ""  # on_time | late | missing | waiting | current | current_done

    LABELS = {
        "on_time": ("按时", "success"),
        "late": ("迟报", "warning"),
        "missing": ("缺报", "danger"),
        "waiting": ("待报", "secondary"),
        "current": ("本期待报", "info"),
        "current_done": ("本期已报", "success"),
    }

    @property
    def label(self) -> str:
        return self.LABELS[self.state][0]

    @property
    def css(self) -> str:
        return self.LABELS[self.state][1]


@dataclass
class PeriodSummary:
    periods: list[Period] = field(default_factory=list)
    anchor: dt.date | None = None
    note: str = ""

    def _count(self, state):
        return sum(1 for p in self.periods if p.state == state)

    @property
    def expected(self) -> int:
        return sum(1 for p in self.periods if p.state in ("on_time", "late", "missing"))

    @property
    def on_time(self) -> int:
        return self._count("on_time")

    @property
    def late(self) -> int:
        return self._count("late")

    @property
    def missing(self) -> int:
        return self._count("missing")

    @property
    def recent(self) -> list[Period]:
        """The latest 12 periods, newest first (a daily task has hundreds)."""
        return list(reversed(self.periods[-12:]))


def anchor_date(assignment: Assignment) -> dt.date:
    if assignment.signed_at:
        return max(assignment.start_date, timezone.localdate(assignment.signed_at))
    return assignment.start_date


def _month_add(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    return dt.date(day.year + m // 12, m % 12 + 1, 1)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def milestone_ends(assignment: Assignment, milestone_dues) -> list[dt.date]:
    anchor = anchor_date(assignment)
    dues = sorted({d for d in milestone_dues if anchor <= d < assignment.due_date})
    return [*dues, assignment.due_date]


def period_containing(
    cadence: str, anchor: dt.date, day: dt.date, ends: list[dt.date] | None = None
) -> tuple[int, dt.date, dt.date] | None:
    """(index, start, end) of the period containing `day`, or None (before the anchor / after the
    last milestone period)."""
    if day < anchor:
        return None
    if cadence in FIXED_DAYS:
        length = FIXED_DAYS[cadence]
        i = (day - anchor).days // length
        start = anchor + dt.timedelta(days=i * length)
        return i, start, start + dt.timedelta(days=length - 1)
    if cadence == Cadence.MONTHLY:
        i = (day.year * 12 + day.month) - (anchor.year * 12 + anchor.month)
        start = anchor if i == 0 else _month_add(anchor, i)
        return i, start, _month_end(start)
    ends = ends or []
    prev = anchor - dt.timedelta(days=1)
    for i, end in enumerate(ends):
        if day <= end:
            return i, prev + dt.timedelta(days=1), end
        prev = end
    return None


def _stop_date(assignment: Assignment, today: dt.date) -> dt.date | None:
    if assignment.status in (TaskStatus.DRAFT, TaskStatus.RETURNED):
        return None
    if assignment.status in (TaskStatus.COMPLETION_REQUESTED, TaskStatus.COMPLETED):
        when = assignment.completion_requested_at or assignment.completed_at
        return min(today, timezone.localdate(when)) if when else today
    return today


def report_periods(
    assignment: Assignment, today: dt.date, reports=None, milestone_dues=None
) -> PeriodSummary:
    """Every expected period of an assignment from its anchor to today, with the report that
    serves it and its state. One query for the reports (and one for milestones when the cadence
    is per milestone) unless the caller passes them in."""
    anchor = anchor_date(assignment)
    summary = PeriodSummary(anchor=anchor)
    stop = _stop_date(assignment, today)
    if stop is None:
        summary.note = "任务未交办或已退回，不要求报告"
        return summary
    if stop < anchor:
        summary.note = f"报告期自{anchor:%Y-%m-%d}起"
        return summary
    if reports is None:
        reports = list(assignment.reports.order_by("submitted_at", "id"))
    ends = None
    if assignment.cadence == Cadence.MILESTONE:
        if milestone_dues is None:
            milestone_dues = list(
                Milestone.objects.filter(task_id=assignment.task_id).values_list("due_date", flat=True)
            )
        ends = milestone_ends(assignment, milestone_dues)
    grace = dt.timedelta(days=GRACE_DAYS.get(assignment.cadence, 1))
    by_index: dict[int, ProgressReport] = {}
    for r in sorted(reports, key=lambda r: (r.submitted_at, r.pk)):
        found = period_containing(assignment.cadence, anchor, r.period_end, ends)
        if found and found[0] not in by_index:
            by_index[found[0]] = r
    day = anchor
    while day <= stop:
        found = period_containing(assignment.cadence, anchor, day, ends)
        if found is None:
            break
        i, start, end = found
        period = Period(index=i, start=start, end=end, due=end + grace, report=by_index.get(i))
        if end >= today:
            period.state = "current_done" if period.report else "current"
        elif period.report:
            period.state = "on_time" if period.report.submitted_on <= period.due else "late"
        else:
            period.state = "missing" if today > period.due else "waiting"
        summary.periods.append(period)
        day = end + dt.timedelta(days=1)
    return summary


def next_report_period(assignment: Assignment, today: dt.date, summary: PeriodSummary | None = None):
    """The period the next report is for: the oldest one without a report (so a missed period is
    filled, never skipped), else the current one. Returns (start, end)."""
    summary = summary or report_periods(assignment, today)
    for p in summary.periods:
        if p.report is None:
            return p.start, min(p.end, today) if p.end >= today else p.end
    if summary.periods:
        last = summary.periods[-1]
        return last.start, min(last.end, today)
    return today, today


# --- the same rule in the database, for lists ----------------------------------------------------


def _anchor_expr(prefix: str = ""):
    return Greatest(
        F(f"{prefix}start_date"),
        Coalesce(TruncDate(f"{prefix}signed_at"), F(f"{prefix}start_date")),
    )


def _months(expr):
    return ExtractYear(expr) * Value(12) + ExtractMonth(expr)


def missing_periods_expression(today: dt.date):
    """Per assignment (annotated with `anchor`): periods past due without a report, as a database
    expression. Exact for daily/weekly/bi-weekly/monthly; for 按时间节点 the reported count is the
    number of reports (capped), an approximation the task page's table does not need."""
    whens_expected = []
    whens_missing = []
    for cadence, length in FIXED_DAYS.items():
        cutoff = today - dt.timedelta(days=GRACE_DAYS[cadence])
        expected = Greatest(
            ExpressionWrapper(DaysBetween(Value(cutoff), F("anchor")) / Value(length), IntegerField()),
            Value(0),
        )
        reported = Coalesce(
            Subquery(
                ProgressReport.objects.filter(assignment=OuterRef("pk"), period_end__gte=OuterRef("anchor"))
                .annotate(
                    idx=ExpressionWrapper(
                        DaysBetween(F("period_end"), OuterRef("anchor")) / Value(length), IntegerField()
                    )
                )
                .filter(idx__lt=OuterRef("expected_periods"))
                .values("assignment")
                .annotate(c=Count("idx", distinct=True))
                .values("c")[:1]
            ),
            Value(0),
        )
        whens_expected.append(When(cadence=cadence, then=expected))
        whens_missing.append(When(cadence=cadence, then=reported))
    cutoff = today - dt.timedelta(days=GRACE_DAYS[Cadence.MONTHLY])
    expected_m = Greatest(
        Value(cutoff.year * 12 + cutoff.month) - _months(F("anchor")),
        Value(0),
    )
    reported_m = Coalesce(
        Subquery(
            ProgressReport.objects.filter(assignment=OuterRef("pk"), period_end__gte=OuterRef("anchor"))
            .annotate(idx=_months(F("period_end")) - _months(OuterRef("anchor")))
            .filter(idx__lt=OuterRef("expected_periods"))
            .values("assignment")
            .annotate(c=Count("idx", distinct=True))
            .values("c")[:1]
        ),
        Value(0),
    )
    whens_expected.append(When(cadence=Cadence.MONTHLY, then=expected_m))
    whens_missing.append(When(cadence=Cadence.MONTHLY, then=reported_m))
    cutoff = today - dt.timedelta(days=GRACE_DAYS[Cadence.MILESTONE])
    ms_count = Coalesce(
        Subquery(
            Milestone.objects.filter(task_id=OuterRef("task_id"), due_date__gte=OuterRef("anchor"))
            .filter(due_date__lt=OuterRef("due_date"))
            .filter(due_date__lt=cutoff)
            .values("task_id")
            .annotate(c=Count("id"))
            .values("c")[:1]
        ),
        Value(0),
    )
    expected_ms = ms_count + Case(When(due_date__lt=cutoff, then=Value(1)), default=Value(0))
    reported_ms = Least(
        F("expected_periods"),
        Coalesce(
            Subquery(
                ProgressReport.objects.filter(
                    assignment=OuterRef("pk"), period_end__gte=OuterRef("anchor"), period_end__lt=cutoff
                )
                .values("assignment")
                .annotate(c=Count("id"))
                .values("c")[:1]
            ),
            Value(0),
        ),
    )
    whens_expected.append(When(cadence=Cadence.MILESTONE, then=expected_ms))
    whens_missing.append(When(cadence=Cadence.MILESTONE, then=reported_ms))
    expected = Case(*whens_expected, default=Value(0), output_field=IntegerField())
    reported = Case(*whens_missing, default=Value(0), output_field=IntegerField())
    return expected, reported


def with_missing_periods(qs, today: dt.date):
    expected, reported = missing_periods_expression(today)
    return (
        qs.annotate(anchor=_anchor_expr())
        .annotate(expected_periods=expected)
        .annotate(reported_periods=reported)
        .annotate(
            missing_periods=ExpressionWrapper(F("expected_periods") - F("reported_periods"), IntegerField())
        )
    )


def late_assignments(user, today: dt.date):
    """Open assignments in the user's scope with at least one 缺报 period, worst first."""
    qs = Assignment.objects.visible_to(user, "tasks.view_assignment").filter(status__in=REPORTING_STATUSES)
    return (
        with_missing_periods(qs, today)
        .filter(missing_periods__gt=0)
        .select_related("task", "unit")
        .order_by("-missing_periods", "due_date", "id")
    )


def late_units(user, today: dt.date):
    """Per receiving unit: how many open assignments miss reports and how many periods in all."""
    qs = Assignment.objects.visible_to(user, "tasks.view_assignment").filter(status__in=REPORTING_STATUSES)
    rows = (
        with_missing_periods(qs, today)
        .filter(missing_periods__gt=0)
        .values("unit_id", "unit__name", "unit__short_name")
        .annotate(assignments=Count("id"), periods=Sum("missing_periods"))
        .order_by("-periods", "unit__path")
    )
    return rows


# --- burden meter (R-RPT-3b) ---------------------------------------------------------------------

# Reports asked per week ×100 for each cadence (a month is taken as 30 days).
WEEKLY_X100 = {
    Cadence.DAILY: 700,
    Cadence.WEEKLY: 100,
    Cadence.BIWEEKLY: 50,
    Cadence.MONTHLY: 23,
}


def burden_rows(user, today: dt.date):
    """Per receiving unit in the user's scope: open assignments, reports asked per week, fields
    per week and repeated requests (several open assignments citing the same directive)."""
    qs = Assignment.objects.visible_to(user, "tasks.view_assignment").filter(status__in=REPORTING_STATUSES)
    ms_count = Coalesce(
        Subquery(
            Milestone.objects.filter(task_id=OuterRef("task_id"), done_on__isnull=True)
            .values("task_id")
            .annotate(c=Count("id"))
            .values("c")[:1]
        ),
        Value(0),
    )
    per_week = Case(
        *[When(cadence=c, then=Value(v)) for c, v in WEEKLY_X100.items()],
        When(
            cadence=Cadence.MILESTONE,
            then=ExpressionWrapper(
                (ms_count + Value(1))
                * Value(700)
                / Greatest(DaysBetween(F("due_date"), F("start_date")), Value(1)),
                IntegerField(),
            ),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        qs.annotate(per_week_x100=per_week)
        .values("unit_id", "unit__name", "unit__short_name", "unit__path")
        .annotate(
            open_assignments=Count("id"),
            reports_x100=Sum("per_week_x100"),
            with_directive=Count("id", filter=Q(task__directive__isnull=False)),
            directives=Count("task__directive", distinct=True),
        )
        .order_by("-reports_x100", "unit__path")
    )


# --- objects a user may open -------------------------------------------------------------------


def assignment_for(user, pk: int) -> Assignment | None:
    """An assignment the user can see: in scope by its units, or its task is visible (a 专班 member,
    a unit the task was sent to)."""
    from tasks.models import Task

    visible_tasks = Task.objects.visible_to(user, "tasks.view_task").values("pk")
    in_scope = Assignment.objects.visible_to(user, "tasks.view_assignment").values("pk")
    return (
        Assignment.objects.select_related("task", "unit", "org_unit")
        .filter(pk=pk)
        .filter(Q(pk__in=in_scope) | Q(task_id__in=visible_tasks))
        .first()
    )


def attachment_for(user, pk: int):
    """An attachment the user may download: in scope by its unit, or its task is visible to them."""
    from reporting.models import Attachment
    from tasks.models import Task

    visible_tasks = Task.objects.visible_to(user, "tasks.view_task").values("pk")
    in_scope = Attachment.objects.visible_to(user, "reporting.view_attachment").values("pk")
    from rectification.models import Problem

    # 整改佐证: whoever may see the problem may read its evidence (both sides of the rectification)
    problem_evidence = Problem.evidence.through.objects.filter(
        problem__in=Problem.objects.visible_to(user, "rectification.view_problem").values("pk")
    ).values("attachment_id")
    return (
        Attachment.objects.filter(pk=pk)
        .filter(
            Q(pk__in=in_scope)
            | Q(assignment__task_id__in=visible_tasks)
            | Q(report__assignment__task_id__in=visible_tasks)
            | Q(milestone__task_id__in=visible_tasks)
            | Q(pk__in=problem_evidence)
        )
        .first()
    )


def sibling_assignments(user, assignment: Assignment):
    """Other assignments of tasks whose 专班 the user belongs to, open for reports: one report may
    serve them all in this period (R-RPT-3). Empty unless the user is in this task's 专班."""
    from tasks.models import TaskForceMember

    if not TaskForceMember.objects.filter(task_id=assignment.task_id, user=user).exists():
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(
            task__taskforce__user=user, status__in=(TaskStatus.SIGNED, TaskStatus.IN_PROGRESS)
        )
        .exclude(pk=assignment.pk)
        .select_related("task", "unit")
        .order_by("task__code", "id")
    )
