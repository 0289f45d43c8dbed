"""工作台: what waits for this user today. Each list is one query for its first rows plus one count,
scoped through core.scoping, lit by the database light expression (tasks.lights)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from core import scoping
from notifications.selectors import recent_for
from org.models import PATH_WIDTH
from reporting.models import ProgressReport
from tasks import lights
from tasks.choices import CADENCE_DAYS, Cadence, ExtensionStatus, Light, TaskStatus
from tasks.models import Assignment, ExtensionRequest, Milestone, Task, TaskForceMember

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


def _direct_units(user, perm: str) -> list[int]:
    """Units where the user holds a role granting `perm` themselves (not every unit below them):
    signing, reporting and deciding are the business of the unit itself."""
    return sorted({g.unit_id for g in scoping.grants_for(user, perm)})


def _own_line(user) -> list[int]:
    """The user's unit and its ancestors: a unit never verifies its own work (R-TSK-6)."""
    if not user.unit_id:
        return []
    path = user.unit.path
    return [int(path[i : i + PATH_WIDTH]) for i in range(0, len(path), PATH_WIDTH)]


def _lit(qs, today):
    return qs.annotate(light=lights.light_expression(today)).select_related("task", "unit", "org_unit")


def _fill(section: Section, qs, today, wrap=None):
    section.items = [wrap(r) if wrap else r for r in qs[:LIMIT]]
    section.total = qs.count()
    return section


def _with_reason(today):
    def wrap(a):
        a.light_info = lights.for_object(a, today)
        return a

    return wrap


def report_due_q(today: dt.date) -> Q:
    """An open assignment whose next report is due: within a day of its cadence since the last
    report (or since it started), or — per milestone — a milestone due within a week, or — in an
    应急 period — no report yet today."""
    q = Q(pk__in=[])
    for cadence, days in CADENCE_DAYS.items():
        if days is None:
            continue
        limit = today - dt.timedelta(days=max(days - 1, 0))
        q |= Q(cadence=cadence) & (
            Q(last_report_on__lte=limit) | Q(last_report_on__isnull=True, start_date__lte=limit)
        )
    soon = Milestone.objects.filter(done_on__isnull=True, due_date__lte=today + dt.timedelta(days=7)).values(
        "task_id"
    )
    q |= Q(cadence=Cadence.MILESTONE) & (Q(last_report_on__isnull=True) | Q(task_id__in=soon))
    # 应急 (R-RPT-1): inside the special period every day asks for a report
    q |= Q(emergency_from__lte=today, emergency_until__gte=today) & (
        Q(last_report_on__lt=today) | Q(last_report_on__isnull=True)
    )
    return q


def workbench(user, today: dt.date) -> dict:
    wrap = _with_reason(today)
    has = lambda perm: scoping.has_any(user, perm)  # noqa: E731

    to_sign = Section(
        "to_sign", "待签收", "inbox", "primary", "没有待签收的任务", shown=has("tasks.sign_assignment")
    )
    if to_sign.shown:
        qs = _lit(
            Assignment.objects.filter(
                status=TaskStatus.ASSIGNED, unit_id__in=_direct_units(user, "tasks.sign_assignment")
            ),
            today,
        ).order_by("due_date", "id")
        _fill(to_sign, qs, today, wrap)

    team_tasks = TaskForceMember.objects.filter(user=user).values("task_id")
    to_report = Section("to_report", "待填报", "pencil-square", "info", "没有到期待报的任务")
    to_report.shown = (
        has("reporting.add_progressreport") or TaskForceMember.objects.filter(user=user).exists()
    )
    if to_report.shown:
        mine = Q(unit_id__in=_direct_units(user, "reporting.add_progressreport")) | Q(task_id__in=team_tasks)
        qs = _lit(
            Assignment.objects.filter(
                mine, report_due_q(today), status__in=(TaskStatus.SIGNED, TaskStatus.IN_PROGRESS)
            ),
            today,
        ).order_by("last_report_on", "due_date", "id")
        _fill(to_report, qs, today, wrap)

    overdue = Section(
        "overdue", "逾期", "alarm", "danger", "权限范围内没有逾期任务", shown=has("tasks.view_assignment")
    )
    if overdue.shown:
        qs = (
            _lit(Assignment.objects.visible_to(user, "tasks.view_assignment"), today)
            .filter(lights.light_q(Light.RED, today), status__in=OPEN)
            .order_by("due_date", "id")
        )
        _fill(overdue, qs, today, wrap)

    own_line = _own_line(user)
    completions = Section("completions", "待审核办结", "patch-check", "success", "没有待审核的办结申请")
    completions.shown = has("tasks.verify_assignment")
    if completions.shown:
        qs = _lit(
            Assignment.objects.filter(
                status=TaskStatus.COMPLETION_REQUESTED,
                org_unit_id__in=_direct_units(user, "tasks.verify_assignment"),
            ).exclude(unit_id__in=own_line),
            today,
        ).order_by("completion_requested_at", "id")
        _fill(completions, qs, today, wrap)

    extensions = Section("extensions", "待审批延期", "calendar-plus", "warning", "没有待审批的延期申请")
    extensions.shown = has("tasks.decide_extension")
    if extensions.shown:
        qs = (
            ExtensionRequest.objects.filter(
                status=ExtensionStatus.PENDING,
                assignment__org_unit_id__in=_direct_units(user, "tasks.decide_extension"),
            )
            .exclude(assignment__unit_id__in=own_line)
            .select_related("assignment__task", "assignment__unit", "requested_by")
            .order_by("requested_at", "id")
        )
        _fill(extensions, qs, today)

    reports = Section("reports", "待审核报告", "file-earmark-check", "secondary", "没有待审核的进展报告")
    reports.shown = has("reporting.approve_progressreport")
    if reports.shown:
        qs = (
            ProgressReport.objects.filter(
                status=ProgressReport.Status.SUBMITTED,
                org_unit_id__in=_direct_units(user, "reporting.approve_progressreport"),
            )
            .select_related("assignment__task", "org_unit", "submitted_by")
            .order_by("submitted_at", "id")
        )
        _fill(reports, qs, today)

    my_red = Section("my_red", "我的红色事项", "exclamation-octagon", "danger", "没有与您相关的红色事项")
    # "mine" is a UNION of indexed branches: an OR across them (and a join for created_by) would
    # make the database read every assignment
    units = sorted(
        set(_direct_units(user, "reporting.add_progressreport"))
        | set(_direct_units(user, "tasks.sign_assignment"))
    )
    my_tasks = scoping.union_of(
        [
            team_tasks.order_by(),
            Task.objects.filter(created_by=user).order_by().values("pk"),
            user.responsible_tasks.order_by().values("pk"),
        ]
    )
    mine = scoping.union_of(
        [
            Assignment.objects.filter(unit_id__in=units).order_by().values("pk"),
            Assignment.objects.filter(task_id__in=my_tasks).order_by().values("pk"),
        ]
    )
    qs = (
        _lit(Assignment.objects.filter(pk__in=mine), today)
        .filter(lights.light_q(Light.RED, today), status__in=OPEN)
        .order_by("due_date", "id")
    )
    _fill(my_red, qs, today, wrap)

    return {
        "cards": [to_sign, to_report, overdue, completions, extensions, reports],
        "my_red": my_red,
        "inbox_recent": recent_for(user, 6),
    }
