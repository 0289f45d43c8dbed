"""A low item becomes a problem in one step (surveys.conversion, R-SVY-3 → R-RCT-1): the evaluated
unit rectifies, the organiser found it, source 满意度调查, the description names the round, the
unit, the item, its index and n; refused for an item not under the threshold, twice, or without
the rights; the problem's page names its survey item."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from core import clock
from rectification import services as rcsvc
from rectification.choices import ProblemSource, ProblemStatus
from rectification.models import Problem, ProblemCategory
from surveys import conversion
from surveys.models import ItemProblem
from surveys.tests.factories import answer, open_survey, sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(org):
    survey = open_survey(org)
    target = survey.targets.select_related("unit", "org_unit", "survey__version").get()
    for q2 in (1, 2, 5):  # 医生的态度: (0 + 1 + 4) / 12 → 41.7
        answer(target, sheet(q1="a", q2=q2))
    return target


def _convert(org, target, question="q2", row="", user="city_a_supervisor"):
    return conversion.item_convert(
        actor=org.user(user),
        target=target,
        question=question,
        row=row,
        category=ProblemCategory.objects.filter(is_active=True).first(),
        deadline=clock.today() + dt.timedelta(days=30),
    )


def test_a_low_item_becomes_a_problem_of_the_evaluated_unit(org, target):
    audits = AuditEvent.objects.count()
    made = _convert(org, target)
    problem = made.problem
    assert problem.source == ProblemSource.SURVEY and problem.status == ProblemStatus.PENDING
    assert problem.org_unit == org.unit("inst_a") and problem.found_by_unit == org.unit("county_a")
    for part in (target.survey.title, "甲一县中心卫生院", "医生的态度", "41.7", "3份"):
        assert part in problem.description
    assert str(made.index) == "41.7" and made.created_by == org.user("city_a_supervisor")
    assert AuditEvent.objects.count() == audits + 2
    assert AuditEvent.objects.filter(action="surveys.item.converted").exists()
    # then its rectification runs as for any problem
    rcsvc.problem_start(
        actor=org.user("inst_a_clerk"), problem=problem, measures="增加导诊", responsible_person="蒋联络"
    )


def test_a_matrix_row_is_an_item(org, target):
    made = _convert(org, target, "q4", "r2")  # 候诊: 3 of 5 → 50.0
    assert "就诊环节 · 候诊" in made.problem.description and str(made.index) == "50.0"


@pytest.mark.parametrize(
    ("question", "row", "message"),
    [
        ("q1", "", "未低于整改阈值"),  # 非常满意: 100.0
        ("q3", "", "没有有效答案"),
        ("q9", "", "没有该题目"),
    ],
)
def test_an_item_not_under_the_threshold_is_refused(org, target, question, row, message):
    with pytest.raises(ValidationError) as exc:
        _convert(org, target, question, row)
    assert message in exc.value.messages[0]
    assert not Problem.objects.filter(source=ProblemSource.SURVEY).exists()


def test_twice_is_refused(org, target):
    _convert(org, target)
    with pytest.raises(ValidationError, match="已转为整改问题"):
        _convert(org, target)
    assert (
        ItemProblem.objects.count() == 1 and Problem.objects.filter(source=ProblemSource.SURVEY).count() == 1
    )


@pytest.mark.parametrize("user", ["county_a_clerk", "inst_a_clerk", "county_b_head", "city_a_leader"])
def test_without_the_rights_in_the_organisers_scope_it_is_refused(org, target, user):
    with pytest.raises(PermissionDenied):
        _convert(org, target, user=user)
    assert not ItemProblem.objects.exists()


def test_the_problem_page_names_its_survey_item_and_the_results_show_the_problem(org, target, client):
    made = _convert(org, target)
    client.force_login(org.user("inst_a_clerk"))
    page = client.get(made.problem.get_absolute_url()).content.decode()
    assert "来源：满意度测评" in page and "医生的态度" in page and target.survey.title in page
    results = client.get(f"/surveys/results/unit/{target.pk}/").content.decode()
    assert made.problem.code in results and "待整改" in results
