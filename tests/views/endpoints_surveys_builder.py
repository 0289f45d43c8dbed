"""Declarations: the questionnaire builder and distribution (问卷 list, new, editor, header,
sections, questions, preview, publish, versions, 停用/恢复; 测评 list, new, a round, 开始/结束收集,
QR codes, the A4 poster, 答题码 issue / print / Excel / void). The world's questionnaire and round
belong to 甲一县 (county_a) and evaluate 甲一县中心卫生院 (inst_a)."""

from __future__ import annotations

import datetime as dt

from core import clock
from core.testing.views import LISTING, MARK, Endpoint, rows, value
from surveys import builder
from surveys.choices import SurveyMode, SurveyStatus
from surveys.models import Question, Questionnaire, Section, Survey, Token
from surveys.tests.factories import issue_tokens, open_survey, sample_questionnaire

SUPERVISOR = "city_a_supervisor"  # 督查员 over 甲市 and below: runs 甲一县's rounds
LEADER = "county_a_leader"  # 甲一县's 领导: reads questionnaires and rounds
CLERK = "county_a_clerk"  # 甲一县's 联络员: reads rounds (surveys.view_survey)


def _qn(world, *, published=True):
    qn = sample_questionnaire(world["org"], published=published)
    qn.title = f"{MARK}问卷"
    qn.save(update_fields=["title"])
    q1 = qn.questions.get(key="q1")
    return {
        "qn": qn,
        "section": qn.sections.order_by("position").first(),
        "q1": q1,
        "q2": qn.questions.get(key="q2"),
    }


def _draft(world):
    return _qn(world, published=False)


def _archived(world):
    made = _qn(world)
    builder.questionnaire_archive(actor=world["org"].user(SUPERVISOR), questionnaire=made["qn"])
    made["qn"].refresh_from_db()
    return made


def _round(world, *, status=SurveyStatus.OPEN, mode=SurveyMode.OPEN):
    survey = open_survey(world["org"], status=status, mode=mode)
    survey.title = f"{MARK}测评"
    survey.save(update_fields=["title"])
    target = survey.targets.select_related("unit").get()
    return {"survey": survey, "target": target, "qn": survey.questionnaire}


def _draft_round(world):
    return _round(world, status=SurveyStatus.DRAFT)


def _token_round(world):
    made = _round(world, status=SurveyStatus.DRAFT, mode=SurveyMode.TOKEN)
    made["token"] = issue_tokens(world["org"], made["target"], 3)[0]
    return made


def _rev(world, **more):
    return {"revision": Questionnaire.objects.get(pk=world["qn"].pk).revision, **more}


def _stale(world, **more):
    return {"revision": 0, **more}


def _survey_body(world, **over):
    today = clock.today()
    return {
        "questionnaire": world["qn"].pk,
        "title": "2026年第四季度门诊患者满意度测评",
        "mode": SurveyMode.OPEN,
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=30)).isoformat(),
        "threshold": "80",
        "units": [world["org"].unit("inst_a").pk],
        **over,
    }


def _question_body(world, **over):
    body = {
        "type": "single",
        "text": "您对本次服务是否满意？",
        "options_text": "满意|100\n不满意|0",
        "required": "on",
        "scored": "on",
        **over,
    }
    return _rev(world, **body)


def pk_of(key):
    return lambda w: {"pk": w[key].pk}


QN_STATE = value("qn", "title", "revision", "status")
QUESTIONS = rows(Question)


def _qn_state(world):
    qn = Questionnaire.objects.get(pk=world["qn"].pk)
    return (qn.revision, qn.status, qn.versions.count())


def _order(world):
    return list(
        Question.objects.filter(questionnaire=world["qn"]).values_list("key", "position", "section_id")
    )


def _sections(world):
    return list(Section.objects.filter(questionnaire=world["qn"]).values_list("pk", "position", "title"))


def _survey_state(world):
    return Survey.objects.get(pk=world["survey"].pk).status


