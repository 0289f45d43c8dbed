"""The sections surveys adds to other apps' pages (core.panels): on a problem made from a low
survey item, the item it came from — the round, the unit, the item and its index when converted,
linked to the unit's results for whoever may read them. One query."""

from __future__ import annotations

from django.urls import reverse

from core import panels, scoping
from surveys import definition, rules
from surveys.models import ItemProblem

TEMPLATE = "surveys/results/_problem_item.html"


def _label(defn: dict, question: str, row: str) -> str:
    for q, r, label in definition.items(defn):
        if (q, r) == (question, row):
            return label
    return question


def problem_item(request, problem):
    made = (
        ItemProblem.objects.filter(problem=problem)
        .select_related("target__survey__version", "target__unit", "target__org_unit")
        .first()
    )
    if made is None:
        return None
    target = made.target
    user = getattr(request, "user", None)
    readable = bool(user and user.is_authenticated and scoping.obj_in_scope(user, rules.VIEW, target))
    return {
        "made": made,
        "target": target,
        "survey": target.survey,
        "item_label": _label(target.survey.version.definition, made.question, made.row),
        "results_url": reverse("surveys:target_results", args=[target.pk]) if readable else "",
    }


def register() -> None:
    """Register the panels (called once from SurveysConfig.ready)."""
    panels.register(
        "rectification.problem_detail", "survey_item", template=TEMPLATE, context=problem_item, order=10
    )
