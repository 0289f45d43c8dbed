"""Pages of 问题整改 (R-RCT-1..5, R-WRN-2): the ledger with exports, create and import, the
problem detail with the actions its viewer may take, 回头看, the statistics, and 转为问题 (a
finding of an inspection record becomes a problem).

Views are thin: they load the problem through the scope (outside → 404), ask rectification.rules
whether an action is possible before showing its form (no permission → 403; wrong state → back
to the problem with the reason), bind a form and call one service. Service errors land next to
the fields with what the user typed kept.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from core import clock, scoping
from core import views as core_views
from core.excel import xlsx_response
from core.views import (
    ExcelImportView,
    LightLedgerView,
    PermissionRequiredMixin,
    ServiceFormView,
    _attach_errors,
    _message,
)
from org.models import Unit
from org.selectors import picker_units
from rectification import exports, forms, imports, rules, selectors, services
from rectification.choices import EscalationLevel
from rectification.filters import ProblemFilterSet
from rectification.models import Problem
from supervision.models import Finding
from supervision.selectors import records_visible
from tasks.selectors import light_counts

VIEW_PERM = "rectification.view_problem"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _query_without(request, *keys) -> str:
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


# --- ledger (问题台账) ----------------------------------------------------------------------------


class ProblemListView(LightLedgerView):
    """The ledger: filters in the URL, light counts on top (one grouped query that also gives the
    total), rows with light and reason; HTMX requests get only the results partial."""

    model = Problem
    permission = VIEW_PERM
    filterset_class = ProblemFilterSet
    template_name = "rectification/problem_list.html"
    partial_template_name = "rectification/_problem_rows.html"
    count_lights = staticmethod(light_counts)
    paginate_by = 50

    def get_queryset(self):
        self.today = clock.today()
        qs = selectors.problem_ledger(self.request.user, self.today)
        self.filterset = ProblemFilterSet(
            self.request.GET, queryset=qs, request=self.request, today=self.today
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        form = self.filterset.form
        cleaned = form.cleaned_data if form.is_valid() else {}
        ctx["rows"] = selectors.with_light_reasons(ctx["page_obj"].object_list, self.today)
        ctx["today"] = self.today
        ctx["query_without_light"] = _query_without(self.request, "page", "light")
        ctx["query_without_per_page"] = _query_without(self.request, "page", "per_page")
        ctx["query_without_org_unit"] = _query_without(self.request, "page", "org_unit")
        selected_unit = cleaned.get("unit")
        ctx["unit_choices"] = picker_units(user, VIEW_PERM, selected_unit)
        ctx["selected_unit_id"] = selected_unit.pk if selected_unit else None
        ctx["selected_org_unit"] = cleaned.get("org_unit")
        ctx["campaign_choices"] = list(selectors.campaign_options(user))
        selected_campaign = cleaned.get("campaign")
        ctx["selected_campaign_id"] = selected_campaign.pk if selected_campaign else None
        ctx["can_export"] = scoping.has_any(user, "rectification.export_problem")
        ctx["can_import"] = scoping.has_any(user, "rectification.import_problem")
        ctx["can_add"] = scoping.has_any(user, "rectification.add_problem")
        ctx["can_recheck"] = scoping.has_any(user, "rectification.recheck_problem")
        ctx["docx_subject"] = _docx_subject(cleaned)
        ctx["page_sizes"] = (20, 50, 100)
        ctx["active_filters"] = _active_filters(form, cleaned)
        return ctx


def _active_filters(form, cleaned) -> list[tuple[str, str]]:
    out = []
    for name, value in cleaned.items():
        if value in (None, "", False) or name in ("per_page", "sort"):
            continue
        field = form.fields[name]
        shown = value
        if name not in ("unit", "org_unit", "category", "campaign") and hasattr(field, "choices"):
            shown = dict(field.choices).get(value, value)
        if value is True:
            shown = "是"
        out.append((str(field.label).replace("（含下级）", ""), str(shown)))
    return out


def _docx_subject(cleaned) -> str:
    """问题清单 is for one unit or one campaign: the subject named in its title, or "" when the
    filters name neither."""
    campaign = cleaned.get("campaign")
    if campaign is not None:
        return f"{campaign.theme}专项督查" if "督查" not in campaign.theme else campaign.theme
    unit = cleaned.get("org_unit") or cleaned.get("unit")
    return unit.name if unit is not None else ""


class _ExportMixin(PermissionRequiredMixin):
    permission = "rectification.export_problem"

    def filtered(self, request):
        today = clock.today()
        qs = selectors.problem_ledger(request.user, today, perm="rectification.export_problem")
        filterset = ProblemFilterSet(request.GET, queryset=qs, request=request, today=today)
        return filterset, today, _query_without(request, "page")


class ProblemExportView(_ExportMixin, View):
    """Exactly the ledger's rows (same filters and sort, every page) as .xlsx; audited."""

    def get(self, request):
        filterset, today, query = self.filtered(request)
        data, filename = exports.problem_export(
            actor=request.user, queryset=filterset.qs, today=today, query=query
        )
        return xlsx_response(data, filename)


