"""Expected report periods, late and missing reports (R-RPT-4) in Python and in the database."""

import datetime as dt

import pytest

from core import clock
from core.testing import make_task
from reporting import selectors, services
from tasks import services as task_services
from tasks.models import Assignment, Milestone

pytestmark = pytest.mark.django_db


def _report(org, a, **kw):
    a.refresh_from_db()
    return services.report_submit(actor=org.user("county_a_clerk"), assignment=a, work_done="推进中", **kw)


def test_missing_periods_are_detected_as_time_passes(org, signed):
    a = signed
    start = clock.today()
    summary = selectors.report_periods(a, clock.today())
    assert [p.state for p in summary.periods] == ["current"]

    clock.travel(days=8)  # first week [0..6] due on day 7 → missing on day 8
    summary = selectors.report_periods(a, clock.today())
    assert [p.state for p in summary.periods] == ["missing", "current"]
    assert summary.periods[0].start == start and summary.periods[0].end == start + dt.timedelta(days=6)
    assert summary.missing == 1

    # the form's period is the oldest missing one: the late report fills it, marked 迟报
    period = selectors.next_report_period(a, clock.today())
    assert period == (start, start + dt.timedelta(days=6))
    _report(org, a, progress=20, period_start=period[0], period_end=period[1])
    summary = selectors.report_periods(a, clock.today())
    assert [p.state for p in summary.periods] == ["late", "current"]

    _report(org, a, progress=30)  # this week's report, on time
    assert [p.state for p in selectors.report_periods(a, clock.today()).periods] == ["late", "current_done"]

    clock.travel(days=14)  # two more weeks pass without a report
    summary = selectors.report_periods(a, clock.today())
    assert [p.state for p in summary.periods] == ["late", "on_time", "missing", "current"]
    assert (summary.expected, summary.on_time, summary.late, summary.missing) == (3, 1, 1, 1)


def test_period_inside_grace_is_waiting_not_missing(org, signed):
    clock.travel(days=7)  # the first week ended yesterday; due today
    states = [p.state for p in selectors.report_periods(signed, clock.today()).periods]
    assert states == ["waiting", "current"]


def test_monthly_and_daily_periods(org):
    task = make_task(org, lead="county_a", days=90, cadence="monthly")
    a = Assignment.objects.get(task=task)
    task_services.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    a.refresh_from_db()
    clock.travel(days=70)
    periods = selectors.report_periods(a, clock.today()).periods
    assert periods[0].start == a.start_date
    assert all(p.end.month != (p.end + dt.timedelta(days=1)).month for p in periods[:-1])  # month ends
    assert len(periods) in (3, 4)

    task = make_task(org, title="每日调度", lead="county_a", days=30, cadence="daily")
    d = Assignment.objects.get(task=task)
    task_services.assignment_sign(actor=org.user("county_a_clerk"), assignment=d)
    d.refresh_from_db()
    clock.travel(days=3)
    summary = selectors.report_periods(d, clock.today())
    assert len(summary.periods) == 4 and summary.missing == 3


def test_milestone_cadence_periods_end_at_milestones(org):
    task = make_task(org, lead="county_a", days=60, cadence="milestone")
    a = Assignment.objects.get(task=task)
    task_services.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    a.refresh_from_db()
    Milestone.objects.create(task=task, title="摸底完成", due_date=clock.today() + dt.timedelta(days=10))
    Milestone.objects.create(task=task, title="建设过半", due_date=clock.today() + dt.timedelta(days=30))
    clock.travel(days=12)
    summary = selectors.report_periods(a, clock.today())
    assert [p.end for p in summary.periods] == [
        a.start_date + dt.timedelta(days=10),
        a.start_date + dt.timedelta(days=30),
    ]
    assert [p.state for p in summary.periods] == ["missing", "current"]


def test_database_count_agrees_with_python(org):
    assignments = []
    for i, cadence in enumerate(["daily", "weekly", "biweekly", "monthly"]):
        task = make_task(org, title=f"任务{i}", lead="county_a", days=120, cadence=cadence)
        a = Assignment.objects.get(task=task)
        task_services.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
        assignments.append(a)
    clock.travel(days=20)
    for a in assignments[1:]:
        _report(org, a, progress=10)  # one report in the current period
    clock.travel(days=30)
    today = clock.today()
    rows = {
        x.pk: x
        for x in selectors.with_missing_periods(
            Assignment.objects.filter(pk__in=[a.pk for a in assignments]), today
        )
    }
    for a in assignments:
        a.refresh_from_db()
        summary = selectors.report_periods(a, today)
        assert rows[a.pk].missing_periods == summary.missing, a.cadence
        assert rows[a.pk].expected_periods == summary.expected, a.cadence
