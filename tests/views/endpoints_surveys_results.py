"""Declarations: 满意度测评 results (the units ranked, one unit's results, the export, the
responses behind a number, one anonymous sheet, a low item turned into a problem). The world's
round is run by 甲一县 (county_a) over 甲一县中心卫生院 (inst_a); its 医生的态度 (q2) scores 0."""

import datetime as dt

from core import clock
from core.testing.views import MARK, Endpoint, rows
from rectification.models import ProblemCategory
from surveys.models import ItemProblem
from surveys.tests.factories import answer, open_survey, sheet

CLERK = "county_a_clerk"  # 甲一县's 联络员: surveys.view_survey at 甲一县


def results_round(world):
    org = world["org"]
    survey = open_survey(org)
    survey.title = f"{MARK}门诊测评"
    survey.save(update_fields=["title"])
    target = survey.targets.select_related("unit", "survey__version").get()
    for _ in range(3):
        answer(target, sheet(q1="d", q2=1, q7=f"{MARK}排队太久"))
    return {"survey": survey, "target": target, "response": target.responses.first()}


def _convert_body(world, **over):
    return {
        "category": ProblemCategory.objects.filter(is_active=True).first().pk,
        "severity": "general",
        "deadline": (clock.today() + dt.timedelta(days=30)).isoformat(),
        "requirement": "缩短医生接诊前的等候",
        **over,
    }


SURVEY_RESULTS = [
    Endpoint(
        "surveys:survey_results",
        kwargs=lambda w: {"pk": w["survey"].pk},
        insider=CLERK,
        prepare=results_round,
        shows=f"{MARK}门诊测评",
    ),
    Endpoint(
        "surveys:survey_export",
        kwargs=lambda w: {"pk": w["survey"].pk},
        insider="county_a_leader",
        prepare=results_round,
        why="shows: an .xlsx download",
    ),
    Endpoint(
        "surveys:target_results",
        kwargs=lambda w: {"pk": w["target"].pk},
        insider=CLERK,
        prepare=results_round,
        shows=f"{MARK}排队太久",
    ),
    Endpoint(
        "surveys:response_list",
        query=lambda w: {"target": w["target"].pk, "item": "q2"},
        insider=CLERK,
        prepare=results_round,
        shows=f"{MARK}门诊测评",
    ),
    Endpoint(
        "surveys:response_detail",
        kwargs=lambda w: {"pk": w["response"].pk},
        insider=CLERK,
        prepare=results_round,
        shows=f"{MARK}排队太久",
    ),
    Endpoint(
        "surveys:item_convert",
        kwargs=lambda w: {"pk": w["target"].pk, "item": "q2"},
        insider="city_a_supervisor",
        prepare=results_round,
        shows="医生的态度",
        valid=_convert_body,
        invalid=lambda w: _convert_body(w, category=""),
        state=rows(ItemProblem),
        audits=2,  # the problem's own entry (rectification.problem.created) and the conversion's
    ),
]
