"""A task's milestones (时间节点, R-TSK-3), indicators and task force (专班, R-TSK-4)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import record
from core import clock
from files.services import attachment_store
from org.models import User
from tasks import rules
from tasks.choices import (
    EventKind,
)
from tasks.models import (
    Indicator,
    Milestone,
    Task,
    TaskForceMember,
)
from tasks.services.common import _event


@transaction.atomic
def milestone_create(*, actor: User, task: Task, title: str, due_date: dt.date) -> Milestone:
    rules.check_change_task(actor, task)
    if not title.strip():
        raise ValidationError({"title": "请填写节点名称"})
    if due_date > task.due_date:
        raise ValidationError({"due_date": f"节点时限不能晚于任务时限（{task.due_date:%Y-%m-%d}）"})
    ms = Milestone(task=task, title=title, due_date=due_date)
    ms.full_clean()
    ms.save()
    _event(task, EventKind.MILESTONE, actor, f"新增时间节点“{title}”，时限{due_date:%Y-%m-%d}")
    record(
        actor=actor,
        action="tasks.milestone.created",
        obj=ms,
        unit=task.org_unit,
        changes={"title": title, "due_date": due_date},
    )
    return ms


@transaction.atomic
def milestone_complete(*, actor: User, milestone: Milestone, note: str = "", files=()) -> Milestone:
    """A milestone is done on evidence (R-TSK-3): files given here are stored with it first."""
    milestone = Milestone.objects.select_for_update().select_related("task").get(pk=milestone.pk)
    task = milestone.task
    lead = task.assignments.select_related("unit").filter(unit=task.lead_unit).first()
    rules.check_milestone_complete(actor, milestone, lead)
    for upload in files:
        milestone.attachments.add(
            attachment_store(actor=actor, upload=upload, org_unit=lead.unit, purpose="milestone")
        )
    if not milestone.attachments.exists():
        raise ValidationError({"files": "完成时间节点须上传佐证材料"})
    milestone.done_on = clock.today()
    milestone.evidence_note = note
    milestone.save(update_fields=["done_on", "evidence_note"])
    _event(
        task,
        EventKind.MILESTONE,
        actor,
        f"完成时间节点“{milestone.title}”{('：' + note) if note else ''}",
        lead,
    )
    record(
        actor=actor,
        action="tasks.milestone.updated",
        obj=milestone,
        unit=lead.unit,
        changes={"done_on": milestone.done_on, "note": note},
    )
    return milestone


@transaction.atomic
def indicator_create(*, actor: User, task: Task, **data) -> Indicator:
    rules.check_change_task(actor, task)
    ind = Indicator(task=task, **data)
    ind.full_clean()
    ind.save()
    _event(
        task,
        EventKind.INDICATOR,
        actor,
        f"新增指标“{ind.name}”：{ind.get_direction_display()}{ind.target}{ind.unit_of_measure}",
    )
    record(actor=actor, action="tasks.indicator.created", obj=ind, unit=task.org_unit, changes=data)
    return ind


@transaction.atomic
def taskforce_set(*, actor: User, task: Task, members, leader=None) -> None:
    """专班 (R-TSK-4): members may come from several units; all of them see and may report."""
    rules.check_change_task(actor, task)
    members = list(members)
    if leader is not None and leader.pk not in {m.pk for m in members}:
        members.append(leader)
    if any(not m.is_active for m in members):
        raise ValidationError({"members": "不能把已停用的账号加入专班"})
    before = sorted(str(m.user) for m in task.taskforce.select_related("user"))
    task.taskforce.all().delete()
    for user in members:
        TaskForceMember.objects.create(
            task=task, user=user, is_leader=leader is not None and user.pk == leader.pk
        )
    after = sorted(str(u) for u in members)
    _event(
        task,
        EventKind.TASKFORCE,
        actor,
        "专班成员：" + ("、".join(after) if after else "（无）") + (f"；负责人{leader}" if leader else ""),
    )
    record(
        actor=actor,
        action="tasks.taskforce.updated",
        obj=task,
        changes={"members": {"before": before, "after": after}, "leader": str(leader) if leader else None},
    )
