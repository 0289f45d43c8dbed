"""Sections a higher app contributes to a lower app's page (docs/architecture.md, "layers").

Apps import downward only: the task page (tasks) cannot import the progress reports (reporting,
above it), a campaign's page (supervision) cannot import the problems found (rectification). The
higher app registers its part of the lower app's page here, in its AppConfig.ready():

    panels.register("tasks.task_detail", "reports", template="reporting/_task_reports.html",
                    context=task_reports, order=40)

and the lower page's template asks for what was registered:

    {% load duban %}{% panels "tasks.task_detail" task %}

`context(request, obj)` returns the template's context (None or {} → the section is left out);
it must do a constant number of queries whatever the size of the page, like the page itself.
The same registry carries figures: `contributions(page)` gives the registered callables, for a
lower selector that lets higher apps add a column or a count (e.g. a campaign's problems).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    page: str
    name: str
    context: Callable
    template: str = ""
    order: int = 100


_REGISTRY: dict[str, dict[str, Panel]] = {}


def register(page: str, name: str, *, context: Callable, template: str = "", order: int = 100) -> None:
    """Add (or replace: registering twice under one name is idempotent) a contribution to `page`."""
    _REGISTRY.setdefault(page, {})[name] = Panel(page, name, context, template, order)


def contributions(page: str) -> list[Panel]:
    """What higher apps registered for `page`, in their `order` (then name)."""
    return sorted(_REGISTRY.get(page, {}).values(), key=lambda p: (p.order, p.name))


def contribution(page: str, name: str) -> Panel | None:
    return _REGISTRY.get(page, {}).get(name)
