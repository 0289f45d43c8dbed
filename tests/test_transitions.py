"""The declared life cycles (core.transitions): well-formed, printed in docs/rules.md exactly as
declared, and asked by the rules modules (a state the table refuses is refused with its message)."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from core.transitions import CREATED
from documents.transitions import DOCUMENT
from escalation.transitions import LADDER
from instructions.transitions import INSTRUCTION
from rectification.transitions import PROBLEM
from supervision.transitions import CAMPAIGN
from surveys.transitions import EVALUATION, QUESTIONNAIRE, SURVEY
from tasks.transitions import ASSIGNMENT, EXTENSION

MACHINES = [
    ASSIGNMENT,
    EXTENSION,
    PROBLEM,
    CAMPAIGN,
    DOCUMENT,
    INSTRUCTION,
    LADDER,
    QUESTIONNAIRE,
    SURVEY,
    EVALUATION,
]
RULES_MD = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_docs_print_the_table_as_declared(machine):
    text = RULES_MD.read_text(encoding="utf-8")
    section = f"### {machine.name}\n\n{machine.markdown()}\n"
    assert section in text, f"docs/rules.md must carry, under 状态流转:\n\n{section}"


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_every_state_is_reached_and_every_refusal_is_worded(machine):
    reached = set()
    for t in machine.transitions:
        if isinstance(t.target, dict):
            reached |= set(t.target.values())
        elif t.target is not None:
            reached.add(t.target)
        assert t.sources, t.action
        if t.sources != (CREATED,):
            assert t.refusal, f"{t.action}: a refusal in Chinese"
    expected = set(machine.states.values) - set(machine.outside)
    assert reached == expected, (machine.name, expected - reached)


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_check_refuses_exactly_outside_the_sources(machine):
    for t in machine.transitions:
        if t.sources == (CREATED,):
            continue
        for state in machine.states.values:
            if state in t.sources:
                machine.check(t.action, state)
            else:
                with pytest.raises(ValidationError) as exc:
                    machine.check(t.action, state)
                assert exc.value.messages == [t.refusal]


def test_targets():
    S = ASSIGNMENT.states
    assert ASSIGNMENT.target("sign") == S.SIGNED
    assert ASSIGNMENT.target("verify", "通过") == S.COMPLETED
    assert ASSIGNMENT.target("verify", "退回") == S.IN_PROGRESS
    assert ASSIGNMENT.target("request_extension", state=S.SIGNED) == S.SIGNED
    C = CAMPAIGN.states
    assert CAMPAIGN.target("inspect", state=C.DRAWN) == C.ACTIVE
    assert CAMPAIGN.target("inspect", state=C.DRAFT) == C.DRAFT
    assert ASSIGNMENT.actions_from(S.ASSIGNED) == ["sign", "return"]
