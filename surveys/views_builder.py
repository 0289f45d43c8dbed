"""Staff pages of the questionnaire builder and of distribution (R-SVY-1, R-SVY-2): the lists of
questionnaires and rounds, the editor (sections and questions, preview, publish, versions, 停用/恢复),
a round's page (开始/结束收集, its targets with their public links, QR codes, A4 posters) and the
答题码 of a token round (issue, the printable list, Excel, void).

Views are thin: objects come through the scope (outside → 404), surveys.builder /
surveys.distribution decide who may act (no right → 403; wrong state → the reason) and write."""

from __future__ import annotations

import datetime as dt
import io

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from core import clock, scoping
from core.excel import Column, build_workbook, xlsx_response
from core.views import (
    CheckedFormView,
    PermissionRequiredMixin,
    ScopedListView,
    ScopedObjectMixin,
    ServiceFormView,
    SubmitOnceMixin,
)
from surveys import builder, catalog, definition, distribution, rules
from surveys.forms_builder import (
    MoveForm,
    QuestionForm,
    QuestionnaireCreateForm,
    QuestionnaireFilterSet,
    QuestionnaireForm,
    RevisionForm,
    SectionForm,
    SurveyFilterSet,
    SurveyForm,
    TokenIssueForm,
)
from surveys.models import Question, Questionnaire, QuestionnaireVersion, Section, Survey, SurveyTarget, Token

# ---------------------------------------------------------------- questionnaires


class QuestionnaireListView(ScopedListView):
    model = Questionnaire
    permission = rules.VIEW_QUESTIONNAIRE
    filterset_class = QuestionnaireFilterSet
    template_name = "surveys/builder/questionnaire_list.html"

    def base_queryset(self):
        return (
            super()
            .base_queryset()
            .select_related("org_unit")
            .annotate(n_questions=Count("questions", distinct=True), last_version=Max("versions__number"))
            .order_by("-created_at", "-id")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = scoping.has_any(self.request.user, rules.ADD_QUESTIONNAIRE)
        return ctx


class QuestionnaireCreateView(SubmitOnceMixin, ServiceFormView):
    permission = rules.ADD_QUESTIONNAIRE
    form_class = QuestionnaireCreateForm
    template_name = "surveys/builder/questionnaire_create.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"template": self.request.GET.get("template", "")}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["templates"] = [(k, catalog.TEMPLATES[k]) for k, _ in catalog.template_choices()]
        return ctx

    def perform(self, form):
        data, user = form.cleaned_data, self.request.user
        if data["template"]:
            qn = catalog.questionnaire_from_template(
                actor=user, org_unit=data["org_unit"], kind=data["template"], title=data["title"]
            )
        else:
            qn = builder.questionnaire_create(
                actor=user, org_unit=data["org_unit"], title=data["title"], kind=data["kind"] or "other"
            )
        messages.success(self.request, "问卷已新建，请检查题目后发布")
        return qn


def _editor_context(qn: Questionnaire, user) -> dict:
    sections = list(qn.sections.order_by("position", "id"))
    questions = builder.ordered_questions(qn)
    for s in sections:
        s.items = [q for q in questions if q.section_id == s.pk]
    by_key = {q.key: q for q in questions}
    for no, q in enumerate(questions, 1):
        q.no = no
        ref = by_key.get(q.show_if_key)
        labels = {o["key"]: o["label"] for o in ref.options} if ref else {}
        q.rule_labels = [labels.get(v, v) for v in q.show_if_values]
    return {
        "qn": qn,
        "object": qn,
        "sections": sections,
        "question_count": len(questions),
        "actions": builder.actions_for(user, qn),
        "problems": builder.publish_problems(qn) if qn.status != "archived" else [],
        "versions": list(qn.versions.select_related("published_by").order_by("-number")),
        "surveys": list(qn.surveys.visible_to(user, rules.VIEW).select_related("version")[:20]),
        "section_form": SectionForm(initial={"revision": qn.revision}),
    }


class QuestionnaireDetailView(PermissionRequiredMixin, ScopedObjectMixin, TemplateView):
    """The editor: sections and questions in order with their buttons, publish, versions."""

    model = Questionnaire
    permission = rules.VIEW_QUESTIONNAIRE
    template_name = "surveys/builder/questionnaire_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qn = self.get_scoped_object(Questionnaire.objects.select_related("org_unit", "created_by"))
        ctx.update(_editor_context(qn, self.request.user))
        return ctx


class QuestionnairePreviewView(PermissionRequiredMixin, ScopedObjectMixin, TemplateView):
    """How respondents will see the draft (read-only)."""

    model = Questionnaire
    permission = rules.VIEW_QUESTIONNAIRE
    template_name = "surveys/builder/preview.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qn = self.get_scoped_object()
        ctx.update(qn=qn, defn=_numbered(definition.freeze(qn)), heading="预览（草稿）")
        return ctx


def _numbered(defn: dict) -> dict:
    no, seen = 0, {}
    sections = []
    for section in defn["sections"]:
        qs = []
        for q in section["questions"]:
            no += 1
            seen[q["key"]] = {o["key"]: o["label"] for o in q["options"]}
            rule = q.get("show_if")
            labels = [seen.get(rule["key"], {}).get(v, v) for v in rule["values"]] if rule else []
            scale = range(1, 11 if q["type"] == "rating10" else 6)
            qs.append({**q, "no": no, "scale": scale, "rule_labels": labels})
        sections.append({**section, "questions": qs})
    return {**defn, "sections": sections}


class VersionDetailView(PermissionRequiredMixin, TemplateView):
    """One published version's frozen content."""

    permission = rules.VIEW_QUESTIONNAIRE
    template_name = "surveys/builder/preview.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = Questionnaire.objects.visible_to(self.request.user, rules.VIEW_QUESTIONNAIRE)
        version = get_object_or_404(
            QuestionnaireVersion.objects.select_related("questionnaire", "published_by").filter(
                questionnaire__in=qs
            ),
            pk=self.kwargs["pk"],
        )
        ctx.update(
            qn=version.questionnaire,
            version=version,
            defn=_numbered(version.definition),
            heading=f"第{version.number}版（{version.published_at:%Y-%m-%d %H:%M} 发布）",
        )
        return ctx


class _EditView(SubmitOnceMixin, CheckedFormView):
    """A form on the draft: builder.check_edit first, then one service; back to the editor."""

    model = Questionnaire
    permission = rules.VIEW_QUESTIONNAIRE
    template_name = "surveys/builder/edit_form.html"

    def get_scoped_object(self, queryset=None):
        qs = Questionnaire.objects.visible_to(self.request.user, self.permission)
        return get_object_or_404(
            self.lookup_model.objects.filter(**{self.lookup_path: qs}), pk=self.kwargs["pk"]
        )

    lookup_model = Questionnaire
    lookup_path = "pk__in"

    @property
    def questionnaire(self) -> Questionnaire:
        return self.object if isinstance(self.object, Questionnaire) else self.object.questionnaire

    def check(self):
        builder.check_edit(self.request.user, self.questionnaire)

    def back_url(self):
        return self.questionnaire.get_absolute_url()

    def get_initial(self):
        return {"revision": self.questionnaire.revision}

    def get_success_url_for(self, target):
        return self.back_url()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "qn": self.questionnaire}


