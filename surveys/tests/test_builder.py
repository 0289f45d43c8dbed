"""The builder's writes (surveys.builder): publish refusals, versions (an edit after publishing
makes v2 at the next publish; a round keeps v1), keys never given twice, the stale-form lock,
who may edit, 停用/恢复, and the options editor's text."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from surveys import builder
from surveys.choices import QuestionnaireStatus, QuestionType
from surveys.models import QuestionnaireVersion
from surveys.tests.factories import open_survey, sample_questionnaire

pytestmark = pytest.mark.django_db
SUP = "prov_supervisor"


@pytest.fixture
def actor(org):
    return org.user(SUP)


@pytest.fixture
def blank(org, actor):
    return builder.questionnaire_create(actor=actor, org_unit=org.unit("county_a"), title="空白问卷")


def _fresh(qn):
    qn.refresh_from_db()
    return qn


def _refusal(actor, qn):
    with pytest.raises(ValidationError) as exc:
        builder.questionnaire_publish(actor=actor, questionnaire=_fresh(qn))
    return " ".join(exc.value.messages)


def test_an_empty_questionnaire_and_an_empty_section_are_refused(actor, blank):
    assert "至少要有一道题" in _refusal(actor, blank)
    section = builder.section_add(actor=actor, questionnaire=blank, revision=None, title="总体")
    builder.question_add(
        actor=actor, section=section, revision=None, type=QuestionType.RATING5, text="总体评分"
    )
    builder.section_add(actor=actor, questionnaire=blank, revision=None, title="空分节")
    assert "分节“空分节”还没有题目" in _refusal(actor, blank)
    assert not QuestionnaireVersion.objects.filter(questionnaire=blank).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"type": QuestionType.SINGLE, "options": [{"key": "a", "label": "是", "score": None}]},
            "至少要有两个选项",
        ),
        (
            {
                "type": QuestionType.SINGLE,
                "options": [{"key": "a", "label": "是"}, {"key": "a", "label": "否"}],
            },
            "选项标识重复",
        ),
        ({"type": QuestionType.MATRIX, "rows": []}, "至少要有一行"),
        ({"type": QuestionType.LONG, "show_if_key": "q9", "show_if_values": ["a"]}, "须引用前面的题目"),
        ({"type": QuestionType.LONG, "show_if_key": "q1", "show_if_values": ["z"]}, "须是q1的选项"),
    ],
)
def test_a_wrong_question_is_refused_on_adding(actor, org, fields, message):
    qn = sample_questionnaire(org, published=False)
    section = qn.sections.last()
    with pytest.raises(ValidationError) as exc:
        builder.question_add(actor=actor, section=section, revision=None, text="新题", **fields)
    assert message in " ".join(exc.value.messages)


def test_a_skip_rule_that_points_later_after_a_move_stops_the_publish(actor, org):
    qn = sample_questionnaire(org, published=False)
    first = qn.sections.order_by("position").first()
    builder.section_move(actor=actor, section=first, revision=None, direction="down")  # q1 now after q6
    assert "显示条件须引用前面的题目" in _refusal(actor, qn)


def test_an_edit_after_publishing_makes_v2_and_the_round_keeps_v1(actor, org):
    qn = sample_questionnaire(org)
    survey = open_survey(org, qn)
    assert (
        builder.questionnaire_publish(actor=actor, questionnaire=_fresh(qn)).number == 1
    )  # unchanged: no v2
    q2 = qn.questions.get(key="q2")
    builder.question_update(actor=actor, question=q2, revision=_fresh(qn).revision, text="医生的服务态度")
    assert _fresh(qn).changed_since_publish
    v2 = builder.questionnaire_publish(actor=actor, questionnaire=_fresh(qn))
    assert v2.number == 2 and not _fresh(qn).changed_since_publish
    texts = {q["key"]: q["text"] for s in v2.definition["sections"] for q in s["questions"]}
    assert texts["q2"] == "医生的服务态度"
    survey.refresh_from_db()
    assert survey.version.number == 1
    v1_texts = [q["text"] for s in survey.version.definition["sections"] for q in s["questions"]]
    assert "医生的态度" in v1_texts


def test_keys_are_never_given_twice(actor, org):
    qn = sample_questionnaire(org, published=False)  # q1 … q7
    section = qn.sections.last()
    q8 = builder.question_add(actor=actor, section=section, revision=None, type=QuestionType.SHORT, text="甲")
    assert q8.key == "q8"
    builder.question_delete(actor=actor, question=q8, revision=None)
    q9 = builder.question_add(actor=actor, section=section, revision=None, type=QuestionType.SHORT, text="乙")
    assert q9.key == "q9"


def test_a_stale_form_is_refused_and_changes_nothing(actor, org):
    qn = sample_questionnaire(org, published=False)
    old = qn.revision
    builder.section_add(actor=actor, questionnaire=qn, revision=old, title="新分节")
    with pytest.raises(ValidationError, match="已被他人修改"):
        builder.section_add(actor=actor, questionnaire=qn, revision=old, title="另一个")
    assert qn.sections.filter(title="另一个").count() == 0


def test_a_question_another_names_in_its_rule_cannot_be_deleted(actor, org):
    qn = sample_questionnaire(org, published=False)
    with pytest.raises(ValidationError, match="显示条件引用了要删除的题目"):
        builder.question_delete(actor=actor, question=qn.questions.get(key="q1"), revision=None)


def test_only_the_units_supervisors_edit_and_every_edit_is_audited(org, actor):
    qn = sample_questionnaire(org, published=False)
    for outsider in ("county_b_head", "county_a_leader", "county_a_clerk"):
        with pytest.raises(PermissionDenied):
            builder.section_add(actor=org.user(outsider), questionnaire=qn, revision=None, title="x")
    before = AuditEvent.objects.count()
    builder.section_add(actor=org.user("city_a_supervisor"), questionnaire=qn, revision=None, title="x")
    assert AuditEvent.objects.filter(action="surveys.questionnaire.updated").count() == 1
    assert AuditEvent.objects.count() == before + 1


def test_archive_and_restore(org, actor):
    qn = sample_questionnaire(org)
    builder.questionnaire_archive(actor=actor, questionnaire=qn)
    assert _fresh(qn).status == QuestionnaireStatus.ARCHIVED
    with pytest.raises(ValidationError, match="已停用"):
        builder.section_add(actor=actor, questionnaire=qn, revision=None, title="x")
    with pytest.raises(ValidationError):
        builder.questionnaire_publish(actor=actor, questionnaire=_fresh(qn))
    builder.questionnaire_restore(actor=actor, questionnaire=_fresh(qn))
    assert _fresh(qn).status == QuestionnaireStatus.PUBLISHED


def test_the_options_editor_keeps_keys_by_label():
    existing = [{"key": "a", "label": "满意", "score": 100}, {"key": "b", "label": "不满意", "score": 0}]
    parsed = builder.options_from_text("非常满意|100\n满意|80\n不满意｜0\n不清楚", existing)
    assert [(o["key"], o["label"], o["score"]) for o in parsed] == [
        ("c", "非常满意", 100),
        ("a", "满意", 80),
        ("b", "不满意", 0),
        ("d", "不清楚", None),
    ]
    assert builder.options_to_text(parsed).splitlines()[0] == "非常满意|100"
    for bad, message in (
        ("好|101", "分值须为0–100"),
        ("好\n好", "选项文字重复"),
        ("|5", "选项文字须为1–60字"),
    ):
        with pytest.raises(ValidationError, match=message):
            builder.options_from_text(bad)
