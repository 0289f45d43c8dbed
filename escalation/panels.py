"""What escalation adds to the task page (tasks, below it) through core.panels: the 督办升级
section, each assignment's ladder steps (every spell). Registered in EscalationConfig.ready()."""

from __future__ import annotations

from core import clock, panels
from escalation.models import TaskEscalation
from escalation.selectors import list_url
from tasks import lights
from tasks.choices import Light

PERM = "escalation.view_taskescalation"


def task_ladder(request, detail) -> dict | None:
    """The steps of the page's assignments the user may see, grouped by assignment (one query)."""
    if request is None:
        return None
    rows = {row.assignment.pk: row.assignment for row in detail.assignments}
    if not rows:
        return None
    steps = (
        TaskEscalation.objects.visible_to(request.user, PERM)
        .filter(assignment_id__in=list(rows))
        .select_related("document")
        .order_by("assignment_id", "spell", "level")
    )
    today = clock.today()
    groups: dict[int, dict] = {}
    for step in steps:
        a = rows[step.assignment_id]
        group = groups.setdefault(a.pk, {"assignment": a, "spells": {}})
        group["spells"].setdefault(step.spell, []).append(step)
    if not groups:
        return None
    ladders = []
    for group in groups.values():
        a = group["assignment"]
        for spell, spell_steps in group["spells"].items():
            current = spell == a.due_date and lights.for_object(a, today).light == Light.RED
            ladders.append({"assignment": a, "spell": spell, "steps": spell_steps, "current": current})
    return {"ladders": ladders, "ladder_url": list_url()}


def register() -> None:
    panels.register(
        "tasks.task_detail",
        "escalation",
        template="escalation/_task_ladder.html",
        context=task_ladder,
        order=35,
    )
