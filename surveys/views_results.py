"""Pages of a round's results (R-SVY-3): the units ranked, one unit's items, distributions and
comments, the (anonymous) responses behind every number, the Excel export, and an item under the
threshold turned into a problem.

Scope: every read goes through SurveyTarget / Response `visible_to(user, surveys.view_survey)` —
the organiser's scope and the evaluated unit itself; anything else does not exist (404)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.views import View
from django.views.generic import ListView, TemplateView

from core import scoping
from core.excel import xlsx_response
from core.views import PAGE_SIZES, PermissionRequiredMixin, ServiceFormView, SubmitOnceMixin
from surveys import conversion, definition, exports, results, rules, words
from surveys.forms_results import ItemConvertForm
from surveys.models import Answer, ItemProblem, Response, Survey, SurveyTarget


def visible_targets(user, perm: str = rules.VIEW):
    return SurveyTarget.objects.visible_to(user, perm).select_related(
        "unit", "org_unit", "survey__version", "survey__org_unit"
    )


def scoped_target(user, pk, perm: str = rules.VIEW) -> SurveyTarget:
    return get_object_or_404(visible_targets(user, perm), pk=pk)


def survey_targets(user, survey_pk, perm: str = rules.VIEW) -> tuple[Survey, list[SurveyTarget]]:
    """The round and the targets of it the user sees (none: the round does not exist for them)."""
    targets = list(visible_targets(user, perm).filter(survey_id=survey_pk).order_by("unit__path"))
    if not targets:
        raise Http404("找不到该测评")
    survey = targets[0].survey
    for t in targets:
        t.survey = survey
    return survey, targets


def round_url(user, survey) -> str:
    """The round's own page (surveys:survey_detail), for who sees the round (the organiser's
    scope; an evaluated unit sees only its results)."""
    if scoping.unit_in_scope(user, rules.VIEW, survey.org_unit):
        return reverse("surveys:survey_detail", args=[survey.pk])
    return ""


def _list_url(target, **filters) -> str:
    return f"{reverse('surveys:response_list')}?{urlencode({'target': target.pk, **filters})}"


def _chart_units(ranked, survey) -> dict:
    return {
        "threshold": float(survey.threshold),
        "units": [
            {
                "name": r.target.unit.display_name,
                "value": float(r.index) if r.index is not None else None,
                "label": f"{r.index} · {r.responses}份" if r.index is not None else results.NO_RESPONSES,
                "url": reverse("surveys:target_results", args=[r.target.pk]),
            }
            for r in ranked
        ],
    }


class SurveyResultsView(PermissionRequiredMixin, TemplateView):
    """Every evaluated unit the user sees, ranked by its index, with the previous round's change."""

    permission = rules.VIEW
    template_name = "surveys/results/survey_results.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        survey, targets = survey_targets(user, self.kwargs["pk"])
        ranked = results.unit_results(survey, targets)
        for r in ranked:
            r.responses_url = _list_url(r.target)
        ctx.update(
            survey=survey,
            round_url=round_url(user, survey),
            ranked=ranked,
            chart={"kind": "units", **_chart_units(ranked, survey)},
            formulas=(results.INDEX_FORMULA, results.UNIT_FORMULA, results.THIN_RULE),
            can_export=scoping.unit_in_scope(user, rules.EXPORT, survey.org_unit)
            or any(scoping.unit_in_scope(user, rules.EXPORT, t.unit) for t in targets),
            responses=sum(r.responses for r in ranked),
        )
        return ctx


class SurveyExportView(PermissionRequiredMixin, View):
    permission = rules.EXPORT

    def get(self, request, pk):
        survey, targets = survey_targets(request.user, pk, rules.EXPORT)
        ranked = results.unit_results(survey, targets)
        problems = {
            (p.target_id, p.question, p.row): p.problem.code
            for p in ItemProblem.objects.filter(target__in=targets).select_related("problem")
        }
        data, filename = exports.survey_export(
            actor=request.user, survey=survey, ranked=ranked, problems=problems
        )
        return xlsx_response(data, filename)


def _item_chart(result, survey) -> dict:
    return {
        "kind": "items",
        "threshold": float(survey.threshold),
        "units": [
            {
                "name": f"{i.question.upper()}{'·' + i.row if i.row else ''} {i.label}",
                "value": float(i.index) if i.index is not None else None,
                "below": i.below,
                "label": f"{i.index} · {i.n}份" if i.index is not None else "—",
                "url": "",
            }
            for i in result.items
        ],
    }


