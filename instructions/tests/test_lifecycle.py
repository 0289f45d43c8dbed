"""Random walks of 批示 actions through the services, against the declared table
(instructions/transitions.py): an action the table allows from the current state moves to its
target; one it does not is refused with the table's words and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instructions import services
from instructions.models import Instruction
from instructions.tests.factories import county_task, instruct
from instructions.transitions import INSTRUCTION

pytestmark = pytest.mark.django_db

ACTIONS = ["answer", "close", "return"]


def _do(org, ins, action):
    if action == "answer":
        return services.instruction_answer(actor=org.user("county_a_clerk"), instruction=ins, text="落实情况")
    if action == "close":
        return services.instruction_close(actor=org.user("city_a_leader"), instruction=ins)
    return services.instruction_return(actor=org.user("city_a_leader"), instruction=ins, text="请补充")


@pytest.fixture
def task(org):
    return county_task(org)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(walk=st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=8))
def test_walk_follows_the_table(org, task, walk):
    ins = instruct(org, task)
    for action in walk:
        state = Instruction.objects.get(pk=ins.pk).status
        if INSTRUCTION.allows(action, state):
            ins = _do(org, ins, action)
            assert ins.status == INSTRUCTION.target(action, state=state)
        else:
            with pytest.raises(ValidationError) as exc:
                _do(org, ins, action)
            assert exc.value.messages == [INSTRUCTION[action].refusal]
            assert Instruction.objects.get(pk=ins.pk).status == state
