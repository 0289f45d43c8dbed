"""工作台: what waits for this user today. Each list is one query for the ids of its first rows
together with its total (a window COUNT over the rows its conditions select, so the database reads
them once), then one query loads the shown assignments of every list; scoped through core.scoping.
The light and its reason of a shown row come from tasks.lights.for_object, the Python twin of the
database light expression: the lists filter on the plain red condition (lights.light_q), never on
the CASE expression."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Window

from core import scoping
from core.db import first_of_union
from documents import selectors as documents_selectors
from instructions import selectors as instructions_selectors
from notifications.selectors import recent_for
from org.models import Unit
from reporting.models import ProgressReport
from tasks import lights
from tasks.choices import ExtensionStatus, Light, TaskStatus
from tasks.models import Assignment, ExtensionRequest, Task, TaskForceMember

LIMIT = 8
OPEN = (TaskStatus.ASSIGNED, TaskStatus.SIGNED, TaskStatus.IN_PROGRESS, TaskStatus.COMPLETION_REQUESTED)


@dataclass
class Section:
    key: str
    title: str
    icon: str
    css: str
    empty: str
    items: list = field(default_factory=list)
    total: int = 0
    shown: bool = True
    ids: list = field(default_factory=list)


def _direct_units(user, perm: str) -> list[int]:
    """Units where the user holds a role granting `perm` themselves (not every unit below them):
    signing, reporting and deciding are the business of the unit itself."""
    return sorted({g.unit_id for g in scoping.grants_for(user, perm)})


def _unit_reach(units: set[int]) -> tuple[set[int], set[int]]:
    """Of `units`, those with a unit above them (somebody can assign to them) and those with units
    below them (somebody they can assign to), in one query: a panel whose work cannot reach the
    user's units (待签收 for the province itself, 待审核办结 for a department with nothing below)
    is not shown rather than always empty."""
    if not units:
        return set(), set()
    rows = (
        Unit.objects.filter(pk__in=units)
        .annotate(below=Exists(Unit.objects.filter(parent_id=OuterRef("pk"))))
        .values_list("pk", "parent_id", "below")
    )
    above, below = set(), set()
    for pk, parent_id, has_below in rows:
        if parent_id is not None:
            above.add(pk)
        if has_below:
            below.add(pk)
    return above, below


def _own_line(user) -> list[int]:
    """The user's unit and its ancestors: a unit never verifies its own work (R-TSK-6)."""
    return user.unit.ancestor_ids if user.unit_id else []


def _first(section: Section, qs, order: tuple[str, ...]) -> Section:
    """Ids of the first LIMIT rows of `qs` in `order` (ending with "id") and the number of rows of
    `qs`, in one query."""
    first = list(qs.annotate(total=Window(Count("pk"))).order_by(*order).values_list("pk", "total")[:LIMIT])
    section.ids = [pk for pk, _ in first]
    section.total = first[0][1] if first else 0
    return section


def _first_of(section: Section, branches: list, order: tuple[str, ...]) -> Section:
    """The same for a list whose rows come from several branches (the scope's unit fields, or
    the kinds of "mine"), each a queryset already filtered by the list's conditions: one query
    over the UNION of the branches (core.db.first_of_union)."""
    section.ids, section.total = first_of_union(branches, order, LIMIT)
    return section


def _load(sections: list[Section], qs) -> None:
    """The shown rows of `sections` (lists of one model) in one query, in each list's order."""
    wanted = [pk for s in sections for pk in s.ids]
    if not wanted:
        return
    rows = qs.in_bulk(wanted)
    for s in sections:
        s.items = [rows[pk] for pk in s.ids]


def _with_reason(a, today):
    a.light_info = lights.for_object(a, today)
    a.light = int(a.light_info.light)
    return a


@dataclass
class _Ctx:
    """What the lists of one user's 工作台 share: the units each action's roles sit on, which of
    them can receive (`above`) or give (`below`) work, and the user's task-force tasks."""

    user: object
    today: dt.date
    direct: dict
    above: set
    below: set
    team_tasks: object
    in_team: Callable[[], bool]  # asked only when it decides (one query)
    red_open: tuple

    def reaches(self, perm: str, side: set) -> bool:
        return bool(side.intersection(self.direct[perm]))


