"""What instructions adds to the pages of the apps below it (core.panels), registered in
InstructionsConfig.ready(): a 领导批示 section on the task page (the 批示 on the task and on its
progress reports), the problem page and the document page — each with its 批示 (status and
light) and, for a leader, the 批示 button. One query per section."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from core import clock, panels, scoping
from instructions import rules, selectors
from instructions.models import TargetKind

TEMPLATE = "instructions/_record_instructions.html"
REPORTS_OFFERED = 5


def _section(request, condition: Q, kind: str, pk: int, **extra) -> dict | None:
    if request is None or not request.user.is_authenticated:
        return None
    user = request.user
    can_add = scoping.has_any(user, rules.ADD)
    if not can_add and not scoping.has_any(user, rules.VIEW):
        return None
    return {
        "instructions": selectors.on_records(user, clock.today(), condition),
        "instruct_url": reverse("instructions:instruction_create", args=[kind, pk]) if can_add else "",
        "instruct_reports": [],
        **extra,
    }


def task_instructions(request, detail):
    task = detail.task
    ctx = _section(request, Q(task=task) | Q(report__assignment__task=task), TargetKind.TASK, task.pk)
    if ctx and ctx["instruct_url"]:
        reports = [
            (rep, row.assignment.unit.display_name)
            for row in detail.assignments
            for rep in getattr(row, "reports", ())
        ]
        reports.sort(key=lambda pair: (pair[0].submitted_at, pair[0].pk), reverse=True)
        ctx["instruct_reports"] = [
            (
                reverse("instructions:instruction_create", args=[TargetKind.REPORT, rep.pk]),
                f"{unit} {rep.period_end:%m-%d} 进度{rep.progress}%",
            )
            for rep, unit in reports[:REPORTS_OFFERED]
        ]
    return ctx


def problem_instructions(request, problem):
    return _section(request, Q(problem=problem), TargetKind.PROBLEM, problem.pk)


def document_instructions(request, document):
    return _section(request, Q(document=document), TargetKind.DOCUMENT, document.pk)


def register() -> None:
    panels.register(
        "tasks.task_detail", "instructions", template=TEMPLATE, context=task_instructions, order=30
    )
    panels.register(
        "rectification.problem_detail",
        "instructions",
        template=TEMPLATE,
        context=problem_instructions,
        order=20,
    )
    panels.register(
        "documents.document_detail",
        "instructions",
        template=TEMPLATE,
        context=document_instructions,
        order=20,
    )
