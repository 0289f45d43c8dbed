"""The small demo's 人大履职测评 (demo/evaluations.py): the README's city's 卫健委 evaluated by the
city's 人大常委会, in progress — the self-report weeks ago, the deputies' round open with its 60
答题码 issued and some answered, one 评议会 recorded; the city's 督查员 sees it with the problem
list as the next step, the city's 联络员 sees it, another city's people do not."""

import io

import pytest
from django.core.management import call_command

from org.models import User
from surveys import evaluation as svc
from surveys.choices import EvaluationStage, SurveyMode, SurveyStatus
from surveys.models import Evaluation


@pytest.mark.django_db
def test_demo_evaluation_in_progress(client):
    call_command("load_demo", "--small", stdout=io.StringIO())
    ev = Evaluation.objects.select_related("survey", "org_unit").get()
    assert ev.stage == EvaluationStage.PROBLEMS and ev.congress.endswith("市人大常委会")
    assert ev.department_id == ev.org_unit_id and ev.self_reported_at is not None
    assert ev.survey.mode == SurveyMode.TOKEN and ev.survey.status == SurveyStatus.OPEN
    target = ev.survey.targets.get()
    assert target.tokens.count() == 60
    assert 10 <= target.responses.count() < 60 == target.tokens.count()
    assert ev.meetings.count() == 1
    organiser = User.objects.get(username__endswith="_duchayuan", unit=ev.org_unit)
    assert svc.actions_for(organiser, ev)["list_problems"]
    client.force_login(organiser)
    page = client.get(ev.get_absolute_url()).content.decode()
    assert "评议会议：" in page and "答题码60个" in page
    clerk = User.objects.get(username__endswith="_lianluoyuan", unit=ev.org_unit)
    client.force_login(clerk)
    assert client.get(ev.get_absolute_url()).status_code == 200
    other = User.objects.filter(username__endswith="_lianluoyuan", unit__kind="city").exclude(
        unit=ev.org_unit
    )
    client.force_login(other.first())
    assert client.get(ev.get_absolute_url()).status_code == 404
