"""The numbers of a round (surveys.results, surveys.words): the index of an item and of a unit
against a plain evaluation of the stated formulas on random answers, rounding half up on the
exact fraction, thin data, ties, the previous round (items matched by key across versions),
distributions and the word list."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import clock
from surveys import definition, results, words
from surveys.choices import QuestionType, SurveyStatus
from surveys.models import Question, QuestionnaireVersion
from surveys.tests.factories import SATISFACTION, answer, open_survey, sample_questionnaire, sheet

pytestmark = pytest.mark.django_db
SCORES = {o["key"]: o["score"] for o in SATISFACTION}


def reference_round(value: Fraction) -> Decimal:
    """Half up to one decimal, written another way: the remainder of the tenths against a half."""
    tenths = value * 10
    whole, rest = divmod(tenths.numerator, tenths.denominator)
    return Decimal(whole + (1 if 2 * rest >= tenths.denominator else 0)) / 10


def reference(sheets: list[dict]) -> tuple[dict, Decimal | None]:
    """The formulas in plain Python over the sheets as typed: {(question, row): index} and the unit."""
    got: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for s in sheets:
        if SCORES[s["q1"]] is not None:
            got.setdefault(("q1", ""), []).append((SCORES[s["q1"]], 100))
        got.setdefault(("q2", ""), []).append((s["q2"] - 1, 4))
        if s.get("q3"):
            got.setdefault(("q3", ""), []).append((s["q3"] - 1, 9))
        for row, v in s["q4"].items():
            got.setdefault(("q4", row), []).append((v - 1, 4))
    exact = {k: Fraction(100 * sum(p for p, _ in v), sum(m for _, m in v)) for k, v in got.items()}
    unit = sum(exact.values(), Fraction(0)) / len(exact) if exact else None
    return {k: reference_round(v) for k, v in exact.items()}, (
        reference_round(unit) if unit is not None else None
    )


SHEETS = st.lists(
    st.fixed_dictionaries(
        {
            "q1": st.sampled_from(list(SCORES)),
            "q2": st.integers(1, 5),
            "q4": st.fixed_dictionaries({r: st.integers(1, 5) for r in ("r1", "r2", "r3")}),
        },
        optional={"q3": st.integers(1, 10)},
    ),
    min_size=1,
    max_size=8,
)


@pytest.fixture
def questionnaire(org):
    return sample_questionnaire(org)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheets=SHEETS)
def test_the_index_is_the_stated_formula_on_random_answers(org, questionnaire, sheets):
    survey = open_survey(org, questionnaire)  # a fresh round each example
    target = survey.targets.get()
    for s in sheets:
        answer(target, dict(s))
    (result,) = results.unit_results(survey, [target], compare=False)
    items, unit = reference(sheets)
    assert {(i.question, i.row): i.index for i in result.items if i.index is not None} == items
    assert all(i.index is None and i.n == 0 for i in result.items if (i.question, i.row) not in items)
    assert result.index == unit
    assert result.responses == len(sheets)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(1729, 20), Decimal("86.5")),  # 86.45 exactly: half up
        (Fraction(8645, 100) - Fraction(1, 10**9), Decimal("86.4")),
        (Fraction(200, 3), Decimal("66.7")),
        (Fraction(100, 3), Decimal("33.3")),
        (Fraction(1, 20), Decimal("0.1")),
        (Fraction(-1, 20), Decimal("-0.1")),
        (Fraction(100), Decimal("100.0")),
    ],
)
def test_rounding_is_half_up_on_the_exact_fraction(value, shown):
    assert results.round_half_up(value) == shown


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_rounding_agrees_with_the_reference(p, s):
    assert results.round_half_up(Fraction(100 * p, s)) == reference_round(Fraction(100 * p, s))


def test_thin_data_has_no_index_and_ranks_last(org, questionnaire):
    survey = open_survey(org, questionnaire, targets=("inst_a", "county_a"))
    inst, county = survey.targets.order_by("unit__path")[1], survey.targets.order_by("unit__path")[0]
    answer(inst, sheet(q1="x"))  # 不清楚: q1 counts nothing
    ranked = results.unit_results(survey, list(survey.targets.select_related("unit")))
    assert [r.target for r in ranked] == [inst, county]
    have = ranked[0]
    q1 = next(i for i in have.items if i.question == "q1")
    assert q1.index is None and q1.n == 0
    assert have.index is not None and have.rank == 1
    assert ranked[1].index is None and ranked[1].rank is None and ranked[1].responses == 0


def test_same_index_same_rank(org, questionnaire):
    survey = open_survey(org, questionnaire, targets=("inst_a", "county_a", "county_b"))
    targets = list(survey.targets.select_related("unit").order_by("unit__path"))
    for t in targets[:2]:
        answer(t, sheet(q1="a", q2=5))
    answer(targets[2], sheet(q1="d", q2=1))
    ranked = results.unit_results(survey, targets)
    assert [r.rank for r in ranked] == [1, 1, 3]
    assert ranked[0].index == ranked[1].index > ranked[2].index


def _version_2(org, questionnaire):
    """A second version adding a rating question q8 (items match the first version by key)."""
    section = questionnaire.sections.first()
    Question.objects.create(
        questionnaire=questionnaire,
        section=section,
        position=20,
        key="q8",
        type=QuestionType.RATING5,
        text="环境卫生",
    )
    return QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=2,
        definition=definition.freeze(questionnaire),
        published_at=clock.now(),
        published_by=org.user("prov_supervisor"),
    )


def test_the_previous_round_compares_by_item_key(org, questionnaire):
    before = open_survey(org, questionnaire)
    answer(before.targets.get(), sheet(q1="c", q2=3))
    before.status = SurveyStatus.CLOSED
    before.opens_on -= dt.timedelta(days=120)
    before.save()
    _version_2(org, questionnaire)
    now = open_survey(org, questionnaire)
    assert now.version.number == 2
    target = now.targets.select_related("unit", "survey__version").get()
    answer(target, {**sheet(q1="a", q2=5), "q8": 4})
    result = results.target_result(target)
    by_key = {(i.question, i.row): i for i in result.items}
    assert by_key[("q2", "")].previous == Decimal("50.0") and by_key[("q2", "")].delta == Decimal("50.0")
    assert by_key[("q1", "")].previous == Decimal("60.0") and by_key[("q1", "")].delta == Decimal("40.0")
    assert not by_key[("q8", "")].existed_before and by_key[("q8", "")].delta is None
    assert result.previous_target.survey == before and result.delta == result.index - result.previous


def test_an_open_earlier_round_is_not_the_previous(org, questionnaire):
    before = open_survey(org, questionnaire)
    answer(before.targets.get(), sheet())
    now = open_survey(org, questionnaire)
    result = results.target_result(now.targets.get())
    assert result.previous_target is None and result.delta is None


def test_distribution_counts_and_shares(org, questionnaire):
    survey = open_survey(org, questionnaire)
    target = survey.targets.get()
    for q1, q5 in (("a", ["a"]), ("a", ["a", "b"]), ("b", []), ("x", ["c"])):
        answer(target, sheet(q1=q1, q5=q5))
    dists = {d.question["key"]: d for d in results.distributions(target)}
    q1 = {b.label: (b.count, b.share) for b in dists["q1"].bars}
    assert q1["非常满意"] == (2, Decimal("50.0")) and q1["不清楚"] == (1, Decimal("25.0"))
    q5 = {b.label: (b.count, b.share) for b in dists["q5"].bars}
    assert (
        dists["q5"].total == 3
        and q5["等候时间"] == (2, Decimal("66.7"))
        and q5["收费"] == (1, Decimal("33.3"))
    )
    row, total, bars = dists["q4"].rows[1]
    assert row["key"] == "r2" and total == 4 and bars[2].count == 4 and bars[2].share == Decimal("100.0")
    assert "q6" not in dists and "q7" not in dists  # text: the comments


def test_word_list_counts_responses_containing_the_word(org, questionnaire):
    survey = open_survey(org, questionnaire)
    target = survey.targets.get()
    for text in ("候诊时间太长，排队太久", "排队时间长", "医生态度很好", ""):
        answer(target, sheet(q7=text) if text else sheet())
    talk = words.comments(target)
    counts = dict(talk["words"])
    assert counts["排队"] == 2 and counts["医生"] == 1
    assert "的" not in counts and "很" not in counts
    assert talk["comment_count"] == 3
    assert [c["text"] for c in words.comments(target, "排队")["comments"]] == [
        "排队时间长",
        "候诊时间太长，排队太久",
    ]