class ProblemDocxView(_ExportMixin, View):
    """问题清单 (.docx) of one unit or one campaign: the ledger's rows under its filters."""

    def get(self, request):
        filterset, today, query = self.filtered(request)
        qs = filterset.qs
        cleaned = filterset.form.cleaned_data if filterset.form.is_valid() else {}
        subject = _docx_subject(cleaned)
        if not subject:
            messages.error(request, "请先在筛选条件中选择一个整改单位或一个专项督查，再导出问题清单")
            return redirect(reverse("rectification:problem_list") + (f"?{query}" if query else ""))
        data, filename = exports.problem_list_export(
            actor=request.user, queryset=qs, subject=subject, today=today, query=query
        )
        response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return response


# --- create and import ---------------------------------------------------------------------------


class ProblemCreateView(core_views.SubmitOnceMixin, PermissionRequiredMixin, FormView):
    permission = "rectification.add_problem"
    template_name = "rectification/problem_form.html"
    form_class = forms.ProblemForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        user = self.request.user
        kwargs["found_units"] = scoping.acting_units(user, "rectification.add_problem")
        kwargs["target_units"] = (
            Unit.objects.filter(scoping.units_q(user, "rectification.add_problem"), is_active=True)
            .order_by("path")
            .only("id", "name", "depth", "path")
        )
        return kwargs

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            problem = services.problem_create(actor=self.request.user, **data)
        except (ValidationError, PermissionDenied) as exc:
            _form_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"问题{problem.code}已登记，整改单位将收到提醒")
        return redirect(problem.get_absolute_url())