SURVEYS_BUILDER = [
    Endpoint("surveys:questionnaire_list", scope=LISTING, insider=LEADER, prepare=_qn, shows=f"{MARK}问卷"),
    Endpoint(
        "surveys:questionnaire_create",
        scope=LISTING,
        insider=SUPERVISOR,
        shows="门诊患者满意度",
        valid=lambda w: {
            "template": "outpatient",
            "title": "",
            "kind": "",
            "org_unit": w["org"].unit("county_a").pk,
        },
        invalid=lambda w: {
            "template": "",
            "title": "",
            "kind": "other",
            "org_unit": w["org"].unit("county_a").pk,
        },
        state=rows(Questionnaire),
    ),
    Endpoint(
        "surveys:questionnaire_detail", kwargs=pk_of("qn"), insider=LEADER, prepare=_qn, shows=f"{MARK}问卷"
    ),
    Endpoint(
        "surveys:questionnaire_edit",
        kwargs=pk_of("qn"),
        insider=SUPERVISOR,
        prepare=_qn,
        shows=f"{MARK}问卷",
        valid=lambda w: _rev(w, title="门诊满意度（修订）", kind="outpatient", intro="", thanks="谢谢"),
        invalid=lambda w: _rev(w, title="", kind="outpatient", intro="", thanks=""),
        state=QN_STATE,
    ),
    Endpoint(
        "surveys:questionnaire_preview", kwargs=pk_of("qn"), insider=LEADER, prepare=_qn, shows="就诊环节"
    ),
    Endpoint(
        "surveys:questionnaire_publish",
        kwargs=pk_of("qn"),
        insider=SUPERVISOR,
        prepare=_draft,
        shows="发布问卷",
        valid=_rev,
        invalid=_stale,
        state=_qn_state,
    ),
    Endpoint(
        "surveys:questionnaire_archive",
        kwargs=pk_of("qn"),
        insider=SUPERVISOR,
        prepare=_qn,
        shows="停用问卷",
        valid=_rev,
        invalid=_stale,
        state=_qn_state,
    ),
    Endpoint(
        "surveys:questionnaire_restore",
        kwargs=pk_of("qn"),
        insider=SUPERVISOR,
        prepare=_archived,
        shows="恢复问卷",
        valid=_rev,
        invalid=_stale,
        state=_qn_state,
    ),
    Endpoint(
        "surveys:version_detail",
        kwargs=lambda w: {"pk": w["qn"].versions.get().pk},
        insider=LEADER,
        prepare=_qn,
        shows="第1版",
    ),
    Endpoint(
        "surveys:section_add",
        kwargs=pk_of("qn"),
        insider=SUPERVISOR,
        prepare=_qn,
        shows="新增分节",
        valid=lambda w: _rev(w, title="环境与设施", description=""),
        invalid=lambda w: _rev(w, title="", description=""),
        state=_sections,
    ),
    Endpoint(
        "surveys:section_edit",
        kwargs=pk_of("section"),
        insider=SUPERVISOR,
        prepare=_qn,
        shows="总体评价",
        valid=lambda w: _rev(w, title="总体印象", description=""),
        invalid=lambda w: _rev(w, title="", description=""),
        state=_sections,
    ),
    Endpoint(
        "surveys:section_delete",
        kwargs=lambda w: {"pk": w["qn"].sections.order_by("position").last().pk},
        insider=SUPERVISOR,
        prepare=_qn,
        shows="删除分节",
        valid=_rev,
        invalid=_stale,
        state=_sections,
    ),
    Endpoint(
        "surveys:section_move",
        kwargs=pk_of("section"),
        insider=SUPERVISOR,
        prepare=_qn,
        shows="调整分节顺序",
        valid=lambda w: _rev(w, direction="down"),
        invalid=lambda w: _rev(w, direction="up"),
        state=_sections,
    ),
    Endpoint(
        "surveys:question_add",
        kwargs=pk_of("section"),
        insider=SUPERVISOR,
        prepare=_qn,
        shows="新增题目",
        valid=_question_body,
        invalid=lambda w: _question_body(w, options_text="只有一个"),
        state=QUESTIONS,
    ),
    Endpoint(
        "surveys:question_edit",
        kwargs=pk_of("q2"),
        insider=SUPERVISOR,
        prepare=_qn,
        shows="医生的态度",
        valid=lambda w: _rev(
            w, type="rating5", text="医生的服务态度", required="on", scored="on", section=w["section"].pk
        ),
        invalid=lambda w: _rev(w, type="rating5", text="", section=w["section"].pk),
        state=lambda w: Question.objects.get(pk=w["q2"].pk).text,
    ),
    Endpoint(
        "surveys:question_delete",
        kwargs=pk_of("q2"),
        insider=SUPERVISOR,
        prepare=_qn,
        shows="删除题目",
        valid=_rev,
        invalid=_stale,
        state=QUESTIONS,
    ),
    Endpoint(
        "surveys:question_move",
        kwargs=pk_of("q2"),
        insider=SUPERVISOR,
        prepare=_qn,
        shows="调整题目顺序",
        valid=lambda w: _rev(w, direction="up"),
        invalid=lambda w: _stale(w, direction="up"),
        state=_order,
    ),
    Endpoint("surveys:survey_list", scope=LISTING, insider=CLERK, prepare=_round, shows=f"{MARK}测评"),
    Endpoint(
        "surveys:survey_create",
        scope=LISTING,
        insider=SUPERVISOR,
        prepare=_qn,
        shows="新建测评",
        valid=_survey_body,
        invalid=lambda w: _survey_body(w, closes_on=(clock.today() - dt.timedelta(days=1)).isoformat()),
        state=rows(Survey),
    ),
    Endpoint(
        "surveys:survey_detail", kwargs=pk_of("survey"), insider=CLERK, prepare=_round, shows=f"{MARK}测评"
    ),
    Endpoint(
        "surveys:survey_open",
        kwargs=pk_of("survey"),
        insider=SUPERVISOR,
        prepare=_draft_round,
        shows="开始收集",
        valid=lambda w: {"revision": w["survey"].revision},
        invalid=lambda w: {"revision": 0},
        state=_survey_state,
    ),
    Endpoint(
        "surveys:survey_close",
        kwargs=pk_of("survey"),
        insider=SUPERVISOR,
        prepare=_round,
        shows="结束收集",
        valid=lambda w: {"revision": w["survey"].revision},
        invalid=lambda w: {"revision": 0},
        state=_survey_state,
    ),
    Endpoint(
        "surveys:target_qr",
        kwargs=lambda w: {"pk": w["target"].pk, "fmt": "png"},
        insider=CLERK,
        prepare=_round,
        why="shows: a PNG download",
    ),
    Endpoint(
        "surveys:target_poster", kwargs=pk_of("target"), insider=CLERK, prepare=_round, shows=f"{MARK}测评"
    ),
    Endpoint(
        "surveys:token_issue",
        kwargs=pk_of("target"),
        insider=SUPERVISOR,
        prepare=_token_round,
        shows=lambda w: w["token"].code,
        valid=lambda w: {"count": "5", "batch": "第一批"},
        invalid=lambda w: {"count": "0", "batch": ""},
        state=rows(Token),
    ),
    Endpoint(
        "surveys:token_print",
        kwargs=pk_of("target"),
        insider=SUPERVISOR,
        prepare=_token_round,
        shows=lambda w: w["token"].code,
    ),
    Endpoint(
        "surveys:token_export",
        kwargs=pk_of("target"),
        insider=SUPERVISOR,
        prepare=_token_round,
        why="shows: an .xlsx download",
    ),
    Endpoint(
        "surveys:token_void",
        kwargs=pk_of("token"),
        insider=SUPERVISOR,
        get=None,
        prepare=_token_round,
        valid=lambda w: {},
        state=lambda w: Token.objects.get(pk=w["token"].pk).voided_at,
        why="invalid: a button without fields (a used or voided code is refused: test_distribution)",
    ),
]
