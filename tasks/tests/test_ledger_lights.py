"""Property: the ledger's light (database annotation) equals the Python rule for every row.

Random tasks (status, start, due, progress, last report, cadence, 应急 period) and a random "today" are
written to whichever database the suite runs on (SQLite or PostgreSQL), read back through
tasks.selectors.ledger_queryset, and compared row by row with tasks.lights.compute; the light
filter must return exactly the rows whose Python light matches.
"""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks import lights, selectors
from tasks.choices import Cadence, Light, TaskStatus
from tasks.filters import LIGHT_SLUGS, TaskFilterSet
from tasks.models import Task, TaskCategory

pytestmark = pytest.mark.django_db

BASE = dt.date(2026, 1, 1)


@st.composite
def task_specs(draw):
    start = BASE + dt.timedelta(days=draw(st.integers(0, 200)))
    due = start + dt.timedelta(days=draw(st.integers(0, 200)))
    report = draw(st.one_of(st.none(), st.integers(-10, 400)))
    window = draw(st.one_of(st.none(), st.tuples(st.integers(-20, 420), st.integers(0, 60))))
    return {
        "emergency_from": None if window is None else start + dt.timedelta(days=window[0]),
        "emergency_until": None if window is None else start + dt.timedelta(days=window[0] + window[1]),
        "status": draw(st.sampled_from(TaskStatus.values)),
        "start_date": start,
        "due_date": due,
        "progress": draw(st.integers(0, 100)),
        "last_report_on": None if report is None else start + dt.timedelta(days=report),
        "cadence": draw(st.sampled_from(Cadence.values)),
    }


def _edge_days():
    # around the thresholds: due date, N days before it, cadence limits
    return st.integers(-40, 450)


@pytest.fixture
def tree(org):
    return {
        "org": org,
        "category": TaskCategory.objects.get(name="公共卫生"),
        "user": org.user("prov_supervisor"),
    }


@st.composite
def emergency_specs(draw):
    """Items whose 应急 period lies around TODAY, with reports a few days old: the edges of rule 5a."""
    start = TODAY - dt.timedelta(days=draw(st.integers(0, 30)))
    report = draw(st.one_of(st.none(), st.integers(0, 6)))
    first = TODAY + dt.timedelta(days=draw(st.integers(-4, 2)))
    return {
        "status": draw(st.sampled_from([TaskStatus.SIGNED, TaskStatus.IN_PROGRESS, TaskStatus.ASSIGNED])),
        "start_date": start,
        "due_date": TODAY + dt.timedelta(days=60),
        "progress": 100,
        "last_report_on": None if report is None else max(start, TODAY - dt.timedelta(days=report)),
        "cadence": draw(st.sampled_from(Cadence.values)),
        "emergency_from": first,
        "emergency_until": first + dt.timedelta(days=draw(st.integers(0, 5))),
    }


TODAY = BASE + dt.timedelta(days=100)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(task_specs(), min_size=1, max_size=25), today_offset=_edge_days())
def test_database_light_equals_python_light_for_every_row(tree, specs, today_offset):
    _check_rows(tree, specs, BASE + dt.timedelta(days=today_offset))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(emergency_specs(), min_size=1, max_size=25))
def test_emergency_period_light_agrees_around_its_edges(tree, specs):
    _check_rows(tree, specs, TODAY)


def _check_rows(tree, specs, today):
    org, user = tree["org"], tree["user"]
    Task.objects.all().delete()
    created = Task.objects.bulk_create(
        Task(
            code=f"P-{i:05d}",
            title=f"任务{i}",
            category=tree["category"],
            org_unit=org.units["province"],
            lead_unit=org.units["county_a"],
            created_by=org.users["prov_supervisor"],
            **spec,
        )
        for i, spec in enumerate(specs)
    )
    assert len(created) == len(specs)
    rows = list(selectors.ledger_queryset(user, today))
    assert len(rows) == len(specs)
    expected = {}
    for row in rows:
        python = lights.compute(
            status=row.status,
            start_date=row.start_date,
            due_date=row.due_date,
            progress=row.progress,
            last_report_on=row.last_report_on,
            cadence=row.cadence,
            today=today,
            emergency_from=row.emergency_from,
            emergency_until=row.emergency_until,
        )
        assert row.light == python.light, (row.code, row.status, python.reason, today)
        expected.setdefault(int(python.light), set()).add(row.code)

    for slug, value in LIGHT_SLUGS.items():
        filterset = TaskFilterSet(
            {"light": slug}, queryset=selectors.ledger_queryset(user, today), today=today
        )
        assert {t.code for t in filterset.qs} == expected.get(int(value), set()), slug

    worst_first = [
        t.light for t in TaskFilterSet({}, queryset=selectors.ledger_queryset(user, today), today=today).qs
    ]
    assert worst_first == sorted(worst_first, reverse=True)
    assert set(worst_first) <= {int(v) for v in Light.values}
