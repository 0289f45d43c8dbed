from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from core import clock
from core.views import PermissionRequiredMixin
from dashboards import charts, selectors


class WorkbenchView(LoginRequiredMixin, TemplateView):
    """工作台: the page everyone lands on after login."""

    template_name = "dashboards/workbench.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = clock.today()
        ctx.update(selectors.workbench(self.request.user, today), today=today)
        return ctx


class CockpitView(PermissionRequiredMixin, TemplateView):
    """领导驾驶舱 (R-DSH-1..3) of the user's scope; `?screen=1` (or /cockpit/screen/) is the
    meeting-room display (1920×1080, large type, refreshed every 5 minutes). What each number
    counts: dashboards.cockpit."""

    permission = "dashboards.view_cockpit"
    template_name = "dashboards/cockpit.html"
    screen = False

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = clock.today()
        ctx.update(charts.page(self.request.user, today) or {}, today=today)
        ctx["screen"] = self.screen or self.request.GET.get("screen") == "1"
        return ctx
