"""人大履职测评 (R-SVY-4) through its services: 甲市 (city_a) organises the evaluation of 甲一县卫健局
(county_a) by 甲市人大常委会 — every step refused out of order with its Chinese message, each step on
the one timeline, the problems in the rectification ledger with source 人大测评, the result report
a 上行文 drafted from the data, and its 签发 finishing the evaluation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from core import clock
from core.testing import PASSWORD
from documents import services as docs
from documents.models import UPWARD_KINDS, DocumentKind, IssuedDocument
from notifications.models import Message
from rectification.choices import ProblemSource
from rectification.models import Problem, ProblemCategory
from surveys import evaluation as svc
from surveys import evaluation_timeline as timeline
from surveys.choices import EvaluationStage as E
from surveys.choices import SurveyMode, SurveyStatus
from surveys.evaluation_report import report_draft
from surveys.models import Evaluation
from surveys.tests.factories import answer, sample_questionnaire, sheet
from surveys.transitions import EVALUATION

ORGANISER = "city_a_supervisor"
REPORTER = "county_a_clerk"


def started(org, **over) -> Evaluation:
    return svc.evaluation_create(
        actor=org.user(ORGANISER),
        org_unit=org.unit("city_a"),
        department=org.unit("county_a"),
        title=over.get("title", "2026年度甲一县卫健局履职测评"),
        congress="甲市人大常委会",
        year=clock.today().year,
    )


def reported(org) -> Evaluation:
    ev = started(org)
    return svc.self_report_submit(actor=org.user(REPORTER), evaluation=ev, text="一、主要工作\n二、存在问题")


def surveyed(org, tokens=5) -> Evaluation:
    ev = reported(org)
    qn = sample_questionnaire(org, unit="city_a", user=ORGANISER)
    return svc.evaluation_start_survey(
        actor=org.user(ORGANISER),
        evaluation=ev,
        questionnaire=qn,
        tokens=tokens,
        closes_on=clock.today() + dt.timedelta(days=10),
    )


def met(org) -> Evaluation:
    ev = surveyed(org)
    svc.meeting_record(
        actor=org.user(ORGANISER),
        evaluation=ev,
        held_on=clock.today(),
        title="履职测评评议会",
        place="市人大常委会第一会议室",
        attendees="市人大常委会测评组、甲一县卫健局领导班子",
        minutes="代表们指出家庭医生签约服务质量不高，基层人才短缺。",
    )
    return Evaluation.objects.get(pk=ev.pk)


def items(org, n=2):
    category = ProblemCategory.objects.order_by("pk").first()
    return [
        {
            "description": f"问题{i}：家庭医生签约服务质量不高",
            "requirement": "半年内完成整改",
            "deadline": clock.today() + dt.timedelta(days=30 + i),
            "category": category,
        }
        for i in range(n)
    ]


def listed(org) -> Evaluation:
    ev = met(org)
    svc.problems_list(actor=org.user(ORGANISER), evaluation=ev, items=items(org))
    return Evaluation.objects.get(pk=ev.pk)


def drafted(org) -> tuple[Evaluation, IssuedDocument]:
    ev = listed(org)
    doc = svc.result_report(actor=org.user(ORGANISER), evaluation=ev)
    return Evaluation.objects.get(pk=ev.pk), doc


def issue(org, doc) -> IssuedDocument:
    docs.document_submit(actor=org.user(ORGANISER), document=doc, signer=org.user("city_a_leader"))
    return docs.document_issue(actor=org.user("city_a_leader"), document=doc, password=PASSWORD)


@pytest.mark.django_db
def test_create_in_scope_only_and_the_department_is_told(org):
    ev = started(org)
    assert ev.stage == E.SELF_REPORT
    assert Message.objects.filter(recipient=org.user(REPORTER), link=ev.get_absolute_url()).exists()
    assert AuditEvent.objects.filter(action="surveys.evaluation.created").count() == 1
    with pytest.raises(PermissionDenied, match="无权以该单位名义"):
        svc.evaluation_create(
            actor=org.user("county_b_head"),
            org_unit=org.unit("city_a"),
            department=org.unit("county_a"),
            title="x",
            congress="甲市人大常委会",
            year=2026,
        )
    with pytest.raises(ValidationError, match="被测评部门须是组织单位本身或其下级单位"):
        svc.evaluation_create(
            actor=org.user(ORGANISER),
            org_unit=org.unit("city_a"),
            department=org.unit("county_c"),
            title="x",
            congress="甲市人大常委会",
            year=2026,
        )
    with pytest.raises(ValidationError, match="请填写测评机关"):
        svc.evaluation_create(
            actor=org.user(ORGANISER),
            org_unit=org.unit("city_a"),
            department=org.unit("county_a"),
            title="x",
            congress=" ",
            year=2026,
        )
    assert Evaluation.objects.count() == 1


def _refusal(action):
    return EVALUATION[action].refusal


@pytest.mark.django_db
def test_every_step_is_refused_out_of_order_with_its_message(org):
    organiser = org.user(ORGANISER)
    ev = started(org)
    future = clock.today() + dt.timedelta(days=5)
    with pytest.raises(ValidationError, match=_refusal("start_survey")):
        svc.evaluation_start_survey(actor=organiser, evaluation=ev, tokens=5, closes_on=future)
    with pytest.raises(ValidationError, match=_refusal("record_meeting")):
        svc.meeting_record(actor=organiser, evaluation=ev, held_on=clock.today(), title="会", minutes="纪要")
    with pytest.raises(ValidationError, match=_refusal("list_problems")):
        svc.problems_list(actor=organiser, evaluation=ev, items=items(org))
    with pytest.raises(ValidationError, match=_refusal("report_result")):
        svc.result_report(actor=organiser, evaluation=ev)
    ev = svc.self_report_submit(actor=org.user(REPORTER), evaluation=ev, text="自查")
    with pytest.raises(ValidationError, match=_refusal("self_report")):
        svc.self_report_submit(actor=org.user(REPORTER), evaluation=ev, text="再次")
    with pytest.raises(ValidationError, match=_refusal("record_meeting")):
        svc.meeting_record(actor=organiser, evaluation=ev, held_on=clock.today(), title="会", minutes="纪要")
    ev = Evaluation.objects.get(pk=ev.pk)
    assert ev.stage == E.SURVEY and not ev.meetings.exists() and not ev.problems.exists()


@pytest.mark.django_db
def test_refusals_later_in_the_workflow(org):
    organiser = org.user(ORGANISER)
    ev = surveyed(org)
    with pytest.raises(ValidationError, match=_refusal("list_problems")):
        svc.problems_list(actor=organiser, evaluation=ev, items=items(org))
    with pytest.raises(ValidationError, match=_refusal("start_survey")):
        svc.evaluation_start_survey(
            actor=organiser, evaluation=ev, tokens=5, closes_on=clock.today() + dt.timedelta(days=3)
        )
    ev = listed(org)
    with pytest.raises(ValidationError, match=_refusal("record_meeting")):
        svc.meeting_record(actor=organiser, evaluation=ev, held_on=clock.today(), title="会", minutes="纪要")
    ev, doc = drafted(org)
    with pytest.raises(ValidationError, match=_refusal("report_result")):
        svc.result_report(actor=organiser, evaluation=ev)
    with pytest.raises(ValidationError, match=_refusal("finish")):
        Evaluation.objects.filter(pk=ev.pk).update(stage=E.RECTIFY)
        svc.finish(doc)


@pytest.mark.django_db
def test_who_may_act(org):
    ev = started(org)
    with pytest.raises(PermissionDenied, match="只有被测评部门的人员可以提交自查报告"):
        svc.self_report_submit(actor=org.user("county_b_clerk"), evaluation=ev, text="自查")
    with pytest.raises(ValidationError, match="请填写自查报告"):
        svc.self_report_submit(actor=org.user(REPORTER), evaluation=ev, text="  ")
    ev = reported(org)
    with pytest.raises(PermissionDenied, match="只有组织单位的督查员"):
        svc.evaluation_start_survey(
            actor=org.user("county_a_head"), evaluation=ev, tokens=5, closes_on=clock.today()
        )
    with pytest.raises(ValidationError, match="答题码数量须在1至500个之间"):
        svc.evaluation_start_survey(
            actor=org.user(ORGANISER), evaluation=ev, tokens=0, closes_on=clock.today()
        )
    with pytest.raises(ValidationError, match="截止日期不能早于今天"):
        svc.evaluation_start_survey(
            actor=org.user(ORGANISER), evaluation=ev, tokens=5, closes_on=clock.today() - dt.timedelta(days=1)
        )
    assert Evaluation.objects.get(pk=ev.pk).survey_id is None


@pytest.mark.django_db
def test_self_report_with_a_file_visible_with_the_evaluation(org, client):
    ev = started(org)
    upload = SimpleUploadedFile("自查报告.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    ev = svc.self_report_submit(actor=org.user(REPORTER), evaluation=ev, text="自查报告正文", files=[upload])
    att = ev.self_report_files.get()
    from files.selectors import attachment_for

    assert attachment_for(org.user(ORGANISER), att.pk) is not None
    assert attachment_for(org.user("county_b_head"), att.pk) is None
    assert Message.objects.filter(recipient=org.user(ORGANISER), title__startswith="自查报告已提交").exists()


@pytest.mark.django_db
def test_survey_is_a_token_round_over_the_department_opened(org):
    ev = surveyed(org, tokens=7)
    survey = ev.survey
    assert ev.stage == E.MEETING
    assert survey.mode == SurveyMode.TOKEN and survey.status == SurveyStatus.OPEN
    target = survey.targets.get()
    assert target.unit == org.unit("county_a") and target.tokens.count() == 7


@pytest.mark.django_db
def test_problems_go_into_the_rectification_ledger_with_source_npc(org):
    ev = listed(org)
    assert ev.stage == E.RECTIFY
    problems = list(ev.problems.all())
    assert len(problems) == 2
    for p in problems:
        assert p.source == ProblemSource.NPC and p.get_source_display() == "人大测评"
        assert p.org_unit == org.unit("county_a") and p.found_by_unit == org.unit("city_a")
    ledger = Problem.objects.visible_to(org.user("county_a_head"), "rectification.view_problem")
    assert set(ledger.filter(source=ProblemSource.NPC)) == set(problems)


@pytest.mark.django_db
def test_a_bad_problem_list_stores_nothing(org):
    ev = met(org)
    bad = items(org)
    bad[1]["deadline"] = clock.today() - dt.timedelta(days=3)
    with pytest.raises(ValidationError, match="第2个问题：整改时限不能早于发现日期"):
        svc.problems_list(actor=org.user(ORGANISER), evaluation=ev, items=bad)
    with pytest.raises(ValidationError, match="请至少填写一个问题"):
        svc.problems_list(actor=org.user(ORGANISER), evaluation=ev, items=[])
    assert not Problem.objects.exists()
    assert Evaluation.objects.get(pk=ev.pk).stage == E.PROBLEMS


@pytest.mark.django_db
def test_the_report_is_an_upward_document_from_the_data(org):
    ev = listed(org)
    for token in ev.survey.targets.get().tokens.all()[:3]:
        answer(ev.survey.targets.get(), sheet(), token=token.code)
    draft = report_draft(ev)
    text = "\n".join(str(c) for _, c in draft.body)
    assert draft.addressee == "甲市人大常委会"
    assert "发放测评问卷5份，收回有效答卷3份，回收率60.0%" in text
    assert "满意度指数为" in text and "履职测评评议会" in text
    assert "测评共梳理出问题2个，其中待整改2个" in text
    assert report_draft(Evaluation.objects.get(pk=ev.pk)) == draft  # unchanged data, same draft
    assert DocumentKind.EVALUATION_REPORT in UPWARD_KINDS
    doc = svc.result_report(actor=org.user(ORGANISER), evaluation=ev)
    assert doc.kind == DocumentKind.EVALUATION_REPORT and doc.status == IssuedDocument.Status.DRAFT
    assert set(doc.problems.all()) == set(ev.problems.all())
    assert docs.to_spec(doc).signer  # the 签发人 in the 版头 of a 上行文


@pytest.mark.django_db
def test_issuing_the_report_finishes_the_evaluation(org):
    ev, doc = drafted(org)
    assert ev.stage == E.RESULT
    issued = issue(org, doc)
    ev = Evaluation.objects.get(pk=ev.pk)
    assert ev.stage == E.DONE and issued.doc_number in ev.result
    assert AuditEvent.objects.filter(action="surveys.evaluation.finished").count() == 1
    assert Message.objects.filter(recipient=org.user(REPORTER), title__startswith="履职测评已完成").exists()


@pytest.mark.django_db
def test_every_step_is_on_the_one_timeline(org):
    ev, doc = drafted(org)
    issue(org, doc)
    detail = timeline.detail(org.user(ORGANISER), ev.pk, clock.today())
    stages = [e.stage for e in detail.timeline]
    titles = " ".join(e.title for e in detail.timeline)
    for needed in ("启动测评", "提交自查报告", "发起代表测评", "评议会议：履职测评评议会", "形成问题清单"):
        assert needed in titles, needed
    assert titles.count("问题WT-") == 2
    assert "结果报告起草" in titles and "结果报告送签" in titles and "结果报告签发" in titles
    assert E.DONE in stages
    problem_entries = [e for e in detail.timeline if e.title.startswith("问题WT-")]
    assert all(e.light is not None and e.badge == "待整改" and e.link for e in problem_entries)
    assert [s["state"] for s in detail.bar] == ["done"] * 7
    keys = [timeline._order(e) for e in detail.timeline]
    assert keys == sorted(keys)  # by day, then in the workflow's order
    assert [e.stage for e in detail.timeline][:3] == [E.SELF_REPORT, E.SELF_REPORT, E.SURVEY]
    assert "已收回答卷0份" in detail.timeline[2].text


@pytest.mark.django_db
def test_stage_bar_and_actions(org):
    ev = reported(org)
    bar = timeline.stage_bar(ev)
    assert [s["state"] for s in bar] == ["done", "current", "todo", "todo", "todo", "todo", "todo"]
    assert svc.actions_for(org.user(ORGANISER), ev)["start_survey"]
    assert not any(svc.actions_for(org.user(REPORTER), ev).values())
    assert not any(svc.actions_for(org.user("county_b_head"), ev).values())


@pytest.mark.django_db
def test_scope_a_sibling_county_sees_nothing(org):
    ev = started(org)
    perm = "surveys.view_evaluation"
    for outsider in ("county_b_head", "county_c_clerk", "county_b_leader"):
        assert not Evaluation.objects.visible_to(org.user(outsider), perm).exists(), outsider
    for insider in ("county_a_clerk", "county_a_head", "city_a_leader", "prov_leader", ORGANISER):
        assert Evaluation.objects.visible_to(org.user(insider), perm).filter(pk=ev.pk).exists(), insider


@pytest.mark.django_db
def test_without_a_questionnaire_the_npc_template_is_used_and_published(org):
    ev = reported(org)
    ev = svc.evaluation_start_survey(
        actor=org.user(ORGANISER), evaluation=ev, tokens=3, closes_on=clock.today() + dt.timedelta(days=5)
    )
    qn = ev.survey.questionnaire
    assert qn.kind == "npc" and qn.status == "published" and ev.survey.version.questionnaire_id == qn.pk
    assert qn.org_unit == org.unit("city_a")