class QuestionnaireEditView(_EditView):
    form_class = QuestionnaireForm
    page_title = "修改问卷信息"
    submit_label = "保存"
    success_message = "问卷信息已保存"

    def get_initial(self):
        qn = self.object
        return {
            "revision": qn.revision,
            "title": qn.title,
            "kind": qn.kind,
            "intro": qn.intro,
            "thanks": qn.thanks,
        }

    def perform(self, form):
        return builder.questionnaire_update(
            actor=self.request.user, questionnaire=self.object, **form.cleaned_data
        )


class SectionAddView(_EditView):
    form_class = SectionForm
    page_title = submit_label = "新增分节"
    success_message = "分节已新增"

    def perform(self, form):
        return builder.section_add(actor=self.request.user, questionnaire=self.object, **form.cleaned_data)


class SectionEditView(_EditView):
    form_class = SectionForm
    lookup_model, lookup_path = Section, "questionnaire__in"
    page_title = "修改分节"
    submit_label = "保存"
    success_message = "分节已保存"

    def get_initial(self):
        s = self.object
        return {"revision": s.questionnaire.revision, "title": s.title, "description": s.description}

    def perform(self, form):
        return builder.section_update(actor=self.request.user, section=self.object, **form.cleaned_data)


class SectionDeleteView(_EditView):
    form_class = RevisionForm
    lookup_model, lookup_path = Section, "questionnaire__in"
    page_title = submit_label = "删除分节"
    explanation = "分节及其中的题目将被删除；已发布的版本和已收集的答卷不受影响。"
    success_message = "分节已删除"

    def perform(self, form):
        return builder.section_delete(actor=self.request.user, section=self.object, **form.cleaned_data)


