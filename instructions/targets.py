"""What a 批示 may be written on — a task, a progress report, a problem or a document — and, for
each kind, where it is found for a viewer (its own scope), which units it concerns (the 落实单位
must be one of them), its name, and where its timeline entry goes."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from core import clock
from documents.models import IssuedDocument
from instructions.models import TargetKind
from org.models import Unit
from rectification.choices import ProblemEventKind
from rectification.models import Problem, ProblemEvent
from reporting.models import ProgressReport
from tasks.choices import EventKind
from tasks.models import Task, TaskEvent

# a 退回 is the leader instructing again: it shows as 领导批示, its note says 退回补充
TASK_EVENTS = {
    "created": EventKind.INSTRUCTED,
    "returned": EventKind.INSTRUCTED,
    "answered": EventKind.INSTRUCTION_ANSWERED,
    "closed": EventKind.INSTRUCTION_CLOSED,
}
PROBLEM_EVENTS = {
    "created": ProblemEventKind.INSTRUCTED,
    "returned": ProblemEventKind.INSTRUCTED,
    "answered": ProblemEventKind.INSTRUCTION_ANSWERED,
    "closed": ProblemEventKind.INSTRUCTION_CLOSED,
}


@dataclass(frozen=True)
class Kind:
    model: type
    perm: str
    related: tuple = ()


KINDS = {
    TargetKind.TASK: Kind(Task, "tasks.view_task", ("org_unit", "lead_unit")),
    TargetKind.REPORT: Kind(ProgressReport, "reporting.view_progressreport"),
    TargetKind.PROBLEM: Kind(Problem, "rectification.view_problem", ("org_unit", "found_by_unit")),
    TargetKind.DOCUMENT: Kind(IssuedDocument, "documents.view_issueddocument", ("org_unit", "recipient")),
}
SELECT = {
    TargetKind.TASK: ("org_unit", "lead_unit"),
    TargetKind.REPORT: ("org_unit", "assignment__task", "assignment__unit", "assignment__org_unit"),
    TargetKind.PROBLEM: ("org_unit", "found_by_unit"),
    TargetKind.DOCUMENT: ("org_unit", "recipient"),
}


def visible(kind: str, user):
    """The records of `kind` the viewer may see (their app's own scope)."""
    k = KINDS[kind]
    return k.model.objects.visible_to(user, k.perm).select_related(*SELECT[kind])


def find(kind: str, pk, user):
    """One record of `kind` the viewer may see, or a Chinese refusal."""
    if kind not in KINDS:
        raise ValidationError("请选择批示对象")
    try:
        return visible(kind, user).get(pk=pk)
    except (KINDS[kind].model.DoesNotExist, ValueError, TypeError):
        raise ValidationError("找不到该批示对象，或您无权查看") from None


def related_units(kind: str, target) -> list:
    """The units a 批示 on `target` may be sent to: its own units — for a task every unit it was
    assigned to and its co-units too; for a report the reporting and the assigning unit — and the
    units above them (a city may be told to see to its county's problem). One query for the tree."""
    if kind == TargetKind.REPORT:
        a = target.assignment
        units = [target.org_unit, a.unit, a.org_unit, a.task.lead_unit]
    else:
        units = [getattr(target, f) for f in KINDS[kind].related]
    if kind == TargetKind.TASK:
        units += [a.unit for a in target.assignments.select_related("unit")]
        units += list(target.co_units.all())
    ids = {pk for unit in units if unit is not None for pk in unit.ancestor_ids}
    return list(Unit.objects.filter(pk__in=ids).order_by("path"))


def label(kind: str, target) -> str:
    if kind == TargetKind.TASK:
        return f"任务 {target.code} {target.title}"
    if kind == TargetKind.REPORT:
        task = target.assignment.task
        return f"进展报告 {task.code} {target.org_unit.display_name} {target.period_end:%Y-%m-%d}"
    if kind == TargetKind.PROBLEM:
        return f"问题 {target.code} {target.description[:60]}"
    return f"公文 {target.doc_number or '（草稿）'} {target.title}"


def timeline(ins, kind: str, actor, note: str) -> None:
    """The 批示's step on its record's timeline: a task's (a report's task's) events, a problem's
    events; a document has no timeline — its page shows its 批示 (instructions.panels)."""
    now = clock.now()
    if ins.task_id or ins.report_id:
        task_id = ins.task_id or ins.report.assignment.task_id
        assignment_id = ins.report.assignment_id if ins.report_id else None
        TaskEvent.objects.create(
            task_id=task_id,
            assignment_id=assignment_id,
            kind=TASK_EVENTS[kind],
            actor=actor,
            at=now,
            note=note,
        )
    elif ins.problem_id:
        ProblemEvent.objects.create(
            problem_id=ins.problem_id,
            kind=PROBLEM_EVENTS[kind],
            actor=actor,
            at=now,
            note=note,
        )
