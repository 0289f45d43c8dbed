"""The four templates (surveys.catalog): each copies into a draft that publishes, keeps a skip
rule on an earlier choice, scores its choices, and a sheet of it reads with surveys.definition."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from surveys import builder, catalog, definition
from surveys.choices import QuestionnaireKind, QuestionnaireStatus, QuestionType

pytestmark = pytest.mark.django_db

KINDS = [
    QuestionnaireKind.OUTPATIENT,
    QuestionnaireKind.INPATIENT,
    QuestionnaireKind.RESIDENT,
    QuestionnaireKind.NPC,
]


def full_sheet(defn: dict, *, unhappy: bool = False) -> dict:
    """An answer to every question (the first option, or the lowest when `unhappy`)."""
    answers = {}
    for q in definition.questions(defn):
        options = [o["key"] for o in q["options"]]
        if q["type"] == QuestionType.SINGLE:
            scored = [o for o in q["options"] if o.get("score") is not None]
            answers[q["key"]] = (
                min(scored, key=lambda o: o["score"])["key"] if unhappy and scored else options[0]
            )
        elif q["type"] == QuestionType.MULTIPLE:
            answers[q["key"]] = options[:2]
        elif q["type"] == QuestionType.MATRIX:
            answers[q["key"]] = {r["key"]: 1 if unhappy else 5 for r in q["rows"]}
        elif q["type"] in (QuestionType.RATING5, QuestionType.RATING10):
            answers[q["key"]] = 1 if unhappy else 4
        else:
            answers[q["key"]] = "挂号排队时间太长，希望增加自助机。"
    return answers


@pytest.mark.parametrize("kind", KINDS)
def test_every_template_publishes_and_a_sheet_of_it_reads(org, kind):
    actor = org.user("prov_supervisor")
    qn = catalog.questionnaire_from_template(actor=actor, org_unit=org.unit("county_a"), kind=kind)
    assert qn.status == QuestionnaireStatus.DRAFT and qn.title == catalog.TEMPLATES[kind]["title"]
    version = builder.questionnaire_publish(actor=actor, questionnaire=qn)
    defn = version.definition
    qs = definition.questions(defn)
    assert [q["key"] for q in qs] == [f"q{i}" for i in range(1, len(qs) + 1)]
    types = {q["type"] for q in qs}
    assert {QuestionType.SINGLE, QuestionType.MATRIX, QuestionType.LONG} <= types
    rules = [q for q in qs if q["show_if"]]
    assert rules, "a skip rule (不满意 → 原因)"
    assert len(definition.items(defn)) >= 8
    rows = definition.read(defn, full_sheet(defn, unhappy=True))
    shown = {r.question for r in rows}
    assert rules[-1]["key"] in shown  # the reason is asked after 不满意
    rows = definition.read(defn, full_sheet(defn))
    assert any(r.points == 100 for r in rows)


def test_the_template_is_copied_once_audited_and_keys_continue(org):
    actor = org.user("prov_supervisor")
    before = AuditEvent.objects.count()
    qn = catalog.questionnaire_from_template(
        actor=actor,
        org_unit=org.unit("county_a"),
        kind=QuestionnaireKind.OUTPATIENT,
        title="2026年门诊满意度",
    )
    assert qn.title == "2026年门诊满意度"
    assert AuditEvent.objects.count() == before + 1
    n = qn.questions.count()
    section = qn.sections.first()
    q = builder.question_add(
        actor=actor, section=section, revision=qn.revision, type=QuestionType.SHORT, text="您的建议"
    )
    assert q.key == f"q{n + 1}"


def test_an_unknown_template_and_an_outsider_are_refused(org):
    with pytest.raises(ValidationError):
        catalog.questionnaire_from_template(
            actor=org.user("prov_supervisor"), org_unit=org.unit("county_a"), kind="x"
        )
    with pytest.raises(PermissionDenied):
        catalog.questionnaire_from_template(
            actor=org.user("county_b_head"), org_unit=org.unit("county_a"), kind=QuestionnaireKind.NPC
        )
