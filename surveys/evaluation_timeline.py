"""Reads of 人大履职测评: the list, one evaluation with its stage bar and ONE timeline of every dated
step — the steps taken (EvaluationEvent), the round's opening and closing with its response count
and index, each 评议会, each problem with its live rectification status and light, and the result
report's 起草 / 送签 / 退回 / 签发 (its DocumentEvents) — each linking to its record. Every read
starts from `visible_to()` (the organiser's scope and the department's, scope_unit_fields)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from core import scoping
from rectification.lights import light_of
from surveys import rules
from surveys.choices import EvaluationStage, SurveyStatus
from surveys.models import Evaluation, EvaluationMeeting

E = EvaluationStage
RELATED = ("org_unit", "department", "created_by")
DOC_VIEW = "documents.view_issueddocument"
PROBLEM_VIEW = "rectification.view_problem"


def ledger(user):
    return Evaluation.objects.visible_to(user, rules.VIEW_EVALUATION, listing=True).select_related(*RELATED)


def for_action(user, pk: int) -> Evaluation:
    return get_object_or_404(
        Evaluation.objects.visible_to(user, rules.VIEW_EVALUATION).select_related(*RELATED), pk=pk
    )


def stage_bar(ev: Evaluation) -> list[dict]:
    """The seven steps, 部门自查报告 … 已完成: done / current / to come (at 已完成 all are done)."""
    order = list(E)
    at = order.index(E(ev.stage))
    return [
        {
            "label": s.label,
            "n": i + 1,
            "state": "done" if i < at or ev.stage == E.DONE else ("current" if i == at else "todo"),
        }
        for i, s in enumerate(order)
    ]


@dataclass
class Entry:
    at: dt.datetime
    stage: str
    title: str
    text: str = ""
    who: str = ""
    link: str = ""
    light: object = None  # a problem's LightResult
    badge: str = ""

    @property
    def stage_label(self) -> str:
        return E(self.stage).label


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _who(user) -> str:
    return user.full_name if user is not None else "系统"


def survey_url(ev: Evaluation) -> str:
    """The round's page (its 答题码 list, print and Excel)."""
    return reverse("surveys:survey_detail", args=[ev.survey_id]) if ev.survey_id else ""


def _numbers_text(numbers: dict) -> str:
    index = numbers.get("index")
    return f"答题码{numbers.get('tokens', 0)}个，已收回答卷{numbers.get('responses', 0)}份，满意度指数{index if index is not None else '—'}"


def _step_entries(ev: Evaluation, numbers: dict) -> list[Entry]:
    link = {E.SELF_REPORT: "#self-report", E.PROBLEMS: "#problems"}
    out = []
    for e in ev.events.select_related("actor"):
        if e.stage == E.MEETING:  # each meeting is its own entry, on its date
            continue
        if e.stage == E.RESULT and ev.result_document_id:  # the document's own steps tell it
            continue
        target, text = link.get(e.stage, ""), ""
        if e.stage == E.SURVEY:
            target, text = survey_url(ev), _numbers_text(numbers)
        if e.stage == E.DONE:
            target = ev.result_url
        out.append(Entry(e.at, e.stage, e.text, text, who=_who(e.actor), link=target))
    return out


def _survey_entries(ev: Evaluation, numbers: dict) -> list[Entry]:
    survey = ev.survey
    if survey is None or survey.status != SurveyStatus.CLOSED:
        return []
    text = _numbers_text(numbers)
    closed = _noon(survey.closes_on)
    return [
        Entry(
            closed,
            E.SURVEY,
            "代表测评结束收集",
            text,
            link=survey_url(ev),
        )
    ]


def _meeting_entries(meetings) -> list[Entry]:
    return [
        Entry(
            _noon(m.held_on),
            E.MEETING,
            f"评议会议：{m.title}",
            "；".join(
                x for x in (m.place and f"地点：{m.place}", m.attendees and f"参会：{m.attendees[:60]}") if x
            ),
            who=_who(m.recorded_by),
            link=f"#meeting-{m.pk}",
        )
        for m in meetings
    ]


