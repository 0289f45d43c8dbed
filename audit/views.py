"""The auditor's pages (R-SEC-3): the event list and the chain verification. Only 审计管理员."""

from django.views.generic import TemplateView

from audit import display, selectors, services
from audit.forms import AuditEventFilterForm
from core.views import PermissionRequiredMixin, ScopedListView


class AuditEventListView(ScopedListView):
    permission = "audit.view_auditevent"
    template_name = "audit/event_list.html"
    paginate_by = 50

    def base_queryset(self):
        self.form = AuditEventFilterForm(self.request.GET or None)
        filters = self.form.cleaned_data if self.form.is_valid() else {}
        return selectors.event_list(self.request.user, **{k: v for k, v in filters.items() if v})

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = self.form
        ctx["chain_alarm"] = selectors.chain_alarm()
        display.annotate(ctx["object_list"])
        return ctx


class AuditVerifyView(PermissionRequiredMixin, TemplateView):
    permission = "audit.verify_chain"
    template_name = "audit/verify.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["chain_alarm"] = selectors.chain_alarm()
        return ctx

    def post(self, request):
        result = services.chain_verify(actor=request.user)
        return self.render_to_response(self.get_context_data(result=result))
