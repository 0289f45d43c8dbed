"""Property: the report clock (tasks.lights) — 待填报 (report_due_q / report_due) and late (rule 5,
report_late_q / report_late) — gives the same answer in the database and in Python.

Random items (cadence, start, last report, 应急 window, milestones) and a random "today" are
written to whichever database the suite runs on and filtered by the database conditions; the rows
returned must be exactly those for which the Python twin says yes.
"""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks import lights
from tasks.choices import Cadence, TaskStatus
from tasks.models import Milestone, Task, TaskCategory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


@st.composite
def item_specs(draw):
    start = TODAY - dt.timedelta(days=draw(st.integers(-5, 60)))
    report = draw(st.one_of(st.none(), st.integers(0, 40)))
    window = draw(st.one_of(st.none(), st.tuples(st.integers(-6, 3), st.integers(0, 6))))
    return {
        "status": TaskStatus.IN_PROGRESS,
        "start_date": start,
        "due_date": TODAY + dt.timedelta(days=90),
        "last_report_on": None if report is None else max(start, TODAY - dt.timedelta(days=report)),
        "cadence": draw(st.sampled_from(Cadence.values)),
        "emergency_from": None if window is None else TODAY + dt.timedelta(days=window[0]),
        "emergency_until": None if window is None else TODAY + dt.timedelta(days=window[0] + window[1]),
        "milestones": draw(
            st.lists(st.tuples(st.integers(-10, 20), st.booleans()), max_size=3)
        ),  # (due in days from today, done)
    }


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(item_specs(), min_size=1, max_size=20))
def test_report_due_and_late_agree_in_database_and_python(org, specs):
    Task.objects.all().delete()
    category = TaskCategory.objects.get(name="公共卫生")
    tasks, open_dues = [], {}
    for i, spec in enumerate(specs):
        spec = dict(spec)
        milestones = spec.pop("milestones")
        task = Task.objects.create(
            code=f"R-{i:05d}",
            title=f"任务{i}",
            category=category,
            org_unit=org.units["province"],
            lead_unit=org.units["county_a"],
            created_by=org.users["prov_supervisor"],
            **spec,
        )
        for j, (days, done) in enumerate(milestones):
            due = TODAY + dt.timedelta(days=days)
            Milestone.objects.create(task=task, title=f"节点{j}", due_date=due, done_on=due if done else None)
            if not done:
                open_dues.setdefault(task.pk, []).append(due)
        tasks.append(task)
    due_db = set(Task.objects.filter(lights.report_due_q(TODAY, task="pk")).values_list("pk", flat=True))
    late_db = set(Task.objects.filter(lights.report_late_q(TODAY)).values_list("pk", flat=True))
    for t in tasks:
        fields = dict(
            cadence=t.cadence,
            start_date=t.start_date,
            last_report_on=t.last_report_on,
            today=TODAY,
            emergency_from=t.emergency_from,
            emergency_until=t.emergency_until,
        )
        assert lights.report_due(**fields, open_milestone_dues=open_dues.get(t.pk, ())) == (t.pk in due_db), (
            t.code
        )
        assert bool(lights.report_late(**fields)) == (t.pk in late_db), t.code


def test_due_the_day_before_late_the_day_after():
    """Weekly, last report on day R: 待填报 from R + 6, late (黄) from R + 8 — around R + 7."""
    r = dt.date(2026, 6, 1)
    fields = dict(cadence=Cadence.WEEKLY, start_date=r - dt.timedelta(days=30), last_report_on=r)
    due = [lights.report_due(**fields, today=r + dt.timedelta(days=d)) for d in range(5, 10)]
    late = [bool(lights.report_late(**fields, today=r + dt.timedelta(days=d))) for d in range(5, 10)]
    assert due == [False, True, True, True, True]
    assert late == [False, False, False, True, True]
    assert lights.period_due(Cadence.WEEKLY, r) == r + dt.timedelta(days=1)
    assert lights.period_due(Cadence.DAILY, r) == r
