"""Property: the 批示 light in the database (the ledger's filter and counts) equals the Python rule
(with its words) for every row, on whichever database the suite runs."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instructions import lights
from instructions.filters import InstructionFilterSet
from instructions.models import Instruction, InstructionStatus
from instructions.tests.factories import county_task
from tasks.choices import Light
from tasks.filters import LIGHT_SLUGS

pytestmark = pytest.mark.django_db
BASE = dt.date(2026, 3, 1)


@st.composite
def specs(draw):
    due = BASE + dt.timedelta(days=draw(st.integers(-30, 30)))
    status = draw(st.sampled_from(InstructionStatus.values))
    answered = due + dt.timedelta(days=draw(st.integers(-10, 10)))
    return {"status": status, "due_date": due, "answered_on": answered if status != "pending" else None}


@pytest.fixture
def world(org):
    return {"org": org, "task": county_task(org)}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(specs(), min_size=1, max_size=20), offset=st.integers(-12, 12))
def test_database_light_equals_python_light(world, rows, offset):
    org, task = world["org"], world["task"]
    today = BASE + dt.timedelta(days=offset)
    Instruction.objects.all().delete()
    Instruction.objects.bulk_create(
        Instruction(
            target_kind="task",
            task=task,
            target_label="任务",
            org_unit=org.units["city_a"],
            author=org.users["city_a_leader"],
            text="批示",
            assignee_unit=org.units["county_a"],
            **spec,
        )
        for spec in rows
    )
    qs = Instruction.objects.annotate(light=lights.light_annotation(today))
    expected = {}
    for ins in qs:
        info = lights.light_of(ins, today)
        assert ins.light == info.light, (ins.status, ins.due_date, ins.answered_on, today, info)
        assert info.reason
        expected.setdefault(int(info.light), set()).add(ins.pk)
    for slug, light in LIGHT_SLUGS.items():
        fs = InstructionFilterSet({"light": slug}, queryset=qs, today=today)
        assert set(fs.qs.values_list("pk", flat=True)) == expected.get(int(light), set()), slug


def test_words():
    ins = Instruction(status="pending", due_date=BASE)
    assert lights.light_of(ins, BASE + dt.timedelta(days=3)).reason == "红：逾期3天"
    ins = Instruction(status="answered", due_date=BASE, answered_on=BASE + dt.timedelta(days=2))
    assert lights.light_of(ins, BASE).reason == "黄：逾期2天报送落实情况，待圈阅"
    assert lights.light_of(Instruction(status="closed", due_date=BASE), BASE).light == Light.DONE
