"""Pages of 专项督查 (R-SUP-1..5): campaign list with the statistics line, create, detail with the
双随机 draw and its 复核, inspection records with findings, close, Excel exports. (转为问题 is
rectification's: its form appears under each finding through core.panels.)

Views are thin: load the object through the scope (outside → 404), ask supervision.services'
rules before showing a form (no permission → 403, wrong state → back with the reason), bind a
form, call one service. Service errors land next to the fields with the input kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View

from core import clock, scoping
from core import views as core_views
from core.excel import xlsx_response
from core.views import (
    PermissionRequiredMixin,
    ScopedDetailView,
    ScopedListView,
    ServiceActionView,
    ServiceFormView,
)
from org.models import User
from supervision import exports, selectors, services
from supervision.filters import CampaignFilterSet, RecordFilterSet
from supervision.forms import QUICK_PICKS, CampaignForm, DrawForm, FindingForm, RecordForm
from supervision.models import Campaign, Draw, InspectionRecord

CAMPAIGN_PERM = "supervision.view_campaign"
RECORD_PERM = "supervision.view_inspectionrecord"


def _query_without(request, *keys) -> str:
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


# --- campaign list and export ---------------------------------------------------------------------


class CampaignListView(ScopedListView):
    """专项督查: filters, the statistics line of the filtered campaigns (computed, never typed),
    and per-campaign counts; a constant number of queries whatever the page size."""

    model = Campaign
    permission = CAMPAIGN_PERM
    template_name = "supervision/campaign_list.html"
    paginate_by = 20

    def get_queryset(self):
        qs = selectors.campaigns_visible(self.request.user)
        self.filterset = CampaignFilterSet(self.request.GET, queryset=qs, request=self.request)
        self.filtered = self.filterset.qs
        return selectors.with_counts(self.filtered.select_related("org_unit"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["stats"] = selectors.campaign_statistics(self.filtered, rounds=ctx["paginator"].count)
        ctx["can_add"] = scoping.has_any(self.request.user, "supervision.add_campaign")
        ctx["query_string"] = _query_without(self.request, "page")
        return ctx


class CampaignExportView(PermissionRequiredMixin, View):
    permission = CAMPAIGN_PERM

    def get(self, request):
        qs = selectors.campaigns_visible(request.user)
        filtered = CampaignFilterSet(request.GET, queryset=qs, request=request).qs
        data, filename = exports.campaign_export(
            actor=request.user,
            queryset=selectors.with_counts(filtered.select_related("org_unit")),
            query=_query_without(request, "page"),
            stats_sentence=selectors.campaign_statistics(filtered).sentence(),
        )
        return xlsx_response(data, filename)


# --- create ------------------------------------------------------------------------------------------


class CampaignCreateView(core_views.SubmitOnceMixin, ServiceFormView):
    """新建专项督查. The quick-pick buttons (全部县级/全部机构) submit the form with `pick`, and the
    page comes back with what was typed plus every unit of that level selected (server-side, no JS);
    a link with ?pick=… does the same on an empty form."""

    permission = "supervision.add_campaign"
    form_class = CampaignForm
    template_name = "supervision/campaign_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        user = self.request.user
        kwargs["org_units"] = scoping.acting_units(user, "supervision.add_campaign")
        kwargs["target_units"] = selectors.target_options(user)
        kwargs["inspectors"] = selectors.inspector_options(user)
        today = clock.today()
        organiser = selectors.default_organiser(user, kwargs["org_units"])
        kwargs.setdefault("initial", {}).update(
            start_date=today, end_date=today, org_unit=organiser.pk if organiser else None
        )
        pick = self._pick()
        if pick:
            source = self.request.POST if self.request.method == "POST" else self.request.GET
            kwargs["initial"] = self._initial_with_pick(
                source, pick, kwargs["target_units"], kwargs["initial"]
            )
            kwargs.pop("data", None)
            kwargs.pop("files", None)
        return kwargs

    def _pick(self) -> str:
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        return source.get("pick") if source.get("pick") in QUICK_PICKS else ""

    @staticmethod
    def _initial_with_pick(source: QueryDict, pick: str, target_units, defaults: dict) -> dict:
        initial = dict(defaults)
        for key in source:
            if key in ("csrfmiddlewaretoken", "pick"):
                continue
            values = source.getlist(key)
            initial[key] = values if key in ("target_pool", "inspector_pool") else values[-1]
        chosen = {int(v) for v in initial.get("target_pool", []) if str(v).isdigit()}
        chosen |= set(target_units.filter(kind=QUICK_PICKS[pick][1]).values_list("pk", flat=True))
        initial["target_pool"] = sorted(chosen)
        return initial

    def post(self, request, *args, **kwargs):
        if self._pick():
            return self.render_to_response(self.get_context_data(form=self.get_form()))
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["quick_picks"] = [(key, label) for key, (label, _kind) in QUICK_PICKS.items()]
        form = ctx["form"]
        chosen = form["target_pool"].value() or []
        ctx["target_count_chosen"] = len(chosen)
        ctx["inspector_count_chosen"] = len(form["inspector_pool"].value() or [])
        return ctx

    def perform(self, form):
        campaign = services.campaign_create(actor=self.request.user, **form.service_data())
        messages.success(self.request, f"专项督查{campaign.code}已创建，请抽签确定检查对象和检查人员")
        return campaign


# --- detail, draw, 复核, close -------------------------------------------------------------------------


class CheckedFormView(core_views.CheckedFormView):
    """core.views.CheckedFormView asking supervision.services' rules; no permission at all → 403
    before the object is looked up (which would be a 404)."""

    permission_first = True


class CampaignDetailView(ScopedDetailView):
    model = Campaign
    permission = CAMPAIGN_PERM
    template_name = "supervision/campaign_detail.html"
    records_shown = 20

    def get_queryset(self):
        return Campaign.objects.select_related("org_unit", "created_by").prefetch_related("checklist")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c, user = self.object, self.request.user
        draws = list(c.draws.select_related("drawn_by").order_by("-drawn_at", "-id"))
        ctx["draws"] = draws
        latest = draws[0] if draws else None
        verify_id = self.request.GET.get("verify")
        verify = next((d for d in draws if str(d.pk) == verify_id), None)
        if latest is not None:
            again = services.draw_verify(draw=latest)[1] if verify == latest else None
            ctx["latest"] = selectors.draw_view(latest, again)
        if verify is not None and verify != latest:
            ctx["verified_old"] = selectors.draw_view(verify, services.draw_verify(draw=verify)[1])
        ctx["target_pool"] = list(c.target_pool.order_by("path"))
        ctx["inspector_pool"] = list(c.inspector_pool.select_related("unit").order_by("unit__path", "id"))
        ctx["targets"] = selectors.campaign_targets(c)
        records = list(selectors.record_ledger(user).filter(campaign=c)[: self.records_shown + 1])
        ctx["records"] = records[: self.records_shown]
        ctx["more_records"] = len(records) > self.records_shown
        ctx["stats"] = selectors.campaign_statistics(Campaign.objects.filter(pk=c.pk))
        ctx["can_draw"] = services.allowed(services.check_draw, user, c)
        ctx["can_inspect"] = services.allowed(services.check_inspect, user, c)
        ctx["can_close"] = services.allowed(services.check_close, user, c)
        if "draw_form" not in ctx and ctx["can_draw"]:
            ctx["draw_form"] = DrawForm(
                initial={"target_count": min(len(ctx["target_pool"]), 3) or 1}, redraw=bool(draws)
            )
        return ctx


class CampaignDrawView(CheckedFormView):
    """双随机抽签: the form sits on the campaign page; on an error this page shows it again."""

    model = Campaign
    permission = CAMPAIGN_PERM
    form_class = DrawForm
    template_name = "supervision/draw_form.html"

    def check(self):
        services.check_draw(self.request.user, self.object)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["redraw"] = self.object.draws.exists()
        return kwargs

    def perform(self, form):
        d = form.cleaned_data
        draw = services.campaign_draw(
            actor=self.request.user,
            campaign=self.object,
            target_count=d["target_count"],
            inspectors_per_target=d["inspectors_per_target"],
            seed=d["seed"].strip() or None,
            reason=d.get("reason", ""),
        )
        messages.success(self.request, f"抽签完成：抽取检查对象{len(draw.result)}个，随机种子 {draw.seed}")
        return draw

    def get_success_url_for(self, target):
        return reverse("supervision:campaign_detail", args=[self.object.pk]) + "#draw"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["pool_size"] = self.object.target_pool.count()
        return ctx


class DrawVerifyView(PermissionRequiredMixin, View):
    """复核抽签: anyone who may see the campaign re-runs a recorded draw; the page then shows the
    recomputed result next to the recorded one with 复核一致 / 复核不一致."""

    permission = CAMPAIGN_PERM
    http_method_names = ["post"]

    def post(self, request, pk):
        draw = get_object_or_404(
            Draw.objects.select_related("campaign").filter(
                campaign__in=selectors.campaigns_visible(request.user).values("pk")
            ),
            pk=pk,
        )
        same, _again = services.draw_check(actor=request.user, draw=draw)
        if same:
            messages.success(request, "复核一致：按记录的种子和人员库重新抽签，结果与原抽签结果相同")
        else:
            messages.error(request, "复核不一致：重新抽签的结果与记录的抽签结果不同，请核查")
        url = reverse("supervision:campaign_detail", args=[draw.campaign_id])
        return redirect(f"{url}?verify={draw.pk}#draw")


class CampaignCloseView(ServiceActionView):
    model = Campaign
    permission = CAMPAIGN_PERM
    success_message = "专项督查已结束"

    def post(self, request, *args, **kwargs):
        if not scoping.has_any(request.user, "supervision.change_campaign"):
            raise PermissionDenied("您没有结束督查的权限")
        return super().post(request, *args, **kwargs)

    def perform(self):
        services.campaign_close(actor=self.request.user, campaign=self.object)


# --- inspection records ------------------------------------------------------------------------------


class RecordCreateView(core_views.SubmitOnceMixin, CheckedFormView):
    """录入检查记录 for one target (?target=<unit id> preselects it and its drawn inspectors)."""

    model = Campaign
    permission = CAMPAIGN_PERM
    form_class = RecordForm
    template_name = "supervision/record_form.html"

    def check(self):
        services.check_inspect(self.request.user, self.object)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        c = self.object
        self.targets = list(c.targets.order_by("path"))
        people = User.objects.filter(
            pk__in=[
                *c.inspector_pool.values_list("pk", flat=True),
                *c.inspections.values_list("inspector_id", flat=True),
                self.request.user.pk,
            ]
        ).select_related("unit")
        kwargs.update(campaign=c, targets=self.targets, people=people.order_by("unit__path", "id"))
        target = self._target()
        kwargs.setdefault("initial", {}).update(
            target=target.pk if target else None,
            inspected_on=min(max(clock.today(), c.start_date), c.end_date),
            inspectors=selectors.drawn_inspectors(c, target),
        )
        return kwargs

    def _target(self):
        raw = self.request.GET.get("target", "")
        return next((u for u in self.targets if str(u.pk) == raw), None)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["campaign"] = self.object
        return ctx

    def perform(self, form):
        rec = services.record_create(actor=self.request.user, campaign=self.object, **form.service_data())
        n = rec.findings.count()
        messages.success(self.request, f"检查记录已保存{f'，登记发现问题{n}个' if n else ''}")
        return rec


class RecordListView(ScopedListView):
    """检查记录: every record the user may see (the inspected unit sees its own), with findings."""

    model = InspectionRecord
    permission = RECORD_PERM
    template_name = "supervision/record_list.html"
    paginate_by = 20

    def get_queryset(self):
        self.filterset = RecordFilterSet(
            self.request.GET, queryset=selectors.record_ledger(self.request.user), request=self.request
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["query_string"] = _query_without(self.request, "page")
        campaign = self.filterset.form.cleaned_data.get("campaign") if self.filterset.is_valid() else None
        ctx["campaign"] = campaign
        ctx["can_list_campaigns"] = scoping.has_any(self.request.user, CAMPAIGN_PERM)
        return ctx


class RecordExportView(PermissionRequiredMixin, View):
    permission = RECORD_PERM

    def get(self, request):
        filterset = RecordFilterSet(
            request.GET, queryset=selectors.record_ledger(request.user), request=request
        )
        data, filename = exports.record_export(
            actor=request.user, queryset=filterset.qs, query=_query_without(request, "page")
        )
        return xlsx_response(data, filename)


class RecordDetailView(core_views.SubmitOnceMixin, ScopedDetailView):  # its forms carry a token
    model = InspectionRecord
    permission = RECORD_PERM
    template_name = "supervision/record_detail.html"

    def get_object(self, queryset=None):
        return selectors.record_detail(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rec, user = self.object, self.request.user
        ctx["can_view_campaign"] = selectors.can_view_campaign(user, rec.campaign)
        ctx["can_add_finding"] = services.allowed(services.check_inspect, user, rec.campaign)
        if ctx["can_add_finding"]:
            ctx["finding_form"] = FindingForm(record=rec)
        return ctx


class FindingCreateView(core_views.SubmitOnceMixin, CheckedFormView):
    """新增发现 on a record (the form sits on the record page; on an error this page shows it)."""

    model = InspectionRecord
    permission = RECORD_PERM
    form_class = FindingForm
    template_name = "supervision/finding_form.html"

    def check(self):
        services.check_inspect(self.request.user, self.object.campaign)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["record"] = self.object
        return kwargs

    def perform(self, form):
        services.finding_add(actor=self.request.user, record_=self.object, **form.service_data())
        messages.success(self.request, "已登记检查发现")
        return self.object

    def get_success_url_for(self, target):
        return reverse("supervision:record_detail", args=[target.pk]) + "#findings"
