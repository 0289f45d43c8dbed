"""The reading of an answer sheet against a frozen questionnaire (surveys.definition) and the one
public write (surveys.services.submit_response): every wrong answer named in Chinese, a skip rule
dropping what it hides, points on a known scale, a sheet stored once, a token used once."""

import secrets

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from surveys import definition, services
from surveys.choices import QuestionType, SurveyMode, SurveyStatus
from surveys.models import Answer, Response
from surveys.tests.factories import QUESTIONS, SATISFACTION, answer, issue_tokens, open_survey, sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(org):
    return open_survey(org)


def _definition(survey):
    return survey.version.definition


def test_a_valid_sheet_reads_into_rows_with_points(survey):
    rows = definition.read(_definition(survey), sheet(q1="a", q2=5, q3=10, q5=["a", "c"], q7="很好"))
    by_key = {(r.question, r.row, r.choice): r for r in rows}
    assert by_key[("q1", "", "a")].points == 100 and by_key[("q1", "", "a")].scale == 100
    assert by_key[("q2", "", "")].points == 4 and by_key[("q2", "", "")].scale == 4
    assert by_key[("q3", "", "")].points == 9 and by_key[("q3", "", "")].scale == 9
    assert by_key[("q4", "r2", "")].value == 3 and by_key[("q4", "r2", "")].points == 2
    assert by_key[("q5", "", "c")].points is None  # multiple choice: never in the index
    assert by_key[("q7", "", "")].text == "很好"


def test_an_option_without_a_score_is_left_out_of_the_index(survey):
    rows = definition.read(_definition(survey), sheet(q1="x"))
    q1 = [r for r in rows if r.question == "q1"]
    assert q1[0].choice == "x" and q1[0].points is None and q1[0].scale is None


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        ({"q1": None}, "q1", "第1题为必答题"),
        ({"q1": "z"}, "q1", "第1题：请从选项中选择"),
        ({"q2": 6}, "q2", "第2题：评分须为1–5分"),
        ({"q2": "4.5"}, "q2", "第2题：评分须为1–5分"),
        ({"q2": True}, "q2", "第2题：评分须为1–5分"),
        ({"q4": {"r1": 4}}, "q4", "第4题：请逐行评分"),
        ({"q4": {"r1": 4, "r2": 3, "r3": 5, "r9": 1}}, "q4", "第4题：评分行不正确"),
        ({"q5": ["a", "a"]}, "q5", "第5题：选项重复"),
        ({"q7": "字" * 201}, "q7", "第7题：不能超过200字"),
    ],
)
def test_each_wrong_answer_is_named(survey, change, key, message):
    answers = {**sheet(), **change}
    with pytest.raises(ValidationError) as exc:
        definition.read(_definition(survey), answers)
    assert exc.value.message_dict[key] == [message]


def test_a_question_not_in_the_questionnaire_is_refused(survey):
    with pytest.raises(ValidationError) as exc:
        definition.read(_definition(survey), {**sheet(), "q99": "a"})
    assert exc.value.message_dict["__all__"] == ["答卷含有问卷中没有的题目"]


def test_the_skip_rule_drops_a_hidden_answer_and_asks_a_shown_one(survey):
    rows = definition.read(_definition(survey), sheet(q1="a", q6="排队太久"))
    assert not [r for r in rows if r.question == "q6"]  # q6 shows only after 不满意
    rows = definition.read(_definition(survey), sheet(q1="d", q6="排队太久"))
    assert [r.text for r in rows if r.question == "q6"] == ["排队太久"]


@given(q1=st.sampled_from([o["key"] for o in SATISFACTION]), q2=st.integers(1, 5), q3=st.integers(1, 10))
def test_points_never_exceed_their_scale(q1, q2, q3):
    d = {
        "sections": [
            {
                "questions": [
                    {
                        "key": "q1",
                        "type": "single",
                        "required": True,
                        "scored": True,
                        "options": SATISFACTION,
                    },
                    {"key": "q2", "type": "rating5", "required": True, "scored": True},
                    {"key": "q3", "type": "rating10", "required": True, "scored": True},
                ]
            }
        ]
    }
    for row in definition.read(d, {"q1": q1, "q2": q2, "q3": q3}):
        if row.points is not None:
            assert 0 <= row.points <= row.scale


def test_a_sheet_is_stored_once_even_if_sent_twice(survey):
    target = survey.targets.get()
    key = secrets.token_urlsafe(16)
    first, created = services.submit_response(target=target, answers=sheet(), client_key=key)
    again, created_again = services.submit_response(target=target, answers=sheet(q1="e"), client_key=key)
    assert created and not created_again and again.pk == first.pk
    assert Response.objects.count() == 1
    assert Answer.objects.filter(response=first, question="q1").get().choice == "b"


def test_a_wrong_sheet_stores_nothing(survey):
    with pytest.raises(ValidationError):
        answer(survey.targets.get(), {"q1": "b"})
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_a_closed_round_stores_nothing(org):
    target = open_survey(org, status=SurveyStatus.CLOSED).targets.get()
    with pytest.raises(ValidationError, match="未在收集期内"):
        answer(target)
    assert not Response.objects.exists()


def test_a_token_answers_once(org):
    target = open_survey(org, mode=SurveyMode.TOKEN).targets.get()
    (token,) = issue_tokens(org, target, 1)
    with pytest.raises(ValidationError, match="答题码不正确"):
        answer(target)
    stored = answer(target, token=token.code.lower())
    assert stored.token_id == token.pk
    with pytest.raises(ValidationError, match="已使用"):
        answer(target, token=token.code)
    assert Response.objects.count() == 1


def test_the_sample_has_every_question_type():
    assert {q[2] for q in QUESTIONS} == set(QuestionType.values)
