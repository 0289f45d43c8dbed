"""Pages of the ladder for red tasks: the list 红色任务督办 (the task page's section is a panel)."""

from __future__ import annotations

from core import clock
from core.views import PAGE_SIZES, ScopedListView
from escalation import selectors
from escalation.filters import LadderFilterSet
from escalation.models import Level
from org.selectors import picker_units
from tasks import lights
from tasks.choices import Light
from tasks.models import Assignment


class LadderListView(ScopedListView):
    """Red assignments in scope with their current step, days red and documents (R-WRN-2)."""

    model = Assignment
    permission = "escalation.view_taskescalation"
    filterset_class = LadderFilterSet
    template_name = "escalation/ladder_list.html"
    paginate_by = 50

    def base_queryset(self):
        self.today = clock.today()
        return selectors.ladder_queryset(self.request.user, self.today)

    def get_queryset(self):
        qs = self.base_queryset()
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=qs, request=self.request, today=self.today
        )
        return self.filterset.qs if self.filterset.is_bound else qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = list(ctx["object_list"])
        steps = selectors.steps_of(a.pk for a in page)
        ctx["rows"] = [self._row(a, steps.get(a.pk, [])) for a in page]
        ctx["today"] = self.today
        ctx["page_sizes"] = PAGE_SIZES
        ctx["summary"] = selectors.ladder_summary(self.request.user, self.today)
        ctx["query_without_per_page"] = _without(self.request, "per_page")
        form = self.filterset.form
        cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
        unit = cleaned.get("unit")
        ctx["unit_choices"] = picker_units(self.request.user, selectors.VIEW_PERM, unit)
        ctx["selected_unit_id"] = unit.pk if unit else None
        ctx["chosen_step"] = int(cleaned["step"]) if cleaned.get("step") else None
        return ctx

    def _row(self, a, steps):
        red = a.light == Light.RED
        current = [s for s in steps if s.spell == a.due_date] if red else []
        return {
            "a": a,
            "red": red,
            "days_red": (self.today - a.due_date).days if red else None,
            "reason": lights.for_object(a, self.today).reason,
            "step": Level(a.step).label if red and a.step else ("尚未升级" if red else "已停止"),
            "level": a.step if red else 0,
            "current": current,
            "documents": [s for s in current if s.document_id],
            "past": len({s.spell for s in steps if not current or s.spell != a.due_date}),
        }


def _without(request, name: str) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop(name, None)
    return query.urlencode()
