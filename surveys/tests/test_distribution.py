"""Distribution (surveys.distribution): a round over units in scope with its own links, 开始/结束
收集 by the organiser only, a token round needing tokens, tokens unique and counted, void, and the
nightly close of a round past its 截止日期."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from core import clock
from surveys import distribution, services, tasks
from surveys.choices import SurveyMode, SurveyStatus
from surveys.models import Token
from surveys.tests.factories import answer, open_survey, sample_questionnaire

pytestmark = pytest.mark.django_db
SUP = "prov_supervisor"


def _create(org, qn, *, actor=SUP, mode=SurveyMode.OPEN, units=("inst_a",), **over):
    today = clock.today()
    data = {
        "questionnaire": qn,
        "title": "2026年门诊测评",
        "mode": mode,
        "opens_on": today,
        "closes_on": today + dt.timedelta(days=10),
        "threshold": "75",
        "units": [org.unit(u) for u in units],
        **over,
    }
    return distribution.survey_create(actor=org.user(actor), **data)


def test_a_round_uses_the_latest_version_and_gives_each_unit_a_link(org):
    qn = sample_questionnaire(org)
    survey = _create(org, qn, units=("inst_a", "county_a"))
    assert survey.status == SurveyStatus.DRAFT and survey.version.number == 1
    slugs = list(survey.targets.values_list("slug", flat=True))
    assert len(set(slugs)) == 2 and all(len(s) >= 16 for s in slugs)
    assert distribution.public_path(slugs[0]) == f"/s/{slugs[0]}/"
    assert AuditEvent.objects.filter(action="surveys.survey.created").count() == 1


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"title": ""}, "title"),
        ({"closes_on": dt.date(2000, 1, 1)}, "closes_on"),
        ({"threshold": "120"}, "threshold"),
        ({"units": []}, "units"),
    ],
)
def test_a_wrong_round_is_refused(org, over, field):
    qn = sample_questionnaire(org)
    with pytest.raises(ValidationError) as exc:
        _create(org, qn, **over)
    assert field in exc.value.message_dict


def test_a_draft_questionnaire_and_a_unit_out_of_scope_are_refused(org):
    with pytest.raises(ValidationError, match="已发布"):
        _create(org, sample_questionnaire(org, published=False))
    qn = sample_questionnaire(org)
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        _create(org, qn, actor="city_a_supervisor", units=("inst_a", "county_c"))
    with pytest.raises(PermissionDenied):
        _create(org, qn, actor="county_b_head")


def test_open_and_close_by_the_organiser_only(org):
    survey = _create(org, sample_questionnaire(org))
    for outsider in ("inst_a_clerk", "county_a_leader", "county_b_head"):
        with pytest.raises(PermissionDenied):
            distribution.survey_open(actor=org.user(outsider), survey=survey)
    survey = distribution.survey_open(actor=org.user("city_a_supervisor"), survey=survey)
    assert survey.status == SurveyStatus.OPEN
    with pytest.raises(ValidationError, match="只有未开始"):
        distribution.survey_open(actor=org.user(SUP), survey=survey)
    survey = distribution.survey_close(actor=org.user(SUP), survey=survey)
    assert survey.status == SurveyStatus.CLOSED


def test_a_token_round_needs_tokens_before_opening(org):
    survey = _create(org, sample_questionnaire(org), mode=SurveyMode.TOKEN)
    with pytest.raises(ValidationError, match="须先为每个被测评单位发放答题码"):
        distribution.survey_open(actor=org.user(SUP), survey=survey)
    target = survey.targets.get()
    tokens = distribution.tokens_issue(actor=org.user(SUP), target=target, count=30, batch="第一批")
    assert len(tokens) == 30 and len({t.code for t in tokens}) == 30
    assert all(
        len(t.code) == services.TOKEN_LENGTH and set(t.code) <= set(services.TOKEN_ALPHABET) for t in tokens
    )
    survey = distribution.survey_open(actor=org.user(SUP), survey=survey)
    target = survey.targets.select_related("survey__version").get()
    answer(target, token=tokens[0].code)
    distribution.token_void(actor=org.user(SUP), token=tokens[1])
    assert distribution.token_counts(target) == {"issued": 30, "used": 1, "voided": 1, "unused": 28}
    assert distribution.token_counts_by_target(survey) == {target.pk: distribution.token_counts(target)}
    with pytest.raises(ValidationError, match="已使用"):
        distribution.token_void(actor=org.user(SUP), token=tokens[0])
    with pytest.raises(ValidationError, match="已作废"):
        distribution.token_void(actor=org.user(SUP), token=tokens[1])
    with pytest.raises(PermissionDenied):
        distribution.tokens_issue(actor=org.user("inst_a_clerk"), target=target, count=1)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(count=st.integers(-5, 600))
def test_token_counts_outside_one_to_500_are_refused(org, count):
    survey = open_survey(org, mode=SurveyMode.TOKEN, status=SurveyStatus.DRAFT)
    target = survey.targets.get()
    before = Token.objects.count()
    if 1 <= count <= distribution.MAX_TOKENS:
        assert len(distribution.tokens_issue(actor=org.user(SUP), target=target, count=count)) == count
    else:
        with pytest.raises(ValidationError):
            distribution.tokens_issue(actor=org.user(SUP), target=target, count=count)
        assert Token.objects.count() == before


def test_an_open_link_round_takes_no_tokens(org):
    survey = open_survey(org)
    with pytest.raises(ValidationError, match="不使用答题码"):
        distribution.tokens_issue(actor=org.user(SUP), target=survey.targets.get(), count=5)


def test_the_queue_closes_rounds_past_their_date(org):
    late = open_survey(org, days=-1)
    running = open_survey(org, days=5)
    assert tasks.run_close_overdue() == 1
    late.refresh_from_db()
    running.refresh_from_db()
    assert late.status == SurveyStatus.CLOSED and running.status == SurveyStatus.OPEN
    event = AuditEvent.objects.get(action="surveys.survey.closed")
    assert event.actor is None
