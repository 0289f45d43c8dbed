"""The cockpit's charts as plain data (for ECharts and the HTML around it): every element carries
its number and the ledger URL of exactly the records behind it (dashboards.cockpit defines the
numbers). Built in Python from one Tally, no queries but the top ten's unit names and the
categories' names."""

from __future__ import annotations

import datetime as dt

from core import scoping
from dashboards import cockpit
from dashboards.cockpit import LIGHT_COLORS, LIGHTS, STATUS_ORDER, Links, pct, ratio
from escalation.selectors import ladder_summary
from org.models import Unit
from tasks.choices import Light
from tasks.filters import LIGHT_SLUG_OF, ON_TIME, REPORT_LATE, REPORT_MISSING
from tasks.models import TaskCategory


def _shown(t: cockpit.Tally) -> list[cockpit.Bucket]:
    """The units below the root, and 本级 when it has anything."""
    own, *rest = t.buckets
    return ([own] if own.tasks.total or own.problems["total"] else []) + rest


def headline(t: cockpit.Tally, links: Links) -> list[dict]:
    w, p, root = t.whole, t.problems, t.root
    scope = {"unit": root.pk}
    return [
        {"key": "total", "label": "任务总数", "value": str(w.total), "url": links.task(scope)},
        {
            "key": "red",
            "label": "红灯任务",
            "value": str(w.red),
            "url": links.task(scope, light="red"),
            "css": "danger",
        },
        {
            "key": "completed",
            "ratio": True,
            "label": "完成率",
            "value": ratio(w.completed, w.total),
            "url": links.task(scope, light="done"),
        },
        {
            "key": "on_time",
            "ratio": True,
            "label": "按期办结率",
            "value": ratio(w.on_time, w.completed),
            "url": links.task(scope, timeliness=ON_TIME),
        },
        {
            "key": "late",
            "label": "迟报",
            "value": str(w.report_late),
            "url": links.task(scope, report=REPORT_LATE),
            "css": "warning",
        },
        {
            "key": "missing",
            "label": "缺报",
            "value": str(w.report_missing),
            "url": links.task(scope, report=REPORT_MISSING),
            "css": "warning",
        },
        {
            "key": "rectified",
            "ratio": True,
            "label": "整改率",
            "value": ratio(p["closed"], p["total"]),
            "url": links.problem(scope, status="closed"),
        },
        {
            "key": "overdue",
            "label": "整改逾期",
            "value": str(p["overdue"]),
            "url": links.problem(scope, overdue="on"),
            "css": "danger",
        },
    ]


def rings(t: cockpit.Tally, links: Links) -> dict:
    scope = {"unit": t.root.pk}
    status = [
        {"name": s.label, "value": t.whole.status.get(s.value, 0), "url": links.task(scope, status=s.value)}
        for s in STATUS_ORDER
        if t.whole.status.get(s.value, 0)
    ]
    light = [
        {
            "name": lt.label,
            "value": t.whole.lights.get(int(lt), 0),
            "url": links.task(scope, light=LIGHT_SLUG_OF[int(lt)]),
            "itemStyle": {"color": LIGHT_COLORS[lt]},
        }
        for lt in LIGHTS
    ]
    return {"status": status, "light": light}


def _rate_item(part: int, whole: int, url: str) -> dict:
    return {"value": pct(part, whole), "label": ratio(part, whole), "url": url}


