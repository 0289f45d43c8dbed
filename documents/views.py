"""Pages of official documents (R-DOC-1..3, R-SUP-4): draft from the ledger, preview, edit, 签发,
download. Views are thin: selectors read, builders compute the text, services write."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from core import clock, scoping
from core.excel import xlsx_response
from core.views import (
    PermissionRequiredMixin,
    ScopedListView,
    ServiceFormView,
    SubmitOnceMixin,
    _attach_errors,
    list_query,
)
from documents import builders, exports, forms, selectors, services, task_bulletin
from documents.models import DocumentKind, IssuedDocument
from documents.views_signoff import (  # noqa: F401  (the URLs name them here)
    DocumentIssueView,
    DocumentReturnView,
    DocumentSubmitView,
    DocumentWithdrawView,
    detail_context,
)
from rectification.lights import days_overdue

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _in_scope(user, perm, unit) -> bool:
    return unit is not None and scoping.unit_in_scope(user, perm, unit)


# --- list and detail ----------------------------------------------------------------------------


class DocumentListView(ScopedListView):
    model = IssuedDocument
    permission = selectors.VIEW
    filterset_class = forms.DocumentFilterSet
    template_name = "documents/document_list.html"
    paginate_by = 50

    def base_queryset(self):
        return selectors.document_ledger(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = scoping.has_any(self.request.user, selectors.ADD)
        return ctx


class DocumentExportView(PermissionRequiredMixin, View):
    """Exactly the list's rows (same filters and order, every page) as .xlsx; audited."""

    permission = selectors.VIEW

    def get(self, request):
        qs = selectors.document_ledger(request.user)
        filtered = forms.DocumentFilterSet(request.GET, queryset=qs, request=request).qs
        data, filename = exports.document_export(
            actor=request.user, queryset=filtered, query=list_query(request)
        )
        return xlsx_response(data, filename)


class DocumentDetailView(SubmitOnceMixin, PermissionRequiredMixin, View):
    permission = selectors.VIEW
    template_name = "documents/document_detail.html"

    def get(self, request, pk):
        doc = selectors.document_detail(request.user, pk)
        return render(request, self.template_name, detail_context(request, doc))


