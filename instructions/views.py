"""Pages of 领导批示: the 批示落实台账 (filters, light counts, Excel), one 批示 with its history and
the forms its viewer may use, the 批示 form on a record (reached from the task, problem and
document pages, instructions.panels), and the answer / 圈阅 / 退回 forms.

Views are thin: the 批示 is loaded through the scope (outside → 404), instructions.rules decides
which forms appear (no permission → 403; wrong state → back with the reason), one service writes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.views import View
from django.views.generic import TemplateView

from core import clock, scoping
from core import views as core_views
from core.excel import xlsx_response
from core.views import LightLedgerView, PermissionRequiredMixin, ServiceFormView, list_query
from instructions import exports, forms, rules, selectors, services, targets
from instructions.filters import InstructionFilterSet
from instructions.models import DispatchMeeting, Instruction, TargetKind
from instructions.transitions import INSTRUCTION
from org.selectors import picker_units
from tasks.selectors import light_counts


def _query_without(request, *keys) -> str:
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


class InstructionListView(LightLedgerView):
    """批示落实台账: filters in the URL, light counts on top, rows with light and reason."""

    model = Instruction
    permission = rules.VIEW
    filterset_class = InstructionFilterSet
    template_name = "instructions/instruction_list.html"
    partial_template_name = "instructions/_instruction_rows.html"
    count_lights = staticmethod(light_counts)
    paginate_by = 50

    def get_queryset(self):
        self.today = clock.today()
        qs = selectors.ledger(self.request.user, self.today)
        self.filterset = InstructionFilterSet(
            self.request.GET, queryset=qs, request=self.request, today=self.today
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["rows"] = selectors.with_light(ctx["page_obj"].object_list, self.today)
        ctx["today"] = self.today
        ctx["query_without_light"] = _query_without(self.request, "page", "light")
        form = self.filterset.form
        selected = form.cleaned_data.get("assignee_unit") if form.is_valid() else None
        ctx["unit_choices"] = picker_units(user, rules.VIEW, selected)
        ctx["selected_unit_id"] = selected.pk if selected else None
        ctx["can_export"] = scoping.has_any(user, rules.EXPORT)
        ctx["page_sizes"] = (20, 50, 100)
        meeting_id = form.cleaned_data.get("meeting") if form.is_valid() else None
        if meeting_id:
            ctx["meeting"] = (
                DispatchMeeting.objects.visible_to(user, rules.MEETING_VIEW).filter(pk=meeting_id).first()
            )
        return ctx


class InstructionExportView(PermissionRequiredMixin, View):
    """Exactly the ledger's rows (same filters and sort, every page) as .xlsx; audited."""

    permission = rules.EXPORT

    def get(self, request):
        today = clock.today()
        qs = selectors.ledger(request.user, today, perm=rules.EXPORT)
        filterset = InstructionFilterSet(request.GET, queryset=qs, request=request, today=today)
        data, filename = exports.instruction_export(
            actor=request.user, queryset=filterset.qs, today=today, query=list_query(request)
        )
        return xlsx_response(data, filename)


class InstructionDetailView(PermissionRequiredMixin, TemplateView):
    permission = rules.VIEW
    template_name = "instructions/instruction_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ins = selectors.detail(self.request.user, self.kwargs["pk"], clock.today())
        ctx.update(
            ins=ins,
            object=ins,
            actions=rules.actions_for(self.request.user, ins),
            answer_form=forms.AnswerForm(initial={"version": ins.version}),
            close_form=forms.CloseForm(initial={"version": ins.version}),
            return_form=forms.ReturnForm(initial={"version": ins.version}),
            meeting_visible=bool(ins.meeting_id)
            and DispatchMeeting.objects.visible_to(self.request.user, rules.MEETING_VIEW)
            .filter(pk=ins.meeting_id)
            .exists(),
        )
        return ctx


class InstructionCreateView(core_views.SubmitOnceMixin, ServiceFormView):
    """批示 on one record: /instructions/new/<kind>/<pk>/ — the record must be visible to the
    leader (else 404); the 落实单位 offered are its units inside the leader's scope."""

    permission = rules.ADD
    form_class = forms.InstructionForm
    template_name = "instructions/instruction_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scoping.has_any(request.user, self.permission):
            kind = kwargs["kind"]
            if kind not in TargetKind.values:
                raise PermissionDenied("没有这种批示对象")
            try:
                self.target = targets.find(kind, kwargs["pk"], request.user)
            except ValidationError:
                raise Http404("找不到该批示对象") from None
            self.kind = kind
        return super().dispatch(request, *args, **kwargs)

    def units(self):
        user = self.request.user
        return [
            u
            for u in targets.related_units(self.kind, self.target)
            if scoping.unit_in_scope(user, rules.ADD, u)
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "units": self.units()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            target=self.target,
            target_label=targets.label(self.kind, self.target),
            back_url=self.target.get_absolute_url(),
        )
        return ctx

    def perform(self, form):
        ins = services.instruction_create(
            actor=self.request.user, kind=self.kind, target_id=self.target.pk, **form.cleaned_data
        )
        messages.success(self.request, f"批示已发出，{ins.assignee_unit.display_name}将收到提醒")
        return ins


class _ActionView(core_views.SubmitOnceMixin, core_views.CheckedFormView):
    """A form on one 批示: rules first, then one service; back to the 批示."""

    model = Instruction
    permission = rules.VIEW
    template_name = "instructions/action_form.html"
    action = ""

    def get_scoped_object(self, queryset=None):
        return selectors.for_action(self.request.user, self.kwargs["pk"])

    def check(self):
        if self.action == "answer":
            rules.check_answer(self.request.user, self.object)
        else:
            rules.check_leader(self.request.user, self.object, self.action)

    def get_initial(self):
        return {"version": self.object.version}

    def get_success_url_for(self, target):
        return self.back_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(ins=self.object, light=selectors.with_light([self.object], clock.today())[0].light_info)
        return ctx


class InstructionAnswerView(_ActionView):
    form_class = forms.AnswerForm
    action = "answer"
    page_title = submit_label = INSTRUCTION["answer"].label
    explanation = "报送后由批示领导圈阅；领导可退回要求补充。"
    success_message = "落实情况已报送，批示领导将收到提醒"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "multipart": True}

    def perform(self, form):
        return services.instruction_answer(
            actor=self.request.user, instruction=self.object, **form.cleaned_data
        )


class InstructionCloseView(_ActionView):
    form_class = forms.CloseForm
    action = "close"
    page_title = submit_label = INSTRUCTION["close"].label
    explanation = "圈阅表示落实情况已阅知、批示办结。"
    success_message = "已圈阅"

    def perform(self, form):
        return services.instruction_close(
            actor=self.request.user, instruction=self.object, **form.cleaned_data
        )


class InstructionReturnView(_ActionView):
    form_class = forms.ReturnForm
    action = "return"
    page_title = submit_label = INSTRUCTION["return"].label
    explanation = "退回后批示回到“待落实”，落实单位须再次报送落实情况。"
    success_message = "已退回，落实单位将收到提醒"

    def perform(self, form):
        return services.instruction_return(
            actor=self.request.user, instruction=self.object, **form.cleaned_data
        )
