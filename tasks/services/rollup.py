"""The roll-up rule (R-TSK-2, docs/rules.md): progress, status and last report up the tree."""

from __future__ import annotations

from core import clock
from tasks.choices import (
    AssignmentRole,
    TaskStatus,
)
from tasks.models import (
    Task,
)


def task_rollup(*, task: Task) -> None:
    """Roll progress, status and last report up the tree (R-TSK-2). The rule, documented in
    docs/rules.md: a task without sub-tasks takes its lead assignment's progress and status;
    a task with sub-tasks takes the weighted mean of its sub-tasks' progress (weight field,
    rounded half up) and is 已办结 only when its own lead assignment is verified, or — when it
    has no assignment of its own — when every sub-task is 已办结."""
    node = task
    while node is not None:
        lead = node.assignments.filter(role=AssignmentRole.LEAD, unit_id=node.lead_unit_id).first()
        children = list(node.children.all())
        if children:
            total_w = sum(c.weight for c in children) or 1
            progress = (sum(c.progress * c.weight for c in children) * 2 + total_w) // (2 * total_w)
            reports = [c.last_report_on for c in children if c.last_report_on]
            if lead:
                status = lead.status
            elif all(c.status == TaskStatus.COMPLETED for c in children):
                status = TaskStatus.COMPLETED
            elif any(c.status not in (TaskStatus.DRAFT, TaskStatus.ASSIGNED) for c in children):
                status = TaskStatus.IN_PROGRESS
            elif any(c.status == TaskStatus.ASSIGNED for c in children):
                status = TaskStatus.ASSIGNED
            else:
                status = node.status
            if lead and lead.last_report_on:
                reports.append(lead.last_report_on)
            last = max(reports) if reports else None
            if lead and lead.status == TaskStatus.COMPLETED:
                progress = 100
        elif lead:
            progress, status, last = lead.progress, lead.status, lead.last_report_on
        else:
            progress, status, last = node.progress, node.status, node.last_report_on
        completed_on = (
            clock.today() if status == TaskStatus.COMPLETED and not node.completed_on else node.completed_on
        )
        if status != TaskStatus.COMPLETED:
            completed_on = None
        Task.objects.filter(pk=node.pk).update(
            progress=progress, status=status, last_report_on=last, completed_on=completed_on
        )
        node.progress, node.status, node.last_report_on, node.completed_on = (
            progress,
            status,
            last,
            completed_on,
        )
        node = node.parent