class DocumentEditView(ServiceFormView):
    """Edit the text of a draft (title, 主送, body with 【表N】 placeholders, 附注, 抄送)."""

    model = IssuedDocument
    permission = selectors.CHANGE
    form_class = forms.DocumentEditForm
    template_name = "documents/document_form.html"
    success_message = "公文已保存"

    def get(self, request, *args, **kwargs):
        if self.object.status == IssuedDocument.Status.ISSUED:
            messages.error(request, "已签发的公文不能修改")
            return redirect(self.object.get_absolute_url())
        if self.object.status == IssuedDocument.Status.SUBMITTED:
            messages.error(request, "公文正在送签，请先撤回再修改")
            return redirect(self.object.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        doc = self.object
        return {
            "title": doc.title,
            "addressee": doc.addressee,
            "body_text": services.body_to_text(doc.body),
            "note": doc.note,
            "cc_text": "，".join(doc.cc),
            "version": doc.version,
        }

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["tables"] = [content for kind, content in self.object.body if kind == "table"]
        return ctx

    def perform(self, form):
        d = form.cleaned_data
        return services.document_update(
            actor=self.request.user,
            document=self.object,
            title=d["title"],
            addressee=d["addressee"],
            body_text=d["body_text"],
            note=d["note"],
            cc_text=d["cc_text"],
            version=d["version"],
        )


class DocumentDownloadView(PermissionRequiredMixin, View):
    permission = selectors.VIEW

    def get(self, request, pk):
        doc = selectors.document_detail(request.user, pk)
        try:
            data = services.document_bytes(actor=request.user, document=doc)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(doc.get_absolute_url())
        response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
        name = services.download_name(doc)
        response["Content-Disposition"] = (
            f"attachment; filename=\"document-{doc.pk}.docx\"; filename*=UTF-8''{quote(name)}"
        )
        response["Content-Length"] = str(len(data))
        return response


# --- drafting -----------------------------------------------------------------------------------


class _DraftMixin(PermissionRequiredMixin):
    permission = selectors.ADD

    def issuers(self):
        if not hasattr(self, "_issuers"):
            self._issuers = selectors.issuer_units(self.request.user)
        return self._issuers

    def issuer_from(self, value):
        for unit in self.issuers():
            if str(unit.pk) == str(value):
                return unit
        return self.issuers()[0] if self.issuers() else None

    def draft(self, *, kind, issuer, draft, **kwargs):
        doc = services.document_draft(
            actor=self.request.user, kind=kind, org_unit=issuer, draft=draft, **kwargs
        )
        messages.success(
            self.request,
            f"已根据台账生成{doc.get_kind_display()}草稿（数据截至{timezone.localtime(doc.data_as_of):%Y-%m-%d %H:%M}），"
            "请核对后送领导签发",
        )
        return redirect(doc.get_absolute_url())


class LetterCreateView(SubmitOnceMixin, _DraftMixin, View):
    """交办函 for one unit: pick the issuer, a campaign (optional) and the recipient; the problems
    of that unit not yet in an issued 交办函 are listed with checkboxes."""

    template_name = "documents/letter_create.html"

    def setup_forms(self, data):
        user = self.request.user
        issuer = self.issuer_from(data.get("issuer"))
        campaigns = selectors.campaigns_for(user).order_by("-start_date", "-id")
        campaign = None
        if data.get("campaign"):
            campaign = (
                campaigns.filter(pk=data.get("campaign")).first() if str(data["campaign"]).isdigit() else None
            )
        recipients = selectors.letter_recipients(user, issuer, campaign) if issuer else []
        pick = forms.LetterPickForm(
            {
                "issuer": issuer.pk if issuer else "",
                "campaign": campaign.pk if campaign else "",
                "recipient": data.get("recipient", ""),
            },
            issuers=self.issuers(),
            campaigns=campaigns,
            recipients=recipients,
        )
        recipient = None
        if pick.is_valid():
            recipient = pick.cleaned_data["recipient"]
        return issuer, campaign, recipient, pick, recipients

    def get(self, request):
        return self.show(request, request.GET)

    def show(self, request, data, create_form=None, status=200):
        issuer, campaign, recipient, pick, recipients = self.setup_forms(data)
        if issuer is None:
            raise PermissionDenied("您没有可以发文的单位")
        candidates = None
        if recipient is not None:
            qs = selectors.letter_candidates(request.user, issuer, recipient, campaign)
            candidates = list(qs.select_related("category", "campaign").order_by("deadline", "pk"))
            if create_form is None:
                create_form = forms.LetterCreateForm(
                    initial={
                        "issuer": issuer.pk,
                        "recipient": recipient.pk,
                        "campaign": campaign.pk if campaign else None,
                        "problems": [p.pk for p in candidates],
                    },
                    candidates=qs,
                )
        checked = set()
        if create_form is not None:
            raw = (
                create_form.data.getlist("problems")
                if create_form.is_bound
                else create_form.initial["problems"]
            )
            checked = {str(v) for v in raw}
        return render(
            request,
            self.template_name,
            {
                "pick": pick,
                "issuer": issuer,
                "campaign": campaign,
                "recipient": recipient,
                "recipients": recipients,
                "candidates": candidates,
                "form": create_form,
                "checked": checked,
                "today": clock.today(),
            },
            status=status,
        )

    def post(self, request):
        issuer, campaign, recipient, _pick, _ = self.setup_forms(request.POST)
        if issuer is None or recipient is None:
            messages.error(request, "请选择主送单位")
            return self.show(request, request.POST)
        qs = selectors.letter_candidates(request.user, issuer, recipient, campaign)
        form = forms.LetterCreateForm(request.POST, candidates=qs)
        if form.is_valid():
            problems = form.cleaned_data["problems"]
            draft = builders.assignment_letter(
                issuer=issuer, recipient=recipient, problems=problems, campaign=campaign
            )
            try:
                return self.draft(
                    kind=DocumentKind.ASSIGNMENT_LETTER,
                    issuer=issuer,
                    draft=draft,
                    recipient=recipient,
                    campaign=campaign,
                    problems=list(problems),
                )
            except (ValidationError, PermissionDenied) as exc:
                _attach_errors(form, exc) if isinstance(exc, ValidationError) else form.add_error(
                    None, str(exc)
                )
        return self.show(request, request.POST, create_form=form)


class OrderCreateView(SubmitOnceMixin, _DraftMixin, View):
    """督办单 for one overdue problem (linked from the problem: ?problem=<pk>)."""

    template_name = "documents/order_create.html"

    def problem(self, pk):
        return get_object_or_404(
            selectors.problems_for(self.request.user).select_related("org_unit", "found_by_unit", "category"),
            pk=pk,
        )

    def issuers_for(self, problem):
        return [u for u in self.issuers() if problem.org_unit.is_descendant_of(u)]

    def dispatch(self, request, *args, **kwargs):
        data = request.POST if request.method == "POST" else request.GET
        if request.user.is_authenticated and not str(data.get("problem") or "").isdigit():
            messages.info(request, "督办单针对一个逾期问题：请在问题整改台账中打开该问题，点“起草督办单”")
            return redirect("rectification:problem_list")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        problem = self.problem(request.GET.get("problem"))
        issuers = self.issuers_for(problem)
        form = forms.OrderCreateForm(initial={"problem": problem.pk}, issuers=issuers)
        return self.show(request, problem, form, issuers)

    def show(self, request, problem, form, issuers, status=200):
        today = clock.today()
        blocked = services.order_blocked(problem, today) or (
            "" if issuers else "该问题不在您可以发文的单位范围内"
        )
        return render(
            request,
            self.template_name,
            {
                "problem": problem,
                "form": form,
                "blocked": blocked,
                "today": today,
                "overdue_days": days_overdue(problem, today),
            },
            status=status,
        )

    def post(self, request):
        problem = self.problem(request.POST.get("problem"))
        issuers = self.issuers_for(problem)
        form = forms.OrderCreateForm(request.POST, issuers=issuers)
        if form.is_valid():
            try:
                services.check_order(problem, clock.today())
                draft = builders.supervision_order(issuer=form.cleaned_data["issuer"], problem=problem)
                return self.draft(
                    kind=DocumentKind.SUPERVISION_ORDER,
                    issuer=form.cleaned_data["issuer"],
                    draft=draft,
                    recipient=problem.org_unit,
                    campaign=problem.campaign,
                    problems=[problem],
                )
            except ValidationError as exc:
                _attach_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
        return self.show(request, problem, form, issuers)


class TaskOrderCreateView(SubmitOnceMixin, PermissionRequiredMixin, View):
    """发督办单 from a task's page: a 督办单 for one red assignment, drafted by the user in the name
    of the assigning unit and sent at once for 签发 (documents.services.order_for_assignment)."""

    permission = selectors.ADD
    http_method_names = ["post"]

    def post(self, request):
        value = request.POST.get("assignment", "")
        assignment = get_object_or_404(
            selectors.assignments_for(request.user).select_related("task"), pk=value if value.isdigit() else 0
        )
        try:
            doc = services.order_for_assignment(assignment=assignment, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", None) or [str(exc)]))
            return redirect(assignment.task.get_absolute_url())
        messages.success(request, "已起草督办单并送发文机关领导签发")
        return redirect(doc.get_absolute_url())


class BulletinCreateView(SubmitOnceMixin, _DraftMixin, View):
    """督查通报 for a period over the user's scope (problems and campaigns the user may see)."""

    template_name = "documents/draft_form.html"

    def initial(self):
        today = clock.today()
        return {"period_start": _months_back(today, 3), "period_end": today}

    def get(self, request):
        return self.show(request, forms.BulletinForm(initial=self.initial(), issuers=self.issuers()))

    def show(self, request, form, status=200):
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "page_title": "起草督查通报",
                "icon": "megaphone",
                "explanation": "通报中的督查次数、检查单位、发现问题、交办函份数和整改数字都在生成时从台账计算；"
                "统计范围是您数据范围内的专项督查和问题。生成后可修改文字再签发。",
                "submit_label": "生成通报草稿",
            },
            status=status,
        )

    def post(self, request):
        form = forms.BulletinForm(request.POST, issuers=self.issuers())
        if form.is_valid():
            d = form.cleaned_data
            problems = selectors.problems_for(request.user)
            if d["found_in_period"]:
                problems = problems.filter(found_on__gte=d["period_start"], found_on__lte=d["period_end"])
            draft = builders.bulletin(
                issuer=d["issuer"],
                problems=problems,
                campaigns=selectors.campaigns_for(request.user),
                period_start=d["period_start"],
                period_end=d["period_end"],
            )
            try:
                return self.draft(kind=DocumentKind.BULLETIN, issuer=d["issuer"], draft=draft)
            except ValidationError as exc:
                _attach_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
        return self.show(request, form)


