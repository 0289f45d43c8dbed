"""领导驾驶舱 (R-DSH-1..3): the numbers of one user's scope, each with the ledger URL of exactly the
records behind it.

What the numbers count (the definitions the drill-downs repeat):

- Scope root: the highest unit on which the user holds dashboards.view_cockpit (a province leader:
  the province; a county leader: the county; the 督查室's 督查员: the province).
- Tasks: the tasks the user may see in the task ledger (tasks.view_task) whose 牵头单位 lies in the
  root's subtree, drafts left out (任务总数 = ledger ?unit=root&status=issued).
- "By unit": the units directly below the root, each counting the tasks led by itself or any unit
  below it (ledger ?unit=<that unit>); tasks led by the root itself form the row "本级"
  (?lead_unit=root).
- Light: tasks.lights' rule on today (the database expression; the ledger's light filter).
- 完成率 = 已办结 / 任务总数; 按期率 = 按期办结 (办结日期 ≤ 完成时限) / 已办结 (?timeliness=on_time).
- 迟报 / 缺报: a reporting task (已交办/已签收/办理中) whose next report is past its day
  (tasks.lights.report_late_q), having reported before / never (?report=late / ?report=missing).
- Problems: the problems the user may see in the problem ledger whose 整改单位 lies in the root's
  subtree: 应整改 (all), 已整改 (销号), 正在整改 (整改中 + 已整改待验收), 逾期 (rectification.lights.
  overdue_q), 整改率 = 已整改 / 应整改 (?unit=…&status=closed / in_work, ?overdue=on).
- Top ten: the units (any level of the subtree) leading the most red tasks themselves (本级).
- Heat table: red tasks per unit directly below the root × task category.
- Trend: the daily snapshots (dashboards.models.DailySnapshot) of the subtree's units, summed, on
  the last snapshot day and every 7 days before it, 26 points; never recomputed.
- Rates: one decimal, rounded half up (rectification.selectors.rate), with the counts: "49/51 · 96.1%".

Constant queries whatever the data: the root, the units below it, whether it is the whole tree (then
the subtree condition is left out: it holds for every row), the task GROUP BY, the problem GROUP BY,
the paths of the units counted, the categories, the top ten's names, the snapshot day and the
snapshot GROUP BY (and the ladder's one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Sum
from django.urls import reverse
from django.utils.http import urlencode

from core import scoping
from core.db import Unindexed
from dashboards.models import DailySnapshot
from org.models import Unit
from rectification.lights import DONE as PROBLEM_DONE
from rectification.lights import overdue_q
from rectification.models import Problem
from rectification.selectors import IN_PROGRESS, rate
from tasks import lights
from tasks import selectors as task_selectors
from tasks.choices import Light, TaskStatus
from tasks.filters import (
    ON_TIME,
    REPORT_LATE,
    REPORT_MISSING,
    report_q,
    timeliness_q,
)
from tasks.models import Task

PERM = "dashboards.view_cockpit"
WEEKS = 26
TOP = 10
STATUS_ORDER = [s for s in TaskStatus if s != TaskStatus.DRAFT]
LIGHTS = (Light.RED, Light.YELLOW, Light.GREEN, Light.DONE)
LIGHT_COLORS = {Light.RED: "#dc3545", Light.YELLOW: "#ffc107", Light.GREEN: "#198754", Light.DONE: "#6c757d"}


def ratio(part: int, whole: int) -> str:
    """ "49/51 · 96.1%"; a zero denominator: "0/0 · —"."""
    return f"{part}/{whole} · {rate(part, whole)}"


def pct(part: int, whole: int) -> float | None:
    """The rate as a number for a bar's length (the label says the rounded rate)."""
    text = rate(part, whole)
    return None if text == "—" else float(text.rstrip("%"))


@dataclass
class Counts:
    total: int = 0
    completed: int = 0
    on_time: int = 0
    report_late: int = 0
    report_missing: int = 0
    lights: dict = field(default_factory=dict)
    status: dict = field(default_factory=dict)

    def add(self, r: dict) -> None:
        self.total += r["n"]
        self.on_time += r["on_time"]
        self.report_late += r["late"]
        self.report_missing += r["missing"]
        self.lights[r["light"]] = self.lights.get(r["light"], 0) + r["n"]
        self.status[r["state"]] = self.status.get(r["state"], 0) + r["n"]
        if r["state"] == TaskStatus.COMPLETED:
            self.completed += r["n"]

    @property
    def red(self) -> int:
        return self.lights.get(int(Light.RED), 0)


@dataclass
class Bucket:
    """A unit directly below the root (its subtree), or the root's 本级."""

    key: str
    label: str
    task_params: dict
    problem_params: dict
    tasks: Counts = field(default_factory=Counts)
    problems: dict = field(
        default_factory=lambda: dict.fromkeys(("total", "closed", "in_work", "overdue"), 0)
    )
    by_category: dict = field(default_factory=dict)


class Links:
    def __init__(self):
        self.tasks = reverse("tasks:task_list")
        self.problems = reverse("rectification:problem_list")

    def task(self, params: dict, **more) -> str:
        return f"{self.tasks}?{urlencode({**params, 'status': 'issued', **more})}"

    def problem(self, params: dict, **more) -> str:
        return f"{self.problems}?{urlencode({**params, **more})}"