def _distribution_charts(target, dists) -> list[dict]:
    """Chart data of each distribution with answers: bars (options, ratings) or, for a matrix,
    one stacked bar per row with a series per rating value; every bar its drill-down URL."""
    out = []
    for d in dists:
        for b in d.bars + [b for _, _, bars in d.rows for b in bars]:
            b.url = _list_url(target, **b.filters)
        if not d.total:
            continue
        if d.rows:
            values = [b.label for b in d.rows[0][2]]
            series = [
                {"name": v, "data": [{"value": bars[i].count, "url": bars[i].url} for _, _, bars in d.rows]}
                for i, v in enumerate(values)
            ]
            out.append(
                {"key": d.question["key"], "rows": [row["label"] for row, _, _ in d.rows], "series": series}
            )
        else:
            bars = [{"name": b.label, "value": b.count, "url": b.url} for b in d.bars]
            out.append({"key": d.question["key"], "bars": bars})
    return out


class TargetResultsView(PermissionRequiredMixin, TemplateView):
    """One evaluated unit: its index, every item (n, previous, change, problem), the item chart,
    each question's distribution, the comments and their word list."""

    permission = rules.VIEW
    template_name = "surveys/results/target_results.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        target = scoped_target(user, self.kwargs["pk"])
        survey = target.survey
        result = results.target_result(target)
        can_convert = _may_convert(user, target)
        for i in result.items:
            i.url = _list_url(target, item=i.slug)
            i.convert_url = (
                reverse("surveys:item_convert", args=[target.pk, i.slug])
                if can_convert and i.below and i.problem is None
                else ""
            )
        dists = results.distributions(target)
        word = (self.request.GET.get("word") or "").strip()[:20]
        talk = words.comments(target, word)
        talk["words"] = [(w, n, _list_url(target, word=w)) for w, n in talk["words"]]
        ctx.update(
            target=target,
            survey=survey,
            round_url=round_url(user, survey),
            result=result,
            responses_url=_list_url(target),
            chart=_item_chart(result, survey),
            dist_charts=_distribution_charts(target, dists),
            distributions=dists,
            formulas=(results.INDEX_FORMULA, results.UNIT_FORMULA, results.THIN_RULE),
            **talk,
        )
        return ctx


def _may_convert(user, target) -> bool:
    try:
        conversion.check_convert(user, target)
    except PermissionDenied:
        return False
    return True


# --- drill-down ----------------------------------------------------------------------------------


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def drill_filter(target, params) -> tuple[list, str]:
    """The Answer conditions a response must meet (one Exists each) and their description."""
    conditions, said = [], []
    labels = {q["key"]: q for q in definition.questions(target.survey.version.definition)}
    item = params.get("item")
    if item:
        question, row = results.parse_item(item)
        conditions.append({"question": question, "row": row, "points__isnull": False})
        said.append(f"“{_label(labels, question, row)}”计入指数的答卷")
    question = params.get("q")
    if question and (params.get("value") or params.get("choice")):
        cond = {"question": question, "row": params.get("row", "")}
        if params.get("choice"):
            cond["choice"] = params["choice"]
            answer = _option(labels.get(question), params["choice"])
        else:
            cond["value"] = _int(params.get("value"))
            answer = f"{params.get('value')}分"
        conditions.append(cond)
        said.append(f"“{_label(labels, question, cond['row'])}”答“{answer}”的答卷")
    word = (params.get("word") or "").strip()[:20]
    if word:
        text_keys = [k for k, q in labels.items() if q["type"] in ("short", "long")]
        conditions.append({"question__in": text_keys, "text__contains": word})
        said.append(f"留言含“{word}”的答卷")
    return conditions, "；".join(said) or "全部答卷"


def _label(labels, question, row) -> str:
    q = labels.get(question)
    if q is None:
        return question
    rows = {r["key"]: r["label"] for r in q.get("rows", [])}
    return f"{q['text']} · {rows.get(row, row)}" if row else q["text"]


def _option(q, key) -> str:
    options = {o["key"]: o["label"] for o in (q or {}).get("options", [])}
    return options.get(key, key)