class TaskBulletinCreateView(BulletinCreateView):
    """督办通报 for tasks: the task ledger of the issuer's scope (assignments the user may see)."""

    def get(self, request):
        return self.show(request, forms.TaskBulletinForm(initial=self.initial(), issuers=self.issuers()))

    def show(self, request, form, status=200):
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "page_title": "起草督办通报",
                "icon": "clipboard-data",
                "explanation": "通报中的到期任务、按期办结率、红色任务、迟报清单和红黑榜都在生成时从任务台账计算，"
                "统计范围是发文机关及下级单位中您可以查看的交办。生成后可修改文字，再送领导签发。",
                "submit_label": "生成督办通报草稿",
            },
            status=status,
        )

    def post(self, request):
        form = forms.TaskBulletinForm(request.POST, issuers=self.issuers())
        if form.is_valid():
            d = form.cleaned_data
            assignments = selectors.bulletin_assignments(request.user, d["issuer"])
            draft = task_bulletin.task_bulletin(
                issuer=d["issuer"],
                assignments=assignments,
                period_start=d["period_start"],
                period_end=d["period_end"],
            )
            try:
                return self.draft(
                    kind=DocumentKind.TASK_BULLETIN,
                    issuer=d["issuer"],
                    draft=draft,
                    assignments=assignments.filter(pk__in=draft.params["assignments"]),
                )
            except ValidationError as exc:
                _attach_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
        return self.show(request, form)


