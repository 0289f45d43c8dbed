"""Property: the ledger's light (database annotation) equals the Python rule for every row.

Random tasks (status, start, due, progress, last report, cadence) and a random "today" are
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
    return {
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


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(task_specs(), min_size=1, max_size=25), today_offset=_edge_days())
def test_database_light_equals_python_light_for_every_row(tree, specs, today_offset):
    org, user = tree["org"], tree["user"]
    today = BASE + dt.timedelta(days=today_offset)
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
