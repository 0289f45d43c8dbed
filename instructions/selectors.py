"""Reads of 领导批示: the ledger, one 批示 with its history, the 批示 of a record (for the panels on
the task, problem and document pages) and the 工作台's two lists. Every read starts from
`visible_to()` (the leader's side and the 落实单位's side, Instruction.scope_unit_fields)."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db.models import Q
from django.shortcuts import get_object_or_404

from core import scoping
from instructions import lights, rules
from instructions.models import Instruction, InstructionEvent, InstructionStatus
from org.selectors import unit_choices_for

WORKBENCH_ROWS = 8
RELATED = ("org_unit", "assignee_unit", "author", "assignee_person", "meeting")


def ledger(user, today: dt.date, perm: str = rules.VIEW):
    """The 批示落实台账's rows (light annotated), before filters."""
    return (
        Instruction.objects.visible_to(user, perm, listing=True)
        .select_related(*RELATED)
        .annotate(light=lights.light_annotation(today))
    )


def with_light(rows, today: dt.date) -> list:
    rows = list(rows)
    for ins in rows:
        ins.light_info = lights.light_of(ins, today)
    return rows


def detail(user, pk: int, today: dt.date) -> Instruction:
    ins = get_object_or_404(
        Instruction.objects.visible_to(user, rules.VIEW).select_related(*RELATED, "closed_by"), pk=pk
    )
    ins.light_info = lights.light_of(ins, today)
    ins.history = list(ins.events.select_related("actor__unit").prefetch_related("attachments"))
    return ins


def for_action(user, pk: int) -> Instruction:
    return get_object_or_404(Instruction.objects.visible_to(user, rules.VIEW).select_related(*RELATED), pk=pk)


def on_records(user, today: dt.date, condition: Q) -> list:
    """The 批示 matching `condition` (on one record, or on a task and its reports) the viewer may
    see, newest first, with their light: one query."""
    if not scoping.has_any(user, rules.VIEW):
        return []
    qs = Instruction.objects.visible_to(user, rules.VIEW).filter(condition).select_related(*RELATED)
    return with_light(qs.order_by("-created_at", "-id"), today)


class Workbench(NamedTuple):
    pending: tuple  # 待落实批示: (total, first rows) for the answerers of the 落实单位
    to_close: tuple  # 待圈阅批示: (total, first rows) for the author (a 调度会's host for its follow-ups)


def _first(qs, today) -> tuple:
    rows = with_light(qs.select_related(*RELATED).order_by("due_date", "id")[:WORKBENCH_ROWS], today)
    total = len(rows) if len(rows) < WORKBENCH_ROWS else qs.count()
    return total, rows


def for_workbench(user, today: dt.date, *, pending: bool = True, to_close: bool = True) -> Workbench:
    """The 工作台's 待落实批示 (open 批示 sent to a unit where the user may answer) and 待圈阅批示
    (answered 批示 the user wrote): each (total, first 8 rows, nearest due first); a list the page
    does not show is not read ((0, []))."""
    none = (0, [])
    answering = pending and scoping.has_any(user, rules.ANSWER)
    first_pending = none
    if answering:
        qs = Instruction.objects.filter(
            scoping.scope_q(user, rules.ANSWER, ("assignee_unit",)), status=InstructionStatus.PENDING
        )
        first_pending = _first(qs, today)
    first_close = none
    if to_close:
        # the 批示 they wrote, and the follow-ups of the 调度会 they chaired (recorded by the 督查室)
        mine = Q(author=user) | Q(meeting__host=user)
        first_close = _first(Instruction.objects.filter(mine, status=InstructionStatus.ANSWERED), today)
    return Workbench(first_pending, first_close)


def instruction_files(user):
    """Files sent with a 落实情况, visible with their 批示 (registered with files.registry)."""
    visible = Instruction.objects.visible_to(user, rules.VIEW).values("pk")
    return InstructionEvent.attachments.through.objects.filter(
        instructionevent__instruction__in=visible
    ).values("attachment_id")


def unit_options(user):
    """Units the ledger's 落实单位 filter accepts: those in the viewer's scope."""
    return unit_choices_for(user, rules.VIEW)