class FindingConvertView(core_views.SubmitOnceMixin, ServiceFormView):
    """转为问题: a finding of an inspection record becomes a problem in one step (once), then its
    page. The form sits under each finding on the record page (rectification.panels); on an
    error this page shows it."""

    permission = "rectification.add_problem"
    form_class = forms.FindingConvertForm
    template_name = "rectification/finding_convert.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scoping.has_any(request.user, self.permission):
            self.finding = get_object_or_404(
                Finding.objects.select_related(
                    "record__campaign__org_unit", "record__org_unit", "item"
                ).filter(record__in=records_visible(request.user).values("pk")),
                pk=kwargs["pk"],
            )
            if not scoping.unit_in_scope(
                request.user, self.permission, self.finding.record.campaign.org_unit
            ):
                raise PermissionDenied("只有督查组织单位可以将发现转为问题")
            problem = getattr(self.finding, "problem", None)
            if problem is not None:
                messages.info(request, f"该发现已转为问题{problem.code}")
                return redirect(problem.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["finding"] = self.finding
        ctx["record"] = self.finding.record
        return ctx

    def perform(self, form):
        problem = services.problem_from_finding(
            actor=self.request.user, finding=self.finding, **form.cleaned_data
        )
        messages.success(self.request, f"已转为问题{problem.code}，整改单位：{problem.org_unit.display_name}")
        return problem


def _form_error(form, exc):
    if isinstance(exc, ValidationError):
        _attach_errors(form, exc)
    else:
        form.add_error(None, str(exc) or "您没有权限执行此操作")


class ProblemImportView(ExcelImportView):
    permission = "rectification.import_problem"
    form_class = forms.ProblemImportForm
    template_name = "rectification/problem_import.html"
    imports = imports
    import_function = "problem_import"
    noun, row_noun, list_label, category_header = "问题", "一个问题", "问题整改台账", "问题类别"
    list_url_name, template_url_name = "rectification:problem_list", "rectification:problem_import_template"
    success_text = "已导入{n}个问题"
    success_query = "?sort=-code"

    def categories(self):
        return selectors.active_categories()


class ProblemImportTemplateView(PermissionRequiredMixin, View):
    permission = "rectification.import_problem"

    def get(self, request):
        return xlsx_response(imports.template_workbook(), "问题导入模板.xlsx")


# --- detail and its actions ----------------------------------------------------------------------


class ProblemDetailView(PermissionRequiredMixin, TemplateView):
    """问题详情: header with light and reason, source, measures, evidence, timeline, 回头看,
    the escalation ladder, documents — and the actions decided by rectification.rules."""

    permission = VIEW_PERM
    template_name = "rectification/problem_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = clock.today()
        ctx["d"] = selectors.problem_detail(self.request.user, self.kwargs["pk"], today)
        ctx["object"] = ctx["d"].problem
        ctx["today"] = today
        return ctx


class ProblemActionView(core_views.CheckedFormView):
    """A form on one problem: rules first (403 for the wrong person, back with the reason for
    the wrong state), then one service."""

    model = Problem
    permission = VIEW_PERM
    template_name = "rectification/action_form.html"
    anchor = ""

    def get_scoped_object(self, queryset=None):
        return selectors.problem_for_action(self.request.user, self.kwargs["pk"])

    def back_url(self):
        return self.object.get_absolute_url() + (f"#{self.anchor}" if self.anchor else "")

    def get_initial(self):
        return {"version": self.object.version}

    def get_success_url_for(self, target):
        return self.back_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(problem=self.object, light=selectors.light_of(self.object, clock.today()))
        return ctx


class ProblemStartView(ProblemActionView):
    form_class = forms.StartForm
    page_title = "制定整改措施"
    submit_label = "保存整改措施"
    explanation = "写明整改措施和责任人后，问题进入“整改中”；整改中可随时修改措施。"
    success_message = "整改措施已保存"
    anchor = "measures"

    def check(self):
        rules.check_start(self.request.user, self.object)

    def get_initial(self):
        return {
            **super().get_initial(),
            "measures": self.object.measures,
            "responsible_person": self.object.responsible_person,
        }

    def perform(self, form):
        return services.problem_start(actor=self.request.user, problem=self.object, **form.cleaned_data)


class ProblemEvidenceView(ProblemActionView):
    form_class = forms.EvidenceForm
    page_title = "上传整改佐证"
    submit_label = "上传"
    explanation = "佐证材料（照片、文件、会议纪要等）是提交验收和销号的必要条件。"
    success_message = "佐证已上传"
    anchor = "evidence"

    def check(self):
        rules.check_add_evidence(self.request.user, self.object)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["multipart"] = True
        return ctx

    def perform(self, form):
        services.problem_add_evidence_many(
            actor=self.request.user, problem=self.object, uploads=form.cleaned_data["files"]
        )
        return self.object


class ProblemSubmitView(ProblemActionView):
    form_class = forms.SubmitForm
    page_title = "整改完成，提交验收"
    submit_label = "提交验收"
    explanation = "提交后由发现单位一方验收：佐证充分的予以销号，不充分的退回继续整改。"
    success_message = "已提交验收"

    def check(self):
        rules.check_submit(self.request.user, self.object, self.object.evidence.exists())

    def perform(self, form):
        return services.problem_submit(actor=self.request.user, problem=self.object, **form.cleaned_data)


class ProblemVerifyView(ProblemActionView):
    form_class = forms.VerifyForm
    template_name = "rectification/problem_verify.html"
    page_title = "验收销号"
    explanation = (
        "由发现单位一方验收（整改单位的人员不能验收本单位的整改）：佐证充分的销号；不充分的退回，须写明理由。"
    )

    def check(self):
        rules.check_verify(self.request.user, self.object)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["evidence"] = list(self.object.evidence.select_related("uploaded_by"))
        ctx["last_submission"] = self.object.events.filter(kind="rectified").order_by("-at", "-id").first()
        return ctx

    def perform(self, form):
        approve = self.request.POST.get("decision") == "approve"
        services.problem_verify(
            actor=self.request.user,
            problem=self.object,
            approve=approve,
            note=form.cleaned_data["note"],
            version=form.cleaned_data["version"],
        )
        messages.success(self.request, "已验收销号" if approve else "已退回继续整改")
        return self.object


class ProblemRecheckView(ProblemActionView):
    form_class = forms.RecheckForm
    page_title = "回头看"
    submit_label = "保存复查结果"
    explanation = "对已销号问题复查整改成果；未通过的问题重新整改，并计入“回头看反弹”。"
    success_message = "回头看结果已记录"
    anchor = "rechecks"

    def check(self):
        rules.check_recheck(self.request.user, self.object)

    def perform(self, form):
        services.recheck_record(actor=self.request.user, problem=self.object, **form.cleaned_data)
        return self.object


class ProblemEscalateView(ProblemActionView):
    form_class = forms.EscalateForm
    page_title = "督办升级"
    submit_label = "确认督办升级"
    success_message = "已督办升级"
    anchor = "ladder"

    @property
    def explanation(self):
        nxt = EscalationLevel(min(self.object.escalation + 1, EscalationLevel.ACCOUNTABILITY)).label
        return f"逾期问题按 提醒 → 催办 → 督办单 → 列入通报 → 建议问责 逐级督办；本次升级为“{nxt}”。系统每天也会按逾期天数自动升级。"

    def check(self):
        rules.check_escalate(self.request.user, self.object, clock.today())

    def perform(self, form):
        services.problem_escalate(
            actor=self.request.user,
            problem=self.object,
            level=self.object.escalation + 1,
            note=form.cleaned_data["note"],
        )
        return self.object


# --- 回头看 (batch) --------------------------------------------------------------------------------


class RecheckView(PermissionRequiredMixin, TemplateView):
    """回头看: draw closed problems at random (count + seed, the seed shown so anyone can re-run
    the draw) or choose them; then record 通过/未通过 for each in one go."""

    permission = "rectification.recheck_problem"
    template_name = "rectification/recheck.html"
    choose_limit = 100

    def candidates(self, unit=None):
        qs = selectors.recheck_candidates(self.request.user)
        if unit is not None:
            qs = qs.filter(scoping.subtree_q(unit, "org_unit"))
        return qs

    def unit_options(self):
        return Unit.objects.filter(scoping.units_q(self.request.user, VIEW_PERM), is_active=True).order_by(
            "path"
        )

    def get(self, request, *args, **kwargs):
        mode = request.GET.get("mode", "draw")
        draw_form = forms.RecheckDrawForm(
            request.GET if mode == "draw" and "count" in request.GET else None,
            units=self.unit_options(),
            initial={"count": 5},
        )
        picked, seed, sampled = [], "", False
        if draw_form.is_bound and draw_form.is_valid():
            seed = draw_form.cleaned_data["seed"].strip()
            if not seed:  # a fresh seed goes into the URL, so the page itself can be re-run
                query = request.GET.copy()
                query["seed"] = services.recheck_draw(candidates=Problem.objects.none(), count=0)[0]
                return redirect(f"{request.path}?{query.urlencode()}")
            _, picked = services.recheck_draw(
                candidates=self.candidates(draw_form.cleaned_data["unit"]),
                count=draw_form.cleaned_data["count"],
                seed=seed,
            )
            sampled = True
        elif mode == "choose":
            keyword = request.GET.get("q", "").strip()
            qs = self.candidates()
            if keyword:
                qs = qs.filter(Q(description__icontains=keyword) | Q(code__icontains=keyword))
            picked = list(qs.order_by("-closed_at", "-id")[: self.choose_limit])
        rows = [{"problem": p, "result": "", "note": ""} for p in self._load(picked)]
        return self.render_to_response(
            self.get_context_data(
                draw_form=draw_form, rows=rows, seed=seed, sampled=sampled, mode=mode, batch=seed
            )
        )

    def _load(self, problems):
        ids = [p.pk for p in problems]
        by_id = {
            p.pk: p
            for p in Problem.objects.filter(pk__in=ids).select_related("org_unit", "category", "verified_by")
        }
        return [by_id[i] for i in ids if i in by_id]

    def post(self, request, *args, **kwargs):
        ids = [int(i) for i in request.POST.getlist("problem") if i.isdigit()]
        problems = {
            p.pk: p for p in self.candidates().filter(pk__in=ids).select_related("org_unit", "category")
        }
        rows, results = [], []
        for pk in ids:
            problem = problems.get(pk)
            if problem is None:
                continue  # not (or no longer) a closed problem this user may re-check
            result = request.POST.get(f"result_{pk}", "")
            note = request.POST.get(f"note_{pk}", "").strip()
            rows.append({"problem": problem, "result": result, "note": note})
            if result in ("pass", "fail"):
                results.append((problem, result == "pass", note))
        sampled = request.POST.get("sampled") == "1"
        batch = request.POST.get("batch", "")[:40]
        try:
            done = services.recheck_record_many(
                actor=request.user, results=results, sampled=sampled, batch=batch
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _message(exc))
            return self.render_to_response(
                self.get_context_data(
                    draw_form=forms.RecheckDrawForm(units=self.unit_options(), initial={"count": 5}),
                    rows=rows,
                    seed=batch if sampled else "",
                    sampled=sampled,
                    mode="draw" if sampled else "choose",
                    batch=batch,
                )
            )
        failed = sum(1 for c in done if not c.passed)
        messages.success(
            request,
            f"已记录{len(done)}个问题的回头看结果"
            + (f"，其中{failed}个未通过，已重新整改" if failed else ""),
        )
        return redirect("rectification:recheck")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["pool_size"] = self.candidates().count()
        ctx["history"] = list(selectors.recheck_history(self.request.user))
        return ctx


# --- statistics (整改统计) ------------------------------------------------------------------------

STAT_COLUMNS = (
    ("total", "应整改", {}),
    ("done", "已整改", {"status": "closed"}),
    ("in_progress", "正在整改", {"status": "in_work"}),
    ("not_started", "未启动", {"status": "pending"}),
    ("overdue", "逾期", {"overdue": "1"}),
)


class StatisticsView(PermissionRequiredMixin, TemplateView):
    """By unit / source / category: 应整改 = 已整改 + 正在整改 + 未启动, 逾期, 整改率 (one decimal,
    half up), 反弹; a 合计 row; every number opens the ledger showing exactly those problems."""

    permission = VIEW_PERM
    template_name = "rectification/statistics.html"
    scope_perm = VIEW_PERM

    def compute(self):
        request = self.request
        by = request.GET.get("by")
        self.by = by if by in selectors.GROUPS else "unit"
        self.today = clock.today()
        self.form = forms.StatisticsFilterForm(
            request.GET or None, campaigns=selectors.campaign_options(request.user)
        )
        qs = Problem.objects.visible_to(request.user, self.scope_perm)
        self.base = {}
        if self.form.is_bound and self.form.is_valid():
            data = self.form.cleaned_data
            if data["found_from"]:
                qs = qs.filter(found_on__gte=data["found_from"])
                self.base["found_from"] = data["found_from"].isoformat()
            if data["found_to"]:
                qs = qs.filter(found_on__lte=data["found_to"])
                self.base["found_to"] = data["found_to"].isoformat()
            if data["source"]:
                qs = qs.filter(source=data["source"])
                self.base["source"] = data["source"]
            if data["campaign"]:
                qs = qs.filter(campaign=data["campaign"])
                self.base["campaign"] = str(data["campaign"].pk)
        elif self.form.is_bound:
            qs = qs.none()
        return selectors.statistics(qs, by=self.by, today=self.today)

    def note(self) -> str:
        parts = [f"统计日期 {self.today:%Y-%m-%d}"]
        if self.form.is_bound and self.form.is_valid():
            d = self.form.cleaned_data
            if d["found_from"] or d["found_to"]:
                parts.append(f"发现日期 {d['found_from'] or '…'} 至 {d['found_to'] or '…'}")
            if d["source"]:
                parts.append(f"来源 {dict(self.form.fields['source'].choices)[d['source']]}")
            if d["campaign"]:
                parts.append(f"专项督查 {d['campaign']}")
        parts.append(
            "应整改 = 已整改 + 正在整改 + 未启动；整改率 = 已整改 ÷ 应整改（保留一位小数，四舍五入）"
        )
        return "；".join(parts)

    def drill(self, group_key) -> dict:
        ledger = reverse("rectification:problem_list")
        params = dict(self.base)
        if group_key is not None:
            params[{"unit": "org_unit", "source": "source", "category": "category"}[self.by]] = str(group_key)
        links = {}
        for field, _, extra in STAT_COLUMNS:
            links[field] = f"{ledger}?{_encode({**params, **extra})}"
        links["regressions"] = f"{ledger}?{_encode({**params, 'regressions': '1'})}"
        return links

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows, total = self.compute()
        for row in rows:
            row.links = self.drill(row.key)
        total.links = self.drill(None)
        ctx.update(
            rows=rows,
            total=total,
            by=self.by,
            by_choices=[("unit", "按单位"), ("source", "按来源"), ("category", "按类别")],
            form=self.form,
            today=self.today,
            columns=STAT_COLUMNS,
            query_without_by=_query_without(self.request, "by"),
            query_string=self.request.GET.urlencode(),
            can_export=scoping.has_any(self.request.user, "rectification.export_problem"),
            group_label={"unit": "整改单位", "source": "问题来源", "category": "问题类别"}[self.by],
        )
        return ctx


def _encode(params: dict) -> str:
    q = QueryDict(mutable=True)
    for k, v in params.items():
        q[k] = v
    return q.urlencode()


class StatisticsExportView(StatisticsView):
    permission = "rectification.export_problem"
    scope_perm = "rectification.export_problem"

    def get(self, request, *args, **kwargs):
        rows, total = self.compute()
        data, filename = exports.statistics_export(
            actor=request.user, rows=rows, total=total, by=self.by, note=self.note()
        )
        return xlsx_response(data, filename)
