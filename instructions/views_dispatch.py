"""Pages of 调度会 (R-DEC-6): the list (scoped, by date), recording a meeting (its red and yellow
items are listed and frozen by instructions.dispatch), one meeting (items with their light then and
now, follow-ups with status and light, the counts) and the follow-up form of one item.

The meeting is loaded through the scope (outside → 404); no right to record → 403; one service
writes."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.views.generic import TemplateView

from core import clock, scoping
from core import views as core_views
from core.views import PermissionRequiredMixin, ScopedListView, ServiceFormView
from instructions import dispatch, forms, rules
from instructions.filters import MeetingFilterSet
from instructions.models import DispatchItem, DispatchMeeting


class MeetingListView(ScopedListView):
    model = DispatchMeeting
    permission = rules.MEETING_VIEW
    filterset_class = MeetingFilterSet
    template_name = "instructions/meeting_list.html"
    paginate_by = 20

    def base_queryset(self):
        return dispatch.meetings(self.request.user, clock.today())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = scoping.has_any(self.request.user, rules.MEETING_ADD)
        return ctx


class MeetingCreateView(core_views.SubmitOnceMixin, ServiceFormView):
    permission = rules.MEETING_ADD
    form_class = forms.MeetingForm
    template_name = "instructions/meeting_form.html"

    def units(self):
        return scoping.acting_units(self.request.user, rules.MEETING_ADD)

    def get_form_kwargs(self):
        units = self.units()
        return {**super().get_form_kwargs(), "units": units, "hosts": dispatch.host_choices(units)}

    def get_initial(self):
        today = clock.today()
        user = self.request.user
        initial = {"title": dispatch.default_title(today), "held_on": today}
        if scoping.has_any(user, rules.CLOSE):
            initial["host"] = user.pk
        return initial

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "max_items": dispatch.max_items()}

    def perform(self, form):
        meeting = dispatch.meeting_create(actor=self.request.user, **form.cleaned_data)
        messages.success(
            self.request, f"调度会已记录，列出红黄灯事项{meeting.listed.count()}项，可逐项记录跟踪事项"
        )
        return meeting


class MeetingDetailView(PermissionRequiredMixin, TemplateView):
    permission = rules.MEETING_VIEW
    template_name = "instructions/meeting_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        meeting, items, counts = dispatch.meeting_detail(user, self.kwargs["pk"], clock.today())
        ctx.update(
            meeting=meeting,
            object=meeting,
            items=items,
            counts=counts,
            capped=meeting.items_total > len(items),
            can_follow=scoping.unit_in_scope(user, rules.MEETING_ADD, meeting.org_unit),
        )
        return ctx


class FollowupCreateView(core_views.SubmitOnceMixin, ServiceFormView):
    """/instructions/meetings/<pk>/items/<task_pk>/followup/: who, what, by when for one item."""

    permission = rules.MEETING_ADD
    permission_first = True
    form_class = forms.FollowupForm
    template_name = "instructions/followup_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scoping.has_any(request.user, self.permission):
            self.meeting = dispatch.meeting_for(request.user, kwargs["pk"])
            item = (
                DispatchItem.objects.filter(meeting=self.meeting, task_id=kwargs["task_pk"])
                .select_related("task__lead_unit")
                .first()
            )
            if item is None:
                raise Http404("该任务不在本次调度会的事项清单中")
            item.then = dispatch.light_then(item)
            self.item = item
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        units = dispatch.followup_units(self.request.user, self.item.task)
        return {**super().get_form_kwargs(), "units": units}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(meeting=self.meeting, item=self.item, task=self.item.task)
        return ctx

    def perform(self, form):
        dispatch.followup_add(
            actor=self.request.user, meeting=self.meeting, task=self.item.task, **form.cleaned_data
        )
        messages.success(self.request, "跟踪事项已记录，落实单位将收到提醒")
        return self.meeting

    def get_success_url_for(self, target):
        return f"{target.get_absolute_url()}#item-{self.item.task_id}"
