"""Writes of 领导批示: create, answer (报送落实情况), close (圈阅) and return (退回补充). Each checks
the rule (instructions.rules, the state through instructions.transitions), then in one transaction
writes the 批示, its history, the audit entry, the step on the record's timeline and the inbox
notices. A refusal is a Chinese ValidationError / PermissionDenied and changes nothing."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.services import record
from core import clock, scoping
from core.services import require
from files.services import attachment_store
from instructions import rules, targets
from instructions.models import Instruction, InstructionEvent
from instructions.transitions import INSTRUCTION
from notifications.models import Message
from notifications.services import notify, unit_people
from org.models import Unit, User

MAX_TEXT = 2000


def leader_unit(user) -> Unit | None:
    """The unit a leader writes for: their own unit when they hold the right there, else the first
    unit their grant sits on."""
    units = scoping.acting_units(user, rules.ADD)
    return units[0] if units else None


def _locked(ins: Instruction, version: int | None) -> Instruction:
    fresh = Instruction.objects.select_for_update().select_related("org_unit", "assignee_unit").get(pk=ins.pk)
    if version is not None and fresh.version != version:
        raise ValidationError("该批示已被他人处理，请刷新页面后重试")
    fresh.version += 1
    return fresh


def _history(ins: Instruction, kind: str, actor: User, text: str) -> InstructionEvent:
    event = InstructionEvent.objects.create(
        instruction=ins, kind=kind, actor=actor, at=clock.now(), text=text
    )
    what = InstructionEvent.Kind(kind).label
    if kind == "created" and ins.meeting_id:
        what = "调度会跟踪事项"
    targets.timeline(ins, kind, actor, f"{what}：{text[:200]}")
    return event


def _check_text(text: str, field: str, empty: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: empty})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: f"内容不能超过{MAX_TEXT}字"})
    return text


def _check_assignee(actor, kind, target, unit, person, perm: str = rules.ADD) -> None:
    if unit is None:
        raise ValidationError({"assignee_unit": "请选择落实单位"})
    if not scoping.unit_in_scope(actor, perm, unit):
        raise ValidationError({"assignee_unit": "落实单位不在您的管辖范围内"})
    if unit.pk not in {u.pk for u in targets.related_units(kind, target)}:
        raise ValidationError({"assignee_unit": "落实单位须是批示对象的单位或其上级单位"})
    if person is not None and person.unit_id != unit.pk:
        raise ValidationError({"assignee_person": "落实责任人须是落实单位的人员"})


@transaction.atomic
def instruction_create(
    *,
    actor: User,
    kind: str,
    target_id,
    text: str,
    assignee_unit: Unit | None,
    due_date: dt.date | None,
    assignee_person: User | None = None,
    assignee_name: str = "",
) -> Instruction:
    org_unit = leader_unit(actor)
    if org_unit is None:
        raise PermissionDenied("只有领导可以作出批示")
    require(actor, rules.ADD, org_unit)
    target = targets.find(kind, target_id, actor)
    return write(
        actor=actor,
        org_unit=org_unit,
        kind=kind,
        target=target,
        text=text,
        assignee_unit=assignee_unit,
        due_date=due_date,
        assignee_person=assignee_person,
        assignee_name=assignee_name,
    )


def write(
    *,
    actor: User,
    org_unit: Unit,
    kind: str,
    target,
    text: str,
    assignee_unit: Unit | None,
    due_date: dt.date | None,
    assignee_person: User | None = None,
    assignee_name: str = "",
    perm: str = rules.ADD,
    meeting=None,
) -> Instruction:
    """The one write of a new 批示 (and of a 调度会's follow-up, `meeting` set, instructions.dispatch):
    the caller checked who may write it for `org_unit` and found `target`; here the text, the
    落实单位 (in the writer's `perm` scope, related to the target), the due date, then the row, its
    history, the record's timeline, the audit entry and the notices. Call inside a transaction."""
    text = _check_text(text, "text", "请填写批示内容" if meeting is None else "请填写跟踪事项内容")
    _check_assignee(actor, kind, target, assignee_unit, assignee_person, perm)
    if due_date is None:
        raise ValidationError({"due_date": "请填写落实时限"})
    if due_date < clock.today():
        raise ValidationError({"due_date": "落实时限不能早于今天"})
    ins = Instruction(
        target_kind=kind,
        target_label=targets.label(kind, target)[:240],
        org_unit=org_unit,
        author=actor,
        text=text,
        assignee_unit=assignee_unit,
        assignee_person=assignee_person,
        assignee_name="" if assignee_person else (assignee_name or "").strip()[:40],
        due_date=due_date,
        status=INSTRUCTION.target("create"),
        meeting=meeting,
        **{kind: target},
    )
    ins.save()
    _history(ins, "created", actor, text)
    changes = {
        "target": ins.target_label,
        "assignee_unit": str(assignee_unit),
        "due_date": due_date,
        "text": text[:200],
    }
    action = "instructions.instruction.created"
    if meeting is not None:
        action, changes["meeting"] = "instructions.followup.created", meeting.title
    record(actor=actor, action=action, obj=ins, unit=org_unit, changes=changes)
    title = f"{'调度会跟踪事项' if meeting else '领导批示'}：{ins.target_label[:40]}"
    _tell_assignee(ins, title, text)
    return ins


def _tell_assignee(ins: Instruction, title: str, body: str) -> None:
    people = unit_people(ins.assignee_unit, rules.ANSWER)
    if ins.assignee_person_id and ins.assignee_person not in people:
        people.append(ins.assignee_person)
    notify(
        recipients=people,
        kind=Message.Kind.INSTRUCTION,
        title=title,
        body=f"{ins.author.full_name}：{body[:80]}，请于{ins.due_date:%Y-%m-%d}前报送落实情况",
        link=ins.get_absolute_url(),
    )


@transaction.atomic
def instruction_answer(
    *, actor: User, instruction: Instruction, text: str, files=(), version: int | None = None
):
    """报送落实情况, with optional files (stored by files.services, type and size by content)."""
    ins = _locked(instruction, version)
    rules.check_answer(actor, ins)
    text = _check_text(text, "text", "请填写落实情况")
    ins.status = INSTRUCTION.target("answer")
    ins.answered_at, ins.answered_on = clock.now(), clock.today()
    ins.save()
    event = _history(ins, "answered", actor, text)
    stored = [
        attachment_store(actor=actor, upload=upload, org_unit=ins.assignee_unit, purpose="report")
        for upload in files or ()
    ]
    event.attachments.add(*stored)
    record(
        actor=actor,
        action="instructions.instruction.answered",
        obj=ins,
        changes={"text": text[:500], "files": [a.original_name for a in stored]},
    )
    notify(
        recipients=_leaders(ins),
        kind=Message.Kind.INSTRUCTION,
        title=f"批示已报落实：{ins.target_label[:40]}",
        body=f"{ins.assignee_unit.display_name}：{text[:80]}，请圈阅",
        link=ins.get_absolute_url(),
    )
    return ins


def _leaders(ins: Instruction) -> list:
    """Who is told of a 落实情况: the author, and for a 调度会's follow-up the meeting's host."""
    people = [ins.author]
    if ins.meeting_id and ins.meeting.host_id != ins.author_id:
        people.append(ins.meeting.host)
    return people


@transaction.atomic
def instruction_close(*, actor: User, instruction: Instruction, text: str = "", version: int | None = None):
    ins = _locked(instruction, version)
    rules.check_leader(actor, ins, "close")
    text = (text or "").strip()[:MAX_TEXT]
    ins.status = INSTRUCTION.target("close")
    ins.closed_at, ins.closed_by = clock.now(), actor
    ins.save()
    _history(ins, "closed", actor, text or "已阅")
    record(actor=actor, action="instructions.instruction.closed", obj=ins, changes={"text": text[:500]})
    notify(
        recipients=unit_people(ins.assignee_unit, rules.ANSWER),
        kind=Message.Kind.INSTRUCTION,
        title=f"批示已圈阅：{ins.target_label[:40]}",
        body=f"{actor.full_name}已圈阅落实情况{('：' + text[:60]) if text else ''}",
        link=ins.get_absolute_url(),
    )
    return ins


@transaction.atomic
def instruction_return(
    *,
    actor: User,
    instruction: Instruction,
    text: str,
    due_date: dt.date | None = None,
    version: int | None = None,
):
    ins = _locked(instruction, version)
    rules.check_leader(actor, ins, "return")
    text = _check_text(text, "text", "请写明还需落实什么")
    if due_date is not None and due_date < clock.today():
        raise ValidationError({"due_date": "落实时限不能早于今天"})
    before = ins.due_date
    ins.status = INSTRUCTION.target("return")
    ins.due_date = due_date or ins.due_date
    ins.return_count += 1
    ins.save()
    _history(ins, "returned", actor, text)
    record(
        actor=actor,
        action="instructions.instruction.returned",
        obj=ins,
        changes={"text": text[:500], "due_date": {"before": before, "after": ins.due_date}},
    )
    _tell_assignee(ins, f"批示退回补充：{ins.target_label[:40]}", text)
    return ins