class SectionMoveView(_EditView):
    form_class = MoveForm
    lookup_model, lookup_path = Section, "questionnaire__in"
    page_title = submit_label = "调整分节顺序"
    success_message = "顺序已调整"

    def get_initial(self):
        return {**super().get_initial(), "direction": self.request.GET.get("direction", "up")}

    def perform(self, form):
        return builder.section_move(actor=self.request.user, section=self.object, **form.cleaned_data)


class _QuestionFormView(_EditView):
    form_class = QuestionForm
    template_name = "surveys/builder/question_form.html"

    def earlier(self):
        questions = builder.ordered_questions(self.questionnaire)
        if isinstance(self.object, Question):
            return questions[: [q.pk for q in questions].index(self.object.pk)]
        return [
            q
            for q in questions
            if (q.section.position, q.section_id) <= (self.object.position, self.object.pk)
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "earlier": self.earlier()}


class QuestionAddView(_QuestionFormView):
    lookup_model, lookup_path = Section, "questionnaire__in"
    page_title = submit_label = "新增题目"
    success_message = "题目已新增"

    def get_initial(self):
        return {
            **super().get_initial(),
            "required": True,
            "scored": True,
            "type": self.request.GET.get("type", "single"),
        }

    def perform(self, form):
        fields = form.service_fields()
        return builder.question_add(actor=self.request.user, section=self.object, **fields)


class QuestionEditView(_QuestionFormView):
    lookup_model, lookup_path = Question, "questionnaire__in"
    page_title = "修改题目"
    submit_label = "保存"
    success_message = "题目已保存"

    def get_form_kwargs(self):
        sections = list(self.questionnaire.sections.order_by("position", "id"))
        return {**super().get_form_kwargs(), "question": self.object, "sections": sections}

    def get_initial(self):
        return QuestionForm.initial_for(self.object)

    def perform(self, form):
        return builder.question_update(actor=self.request.user, question=self.object, **form.service_fields())


class QuestionDeleteView(_EditView):
    form_class = RevisionForm
    lookup_model, lookup_path = Question, "questionnaire__in"
    page_title = submit_label = "删除题目"
    explanation = "题号不会再分配给其他题目；已发布的版本和已收集的答卷不受影响。"
    success_message = "题目已删除"

    def perform(self, form):
        return builder.question_delete(actor=self.request.user, question=self.object, **form.cleaned_data)


class QuestionMoveView(SectionMoveView):
    lookup_model, lookup_path = Question, "questionnaire__in"
    page_title = submit_label = "调整题目顺序"

    def perform(self, form):
        return builder.question_move(actor=self.request.user, question=self.object, **form.cleaned_data)


class _StateView(_EditView):
    form_class = RevisionForm
    action = ""

    def check(self):
        if self.action == "publish":
            builder.check_publish(self.request.user, self.object)
        else:
            builder.check_archive(self.request.user, self.object, self.action)


class QuestionnairePublishView(_StateView):
    action = "publish"
    page_title = submit_label = "发布问卷"
    explanation = "发布后生成新的版本，新建测评使用最新版本；已有测评继续使用原版本。"

    def perform(self, form):
        before = self.object.versions.count()
        version = builder.questionnaire_publish(
            actor=self.request.user, questionnaire=self.object, **form.cleaned_data
        )
        if self.object.versions.count() > before:
            messages.success(self.request, f"已发布第{version.number}版")
        else:
            messages.info(self.request, f"发布后没有修改，仍为第{version.number}版")
        return version


class QuestionnaireArchiveView(_StateView):
    action = "archive"
    page_title = submit_label = "停用问卷"
    explanation = "停用后不能用于新的测评；已有测评不受影响。"
    success_message = "问卷已停用"

    def perform(self, form):
        return builder.questionnaire_archive(
            actor=self.request.user, questionnaire=self.object, **form.cleaned_data
        )


class QuestionnaireRestoreView(_StateView):
    action = "restore"
    page_title = submit_label = "恢复问卷"
    success_message = "问卷已恢复"

    def perform(self, form):
        return builder.questionnaire_restore(
            actor=self.request.user, questionnaire=self.object, **form.cleaned_data
        )


# ---------------------------------------------------------------- rounds


