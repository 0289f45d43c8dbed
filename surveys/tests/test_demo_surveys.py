"""The small demo's satisfaction rounds (demo/surveys.py): two closed rounds (and the open one) of the
门诊患者满意度 questionnaire over four hospitals of the README's city, hundreds of responses, the
second round better, one hospital low on 候诊时间 whose item became a problem being rectified; the
results page shows them to the README's 督查员 and the hospital sees its own."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from core import clock
from org.models import User
from rectification.choices import ProblemSource, ProblemStatus
from surveys import results
from surveys.choices import SurveyStatus
from surveys.models import ItemProblem, Response, Survey


@pytest.mark.django_db
def test_demo_rounds_responses_and_the_converted_problem(client):
    call_command("load_demo", "--small", stdout=io.StringIO())
    rounds = list(
        Survey.objects.filter(evaluation__isnull=True, title__contains="门诊患者满意度").order_by("opens_on")
    )
    # two closed rounds, and this month's open with its first answers (its link can be tried)
    assert [s.status for s in rounds] == [SurveyStatus.CLOSED, SurveyStatus.CLOSED, SurveyStatus.OPEN]
    current, rounds = rounds[2], rounds[:2]
    assert current.closes_on > clock.today() and Response.objects.filter(target__survey=current).exists()
    assert all(s.org_unit.name.startswith("东湖市") for s in rounds)
    assert Response.objects.filter(target__survey__in=rounds).count() >= 150
    first, second = (
        results.unit_results(s, list(s.targets.select_related("unit", "survey__version"))) for s in rounds
    )
    assert len(second) == 4
    before = {r.target.unit_id: r.index for r in first}
    assert all(r.index > before[r.target.unit_id] for r in second)  # a little better
    assert all(r.delta is not None for r in second)
    made = ItemProblem.objects.select_related("problem", "target__unit").get()
    assert made.target.survey == rounds[1] and made.row == ""
    assert made.target.unit.name == "城关区人民医院" and made.problem.source == ProblemSource.SURVEY
    assert made.problem.status == ProblemStatus.IN_PROGRESS and made.problem.evidence.exists()
    low = next(r for r in second if r.target == made.target)
    wait = next(i for i in low.items if i.question == made.question)
    assert "等候" in wait.label
    assert wait.below and wait.index == made.index

    client.force_login(User.objects.get(username="dhs_duchayuan"))
    page = client.get(reverse("surveys:survey_results", args=[rounds[1].pk])).content.decode()
    assert all(r.target.unit.display_name in page for r in second) and str(second[0].index) in page
    client.force_login(User.objects.get(username="dhs_cg_rmyy_lianluoyuan"))
    page = client.get(reverse("surveys:target_results", args=[made.target.pk])).content.decode()
    assert made.problem.code in page and wait.label in page
