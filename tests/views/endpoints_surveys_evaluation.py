"""Declarations: 人大履职测评 (the list, the start form, one evaluation and its five action forms).
The world's evaluation is 甲市's (city_a) of 甲一县卫健局 (county_a) by 甲市人大常委会."""

import datetime as dt

from core import clock
from core.testing.views import LISTING, MARK, Endpoint, pk, rows, value
from rectification.models import ProblemCategory
from surveys import evaluation as svc
from surveys.models import Evaluation
from surveys.tests.factories import sample_questionnaire

ORGANISER = "city_a_supervisor"
REPORTER = "county_a_clerk"


def _started(world):
    org = world["org"]
    ev = svc.evaluation_create(
        actor=org.user(ORGANISER),
        org_unit=org.unit("city_a"),
        department=org.unit("county_a"),
        title=f"{MARK}履职测评",
        congress="甲市人大常委会",
        year=clock.today().year,
    )
    return {"evaluation": ev}


def _reported(world):
    ev = _started(world)["evaluation"]
    ev = svc.self_report_submit(actor=world["org"].user(REPORTER), evaluation=ev, text="履职情况自查报告")
    qn = sample_questionnaire(world["org"], unit="city_a", user=ORGANISER)
    return {"evaluation": ev, "questionnaire": qn}


def _surveyed(world):
    w = _reported(world)
    ev = svc.evaluation_start_survey(
        actor=world["org"].user(ORGANISER),
        evaluation=w["evaluation"],
        questionnaire=w["questionnaire"],
        tokens=3,
        closes_on=clock.today() + dt.timedelta(days=7),
    )
    return {"evaluation": ev}


def _met(world):
    ev = _surveyed(world)["evaluation"]
    svc.meeting_record(
        actor=world["org"].user(ORGANISER),
        evaluation=ev,
        held_on=clock.today(),
        title="评议会",
        minutes="代表发言",
    )
    return {"evaluation": Evaluation.objects.get(pk=ev.pk)}


def _listed(world):
    ev = _met(world)["evaluation"]
    svc.problems_list(
        actor=world["org"].user(ORGANISER),
        evaluation=ev,
        items=[
            {
                "description": "基层人才短缺",
                "category": ProblemCategory.objects.order_by("pk").first(),
                "deadline": clock.today() + dt.timedelta(days=60),
            }
        ],
    )
    return {"evaluation": Evaluation.objects.get(pk=ev.pk)}


def _rev(world):
    return Evaluation.objects.get(pk=world["evaluation"].pk).revision


STAGE = value("evaluation", "stage", "revision")
FUTURE = lambda days: (clock.today() + dt.timedelta(days=days)).isoformat()  # noqa: E731


def _create_body(world, **over):
    org = world["org"]
    return {
        "title": "2026年度甲一县卫健局履职测评",
        "congress": "甲市人大常委会",
        "year": clock.today().year,
        "org_unit": org.unit("city_a").pk,
        "department": org.unit("county_a").pk,
        **over,
    }


def _category(world):
    return ProblemCategory.objects.order_by("pk").first().pk


SURVEYS_EVALUATION = [
    Endpoint(
        "surveys:evaluation_list",
        scope=LISTING,
        insider=REPORTER,
        prepare=_started,
        shows=f"{MARK}履职测评",
    ),
    Endpoint(
        "surveys:evaluation_create",
        scope=LISTING,
        insider=ORGANISER,
        valid=_create_body,
        invalid=lambda w: _create_body(w, congress=""),
        state=rows(Evaluation),
    ),
    Endpoint(
        "surveys:evaluation_detail",
        kwargs=pk("evaluation"),
        insider=REPORTER,
        prepare=_started,
        shows=f"{MARK}履职测评",
    ),
    Endpoint(
        "surveys:evaluation_self_report",
        kwargs=pk("evaluation"),
        insider=REPORTER,
        prepare=_started,
        shows=f"{MARK}履职测评",
        valid=lambda w: {"text": "一、履职情况\n二、存在问题", "revision": _rev(w)},
        invalid=lambda w: {"text": "", "revision": _rev(w)},
        state=STAGE,
    ),
    Endpoint(
        "surveys:evaluation_survey",
        kwargs=pk("evaluation"),
        insider=ORGANISER,
        prepare=_reported,
        shows=f"{MARK}履职测评",
        valid=lambda w: {
            "questionnaire": w["questionnaire"].pk,
            "tokens": 5,
            "closes_on": FUTURE(7),
            "revision": _rev(w),
        },
        invalid=lambda w: {"questionnaire": w["questionnaire"].pk, "tokens": 0, "closes_on": FUTURE(7)},
        state=STAGE,
        audits=4,  # the round created, its 答题码 issued, opened (surveys.distribution); the step
    ),
    Endpoint(
        "surveys:evaluation_meeting",
        kwargs=pk("evaluation"),
        insider=ORGANISER,
        prepare=_surveyed,
        shows=f"{MARK}履职测评",
        valid=lambda w: {
            "held_on": clock.today().isoformat(),
            "title": "履职测评评议会",
            "minutes": "代表们提出三条意见",
            "revision": _rev(w),
        },
        invalid=lambda w: {"held_on": FUTURE(3), "title": "评议会", "minutes": "纪要"},
        state=STAGE,
    ),
    Endpoint(
        "surveys:evaluation_problems",
        kwargs=pk("evaluation"),
        insider=ORGANISER,
        prepare=_met,
        shows=f"{MARK}履职测评",
        valid=lambda w: {
            "lines": "基层人才短缺\n家庭医生签约服务质量不高｜半年内完成｜" + FUTURE(120),
            "category": _category(w),
            "deadline": FUTURE(90),
            "revision": _rev(w),
        },
        invalid=lambda w: {"lines": "问题｜要求｜明年", "category": _category(w), "deadline": FUTURE(90)},
        state=STAGE,
        audits=3,  # each problem's entry and the evaluation's step
    ),
    Endpoint(
        "surveys:evaluation_result",
        kwargs=pk("evaluation"),
        insider=ORGANISER,
        prepare=_listed,
        shows=f"{MARK}履职测评",
        valid=lambda w: {"revision": _rev(w)},
        invalid=lambda w: {"revision": _rev(w) - 1},
        state=STAGE,
        audits=2,  # the document drafted and the evaluation's step
    ),
]
