"""Reads of the ladder for red tasks (R-WRN-2). Every selector starts from visible_to().

An assignment's *current step* is the highest step taken in its *current red spell*: it is red
today (tasks.lights.light_q, the database light rule) and the steps were taken against its present
due date. A green assignment, or one whose due date was moved, has no current step (its old steps
stay as history). The list and the cockpit's counts (`ladder_summary`) read the same queryset, so
the count on the cockpit equals the number of rows on the list filtered to that step.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from core import scoping
from escalation.models import Level, TaskEscalation
from tasks import lights
from tasks.choices import Light
from tasks.models import Assignment

VIEW_PERM = "tasks.view_assignment"


def current_step_expression():
    """The highest level taken for the assignment's present due date (0 when none)."""
    top = (
        TaskEscalation.objects.filter(assignment=OuterRef("pk"), spell=OuterRef("due_date"))
        .order_by()
        .values("assignment")
        .annotate(top=Max("level"))
        .values("top")
    )
    return Coalesce(Subquery(top, output_field=IntegerField()), Value(0))


def _visible(user):
    """The assignments in `user`'s scope: every one for a user who sees the whole tree
    (scoping.sees_whole_tree: the province's cockpit), where visible_to's UNION of the scope's
    branches costs more than the count itself."""
    if scoping.sees_whole_tree(user, VIEW_PERM):
        return Assignment.objects.all()
    return Assignment.objects.visible_to(user, VIEW_PERM, listing=True)


def red_assignments(user, today: dt.date):
    """The red assignments in `user`'s scope, each with `step` (its current step, 0 = none yet)."""
    return _visible(user).filter(lights.light_q(Light.RED, today)).annotate(step=current_step_expression())


def ladder_queryset(user, today: dt.date):
    """The ladder list: assignments in scope that are red today or have climbed the ladder before,
    each with `light` and `step` (the current step; meaningful while red)."""
    climbed = TaskEscalation.objects.order_by().values("assignment_id")
    return (
        Assignment.objects.visible_to(user, VIEW_PERM, listing=True)
        .filter(Q(lights.light_q(Light.RED, today)) | Q(pk__in=climbed))
        .select_related("task", "unit", "org_unit")
        .defer("task__description", "task__goals", "completion_note", "return_reason")
        .annotate(step=current_step_expression(), light=lights.light_expression(today))
        .order_by("due_date", "pk")
    )


def steps_of(assignment_ids) -> dict[int, list[TaskEscalation]]:
    """{assignment id: its steps, every spell, in order} in one query (with their documents)."""
    out: dict[int, list[TaskEscalation]] = {}
    rows = (
        TaskEscalation.objects.filter(assignment_id__in=list(assignment_ids))
        .select_related("document", "actor")
        .order_by("assignment_id", "spell", "level")
    )
    for step in rows:
        out.setdefault(step.assignment_id, []).append(step)
    return out


def list_url(level: int | None = None) -> str:
    url = reverse("escalation:list")
    return f"{url}?step={level}" if level else url


def ladder_summary(user, today: dt.date) -> list[dict]:
    """[{level, label, count, url}] for each step of the ladder: the assignments in `user`'s scope
    at that step in their current red spell; url = the ladder list at that step.

    One grouped query over the steps, not a per-assignment subquery: within a spell the steps are
    taken in order, each once (escalation.transitions.LADDER and the unique constraint), so the
    assignments at step k or beyond are those with a level-k row in their current spell, and those
    at exactly k are that count less the count at k + 1. The list (ladder_queryset) filtered to a
    step shows the same assignments."""
    steps = TaskEscalation.objects.all()
    if not scoping.sees_whole_tree(user, VIEW_PERM):
        steps = steps.filter(assignment__in=_visible(user).values("pk"))
    reached = dict(
        steps.filter(lights.light_q(Light.RED, today, prefix="assignment__"), spell=F("assignment__due_date"))
        .order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
    )
    return [
        {
            "level": int(level),
            "label": level.label,
            "count": reached.get(int(level), 0) - reached.get(int(level) + 1, 0),
            "url": list_url(level),
        }
        for level in Level
    ]
