"""Reads of the tasks app. Every selector takes the user and starts from visible_to().

Ledger part (R-TSK-7, R-WRN-1): the light is an annotation computed by the database
(tasks.lights.light_expression), so filtering, sorting and counting by light never load
rows into Python; the reason in words comes from tasks.lights.for_object on each shown row.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse

from core import scoping
from org.models import User
from tasks import lights
from tasks.choices import Light, TaskLevel, TaskStatus
from tasks.models import Directive, SavedFilter, Task, TaskCategory

LEDGER_RELATED = ("category", "lead_unit", "directive")
LEDGER_DEFERRED = ("description", "goals")


# --- ledger ----------------------------------------------------------------------------------------


def ledger_queryset(
    user, today: dt.date, perm: str = "tasks.view_task", related=LEDGER_RELATED, *, listing: bool = True
):
    """The tasks `user` may see (or export, with perm="tasks.export_task"), each with `light`;
    `listing=False` where another index finds the rows (see TaskQuerySet.visible_to)."""
    return (
        Task.objects.visible_to(user, perm, listing=listing)
        .select_related(*related)
        .defer(*LEDGER_DEFERRED)
        .annotate(light=lights.light_expression(today))
    )


def light_counts(queryset) -> list[dict]:
    """[{light, slug, label, css, count}] worst first, in one grouped query over `queryset`."""
    found = {
        row["light"]: row["n"]
        for row in queryset.order_by().values("light").annotate(n=Count("pk")).order_by()
    }
    from tasks.filters import LIGHT_SLUG_OF

    css = {Light.RED: "danger", Light.YELLOW: "warning", Light.GREEN: "success", Light.DONE: "secondary"}
    return [
        {
            "light": int(light),
            "slug": LIGHT_SLUG_OF[int(light)],
            "label": light.label,
            "css": css[light],
            "count": found.get(int(light), 0),
        }
        for light in (Light.RED, Light.YELLOW, Light.GREEN, Light.DONE)
    ]


_LEVEL_LABELS = dict(TaskLevel.choices)
_STATUS_LABELS = dict(TaskStatus.choices)
_PK_MARK = "987654321"


def with_light_reasons(rows, today: dt.date) -> list:
    """Attach to each row, without queries: `light_info` (LightResult: light + reason in words),
    `url` (task detail), `level_label`, `status_label`. Done here once per row rather than by
    template tags, which keeps a 100-row page cheap to render (one reverse() per page)."""
    rows = list(rows)
    detail = reverse("tasks:task_detail", args=[_PK_MARK])
    for row in rows:
        row.light_info = lights.for_object(row, today)
        row.url = detail.replace(_PK_MARK, str(row.pk))
        row.level_label = _LEVEL_LABELS.get(row.level, row.level)
        row.status_label = _STATUS_LABELS.get(row.status, row.status)
    return rows


def ledger_directive_choices(user):
    return Directive.objects.visible_to(user, "tasks.view_directive").only("id", "title", "doc_number")


def ledger_category_choices():
    return TaskCategory.objects.filter(is_active=True)


def saved_filters_of(user):
    return SavedFilter.objects.filter(user=user).order_by("name")


# --- directives ------------------------------------------------------------------------------------


def directive_queryset(user):
    return Directive.objects.visible_to(user, "tasks.view_directive").select_related("org_unit")


def directive_tasks(user, directive: Directive, today: dt.date):
    # a directive's tasks (tens) are found through its index, the scope only filters them
    return (
        ledger_queryset(user, today, listing=False)
        .filter(directive=directive)
        .order_by("-light", "due_date", "id")
    )


def nameable_users(units):
    """Accounts a task form may name (责任人, 专班): active, in one of the units the task involves
    or below one of them — never an arbitrary account elsewhere, so typing a name outside reads
    "找不到账号" whether or not it exists (R-ORG-3)."""
    q = Q(pk__in=[])
    for unit in {u.pk: u for u in units if u is not None}.values():
        q |= scoping.subtree_q(unit, "unit")
    return User.objects.filter(is_active=True).filter(q)
