"""Test helpers of surveys: a questionnaire with every question type, published; an open round of
it over 甲一县中心卫生院 (inst_a) run by 甲一县 (county_a); answer sheets.

Signatures are shared by every surveys test: keep them when the internals move to the services.
"""

from __future__ import annotations

import datetime as dt
import secrets

from core import clock
from surveys import definition, services
from surveys.choices import QuestionnaireKind, QuestionnaireStatus, QuestionType, SurveyMode, SurveyStatus
from surveys.models import Question, Questionnaire, QuestionnaireVersion, Section, Survey, SurveyTarget, Token

SATISFACTION = [
    {"key": "a", "label": "非常满意", "score": 100},
    {"key": "b", "label": "满意", "score": 80},
    {"key": "c", "label": "一般", "score": 60},
    {"key": "d", "label": "不满意", "score": 20},
    {"key": "e", "label": "非常不满意", "score": 0},
    {"key": "x", "label": "不清楚", "score": None},
]
MATRIX_ROWS = [{"key": "r1", "label": "挂号"}, {"key": "r2", "label": "候诊"}, {"key": "r3", "label": "缴费"}]

# key, section, type, text, required, extra
QUESTIONS = [
    ("q1", 0, QuestionType.SINGLE, "您对本院总体服务是否满意？", True, {"options": SATISFACTION}),
    ("q2", 0, QuestionType.RATING5, "医生的态度", True, {}),
    ("q3", 0, QuestionType.RATING10, "您向亲友推荐本院的可能性", False, {}),
    ("q4", 1, QuestionType.MATRIX, "就诊环节", True, {"rows": MATRIX_ROWS}),
    (
        "q5",
        1,
        QuestionType.MULTIPLE,
        "您觉得哪些方面需要改进？",
        False,
        {
            "options": [
                {"key": "a", "label": "等候时间"},
                {"key": "b", "label": "环境"},
                {"key": "c", "label": "收费"},
            ]
        },
    ),
    ("q6", 1, QuestionType.LONG, "不满意的原因", False, {"show_if_key": "q1", "show_if_values": ["d", "e"]}),
    ("q7", 1, QuestionType.SHORT, "其他意见", False, {}),
]


def sample_questionnaire(org, *, unit="county_a", user="prov_supervisor", published=True) -> Questionnaire:
    """Two sections, one question of every type (q6 shown only when q1 is 不满意/非常不满意)."""
    actor = org.user(user)
    qn = Questionnaire.objects.create(
        title="门诊患者满意度调查",
        kind=QuestionnaireKind.OUTPATIENT,
        intro="为改进服务，请您花两分钟填写。",
        org_unit=org.unit(unit),
        created_by=actor,
    )
    sections = [
        Section.objects.create(questionnaire=qn, position=i, title=t)
        for i, t in enumerate(["总体评价", "就诊体验"])
    ]
    for position, (key, section, qtype, text, required, extra) in enumerate(QUESTIONS):
        Question.objects.create(
            questionnaire=qn,
            section=sections[section],
            position=position,
            key=key,
            type=qtype,
            text=text,
            required=required,
            **extra,
        )
    if published:
        QuestionnaireVersion.objects.create(
            questionnaire=qn,
            number=1,
            definition=definition.freeze(qn),
            published_at=clock.now(),
            published_by=actor,
        )
        qn.status = QuestionnaireStatus.PUBLISHED
        qn.changed_since_publish = False
        qn.save()
    return qn


def open_survey(
    org,
    questionnaire: Questionnaire | None = None,
    *,
    targets=("inst_a",),
    unit="county_a",
    user="prov_supervisor",
    mode=SurveyMode.OPEN,
    status=SurveyStatus.OPEN,
    days=30,
) -> Survey:
    questionnaire = questionnaire or sample_questionnaire(org, unit=unit, user=user)
    today = clock.today()
    survey = Survey.objects.create(
        title=f"{today.year}年门诊患者满意度测评",
        questionnaire=questionnaire,
        version=questionnaire.versions.order_by("-number").first(),
        org_unit=org.unit(unit),
        mode=mode,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=days),
        status=status,
        created_by=org.user(user),
    )
    for key in targets:
        SurveyTarget.objects.create(
            survey=survey, org_unit=survey.org_unit, unit=org.unit(key), slug=services.new_slug()
        )
    return survey


def issue_tokens(org, target: SurveyTarget, count: int, *, user="prov_supervisor") -> list[Token]:
    return [
        Token.objects.create(
            target=target, code=services.new_token_code(), issued_at=clock.now(), issued_by=org.user(user)
        )
        for _ in range(count)
    ]


def sheet(q1="b", q2=4, q4=None, **more) -> dict:
    """A valid answer sheet of the sample questionnaire."""
    answers = {"q1": q1, "q2": q2, "q4": q4 or {"r1": 4, "r2": 3, "r3": 5}}
    answers.update(more)
    return answers


def answer(target: SurveyTarget, answers: dict | None = None, *, token: str = ""):
    """Store one sheet through the public write (surveys.services.submit_response)."""
    response, _ = services.submit_response(
        target=target, answers=answers or sheet(), client_key=secrets.token_urlsafe(16), token_code=token
    )
    return response