class SurveyListView(ScopedListView):
    model = Survey
    permission = rules.VIEW
    filterset_class = SurveyFilterSet
    template_name = "surveys/distribution/survey_list.html"

    def base_queryset(self):
        # a round is read with view_survey on its organiser; an evaluated unit reads it through a target
        user = self.request.user
        targets = SurveyTarget.objects.visible_to(user, rules.VIEW, listing=True).values("survey_id")
        return (
            Survey.objects.filter(pk__in=targets)
            .select_related("org_unit", "questionnaire", "version")
            .annotate(
                n_targets=Count("targets", distinct=True),
                n_responses=Count("targets__responses", distinct=True),
            )
            .order_by("-opens_on", "-id")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = scoping.has_any(self.request.user, rules.ADD)
        return ctx


class SurveyCreateView(SubmitOnceMixin, ServiceFormView):
    permission = rules.ADD
    form_class = SurveyForm
    template_name = "surveys/distribution/survey_form.html"
    success_message = "测评已新建：请检查被测评单位后开始收集"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        today = clock.today()
        return {
            "questionnaire": self.request.GET.get("questionnaire") or None,
            "opens_on": today,
            "closes_on": today + dt.timedelta(days=30),
        }

    def perform(self, form):
        return distribution.survey_create(actor=self.request.user, **form.cleaned_data)


def _survey(user, pk) -> Survey:
    """A round the user sees (as organiser or through an evaluated unit), else 404."""
    targets = SurveyTarget.objects.visible_to(user, rules.VIEW).filter(survey_id=pk)
    if not targets.exists():
        raise Http404("找不到该测评")
    return Survey.objects.select_related("org_unit", "questionnaire", "version", "created_by").get(pk=pk)


class SurveyDetailView(PermissionRequiredMixin, TemplateView):
    permission = rules.VIEW
    template_name = "surveys/distribution/survey_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        survey = _survey(user, self.kwargs["pk"])
        actions = distribution.actions_for(user, survey)
        targets = list(
            SurveyTarget.objects.visible_to(user, rules.VIEW)
            .filter(survey=survey)
            .select_related("unit")
            .annotate(n_responses=Count("responses", distinct=True))
        )
        counts = distribution.token_counts_by_target(survey) if actions["see_tokens"] else {}
        none = {"issued": 0, "used": 0, "voided": 0, "unused": 0}
        for t in targets:
            t.public_url = distribution.public_url(self.request, t.slug)
            t.counts = counts.get(t.pk, none) if actions["see_tokens"] else None
        ctx.update(
            survey=survey,
            object=survey,
            actions=actions,
            targets=targets,
            revision_form=RevisionForm(initial={"revision": survey.revision}),
        )
        return ctx


class _SurveyAction(SubmitOnceMixin, CheckedFormView):
    model = Survey
    permission = rules.VIEW
    form_class = RevisionForm
    template_name = "surveys/builder/edit_form.html"
    action = ""

    def get_scoped_object(self, queryset=None):
        return _survey(self.request.user, self.kwargs["pk"])

    def check(self):
        (distribution.check_open if self.action == "open" else distribution.check_close)(
            self.request.user, self.object
        )

    def get_initial(self):
        return {"revision": self.object.revision}


class SurveyOpenView(_SurveyAction):
    action = "open"
    page_title = submit_label = "开始收集"
    explanation = "开始后公开链接和二维码（或答题码）即可答题，截止日期后系统自动结束。"
    success_message = "测评已开始收集"

    def perform(self, form):
        return distribution.survey_open(actor=self.request.user, survey=self.object, **form.cleaned_data)


class SurveyCloseView(_SurveyAction):
    action = "close"
    page_title = submit_label = "结束收集"
    explanation = "结束后不再接受答卷，结果可以查看和导出。"
    success_message = "测评已结束收集"

    def perform(self, form):
        return distribution.survey_close(actor=self.request.user, survey=self.object, **form.cleaned_data)


# ---------------------------------------------------------------- a target: QR, poster, tokens


def _target(user, pk) -> SurveyTarget:
    return get_object_or_404(
        SurveyTarget.objects.visible_to(user, rules.VIEW).select_related("survey__org_unit", "unit"), pk=pk
    )


def _qr(url: str):
    return segno.make(url, error="m")


class TargetQrView(PermissionRequiredMixin, TemplateView):
    """The public link's QR code as PNG or SVG (a download)."""

    permission = rules.VIEW

    def get(self, request, pk, fmt):
        target = _target(request.user, pk)
        qr = _qr(distribution.public_url(request, target.slug))
        buf = io.BytesIO()
        if fmt == "png":
            qr.save(buf, kind="png", scale=12, border=4)
            response = HttpResponse(buf.getvalue(), content_type="image/png")
        else:
            qr.save(buf, kind="svg", scale=10, border=4, xmldecl=False)
            response = HttpResponse(buf.getvalue(), content_type="image/svg+xml")
        response["Content-Disposition"] = f'attachment; filename="survey-qr-{target.pk}.{fmt}"'
        return response


class TargetPosterView(PermissionRequiredMixin, TemplateView):
    """A print-ready A4 poster: the unit, the round, the QR, the short link, anonymity."""

    permission = rules.VIEW
    template_name = "surveys/distribution/poster.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        target = _target(self.request.user, self.kwargs["pk"])
        url = distribution.public_url(self.request, target.slug)
        ctx.update(target=target, survey=target.survey, url=url, qr=_qr(url).svg_data_uri(scale=10, border=2))
        return ctx


def _token_target(request, pk) -> SurveyTarget:
    target = _target(request.user, pk)
    if not distribution.can_manage_tokens(request.user, target.survey):
        raise PermissionDenied("只有组织单位的督查员可以查看答题码")
    return target


class TokenIssueView(SubmitOnceMixin, ServiceFormView):
    permission = rules.ISSUE_TOKEN
    form_class = TokenIssueForm
    template_name = "surveys/distribution/tokens.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scoping.has_any(request.user, self.permission):
            self.target = _token_target(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        target = self.target
        tokens = list(target.tokens.order_by("id"))
        ctx.update(
            target=target,
            survey=target.survey,
            tokens=tokens,
            counts=distribution.token_counts(target),
            can_issue=distribution.actions_for(self.request.user, target.survey)["tokens"],
        )
        return ctx

    def perform(self, form):
        tokens = distribution.tokens_issue(actor=self.request.user, target=self.target, **form.cleaned_data)
        messages.success(self.request, f"已发放{len(tokens)}个答题码")
        return self.target

    def get_success_url_for(self, target):
        return reverse("surveys:token_issue", args=[target.pk])


class TokenPrintView(PermissionRequiredMixin, TemplateView):
    """The printable A4 list of a target's unused codes, each with a small QR and cut lines."""

    permission = rules.ISSUE_TOKEN
    template_name = "surveys/distribution/token_print.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        target = _token_target(self.request, self.kwargs["pk"])
        tokens = list(target.tokens.filter(used_at__isnull=True, voided_at__isnull=True).order_by("id"))
        for t in tokens:
            t.url = distribution.public_url(self.request, target.slug, t.code)
            t.qr = _qr(t.url).svg_data_uri(scale=3, border=1)
        distribution.record_download(
            actor=self.request.user, survey=target.survey, what="打印清单", target=target
        )
        ctx.update(target=target, survey=target.survey, tokens=tokens)
        return ctx


class TokenExportView(PermissionRequiredMixin, TemplateView):
    permission = rules.ISSUE_TOKEN

    def get(self, request, pk):
        target = _token_target(request, pk)
        rows = [
            (
                i,
                t.code,
                distribution.public_url(request, target.slug, t.code),
                "已使用" if t.used_at else "已作废" if t.voided_at else "未使用",
            )
            for i, t in enumerate(target.tokens.order_by("id"), 1)
        ]
        data = build_workbook(
            title="答题码",
            columns=[Column("序号", 6), Column("答题码", 14), Column("链接", 60), Column("状态", 10)],
            rows=rows,
            note=f"{target.survey.title} · {target.unit.display_name}：每个答题码只能提交一次",
        )
        distribution.record_download(actor=request.user, survey=target.survey, what="Excel", target=target)
        return xlsx_response(data, f"答题码-{target.unit.display_name}.xlsx")


class TokenVoidView(SubmitOnceMixin, ServiceFormView):
    permission = rules.ISSUE_TOKEN
    form_class = RevisionForm
    template_name = "surveys/builder/edit_form.html"
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scoping.has_any(request.user, self.permission):
            token = get_object_or_404(Token, pk=kwargs["pk"])
            self.target = _token_target(request, token.target_id)
            self.token = token
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            distribution.token_void(actor=request.user, token=self.token)
            messages.success(request, f"答题码{self.token.code}已作废")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return redirect("surveys:token_issue", self.target.pk)