ACTIONS = (
    "tasks.sign_assignment",
    "reporting.add_progressreport",
    "tasks.verify_assignment",
    "tasks.decide_extension",
)


def _context(user, today: dt.date) -> _Ctx:
    direct = {p: _direct_units(user, p) for p in ACTIONS}
    above, below = _unit_reach(set().union(*direct.values()))
    team = TaskForceMember.objects.filter(user=user)
    red_open = (lights.light_q(Light.RED, today), Q(status__in=OPEN))
    return _Ctx(user, today, direct, above, below, team.values("task_id"), team.exists, red_open)


def _to_sign(c: _Ctx) -> Section:
    section = Section("to_sign", "待签收", "inbox", "primary", "没有待签收的任务")
    section.shown = c.reaches("tasks.sign_assignment", c.above)
    if section.shown:
        qs = Assignment.objects.filter(
            status=TaskStatus.ASSIGNED, unit_id__in=c.direct["tasks.sign_assignment"]
        )
        _first(section, qs, ("due_date", "id"))
    return section


def _to_report(c: _Ctx) -> Section:
    section = Section("to_report", "待填报", "pencil-square", "info", "没有到期待报的任务")
    section.shown = c.reaches("reporting.add_progressreport", c.above) or c.in_team()
    if section.shown:
        due = Assignment.objects.filter(
            lights.report_due_q(c.today), status__in=(TaskStatus.SIGNED, TaskStatus.IN_PROGRESS)
        )
        branches = [
            due.filter(unit_id__in=c.direct["reporting.add_progressreport"]),
            due.filter(task_id__in=c.team_tasks),
        ]
        _first_of(section, branches, ("last_report_on", "due_date", "id"))
    return section


def _overdue(c: _Ctx) -> Section:
    section = Section("overdue", "逾期", "alarm", "danger", "权限范围内没有逾期任务")
    section.shown = scoping.has_any(c.user, "tasks.view_assignment")
    if section.shown:
        # one indexed branch per scope field (assigning side, receiving side), red filter inside
        # each, instead of an OR that reads every red assignment of the province
        branches = scoping.scope_branches(
            Assignment.objects.filter(*c.red_open), c.user, "tasks.view_assignment"
        )
        _first_of(section, branches, ("due_date", "id"))
    return section


def _completions(c: _Ctx, own_line: list[int]) -> Section:
    section = Section("completions", "待审核办结", "patch-check", "success", "没有待审核的办结申请")
    section.shown = c.reaches("tasks.verify_assignment", c.below)
    if section.shown:
        qs = Assignment.objects.filter(
            status=TaskStatus.COMPLETION_REQUESTED,
            org_unit_id__in=c.direct["tasks.verify_assignment"],
        ).exclude(unit_id__in=own_line)
        _first(section, qs, ("completion_requested_at", "id"))
    return section


def _extensions(c: _Ctx, own_line: list[int]) -> Section:
    section = Section("extensions", "待审批延期", "calendar-plus", "warning", "没有待审批的延期申请")
    section.shown = c.reaches("tasks.decide_extension", c.below)
    if section.shown:
        qs = ExtensionRequest.objects.filter(
            status=ExtensionStatus.PENDING,
            assignment__org_unit_id__in=c.direct["tasks.decide_extension"],
        ).exclude(assignment__unit_id__in=own_line)
        _first(section, qs, ("requested_at", "id"))
        _load(
            [section],
            ExtensionRequest.objects.select_related("assignment__task", "assignment__unit", "requested_by"),
        )
    return section


