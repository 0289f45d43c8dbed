"""调度会 (R-DEC-6, 协同调度): a meeting of a unit lists the red and yellow tasks of its scope as
they stand when it is recorded, and records a follow-up per item — who (unit, person), what, by
when. A follow-up is a 批示 on the task with its meeting set (instructions.services.write): it
appears on the task's timeline and in the 落实单位's inbox, is answered with 落实情况 and 圈阅 by the
meeting's host (or a leader with the 圈阅 right at the meeting's unit) like any 批示.

Writes: meeting_create, followup_add (each one transaction, audited). Reads: meetings (the list),
meeting_detail (items with their light then and now, follow-ups with status and light, counts)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from audit.services import record
from core import clock, scoping
from core.services import require
from instructions import lights, rules, services, targets
from instructions.models import DispatchItem, DispatchMeeting, Instruction, InstructionStatus, TargetKind
from org.models import Unit, User
from tasks import lights as task_lights
from tasks.choices import Light, TaskStatus
from tasks.models import Task
from tasks.selectors import ledger_queryset

MAX_TITLE = 120
LISTED = (Light.RED, Light.YELLOW)


def max_items() -> int:
    """At most this many items are listed at one meeting (the page states the total)."""
    return getattr(settings, "DUBAN_DISPATCH_MAX_ITEMS", 200)


def default_title(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}年第{week}周重点任务调度会"


# --- which tasks a meeting lists -------------------------------------------------------------------


def red_and_yellow(actor, org_unit: Unit, today: dt.date, category=None):
    """The red and yellow tasks of `org_unit`'s scope seen by `actor`: visible to them, led by a
    unit in org_unit's subtree, not drafts, lit 红 or 黄 by tasks.lights (the one rule, as the
    database expression); red first, then the nearest due date."""
    qs = (
        ledger_queryset(actor, today, related=("lead_unit",))
        .filter(scoping.subtree_q(org_unit, "lead_unit"))
        .exclude(status=TaskStatus.DRAFT)
        .filter(light__in=[int(light) for light in LISTED])
    )
    if category is not None:
        qs = qs.filter(category=category)
    return qs.order_by("-light", "due_date", "id")


# --- writes ----------------------------------------------------------------------------------------


def _check_meeting(org_unit, title, held_on, host) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写会议名称"})
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": f"会议名称不能超过{MAX_TITLE}字"})
    if held_on is None:
        raise ValidationError({"held_on": "请填写会议日期"})
    if held_on > clock.today():
        raise ValidationError({"held_on": "会议日期不能晚于今天（调度会在开过之后记录）"})
    if host is None:
        raise ValidationError({"host": "请选择主持领导"})
    if not host.is_active or not scoping.unit_in_scope(host, rules.CLOSE, org_unit):
        raise ValidationError({"host": "主持领导须是主办单位有圈阅批示权限的领导"})
    return title


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    org_unit: Unit | None,
    title: str,
    held_on: dt.date | None,
    host: User | None,
    attendees: str = "",
    notes: str = "",
    category=None,
) -> DispatchMeeting:
    """Record a 调度会 of `org_unit` and freeze its items: the red and yellow tasks of the scope
    today (at most max_items(), the total kept), each with its light and reason."""
    if org_unit is None:
        raise ValidationError({"org_unit": "请选择主办单位"})
    require(actor, rules.MEETING_ADD, org_unit, "您没有在该单位记录调度会的权限")
    title = _check_meeting(org_unit, title, held_on, host)
    today = clock.today()
    found = red_and_yellow(actor, org_unit, today, category)
    rows = list(found[: max_items()])
    total = len(rows) if len(rows) < max_items() else found.count()
    meeting = DispatchMeeting.objects.create(
        org_unit=org_unit,
        title=title,
        held_on=held_on,
        host=host,
        attendees=(attendees or "").strip()[:2000],
        notes=(notes or "").strip()[:5000],
        category=category,
        items_total=total,
        created_by=actor,
    )
    items = []
    for position, task in enumerate(rows, start=1):
        info = task_lights.for_object(task, today)
        items.append(
            DispatchItem(
                meeting=meeting, task=task, position=position, light=int(info.light), reason=info.reason[:120]
            )
        )
    DispatchItem.objects.bulk_create(items)
    record(
        actor=actor,
        action="instructions.dispatchmeeting.created",
        obj=meeting,
        unit=org_unit,
        changes={
            "title": title,
            "held_on": held_on,
            "host": host.full_name,
            "items": len(items),
            "total": total,
        },
    )
    return meeting


@transaction.atomic
def followup_add(
    *,
    actor: User,
    meeting: DispatchMeeting,
    task: Task,
    text: str,
    assignee_unit: Unit | None,
    due_date: dt.date | None,
    assignee_person: User | None = None,
    assignee_name: str = "",
) -> Instruction:
    """A follow-up on one item of the meeting: a 批示 on the task, written by `actor` (the 督查员
    or leader recording the meeting) for the meeting's unit, through instructions.services.write
    (text, 落实单位 in scope and related to the task, due date; timeline, audit, inbox)."""
    require(actor, rules.MEETING_ADD, meeting.org_unit, "只有主办单位的领导或督查员可以记录调度会跟踪事项")
    if not DispatchItem.objects.filter(meeting=meeting, task_id=task.pk).exists():
        raise ValidationError("该任务不在本次调度会的事项清单中")
    target = targets.find(TargetKind.TASK, task.pk, actor)
    return services.write(
        actor=actor,
        org_unit=meeting.org_unit,
        kind=TargetKind.TASK,
        target=target,
        text=text,
        assignee_unit=assignee_unit,
        due_date=due_date,
        assignee_person=assignee_person,
        assignee_name=assignee_name,
        perm=rules.MEETING_ADD,
        meeting=meeting,
    )


# --- reads -----------------------------------------------------------------------------------------


def _count(condition: Q | None = None):
    qs = Instruction.objects.filter(meeting=OuterRef("pk"))
    if condition is not None:
        qs = qs.filter(condition)
    sub = qs.order_by().values("meeting").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def meetings(user, today: dt.date):
    """The 调度会 the viewer may see, newest first, each with its follow-up counts (subqueries:
    one query for a page whatever its length)."""
    items = DispatchItem.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting")
    return (
        DispatchMeeting.objects.visible_to(user, rules.MEETING_VIEW)
        .select_related("org_unit", "host")
        .annotate(
            items_n=Coalesce(Subquery(items.annotate(n=Count("pk")).values("n")), Value(0)),
            followups_n=_count(),
            closed_n=_count(Q(status=InstructionStatus.CLOSED)),
            overdue_n=_count(lights.overdue_q(today)),
        )
        .order_by("-held_on", "-id")
    )


@dataclass
class Counts:
    items: int
    red: int
    with_followup: int
    followups: int
    answered: int
    closed: int
    overdue: int

    @property
    def yellow(self) -> int:
        return self.items - self.red


def light_then(item: DispatchItem) -> task_lights.LightResult:
    """An item's light and reason on the meeting's day, as frozen."""
    return task_lights.LightResult(Light(item.light), item.reason)


def meeting_for(user, pk: int) -> DispatchMeeting:
    return get_object_or_404(
        DispatchMeeting.objects.visible_to(user, rules.MEETING_VIEW).select_related("org_unit", "host"), pk=pk
    )


def meeting_detail(user, pk: int, today: dt.date):
    """(meeting, items, counts): each item (DispatchItem) with `task`, `then` (its light at the
    meeting), `now` (its light today) and `followups` (with their light), in the meeting's order."""
    meeting = get_object_or_404(
        DispatchMeeting.objects.visible_to(user, rules.MEETING_VIEW).select_related(
            "org_unit", "host", "created_by", "category"
        ),
        pk=pk,
    )
    items = list(meeting.listed.select_related("task__lead_unit"))
    followups = defaultdict(list)
    qs = Instruction.objects.visible_to(user, rules.VIEW).filter(meeting=meeting)
    rows = qs.select_related("assignee_unit", "assignee_person", "author").order_by("created_at", "id")
    for ins in rows:
        ins.light_info = lights.light_of(ins, today)
        followups[ins.task_id].append(ins)
    for item in items:
        item.then = light_then(item)
        item.now = task_lights.for_object(item.task, today)
        item.followups = followups.get(item.task_id, [])
    every = [ins for group in followups.values() for ins in group]
    counts = Counts(
        items=len(items),
        red=sum(1 for item in items if item.light == Light.RED),
        with_followup=sum(1 for item in items if item.followups),
        followups=len(every),
        answered=sum(1 for ins in every if ins.status != InstructionStatus.PENDING),  # 已报, 圈阅 or not
        closed=sum(1 for ins in every if ins.status == InstructionStatus.CLOSED),
        overdue=sum(1 for ins in every if ins.light_info.light == Light.RED),
    )
    return meeting, items, counts


def host_choices(units):
    """Who may chair a meeting of one of `units`: the active accounts holding the 圈阅 right there."""
    q = Q(pk__in=[])
    for unit in units:
        q |= scoping.holders_q(unit, rules.CLOSE)
    return (
        User.objects.filter(q, is_active=True).distinct().select_related("unit").order_by("unit__path", "id")
    )


def followup_units(user, task) -> list:
    """The 落实单位 a follow-up on `task` may name: the task's units and those above them, inside
    the recorder's scope (the same rule services.write checks)."""
    return [
        u
        for u in targets.related_units(TargetKind.TASK, task)
        if scoping.unit_in_scope(user, rules.MEETING_ADD, u)
    ]
