from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from core import clock
from dashboards import selectors


class WorkbenchView(LoginRequiredMixin, TemplateView):
    """工作台: the page everyone lands on after login."""

    template_name = "dashboards/workbench.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = clock.today()
        ctx.update(selectors.workbench(self.request.user, today), today=today)
        return ctx