class ResponseListView(PermissionRequiredMixin, ListView):
    """The (anonymous) responses behind a number: ?target=… and item=q4.r2 (the answers counted in
    an item's index), q=…&value=…|choice=…[&row=…] (one bar of a distribution), word=… (a word of
    the comments). Its count is the number clicked."""

    permission = rules.VIEW
    template_name = "surveys/results/response_list.html"
    paginate_by = 50

    def get_paginate_by(self, queryset):
        size = _int(self.request.GET.get("per_page"))
        return size if size in PAGE_SIZES else self.paginate_by

    def get_queryset(self):
        target_pk = _int(self.request.GET.get("target"))
        if target_pk is None:
            raise Http404("请从测评结果进入答卷列表")
        self.target = scoped_target(self.request.user, target_pk)
        conditions, self.described = drill_filter(self.target, self.request.GET)
        qs = Response.objects.filter(target=self.target)
        for cond in conditions:
            qs = qs.filter(Exists(Answer.objects.filter(response=OuterRef("pk"), target=self.target, **cond)))
        return qs.order_by("-submitted_at", "-id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(
            target=self.target,
            survey=self.target.survey,
            described=self.described,
            total=ctx["paginator"].count,
            query_string=query.urlencode(),
        )
        return ctx


class ResponseDetailView(PermissionRequiredMixin, TemplateView):
    """One anonymous sheet: the questions as the respondent saw them (its version, the skip rule)
    with the answers, the date submitted — no token code, nothing about the respondent."""

    permission = rules.VIEW
    template_name = "surveys/results/response_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        response = get_object_or_404(
            Response.objects.visible_to(self.request.user, rules.VIEW).select_related(
                "version", "target__unit", "target__survey"
            ),
            pk=self.kwargs["pk"],
        )
        ctx.update(
            response=response,
            target=response.target,
            survey=response.target.survey,
            sections=sheet_of(response),
        )
        return ctx


def sheet_of(response) -> list[dict]:
    """The response's version, section by section, each question with its answer as shown."""
    answers: dict[str, list[Answer]] = {}
    for a in response.answers.all():
        answers.setdefault(a.question, []).append(a)
    given: dict = {}
    out, number = [], 0
    for section in response.version.definition["sections"]:
        shown = []
        for q in section["questions"]:
            number += 1
            rows = answers.get(q["key"], [])
            seen = definition.visible(q, given)
            if rows and q["type"] in ("single", "multiple"):
                given[q["key"]] = [a.choice for a in rows] if q["type"] == "multiple" else rows[0].choice
            shown.append({"no": number, "q": q, "shown": seen, "answer": _answer_text(q, rows)})
        out.append({"title": section["title"], "questions": shown})
    return out


def _answer_text(q: dict, rows: list[Answer]) -> list[str]:
    if not rows:
        return []
    if q["type"] in ("single", "multiple"):
        return [_option(q, a.choice) for a in rows]
    if q["type"] == "matrix":
        labels = {r["key"]: r["label"] for r in q["rows"]}
        return [f"{labels.get(a.row, a.row)}：{a.value}分" for a in rows]
    if q["type"] in ("rating5", "rating10"):
        return [f"{rows[0].value}分"]
    return [a.text for a in rows]


# --- a low item → a problem ------------------------------------------------------------------------


class ItemConvertView(SubmitOnceMixin, ServiceFormView):
    """转为整改问题: one item of one unit, under the round's threshold, not converted yet."""

    permission = rules.CONVERT
    permission_first = True
    form_class = ItemConvertForm
    template_name = "surveys/results/item_convert.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scoping.has_any(request.user, self.permission):
            self.target = scoped_target(request.user, kwargs["pk"])
            self.question, self.row = results.parse_item(kwargs["item"])
            conversion.check_convert(request.user, self.target)
            self.item = results.item_of(self.target, self.question, self.row)
            if self.item is None:
                raise Http404("测评中没有该题目")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        try:
            conversion.convertible(self.item, self.target)
        except ValidationError as exc:
            self.refusal = exc.messages[0]
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"requirement": conversion.default_requirement(self.item)}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            target=self.target,
            survey=self.target.survey,
            item=self.item,
            description=conversion.description_of(self.target, self.item),
            refusal=getattr(self, "refusal", ""),
            back_url=reverse("surveys:target_results", args=[self.target.pk]),
        )
        return ctx

    def perform(self, form):
        return conversion.item_convert(
            actor=self.request.user,
            target=self.target,
            question=self.question,
            row=self.row,
            **form.cleaned_data,
        )

    def get_success_url_for(self, target):
        return f"{reverse('surveys:target_results', args=[self.target.pk])}#item-{self.item.slug}"

    success_message = "已转为整改问题，整改单位将收到提醒"
