"""Writes of 人大履职测评 (R-SVY-4): start one, the department's self-report, the deputies' survey by
答题码, the 评议会 record, the problem list (into the rectification ledger, source 人大测评), the
result report (a GB/T 9704 document that goes through 送签/签发) and, once it is issued, 已完成.

Each write checks who may act (below) and the stage (surveys.transitions.EVALUATION), then in one
transaction writes the record, an EvaluationEvent on the timeline, the audit entry and the inbox
notices. A refusal is a Chinese ValidationError / PermissionDenied and changes nothing."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.services import record
from core import clock, scoping
from core.services import require
from documents.models import DocumentKind, IssuedDocument
from documents.services import document_draft
from files.services import attachment_store
from notifications.models import Message
from notifications.services import notify, unit_people
from org.models import Unit, User
from rectification.choices import ProblemSource
from rectification.services import problem_create
from surveys import rules
from surveys.builder import questionnaire_publish
from surveys.catalog import questionnaire_from_template
from surveys.choices import EvaluationStage, QuestionnaireKind, QuestionnaireStatus, SurveyMode
from surveys.distribution import survey_create, survey_open, tokens_issue
from surveys.models import Evaluation, EvaluationEvent, EvaluationMeeting, Questionnaire
from surveys.transitions import EVALUATION

E = EvaluationStage
MAX_REPORT = 20000
MAX_MINUTES = 5000
MAX_TOKENS = 500
ADD_PROBLEM = "rectification.add_problem"
ADD_DOCUMENT = "documents.add_issueddocument"


# --- who may act (the stage: EVALUATION.check) -----------------------------------------------------


def check_create(actor: User, org_unit: Unit | None, department: Unit | None) -> None:
    if org_unit is None:
        raise ValidationError({"org_unit": "请选择组织单位"})
    require(actor, rules.ADD_EVALUATION, org_unit, "您无权以该单位名义启动履职测评")
    if department is None:
        raise ValidationError({"department": "请选择被测评部门"})
    if not department.is_descendant_of(org_unit) or not scoping.unit_in_scope(
        actor, rules.ADD_EVALUATION, department
    ):
        raise ValidationError({"department": "被测评部门须是组织单位本身或其下级单位"})


def check_report(user: User, ev: Evaluation) -> None:
    if not scoping.unit_in_scope(user, rules.REPORT_EVALUATION, ev.department):
        raise PermissionDenied("只有被测评部门的人员可以提交自查报告")
    EVALUATION.check("self_report", ev.stage)


def check_organiser(user: User, ev: Evaluation, action: str) -> None:
    """发起代表测评, 记录评议会议, 形成问题清单, 形成结果报告: the organiser's 督查员."""
    if not scoping.unit_in_scope(user, rules.CHANGE_EVALUATION, ev.org_unit):
        raise PermissionDenied("只有组织单位的督查员可以办理该环节")
    if action == "list_problems" and not scoping.unit_in_scope(user, ADD_PROBLEM, ev.org_unit):
        raise PermissionDenied("您没有登记问题的权限，不能形成问题清单")
    if action == "report_result" and not scoping.unit_in_scope(user, ADD_DOCUMENT, ev.org_unit):
        raise PermissionDenied("您没有起草公文的权限，不能形成结果报告")
    EVALUATION.check(action, ev.stage)


ACTIONS = ("self_report", "start_survey", "record_meeting", "list_problems", "report_result")


def actions_for(user: User, ev: Evaluation) -> dict[str, bool]:
    """Which forms the detail page shows: the same checks the services make."""
    out = {}
    for action in ACTIONS:
        try:
            check_report(user, ev) if action == "self_report" else check_organiser(user, ev, action)
        except (PermissionDenied, ValidationError):
            out[action] = False
        else:
            out[action] = True
    return out


# --- helpers ------------------------------------------------------------------------------------------


def _locked(ev: Evaluation, revision: int | None) -> Evaluation:
    fresh = Evaluation.objects.select_for_update().select_related("org_unit", "department").get(pk=ev.pk)
    if revision is not None and fresh.revision != revision:
        raise ValidationError("该履职测评已被他人处理，请刷新页面后重试")
    fresh.revision += 1
    return fresh


def _step(ev: Evaluation, stage: str, actor: User | None, text: str) -> EvaluationEvent:
    return EvaluationEvent.objects.create(
        evaluation=ev, stage=stage, actor=actor, at=clock.now(), text=text[:300]
    )


def _text(value: str, field: str, empty: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: empty})
    if len(value) > limit:
        raise ValidationError({field: f"内容不能超过{limit}字"})
    return value


def _organisers(ev: Evaluation) -> list:
    return unit_people(ev.org_unit, rules.CHANGE_EVALUATION)


def _department_people(ev: Evaluation) -> list:
    return unit_people(ev.department, rules.REPORT_EVALUATION)


def _tell(recipients, ev: Evaluation, title: str, body: str) -> None:
    notify(
        recipients=recipients,
        kind=Message.Kind.SYSTEM,
        title=f"{title}：{ev.title[:40]}",
        body=body[:200],
        link=ev.get_absolute_url(),
    )