def _problem_entries(user, problems, today: dt.date) -> list[Entry]:
    may_see = scoping.has_any(user, PROBLEM_VIEW)
    return [
        Entry(
            _noon(p.found_on),
            E.RECTIFY,
            f"问题{p.code}：{p.description[:60]}",
            f"整改单位：{p.org_unit.display_name}；整改时限：{p.deadline:%Y-%m-%d}",
            link=p.get_absolute_url()
            if may_see and scoping.unit_in_scope(user, PROBLEM_VIEW, p.org_unit)
            else "",
            light=light_of(p, today),
            badge=p.get_status_display(),
        )
        for p in problems
    ]


def _document_entries(user, ev: Evaluation) -> list[Entry]:
    doc = ev.result_document
    if doc is None:
        return []
    link = ev.result_url
    return [
        Entry(
            d.at,
            E.RESULT,
            f"结果报告{d.get_kind_display()}：《{doc.title}》",
            "" if d.note == doc.doc_number else d.note,
            who=_who(d.actor),
            link=link,
            badge=doc.doc_number if d.kind == "issued" else "",
        )
        for d in doc.events.select_related("actor")
    ]


ORDER = {s: i for i, s in enumerate(E)}


def _order(entry: Entry) -> tuple:
    """By day; within a day in the workflow's order (a meeting or a problem carries its date,
    not a time), then by time."""
    return (timezone.localdate(entry.at), ORDER[entry.stage], entry.at)


def _links(user, ev: Evaluation) -> None:
    """The round's page, its 答题码 list and Excel (for who may issue them), the result report
    (a 上行文 of the organiser: the department may not open it)."""
    ev.survey_url = survey_url(ev)
    target = ev.numbers.get("target")
    ev.token_urls = (
        (reverse("surveys:token_print", args=[target.pk]), reverse("surveys:token_export", args=[target.pk]))
        if target is not None and scoping.unit_in_scope(user, rules.ISSUE_TOKEN, ev.org_unit)
        else None
    )
    doc = ev.result_document
    visible = doc is not None and scoping.unit_in_scope(user, DOC_VIEW, doc.org_unit)
    ev.result_url = doc.get_absolute_url() if visible else ""


def detail(user, pk: int, today: dt.date) -> Evaluation:
    """One evaluation with its bar, numbers, meetings, problems and timeline (a fixed number of
    queries whatever the number of steps, meetings and problems)."""
    from surveys.evaluation_report import survey_numbers

    ev = get_object_or_404(
        Evaluation.objects.visible_to(user, rules.VIEW_EVALUATION).select_related(
            *RELATED, "survey", "result_document"
        ),
        pk=pk,
    )
    ev.bar = stage_bar(ev)
    ev.numbers = survey_numbers(ev)
    _links(user, ev)
    ev.meeting_list = list(
        EvaluationMeeting.objects.filter(evaluation=ev)
        .select_related("recorded_by")
        .prefetch_related("attachments")
    )
    ev.problem_list = list(ev.problems.select_related("org_unit", "category").order_by("deadline", "code"))
    for p in ev.problem_list:
        p.light_info = light_of(p, today)
    ev.report_files = list(ev.self_report_files.all())
    entries = [
        *_step_entries(ev, ev.numbers),
        *_survey_entries(ev, ev.numbers),
        *_meeting_entries(ev.meeting_list),
        *_problem_entries(user, ev.problem_list, today),
        *_document_entries(user, ev),
    ]
    ev.timeline = sorted(entries, key=_order)
    return ev


def self_report_files(user):
    """Files of a self-report, visible with their evaluation (files.registry)."""
    visible = Evaluation.objects.visible_to(user, rules.VIEW_EVALUATION).values("pk")
    return Evaluation.self_report_files.through.objects.filter(evaluation__in=visible).values("attachment_id")


def meeting_files(user):
    """Files of a 评议会, visible with their evaluation (files.registry)."""
    visible = Evaluation.objects.visible_to(user, rules.VIEW_EVALUATION).values("pk")
    return EvaluationMeeting.attachments.through.objects.filter(
        evaluationmeeting__evaluation__in=visible
    ).values("attachment_id")