def _months_back(day, months: int):
    y, m = day.year, day.month - months
    while m < 1:
        y, m = y - 1, m + 12
    return day.replace(year=y, month=m, day=1)


class ReportCreateView(SubmitOnceMixin, _DraftMixin, View):
    """整改情况报告 for a unit (with its subtree) or a campaign (?unit=<pk> / ?campaign=<pk>)."""

    template_name = "documents/draft_form.html"

    def make_form(self, data=None, initial=None):
        user = self.request.user
        issuer = self.issuer_from((data or {}).get("issuer") or (initial or {}).get("issuer"))
        units = selectors.report_units(user, issuer) if issuer else []
        return forms.ReportForm(
            data,
            initial=initial,
            issuers=self.issuers(),
            units=units,
            campaigns=selectors.campaigns_for(user).order_by("-start_date", "-id"),
        )

    def get(self, request):
        issuer = self.issuer_from(request.GET.get("issuer"))
        if issuer is None:
            raise PermissionDenied("您没有可以发文的单位")
        initial = {
            "issuer": issuer.pk,
            "subject": "campaign" if request.GET.get("campaign") else "unit",
            "unit": request.GET.get("unit") or issuer.pk,
            "campaign": request.GET.get("campaign"),
            "addressee": issuer.parent.name if issuer.parent_id else "委党组",
        }
        return self.show(request, self.make_form(initial=initial))

    def show(self, request, form, status=200):
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "page_title": "起草整改情况报告",
                "icon": "file-earmark-bar-graph",
                "explanation": "报告中的应整改、已整改、正在整改、未启动、逾期和整改率在生成时从台账计算，"
                "与“整改统计”页同一口径（应整改 = 已整改 + 正在整改 + 未启动）。",
                "submit_label": "生成报告草稿",
            },
            status=status,
        )

    def post(self, request):
        form = self.make_form(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            user = request.user
            if d["subject"] == "campaign":
                campaign, root = d["campaign"], None
                problems = selectors.problems_for(user).filter(campaign=campaign)
                subject = f"{campaign.theme}发现问题"
            else:
                campaign, root = None, d["unit"]
                problems = selectors.subtree_problems(user, root)
                subject = f"{root.display_name}{'及所属单位' if root.children.exists() else ''}问题"
            draft = builders.rectification_report(
                issuer=d["issuer"], problems=problems, subject=subject, addressee=d["addressee"], root=root
            )
            try:
                return self.draft(
                    kind=DocumentKind.RECTIFICATION_REPORT, issuer=d["issuer"], draft=draft, campaign=campaign
                )
            except ValidationError as exc:
                _attach_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
        return self.show(request, form)