def _store(actor: User, files, unit: Unit) -> list:
    return [attachment_store(actor=actor, upload=f, org_unit=unit, purpose="report") for f in files or ()]


# --- the steps ----------------------------------------------------------------------------------------


@transaction.atomic
def evaluation_create(
    *,
    actor: User,
    org_unit: Unit | None,
    department: Unit | None,
    title: str,
    congress: str,
    year: int | None,
) -> Evaluation:
    check_create(actor, org_unit, department)
    title = _text(title, "title", "请填写测评名称", 120)
    congress = _text(congress, "congress", "请填写测评机关，如：青山市人大常委会", 60)
    if year is None or not 2000 <= year <= clock.today().year + 1:
        raise ValidationError({"year": f"年度须在2000年至{clock.today().year + 1}年之间"})
    ev = Evaluation(
        title=title,
        congress=congress,
        year=year,
        org_unit=org_unit,
        department=department,
        stage=EVALUATION.target("create"),
        created_by=actor,
    )
    ev.full_clean()
    ev.save()
    _step(ev, E.SELF_REPORT, actor, f"启动测评：{congress}对{department.display_name}开展{year}年度履职测评")
    record(
        actor=actor,
        action="surveys.evaluation.created",
        obj=ev,
        unit=org_unit,
        changes={"title": title, "congress": congress, "year": year, "department": str(department)},
    )
    _tell(_department_people(ev), ev, "履职测评", f"{congress}对你单位开展履职测评，请提交履职情况自查报告")
    return ev


@transaction.atomic
def self_report_submit(
    *, actor: User, evaluation: Evaluation, text: str, files=(), revision: int | None = None
):
    ev = _locked(evaluation, revision)
    check_report(actor, ev)
    text = _text(text, "text", "请填写自查报告", MAX_REPORT)
    ev.self_report, ev.self_reported_at = text, clock.now()
    ev.stage = EVALUATION.target("self_report")
    ev.save()
    stored = _store(actor, files, ev.department)
    ev.self_report_files.add(*stored)
    _step(
        ev, E.SELF_REPORT, actor, f"提交自查报告（{len(text)}字{f'，附件{len(stored)}个' if stored else ''}）"
    )
    record(
        actor=actor,
        action="surveys.evaluation.self_reported",
        obj=ev,
        changes={"text": text[:500], "files": [a.original_name for a in stored]},
    )
    _tell(
        _organisers(ev), ev, "自查报告已提交", f"{ev.department.display_name}已提交自查报告，可发起代表测评"
    )
    return ev


def _npc_questionnaire(actor: User, ev: Evaluation, questionnaire: Questionnaire | None) -> Questionnaire:
    """The questionnaire chosen (published, of the organiser's scope), else a new one from the
    人大代表履职测评 template, published."""
    if questionnaire is not None:
        if questionnaire.status != QuestionnaireStatus.PUBLISHED or not questionnaire.versions.exists():
            raise ValidationError({"questionnaire": "请选择已发布的问卷"})
        if not scoping.unit_in_scope(actor, rules.VIEW_QUESTIONNAIRE, questionnaire.org_unit):
            raise ValidationError({"questionnaire": "问卷不在您的管辖范围内"})
        return questionnaire
    made = questionnaire_from_template(
        actor=actor, org_unit=ev.org_unit, kind=QuestionnaireKind.NPC, title=f"{ev.title}·代表测评问卷"
    )
    if made.status != QuestionnaireStatus.PUBLISHED:
        questionnaire_publish(actor=actor, questionnaire=made)
    made.refresh_from_db()
    return made


