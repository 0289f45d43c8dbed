"""The deputies' token round of a 履职测评: created, its 答题码 issued and opened through
surveys.distribution (the rounds' services). TEMPORARY: until that module lands in the tree, the
same three writes are made here directly (the round over the department, one-time 答题码 from
surveys.services.new_token_code, status 收集中) so the workflow runs end to end; delete the
fallback once surveys.distribution exists."""

from __future__ import annotations

import datetime as dt
import importlib.util

from core import clock
from org.models import Unit, User
from surveys import services
from surveys.choices import SurveyMode, SurveyStatus
from surveys.models import Questionnaire, Survey, SurveyTarget, Token
from surveys.transitions import SURVEY

HAS_DISTRIBUTION = importlib.util.find_spec("surveys.distribution") is not None


def token_round(
    *,
    actor: User,
    questionnaire: Questionnaire,
    title: str,
    unit: Unit,
    org_unit: Unit,
    closes_on: dt.date,
    count: int,
    batch: str,
) -> tuple[Survey, int]:
    """(the open round, the number of 答题码 issued)."""
    today = clock.today()
    if HAS_DISTRIBUTION:
        from surveys.distribution import survey_create, survey_open, tokens_issue

        survey = survey_create(
            actor=actor,
            questionnaire=questionnaire,
            title=title,
            mode=SurveyMode.TOKEN,
            opens_on=today,
            closes_on=closes_on,
            threshold=80,
            units=[unit],
        )
        issued = tokens_issue(actor=actor, target=survey.targets.get(), count=count, batch=batch)
        survey_open(actor=actor, survey=survey)
        return survey, len(issued)
    survey = Survey.objects.create(
        title=title,
        questionnaire=questionnaire,
        version=questionnaire.versions.order_by("-number").first(),
        org_unit=org_unit,
        mode=SurveyMode.TOKEN,
        opens_on=today,
        closes_on=closes_on,
        status=SURVEY.target("open"),
        created_by=actor,
    )
    target = SurveyTarget.objects.create(
        survey=survey, org_unit=org_unit, unit=unit, slug=services.new_slug()
    )
    codes: set[str] = set()
    while len(codes) < count:
        code = services.new_token_code()
        if not Token.objects.filter(code=code).exists():
            codes.add(code)
    Token.objects.bulk_create(
        Token(target=target, code=c, batch=batch, issued_at=clock.now(), issued_by=actor)
        for c in sorted(codes)
    )
    assert survey.status == SurveyStatus.OPEN
    return survey, count
