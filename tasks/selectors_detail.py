"""Reads for the task detail page (任务详情) and the actions its viewer may take.

One call, `task_detail(user, task_pk, today)`, loads everything the page shows in a constant
number of queries, whatever the number of assignments, sub-tasks, reports or events: related
rows come through select_related/prefetch_related, the sub-task tree through one recursive
query, and the allowed actions are decided by tasks.rules on the loaded rows (no query per row).
Rows of other units' assignments are shown only when the viewer may see them (R-ORG-3).

Sections of higher apps (the 进展报告 of reporting) come through core.panels: the template asks
for the page "tasks.task_detail", the row facts come from ROW_FACTS. The files of the page's
records are the owners' own (Assignment.attachments, Milestone.attachments); which files a user
may open is registered with files.registry by `register_files` below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404

from core import panels, scoping
from files.models import Attachment
from tasks import lights, rules
from tasks.choices import ExtensionStatus, TaskStatus
from tasks.models import (
    Assignment,
    ExtensionRequest,
    Milestone,
    PartyReview,
    Task,
    TaskEvent,
    TaskForceMember,
)
from tasks.transitions import ASSIGNMENT

# Facts a higher app adds to the assignment rows (core.panels): each callable registered for this
# page gets (user, rows) and sets attributes on the rows in a constant number of queries —
# reporting sets `row.last_report` (and `row.reports`, which its 进展报告 section on the page lists).
ROW_FACTS = "tasks.task_detail.rows"

# Descendants of a task at any depth, in one query portable to SQLite and PostgreSQL.
DESCENDANTS_SQL = (
    "WITH RECURSIVE sub(id) AS ("
    " SELECT id FROM tasks_task WHERE parent_id = %s"
    " UNION ALL SELECT t.id FROM tasks_task t JOIN sub ON t.parent_id = sub.id"
    ") SELECT id FROM sub"
)


@dataclass
class AssignmentRow:
    assignment: Assignment
    light: lights.LightResult
    evidence: list
    extensions: list
    actions: dict = field(default_factory=dict)
    blocked: dict = field(default_factory=dict)
    last_report: object = None  # the latest progress report: set by reporting (ROW_FACTS)


@dataclass
class TreeNode:
    task: Task
    depth: int
    light: lights.LightResult


@dataclass
class TaskDetail:
    task: Task
    light: lights.LightResult
    chain: list
    assignments: list
    children_tree: list
    milestones: list
    indicators: list
    taskforce: list
    review: PartyReview | None
    extensions: list
    attachments: list
    events: list
    task_actions: dict
    gate_refusal: str
    decompose_units: list
    pending_units: list
    emergency: dict | None = None  # the 应急 window's state: current / ahead / past
    refusals: dict = field(default_factory=dict)  # 交办/分解 refused: the rule's reason, for the page


def detail_queryset():
    return Task.objects.select_related(
        "category",
        "directive",
        "org_unit",
        "lead_unit",
        "created_by",
        "parent",
        "parent__parent",
        "party_review",
    )


def _ancestors(task: Task) -> list[Task]:
    """The parent chain; two levels come with the task, deeper ones in one query by id walk."""
    chain = [task]
    node = task
    while node.parent_id is not None:
        parent = node.parent
        chain.append(parent)
        node = parent
    return chain


def task_detail(user, pk: int, today: dt.date) -> TaskDetail:
    task = get_object_or_404(detail_queryset().visible_to(user, "tasks.view_task"), pk=pk)
    taskforce = _load_people(task)
    in_taskforce = any(m.user_id == user.pk for m in taskforce)
    assignments = _visible_assignments(user, task, in_taskforce)
    chain = _ancestors(task)
    reviews = _reviews(task, chain)
    milestones = list(
        Milestone.objects.filter(task=task).prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
        )
    )
    indicators = list(task.indicators.all())
    visible_ids = {a.pk for a in assignments}
    events = [
        e
        for e in TaskEvent.objects.filter(task=task)
        .select_related("actor__unit", "assignment__unit")
        .order_by("at", "id")
        if e.assignment_id is None or e.assignment_id in visible_ids
    ]
    children_tree = _tree(task, _descendants(user, task), today)
    # every assignment (also those the viewer cannot see) decides what is left to assign and as
    # which units the task may be decomposed; the rows shown stay limited to `assignments`
    every = assignments if in_taskforce else list(task.assignments.select_related("unit"))
    rows = _rows(user, task, assignments, today, in_taskforce)
    from tasks.services import pending_assignment_units  # noqa: PLC0415 — services import models only

    pending_units = pending_assignment_units(task, every)
    gate = rules.gate_refusal(chain, reviews)
    task_actions, decompose_units = _task_actions(user, task, chain, reviews, pending_units, every, today)
    lead_row = next((r for r in rows if r.assignment.unit_id == task.lead_unit_id), None)
    for ms in milestones:
        ms.light = lights.for_milestone(ms, today)
        ms.evidence = list(ms.attachments.all())
        ms.can_complete = rules.allowed(
            rules.check_milestone_complete, user, ms, lead_row.assignment if lead_row else None
        )
    return TaskDetail(
        task=task,
        light=lights.for_object(task, today),
        chain=chain,
        assignments=rows,
        children_tree=children_tree,
        milestones=milestones,
        indicators=indicators,
        taskforce=taskforce,
        review=reviews.get(task.pk),
        extensions=[ext for row in rows for ext in row.extensions],
        attachments=[att for row in rows for att in row.assignment.attachments.all()]
        + [att for ms in milestones for att in ms.evidence],
        events=events,
        task_actions=task_actions,
        gate_refusal=gate,
        decompose_units=decompose_units,
        pending_units=pending_units,
        emergency=_emergency_state(task, today),
        refusals=_refusals(user, task, task_actions, chain, reviews, every, gate),
    )


def _load_people(task: Task) -> list:
    """配合单位 and 责任人 onto the task (one query each); returns the 专班, leaders first."""
    task.co_unit_list = list(task.co_units.order_by("path"))
    task.responsible_list = list(task.responsible_persons.select_related("unit").order_by("id"))
    return list(task.taskforce.select_related("user__unit").order_by("-is_leader", "user__unit__path", "id"))


def _visible_assignments(user, task: Task, in_taskforce: bool) -> list[Assignment]:
    """The assignments of the task the viewer may see (R-ORG-3), their files and extensions."""
    qs = task.assignments.select_related("unit", "org_unit", "signed_by", "assigned_by", "verified_by")
    if not in_taskforce:
        qs = qs.filter(scoping.scope_q(user, "tasks.view_assignment", Assignment.scope_unit_fields))
    return list(
        qs.order_by("role", "unit__path").prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by").order_by("id")),
            Prefetch(
                "extensions",
                queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by").order_by(
                    "-requested_at"
                ),
            ),
        )
    )


def _reviews(task: Task, chain: list[Task]) -> dict:
    """前置审议 of the task and of its ancestors (the 重大 gate is inherited), by task id."""
    reviews = {}
    try:
        reviews[task.pk] = task.party_review
    except PartyReview.DoesNotExist:
        pass
    if len(chain) > 1:
        for r in PartyReview.objects.filter(task__in=chain[1:]):
            reviews[r.task_id] = r
    return reviews


def _descendants(user, task: Task) -> list[Task]:
    """The sub-tasks at any depth that the viewer may see, in one query."""
    return list(
        Task.objects.visible_to(user, "tasks.view_task")
        .filter(pk__in=RawSQL(DESCENDANTS_SQL, [task.pk]))
        .select_related("lead_unit")
        .order_by("id")
    )


def _rows(user, task: Task, assignments: list[Assignment], today: dt.date, in_taskforce: bool) -> list:
    """One row per visible assignment with its light, evidence and allowed actions; then the facts
    higher apps add to the rows (ROW_FACTS: reporting's last report)."""
    rows = []
    for a in assignments:
        a.task = task
        row = AssignmentRow(
            assignment=a,
            light=lights.for_object(a, today),
            evidence=[att for att in a.attachments.all() if att.is_evidence],
            extensions=list(a.extensions.all()),
        )
        _assignment_actions(user, row, task, in_taskforce)
        rows.append(row)
    for contribution in panels.contributions(ROW_FACTS):
        contribution.context(user, rows)
    return rows


def _task_actions(user, task, chain, reviews, pending_units, every, today) -> tuple[dict, list]:
    """What the viewer may do to the task itself, and as which units it may decompose it."""
    task_actions = {
        "edit": rules.allowed(rules.check_change_task, user, task),
        "review": rules.allowed(rules.check_review, user, task, chain),
        "assign": rules.allowed(rules.check_assign, user, task, chain, reviews, pending_units),
        "milestone_add": rules.allowed(rules.check_change_task, user, task),
        "indicator_add": rules.allowed(rules.check_change_task, user, task),
        "taskforce_edit": rules.allowed(rules.check_change_task, user, task),
        "emergency": rules.allowed(rules.check_change_task, user, task),
        "emergency_end": rules.allowed(rules.check_end_emergency, user, task, today),
    }
    task_actions["assign_units"] = rules.allowed(rules.check_assign_units, user, task, chain, reviews)
    decompose_units = rules.decompose_units(user, task, every)
    task_actions["decompose"] = bool(decompose_units)
    return task_actions, decompose_units


def _refusals(user, task, task_actions, chain, reviews, assignments, gate) -> dict:
    """Why 交办 / 分解 is refused, for a viewer who could expect to do it: one with a 交办 permission
    somewhere, or a member of a unit the task was assigned to. Nothing once the task is finished."""
    if task.status == TaskStatus.COMPLETED:
        return {}
    in_assigned = bool(user.unit_id) and any(user.unit.is_descendant_of(a.unit) for a in assignments)
    if not (in_assigned or scoping.has_any(user, "tasks.assign_task")):
        return {}
    out = {}
    if not task_actions["assign_units"]:
        why = rules.reason(rules.check_assign_units, user, task, chain, reviews)
        if why and why != gate:
            out["交办"] = why
    if not task_actions["decompose"]:
        out["分解"] = rules.decompose_refusal(user, task, assignments)
    return out


def _emergency_state(task: Task, today: dt.date) -> dict | None:
    if task.emergency_from is None:
        return None
    return {
        "current": task.emergency_from <= today <= task.emergency_until,
        "ahead": today < task.emergency_from,
    }


def _assignment_actions(user, row: AssignmentRow, task: Task, in_taskforce: bool) -> None:
    a = row.assignment
    # any file of the assignment: evidence uploaded, or report files the 申请办结 form lets it pick
    has_evidence = bool(a.attachments.all())
    pending = next((e for e in row.extensions if e.status == ExtensionStatus.PENDING), None)
    checks = {
        "sign": (rules.check_sign, (user, a)),
        "return": (rules.check_return, (user, a)),
        "request_completion": (rules.check_request_completion, (user, a, has_evidence)),
        "request_extension": (rules.check_request_extension, (user, a, pending is not None)),
        "verify": (rules.check_verify, (user, a)),
    }
    for name, (check, args) in checks.items():
        row.actions[name] = rules.allowed(check, *args)
    row.pending_extension = pending
    row.actions["decide_extension"] = pending is not None and rules.allowed(
        rules.check_decide_extension, user, pending, a
    )
    can_report = ASSIGNMENT.allows("report", a.status) and rules.allowed(
        rules.check_report_person, user, a, in_taskforce
    )
    row.actions["report"] = can_report
    row.actions["upload_evidence"] = can_report
    # completion is blocked only by missing evidence: say so next to a disabled button
    if not has_evidence and rules.allowed(rules.check_request_completion, user, a, True):
        row.blocked["request_completion"] = "申请办结须先上传佐证材料（或随进展报告附上材料）"


def _tree(root: Task, descendants: list[Task], today: dt.date) -> list[TreeNode]:
    by_parent: dict[int, list[Task]] = {}
    ids = {t.pk for t in descendants}
    for t in descendants:
        parent_id = t.parent_id if t.parent_id in ids else root.pk
        by_parent.setdefault(parent_id, []).append(t)
    out: list[TreeNode] = []

    def walk(pid, depth):
        for t in by_parent.get(pid, []):
            out.append(TreeNode(task=t, depth=depth, light=lights.for_object(t, today)))
            walk(t.pk, depth + 1)

    walk(root.pk, 0)
    return out


# --- objects a user may open -------------------------------------------------------------------


def assignments_visible(user):
    """The assignments a user may see — the task page's rule: in scope by the assigning or the
    receiving unit, or the user belongs to the task's 专班. A unit that is only another 配合单位 of
    the same task sees the task, not the other units' assignments (R-ORG-3)."""
    team = TaskForceMember.objects.filter(user=user).values("task_id")
    return Assignment.objects.filter(
        scoping.scope_q(user, "tasks.view_assignment", Assignment.scope_unit_fields) | Q(task_id__in=team)
    )


def assignment_files(user):
    """Files visible with their assignment (办结佐证, and its reports' files): files.registry."""
    return Assignment.attachments.through.objects.filter(
        assignment_id__in=assignments_visible(user).values("pk")
    ).values("attachment_id")


def milestone_files(user):
    """节点佐证, visible with their task: files.registry."""
    visible_tasks = Task.objects.visible_to(user, "tasks.view_task").values("pk")
    return Milestone.attachments.through.objects.filter(milestone__task_id__in=visible_tasks).values(
        "attachment_id"
    )


def assignment_file_page(attachment) -> str | None:
    assignment = Assignment.objects.filter(attachments=attachment).select_related("task").first()
    return assignment.get_absolute_url() if assignment else None


def milestone_file_page(attachment) -> str | None:
    milestone = Milestone.objects.filter(attachments=attachment).select_related("task").first()
    return milestone.task.get_absolute_url() if milestone else None