def _buckets(root: Unit, children: list[Unit]) -> list[Bucket]:
    own = Bucket("own", f"{root.display_name}本级", {"lead_unit": root.pk}, {"org_unit": root.pk})
    return [own] + [Bucket(str(c.pk), c.display_name, {"unit": c.pk}, {"unit": c.pk}) for c in children]


def _in_root(qs, root: Unit, field: str, whole_tree: bool):
    """Rows whose `field` lies in the root's subtree (no condition when that is every row)."""
    return qs if whole_tree else qs.filter(scoping.subtree_q(root, field))


def _tasks(user, today: dt.date):
    """The tasks the user may see (tasks.view_task) with their light: every task for a user who
    sees the whole tree (scoping.sees_whole_tree), else the ledger's queryset."""
    if scoping.sees_whole_tree(user, "tasks.view_task"):
        return Task.objects.annotate(light=lights.light_expression(today))
    return task_selectors.ledger_queryset(user, today)


def _problems(user):
    if scoping.sees_whole_tree(user, "rectification.view_problem"):
        return Problem.objects.all()
    return Problem.objects.visible_to(user, "rectification.view_problem", listing=True)


def _task_rows(user, today: dt.date, root: Unit, whole_tree: bool):
    qs = _in_root(_tasks(user, today), root, "lead_unit", whole_tree)
    return (
        qs.exclude(status=TaskStatus.DRAFT)
        .order_by()
        .values(
            "light",
            lead=Unindexed("lead_unit_id"),
            kind=Unindexed("category_id"),
            state=Unindexed("status"),
        )
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=timeliness_q(ON_TIME)),
            late=Count("pk", filter=report_q(REPORT_LATE, today)),
            missing=Count("pk", filter=report_q(REPORT_MISSING, today)),
        )
        .order_by()
    )


def _problem_rows(user, today: dt.date, root: Unit, whole_tree: bool):
    return (
        _in_root(_problems(user), root, "org_unit", whole_tree)
        .order_by()
        .values(unit=Unindexed("org_unit_id"))
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=PROBLEM_DONE),
            in_work=Count("pk", filter=IN_PROGRESS),
            overdue=Count("pk", filter=overdue_q(today)),
        )
        .order_by()
    )


def _bucket_for(root: Unit, child_of, buckets: dict, unit_id: int, path: str):
    if unit_id == root.pk:
        return buckets["own"]
    child = child_of(path)
    return buckets[str(child.pk)] if child else None


def trend(root: Unit, whole_tree: bool = False) -> list[dict]:
    """26 weekly points of the subtree's summed snapshots, oldest first: the last snapshot day (a
    snapshot is taken for every unit at once) and every 7 days before it (a day without snapshots
    shows no values)."""
    last = DailySnapshot.objects.aggregate(last=Max("day"))["last"]
    snaps = _in_root(DailySnapshot.objects.all(), root, "unit", whole_tree)
    if last is None:
        return []
    days = [last - dt.timedelta(days=7 * k) for k in range(WEEKS - 1, -1, -1)]
    fields = ("tasks", "red", "yellow", "green", "done", "report_late", "report_missing", "problems_overdue")
    rows = {
        r["day"]: r
        for r in snaps.filter(day__in=days).order_by().values("day").annotate(**{f: Sum(f) for f in fields})
    }
    return [{"day": d.isoformat(), **{f: rows[d][f] if d in rows else None for f in fields}} for d in days]


@dataclass
class Tally:
    """Everything counted once: the buckets, the whole scope, and red tasks per lead unit (本级)."""

    root: Unit
    buckets: list[Bucket]
    whole: Counts
    problems: dict
    by_category: dict  # category id → Counts
    red_by_unit: dict  # lead unit id → red tasks led by it
    whole_tree: bool = False  # the root is the whole tree (no subtree condition needed)


def tally(user, today: dt.date, root: Unit) -> Tally:
    children = list(Unit.objects.filter(parent=root).order_by("path"))
    buckets = _buckets(root, children)
    index = {b.key: b for b in buckets}
    whole, by_category, red_by_unit = Counts(), {}, {}
    problems = dict.fromkeys(("total", "closed", "in_work", "overdue"), 0)
    whole_tree = scoping.is_whole_tree(root)
    task_rows = list(_task_rows(user, today, root, whole_tree))
    problem_rows = list(_problem_rows(user, today, root, whole_tree))
    # the paths of the subtree's units, read whole: an IN of the thousands of units counted costs
    # more to build than the read
    path = dict(_in_root(Unit.objects.all(), root, "", whole_tree).values_list("pk", "path"))
    child_of = scoping.bucket_of(children)
    for r in task_rows:
        bucket = _bucket_for(root, child_of, index, r["lead"], path[r["lead"]])
        whole.add(r)
        by_category.setdefault(r["kind"], Counts()).add(r)
        if bucket is not None:
            bucket.tasks.add(r)
            bucket.by_category.setdefault(r["kind"], Counts()).add(r)
        if r["light"] == Light.RED:
            red_by_unit[r["lead"]] = red_by_unit.get(r["lead"], 0) + r["n"]
    for r in problem_rows:
        bucket = _bucket_for(root, child_of, index, r["unit"], path[r["unit"]])
        for key in problems:
            problems[key] += r[key]
            if bucket is not None:
                bucket.problems[key] += r[key]
    return Tally(root, buckets, whole, problems, by_category, red_by_unit, whole_tree)