def _reports(c: _Ctx) -> Section:
    section = Section("reports", "待审核报告", "file-earmark-check", "secondary", "没有待审核的进展报告")
    section.shown = scoping.has_any(c.user, "reporting.approve_progressreport")
    if section.shown:
        qs = ProgressReport.objects.filter(
            status=ProgressReport.Status.SUBMITTED,
            org_unit_id__in=_direct_units(c.user, "reporting.approve_progressreport"),
        )
        _first(section, qs, ("submitted_at", "id"))
        _load(
            [section], ProgressReport.objects.select_related("assignment__task", "org_unit", "submitted_by")
        )
    return section


# shown to whoever can have tasks of their own (sign, report, create, review as a leader, or a task
# force): not to the three administrators, 组织人事 or 纪检监察, who only read
OWN_WORK = ("tasks.sign_assignment", "reporting.add_progressreport", "tasks.add_task", "tasks.review_task")


def _my_red(c: _Ctx) -> Section:
    section = Section("my_red", "我的红色事项", "exclamation-octagon", "danger", "没有与您相关的红色事项")
    section.shown = any(scoping.has_any(c.user, p) for p in OWN_WORK) or c.in_team()
    if not section.shown:
        return section
    # "mine" is a UNION of indexed branches: an OR across them (and a join for created_by) would
    # make the database read every assignment
    units = sorted(set(c.direct["reporting.add_progressreport"]) | set(c.direct["tasks.sign_assignment"]))
    my_tasks = scoping.union_of(
        [
            c.team_tasks.order_by(),
            Task.objects.filter(created_by=c.user).order_by().values("pk"),
            c.user.responsible_tasks.order_by().values("pk"),
        ]
    )
    branches = [
        Assignment.objects.filter(*c.red_open, unit_id__in=units),
        Assignment.objects.filter(*c.red_open).filter(scoping.indexed_in("task", my_tasks)),
    ]
    return _first_of(section, branches, ("due_date", "id"))


def _to_issue(c: _Ctx) -> Section:
    """待签发: documents sent to this leader for 签发, and a drafter's documents returned with comments."""
    section = Section("to_issue", "待签发公文", "pen", "primary", "没有待签发或退回修改的公文")
    section.shown = scoping.has_any(c.user, "documents.issue_issueddocument") or scoping.has_any(
        c.user, "documents.add_issueddocument"
    )
    if section.shown:
        section.total, section.items = documents_selectors.for_workbench(c.user, c.today)
    return section


def _instructions(c: _Ctx) -> tuple[Section, Section]:
    """待落实批示 (for the units a 批示 names) and 待圈阅批示 (answered, for the leader who wrote it)."""
    pending = Section("instr_pending", "待落实批示", "chat-square-text", "warning", "没有待落实的领导批示")
    to_close = Section("instr_close", "待圈阅批示", "check2-circle", "info", "没有待圈阅的批示落实情况")
    pending.shown = scoping.has_any(c.user, "instructions.answer_instruction")
    to_close.shown = scoping.has_any(c.user, "instructions.add_instruction")
    if pending.shown or to_close.shown:
        wb = instructions_selectors.for_workbench(
            c.user, c.today, pending=pending.shown, to_close=to_close.shown
        )
        pending.total, pending.items = wb.pending
        to_close.total, to_close.items = wb.to_close
    return pending, to_close


def workbench(user, today: dt.date) -> dict:
    c = _context(user, today)
    to_sign, to_report, overdue = _to_sign(c), _to_report(c), _overdue(c)
    own_line = _own_line(user)
    completions, extensions, reports = _completions(c, own_line), _extensions(c, own_line), _reports(c)
    my_red = _my_red(c)
    to_issue, (instr_pending, instr_close) = _to_issue(c), _instructions(c)
    lists = [s for s in (to_sign, to_report, overdue, completions, my_red) if s.shown]
    _load(lists, Assignment.objects.select_related("task", "unit"))
    for s in lists:
        s.items = [_with_reason(a, today) for a in s.items]
    return {
        "cards": [
            to_sign,
            to_report,
            overdue,
            completions,
            extensions,
            reports,
            to_issue,
            instr_pending,
            instr_close,
        ],
        "my_red": my_red,
        "inbox_recent": recent_for(user, 6),
    }
