"""应急 special periods (R-RPT-1) in the report periods: each day of the window is a period of its
own and the cadence's periods ending inside it are replaced. The database count (late list) must
agree with the Python periods (task page) for every cadence, window and set of reports."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.testing import make_task
from reporting import selectors
from reporting.models import ProgressReport
from tasks.choices import TaskStatus
from tasks.models import Assignment

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)


def _at(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@pytest.fixture
def assignment(org):
    task = make_task(org, title="应急日报测试", lead="county_a", days=200, cadence="weekly")
    a = Assignment.objects.get(task=task)
    a.status = TaskStatus.IN_PROGRESS
    a.start_date, a.due_date, a.signed_at = START, START + dt.timedelta(days=200), _at(START)
    a.save()
    return a


def _set(a, *, cadence, window, reports, org):
    ProgressReport.objects.filter(assignment=a).delete()
    a.cadence = cadence
    a.emergency_from = None if window is None else START + dt.timedelta(days=window[0])
    a.emergency_until = None if window is None else a.emergency_from + dt.timedelta(days=window[1])
    a.save()
    ProgressReport.objects.bulk_create(
        ProgressReport(
            assignment=a,
            org_unit=a.unit,
            period_start=START + dt.timedelta(days=end),
            period_end=START + dt.timedelta(days=end),
            progress=10,
            work_done="推进",
            submitted_by=org.user("county_a_clerk"),
            submitted_at=_at(START + dt.timedelta(days=end + late)),
            submitted_on=START + dt.timedelta(days=end + late),
        )
        for end, late in reports
    )


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cadence=st.sampled_from(["daily", "weekly", "biweekly", "monthly"]),
    window=st.one_of(st.none(), st.tuples(st.integers(-10, 90), st.integers(0, 40))),
    reports=st.lists(st.tuples(st.integers(0, 100), st.integers(0, 3)), max_size=40),
    today_offset=st.integers(0, 110),
)
def test_database_and_python_periods_agree_with_emergency_windows(
    org, assignment, cadence, window, reports, today_offset
):
    _set(assignment, cadence=cadence, window=window, reports=reports, org=org)
    today = START + dt.timedelta(days=today_offset)
    row = selectors.with_missing_periods(Assignment.objects.filter(pk=assignment.pk), today).get()
    summary = selectors.report_periods(assignment, today)
    assert (row.expected_periods, row.missing_periods) == (summary.expected, summary.missing), (
        [(p.start, p.end, p.state) for p in summary.periods],
        row.base_expected,
        row.replaced_periods,
    )


def test_window_days_replace_the_weekly_periods_ending_inside_it(org, assignment):
    # weekly periods start on Mondays from 03-02; the window 03-10..03-20 holds the ends 03-15
    _set(assignment, cadence="weekly", window=(8, 10), reports=[(5, 0), (8, 0), (9, 0)], org=org)
    summary = selectors.report_periods(assignment, START + dt.timedelta(days=30))
    shown = [(p.start.isoformat(), p.end.isoformat(), p.emergency, p.state) for p in summary.periods]
    assert shown[:4] == [
        ("2026-03-02", "2026-03-08", False, "on_time"),
        ("2026-03-10", "2026-03-10", True, "on_time"),
        ("2026-03-11", "2026-03-11", True, "on_time"),
        ("2026-03-12", "2026-03-12", True, "missing"),
    ]
    # 03-09..03-15 ends inside the window: replaced; 03-16..03-22 straddles its end: kept
    assert ("2026-03-09", "2026-03-15") not in [(s, e) for s, e, *_ in shown]
    assert ("2026-03-16", "2026-03-22", False, "missing") in shown
    assert summary.missing == 9 + 1 + 1  # 03-12..03-20 daily, 03-16..22 and 03-23..29 weekly
