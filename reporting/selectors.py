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
* A period is due on its last day plus a grace day (daily reports: the same day) — the period
  lengths and the grace day are the report clock's (tasks.lights: PERIOD_DAYS, period_due,
  owed_before). A period that is past due without a report is 缺报; a report submitted after the
  due day is 迟报.
* Periods stop at the day completion was requested; an open assignment keeps expecting reports.
* 应急 (R-RPT-1): while the assignment has a special period [E1, E2], each of its days (from the
  anchor on) is a period of its own, due the same day; the cadence's periods that END inside
  [E1, E2] are replaced by those days (a period that straddles a boundary stays, and any report
  inside it serves it, daily ones included).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    DateField,
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
from tasks.lights import PERIOD_DAYS, owed_before, period_due
from tasks.models import Assignment, Milestone, TaskForceMember
from tasks.selectors_detail import assignments_visible

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
    emergency: bool = False  # a day of an 应急 period (R-RPT-1)

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
    if cadence in PERIOD_DAYS:
        length = PERIOD_DAYS[cadence]
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
    periods = _periods(assignment, anchor, stop, ends, reports)
    for period in periods:
        period.state = _state(period, today)
    summary.periods = periods
    return summary


def _periods(assignment: Assignment, anchor: dt.date, stop: dt.date, ends, reports) -> list[Period]:
    """The cadence's periods from the anchor to `stop` (those ending inside an 应急 window replaced
    by its days), each with the first report submitted for it, in the order they end."""
    cadence, window = assignment.cadence, emergency_window(assignment)
    by_index: dict[int, ProgressReport] = {}
    by_day: dict[dt.date, ProgressReport] = {}
    for r in sorted(reports, key=lambda r: (r.submitted_at, r.pk)):
        found = period_containing(cadence, anchor, r.period_end, ends)
        if found and found[0] not in by_index:
            by_index[found[0]] = r
        if window and window[0] <= r.period_end <= window[1]:
            by_day.setdefault(r.period_end, r)
    periods = []
    day = anchor
    while day <= stop:
        found = period_containing(cadence, anchor, day, ends)
        if found is None:
            break
        i, start, end = found
        if not (window and window[0] <= end <= window[1]):  # replaced by the 应急 daily periods
            periods.append(
                Period(index=i, start=start, end=end, due=period_due(cadence, end), report=by_index.get(i))
            )
        day = end + dt.timedelta(days=1)
    if window:
        day = max(window[0], anchor)
        while day <= min(window[1], stop):
            periods.append(
                Period(index=-1, start=day, end=day, due=day, report=by_day.get(day), emergency=True)
            )
            day += dt.timedelta(days=1)
    periods.sort(key=lambda p: (p.end, p.start))
    return periods


def _state(period: Period, today: dt.date) -> str:
    if period.end >= today:
        return "current_done" if period.report else "current"
    if today <= period.due:  # ended, still in its grace day: not yet owed (the late list agrees)
        return "current_done" if period.report else "waiting"
    if period.report:
        return "on_time" if period.report.submitted_on <= period.due else "late"
    return "missing"


def emergency_window(assignment: Assignment) -> tuple[dt.date, dt.date] | None:
    if assignment.emergency_from is None:
        return None
    return assignment.emergency_from, assignment.emergency_until


def next_report_period(assignment: Assignment, today: dt.date, summary: PeriodSummary | None = None):
    """The period the next report is for: the oldest one without a report (so a missed period is
    filled, never skipped), else the current one. Returns (start, end) — the whole period, as the
    form's table of periods shows it (a weekly period begun today is 12-02～12-08, not 12-02 to
    today); a report filed on day one of a period still belongs to it."""
    summary = summary or report_periods(assignment, today)
    for p in summary.periods:
        if p.report is None:
            return p.start, p.end
    if summary.periods:
        last = summary.periods[-1]
        return last.start, last.end
    return today, today


# --- the same rule in the database, for lists ----------------------------------------------------


def _anchor_expr(prefix: str = ""):
    return Greatest(
        F(f"{prefix}start_date"),
        Coalesce(TruncDate(f"{prefix}signed_at"), F(f"{prefix}start_date")),
    )


def _months(expr):
    return ExtractYear(expr) * Value(12) + ExtractMonth(expr)


def _months_after(expr):
    """Months index of the day after `expr` (so a window ending on a month's last day covers it)."""
    return _months(ExpressionWrapper(expr + Value(dt.timedelta(days=1)), output_field=DateField()))


IN_WINDOW = Q(emergency_from__isnull=False)