def by_unit(t: cockpit.Tally, links: Links) -> dict:
    shown = _shown(t)
    units = [b.label for b in shown]
    completion = [
        _rate_item(b.tasks.completed, b.tasks.total, links.task(b.task_params, light="done")) for b in shown
    ]
    on_time = [
        _rate_item(b.tasks.on_time, b.tasks.completed, links.task(b.task_params, timeliness=ON_TIME))
        for b in shown
    ]
    red = [{"value": b.tasks.red, "url": links.task(b.task_params, light="red")} for b in shown]
    late = [
        {"value": b.tasks.report_late, "url": links.task(b.task_params, report=REPORT_LATE)} for b in shown
    ]
    missing = [
        {"value": b.tasks.report_missing, "url": links.task(b.task_params, report=REPORT_MISSING)}
        for b in shown
    ]
    rect = {
        "closed": [
            {"value": b.problems["closed"], "url": links.problem(b.problem_params, status="closed")}
            for b in shown
        ],
        "in_work": [
            {"value": b.problems["in_work"], "url": links.problem(b.problem_params, status="in_work")}
            for b in shown
        ],
        "overdue": [
            {"value": b.problems["overdue"], "url": links.problem(b.problem_params, overdue="on")}
            for b in shown
        ],
        "total": [{"value": b.problems["total"], "url": links.problem(b.problem_params)} for b in shown],
        "rate": [ratio(b.problems["closed"], b.problems["total"]) for b in shown],
    }
    return {
        "units": units,
        "completion": completion,
        "on_time": on_time,
        "red": red,
        "report_late": late,
        "report_missing": missing,
        "rect": rect,
    }


def by_category(t: cockpit.Tally, links: Links, categories: list) -> dict:
    scope = {"unit": t.root.pk}
    shown = [c for c in categories if c.pk in t.by_category]
    counts = [t.by_category[c.pk] for c in shown]
    return {
        "categories": [c.name for c in shown],
        "completion": [
            _rate_item(n.completed, n.total, links.task(scope, category=c.pk, light="done"))
            for c, n in zip(shown, counts, strict=True)
        ],
        "on_time": [
            _rate_item(n.on_time, n.completed, links.task(scope, category=c.pk, timeliness=ON_TIME))
            for c, n in zip(shown, counts, strict=True)
        ],
    }


def top_red(t: cockpit.Tally, links: Links) -> list[dict]:
    ranked = sorted(t.red_by_unit.items(), key=lambda kv: (-kv[1], kv[0]))[: cockpit.TOP]
    names = {u.pk: u.display_name for u in Unit.objects.filter(pk__in=[pk for pk, _ in ranked])}
    return [
        {"name": names.get(pk, str(pk)), "value": n, "url": links.task({"lead_unit": pk}, light="red")}
        for pk, n in ranked
    ]


def heat(t: cockpit.Tally, links: Links, categories: list) -> dict:
    cols = [c for c in categories if c.pk in t.by_category]
    top = max((n.red for b in t.buckets for n in b.by_category.values()), default=0)
    rows = []
    for b in _shown(t):
        if not b.tasks.total:  # a unit leading no task: a row of zeros says nothing
            continue
        cells = []
        for c in cols:
            n = b.by_category.get(c.pk, cockpit.Counts())
            cells.append(
                {
                    "red": n.red,
                    "total": n.total,
                    "url": links.task({**b.task_params, "category": c.pk}, light="red"),
                    "shade": round(n.red / top, 2) if top else 0,
                }
            )
        rows.append({"label": b.label, "cells": cells})
    return {"columns": [c.name for c in cols], "rows": rows}


def ladder(user, today: dt.date) -> list[dict]:
    """The red-task ladder's steps (提醒/催办/督办单/列入通报/建议问责) in the user's scope."""
    return ladder_summary(user, today)


def page(user, today: dt.date) -> dict | None:
    root = scoping.root_of(user, cockpit.PERM)
    if root is None:
        return None
    t = cockpit.tally(user, today, root)
    links = Links()
    categories = list(TaskCategory.objects.order_by("pk"))
    charts = {
        "rings": rings(t, links),
        "units": by_unit(t, links),
        "categories": by_category(t, links, categories),
        "top": top_red(t, links),
        "trend": cockpit.trend(root, t.whole_tree),
    }
    return {
        "root": root,
        "headline": headline(t, links),
        "charts": charts,
        "heat": heat(t, links, categories),
        "ladder": ladder(user, today),
        "light_red": Light.RED.label,
    }