@transaction.atomic
def evaluation_start_survey(
    *,
    actor: User,
    evaluation: Evaluation,
    closes_on: dt.date | None,
    tokens: int | None,
    questionnaire: Questionnaire | None = None,
    revision: int | None = None,
):
    """A token round for the deputies over the department, its 答题码 issued, opened."""
    ev = _locked(evaluation, revision)
    check_organiser(actor, ev, "start_survey")
    today = clock.today()
    if closes_on is None or closes_on < today:
        raise ValidationError({"closes_on": "截止日期不能早于今天"})
    if tokens is None or not 1 <= tokens <= MAX_TOKENS:
        raise ValidationError({"tokens": f"答题码数量须在1至{MAX_TOKENS}个之间"})
    qn = _npc_questionnaire(actor, ev, questionnaire)
    survey = survey_create(
        actor=actor,
        questionnaire=qn,
        title=f"{ev.title}·代表测评"[:120],
        mode=SurveyMode.TOKEN,
        opens_on=today,
        closes_on=closes_on,
        threshold=80,
        units=[ev.department],
        org_unit=ev.org_unit,
    )
    issued = len(tokens_issue(actor=actor, target=survey.targets.get(), count=tokens, batch=ev.congress[:40]))
    survey = survey_open(actor=actor, survey=survey)
    ev.survey = survey
    ev.stage = EVALUATION.target("start_survey")
    ev.save()
    _step(ev, E.SURVEY, actor, f"发起代表测评：发放答题码{issued}个，{closes_on:%Y-%m-%d}截止")
    record(
        actor=actor,
        action="surveys.evaluation.survey_started",
        obj=ev,
        changes={"survey": survey.title, "tokens": issued, "closes_on": closes_on},
    )
    return ev


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    evaluation: Evaluation,
    held_on: dt.date | None,
    title: str,
    minutes: str,
    place: str = "",
    attendees: str = "",
    files=(),
    revision: int | None = None,
) -> EvaluationMeeting:
    ev = _locked(evaluation, revision)
    check_organiser(actor, ev, "record_meeting")
    if held_on is None:
        raise ValidationError({"held_on": "请填写会议日期"})
    if held_on > clock.today():
        raise ValidationError({"held_on": "会议日期不能晚于今天（会后记录）"})
    title = _text(title, "title", "请填写会议名称", 120)
    minutes = _text(minutes, "minutes", "请填写会议纪要", MAX_MINUTES)
    meeting = EvaluationMeeting.objects.create(
        evaluation=ev,
        held_on=held_on,
        title=title,
        place=(place or "").strip()[:120],
        attendees=(attendees or "").strip()[:2000],
        minutes=minutes,
        recorded_by=actor,
    )
    meeting.attachments.add(*_store(actor, files, ev.org_unit))
    ev.stage = EVALUATION.target("record_meeting", state=ev.stage)
    ev.save()
    _step(ev, E.MEETING, actor, f"记录评议会议：{held_on:%Y-%m-%d} {title}")
    record(
        actor=actor,
        action="surveys.evaluation.meeting_recorded",
        obj=ev,
        changes={"held_on": held_on, "title": title, "place": meeting.place, "minutes": minutes[:500]},
    )
    return meeting


@transaction.atomic
def problems_list(*, actor: User, evaluation: Evaluation, items: list[dict], revision: int | None = None):
    """The problem list: each item (description, category, deadline, requirement, severity) a
    problem of the department found by the organiser, source 人大测评, linked to the evaluation."""
    ev = _locked(evaluation, revision)
    check_organiser(actor, ev, "list_problems")
    if not items:
        raise ValidationError({"problems": "请至少填写一个问题"})
    made = []
    for n, item in enumerate(items, start=1):
        try:
            made.append(
                problem_create(
                    actor=actor,
                    org_unit=ev.department,
                    found_by_unit=ev.org_unit,
                    source=ProblemSource.NPC,
                    description=item.get("description", ""),
                    category=item.get("category"),
                    deadline=item.get("deadline"),
                    requirement=(item.get("requirement") or "").strip(),
                    severity=item.get("severity") or "general",
                    source_note=f"{ev.congress}{ev.title}"[:200],
                )
            )
        except ValidationError as exc:
            raise ValidationError({"problems": [f"第{n}个问题：{m}" for m in exc.messages]}) from None
    ev.problems.add(*made)
    ev.stage = EVALUATION.target("list_problems")
    ev.save()
    _step(ev, E.PROBLEMS, actor, f"形成问题清单：{len(made)}个问题进入整改台账")
    record(
        actor=actor,
        action="surveys.evaluation.problems_listed",
        obj=ev,
        changes={"problems": [p.code for p in made]},
    )
    return made


@transaction.atomic
def result_report(*, actor: User, evaluation: Evaluation, revision: int | None = None) -> IssuedDocument:
    """Draft the 履职测评结果报告 from the data; it then goes through 送签/签发 on its page."""
    from surveys.evaluation_report import report_draft

    ev = _locked(evaluation, revision)
    check_organiser(actor, ev, "report_result")
    doc = document_draft(
        actor=actor,
        kind=DocumentKind.EVALUATION_REPORT,
        org_unit=ev.org_unit,
        draft=report_draft(ev),
        problems=ev.problems.all(),
    )
    ev.result_document = doc
    ev.stage = EVALUATION.target("report_result")
    ev.save()
    _step(ev, E.RESULT, actor, f"起草结果报告《{doc.title}》，待送领导签发")
    record(actor=actor, action="surveys.evaluation.report_drafted", obj=ev, changes={"document": doc.title})
    return doc


def finish(document: IssuedDocument) -> Evaluation | None:
    """The result report was issued (documents.signals.document_issued, inside its transaction):
    the evaluation is 已完成."""
    ev = Evaluation.objects.select_for_update().filter(result_document=document).first()
    if ev is None:
        return None
    EVALUATION.check("finish", ev.stage)
    ev.stage = EVALUATION.target("finish")
    ev.result = f"结果报告{document.doc_number}已签发"
    ev.revision += 1
    ev.save()
    _step(ev, E.DONE, document.issued_by, f"结果报告已签发：{document.doc_number}，测评完成")
    record(
        actor=document.issued_by,
        action="surveys.evaluation.finished",
        obj=ev,
        changes={"document": document.doc_number},
    )
    _tell(
        [*_organisers(ev), *_department_people(ev)],
        ev,
        "履职测评已完成",
        f"结果报告{document.doc_number}已签发",
    )
    return ev