def _reports(**filters):
    return ProgressReport.objects.filter(
        assignment=OuterRef("pk"), period_end__gte=OuterRef("anchor"), **filters
    )


def _count_of(qs, field="idx", distinct=True):
    return Coalesce(
        Subquery(qs.values("assignment").annotate(c=Count(field, distinct=distinct)).values("c")[:1]),
        Value(0),
    )


def _outside_window(qs, inside: Q):
    """Reports whose base period is not replaced by the 应急 days (`inside` tests the period)."""
    return qs.annotate(
        replaced=Case(When(inside, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).filter(replaced=0)


def missing_periods_expressions(today: dt.date) -> dict:
    """Per assignment (annotated with `anchor`): the cadence's periods past due (`base_expected`),
    all periods past due (`expected_periods`: minus the cadence periods replaced by 应急 days,
    plus those days) and the ones served by a report (`reported_periods`) — the Python rule of
    report_periods as database expressions, in annotation order. Exact for daily/weekly/bi-weekly/
    monthly; for 按时间节点 the reported count is the number of reports (capped), an approximation
    the task page's table does not need."""
    parts = [_fixed_expressions(today, cadence, length) for cadence, length in PERIOD_DAYS.items()]
    parts += [_monthly_expressions(today), _milestone_expressions(today)]
    base_expected, replaced, base_reported = (list(column) for column in zip(*parts, strict=True))
    daily_expected, daily_reported = _window_day_expressions(today)

    def case(whens):
        return Case(*whens, default=Value(0), output_field=IntegerField())

    return {
        "base_expected": case(base_expected),
        "replaced_periods": case(replaced),
        "expected_periods": ExpressionWrapper(
            F("base_expected") - F("replaced_periods") + daily_expected, IntegerField()
        ),
        "reported_periods": ExpressionWrapper(case(base_reported) + daily_reported, IntegerField()),
    }


E1, E2 = F("emergency_from"), F("emergency_until")


def _fixed_expressions(today: dt.date, cadence: str, length: int) -> tuple[When, When, When]:
    """(past-due periods, of them replaced by 应急 days, served by a report) of a cadence of
    `length`-day periods: its When of base_expected, replaced_periods and the reported count."""
    cutoff = owed_before(cadence, today)
    expected = When(
        cadence=cadence,
        then=Greatest(
            ExpressionWrapper(DaysBetween(Value(cutoff), F("anchor")) / Value(length), IntegerField()),
            Value(0),
        ),
    )
    # period k (1-based) ends on day anchor + k·L − 1: replaced when that day is in [E1, E2]
    lo = (Greatest(DaysBetween(E1, F("anchor")) + Value(1), Value(1)) + Value(length - 1)) / Value(length)
    hi = Least(
        Greatest(DaysBetween(E2, F("anchor")) + Value(1), Value(0)) / Value(length), F("base_expected")
    )
    replaced = When(IN_WINDOW & Q(cadence=cadence), then=Greatest(hi - lo + Value(1), Value(0)))
    idx = ExpressionWrapper(DaysBetween(F("period_end"), OuterRef("anchor")) / Value(length), IntegerField())
    end_offset = ExpressionWrapper(F("idx") * Value(length) + Value(length - 1), IntegerField())
    reports = _reports().annotate(idx=idx, end_offset=end_offset).filter(idx__lt=OuterRef("base_expected"))
    inside = Q(end_offset__gte=DaysBetween(OuterRef("emergency_from"), OuterRef("anchor"))) & Q(
        end_offset__lte=DaysBetween(OuterRef("emergency_until"), OuterRef("anchor"))
    )
    return expected, replaced, When(cadence=cadence, then=_count_of(_outside_window(reports, inside)))


def _monthly_expressions(today: dt.date) -> tuple[When, When, When]:
    """The same for calendar months: month period i ends on the last day of month(anchor) + i."""
    cutoff = owed_before(Cadence.MONTHLY, today)
    expected = When(
        cadence=Cadence.MONTHLY,
        then=Greatest(Value(cutoff.year * 12 + cutoff.month) - _months(F("anchor")), Value(0)),
    )
    # replaced when the period's last day is in [E1, E2]
    lo_m = Greatest(_months(E1) - _months(F("anchor")), Value(0))
    hi_m = Least(_months_after(E2) - Value(1) - _months(F("anchor")), F("base_expected") - Value(1))
    replaced = When(IN_WINDOW & Q(cadence=Cadence.MONTHLY), then=Greatest(hi_m - lo_m + Value(1), Value(0)))
    reports_m = _reports().annotate(
        idx=_months(F("period_end")) - _months(OuterRef("anchor")), pm=_months(F("period_end"))
    )
    reports_m = reports_m.filter(idx__lt=OuterRef("base_expected"))
    inside_m = Q(pm__gte=_months(OuterRef("emergency_from"))) & Q(
        pm__lte=_months_after(OuterRef("emergency_until")) - Value(1)
    )
    return (
        expected,
        replaced,
        When(cadence=Cadence.MONTHLY, then=_count_of(_outside_window(reports_m, inside_m))),
    )


def _milestone_expressions(today: dt.date) -> tuple[When, When, When]:
    """The same per milestone: one period ends at each milestone before the due date, one at it."""
    cutoff = owed_before(Cadence.MILESTONE, today)
    milestones = Milestone.objects.filter(
        task_id=OuterRef("task_id"),
        due_date__gte=OuterRef("anchor"),
        due_date__lt=OuterRef("due_date"),
    ).filter(due_date__lt=cutoff)

    def ms_count(qs):
        return Coalesce(Subquery(qs.values("task_id").annotate(c=Count("id")).values("c")[:1]), Value(0))

    last_due = Case(When(due_date__lt=cutoff, then=Value(1)), default=Value(0))
    expected = When(cadence=Cadence.MILESTONE, then=ms_count(milestones) + last_due)
    replaced = When(
        IN_WINDOW & Q(cadence=Cadence.MILESTONE),
        then=ms_count(
            milestones.filter(
                due_date__gte=OuterRef("emergency_from"), due_date__lte=OuterRef("emergency_until")
            )
        )
        + Case(
            When(due_date__lt=cutoff, due_date__gte=E1, due_date__lte=E2, then=Value(1)),
            default=Value(0),
        ),
    )
    reports_ms = _reports(period_end__lt=cutoff)
    inside_ms = Q(period_end__gte=OuterRef("emergency_from")) & Q(period_end__lte=OuterRef("emergency_until"))
    reported = When(
        cadence=Cadence.MILESTONE,
        then=Least(
            F("base_expected") - F("replaced_periods"),
            _count_of(_outside_window(reports_ms, inside_ms), field="id", distinct=False),
        ),
    )
    return expected, replaced, reported


def _window_day_expressions(today: dt.date) -> tuple[Case, Case]:
    """(past-due, reported) days of the 应急 window: day d is past due when d < today."""
    yesterday = today - dt.timedelta(days=1)
    first_day = Greatest(E1, F("anchor"))
    daily_expected = Case(
        When(
            IN_WINDOW, then=Greatest(DaysBetween(Least(E2, Value(yesterday)), first_day) + Value(1), Value(0))
        ),
        default=Value(0),
    )
    daily_reports = ProgressReport.objects.filter(
        assignment=OuterRef("pk"),
        period_end__gte=Greatest(OuterRef("emergency_from"), OuterRef("anchor")),
        period_end__lte=Least(OuterRef("emergency_until"), Value(yesterday)),
    )
    daily_reported = Case(
        When(IN_WINDOW, then=_count_of(daily_reports, field="period_end")), default=Value(0)
    )
    return daily_expected, daily_reported


def with_missing_periods(qs, today: dt.date):
    qs = qs.annotate(anchor=_anchor_expr())
    for name, expression in missing_periods_expressions(today).items():
        qs = qs.annotate(**{name: expression})
    return qs.annotate(
        missing_periods=ExpressionWrapper(F("expected_periods") - F("reported_periods"), IntegerField())
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
        # an assignment in its 应急 period reports daily whatever its cadence (R-RPT-1)
        When(emergency_from__lte=today, emergency_until__gte=today, then=Value(WEEKLY_X100[Cadence.DAILY])),
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


# --- objects a user may open (assignments: tasks.selectors_detail.assignments_visible) ----------


def assignment_for(user, pk: int) -> Assignment | None:
    """An assignment the user can see (`assignments_visible`, the task page's rule), or None."""
    return assignments_visible(user).select_related("task", "unit", "org_unit").filter(pk=pk).first()


def reports_visible(user):
    """The reports a user may see: exactly those of the assignments they may see (the task page
    lists them so, the API answers them so)."""
    return ProgressReport.objects.filter(assignment_id__in=assignments_visible(user).values("pk"))


def report_files(user):
    """The files a user may see as a report's (files.registry): those of the reports they may see."""
    return ProgressReport.attachments.through.objects.filter(
        progressreport_id__in=reports_visible(user).values("pk")
    ).values("attachment_id")


def sibling_assignments(user, assignment: Assignment):
    """Other assignments of tasks whose 专班 the user belongs to, open for reports: one report may
    serve them all in this period (R-RPT-3). Empty unless the user is in this task's 专班."""
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
