"""Writes of the task ledger loop (R-TSK-1..7, R-DEC-4): 交办 → 签收 → 报告 → 办结.

Every function is keyword-only, atomic, checks permission through the one scope function,
records a timeline event and an audit entry in the same transaction, and notifies after.

The writes by area, one module each (every name is re-exported here, so callers write
`from tasks import services; services.task_create(...)`):
- `common`: Helpers every task write shares: the timeline event, optimistic locking, the task chain.
- `rollup`: The roll-up rule (R-TSK-2, docs/rules.md): progress, status and last report up the tree.
- `creation`: Tasks created, edited, reviewed (前置审议, R-DEC-4) and decomposed (分解, R-TSK-2).
- `assignment`: 交办, 签收 and 退回 (R-TSK-5): a task sent to its units and received or sent back.
- `completion`: 申请办结 and 审核销号 on evidence (R-TSK-6), and deadline extensions (延期).
- `emergency`: 应急 special periods (R-RPT-1): a task and its sub-tasks reported daily for a while.
- `parts`: A task's milestones (时间节点, R-TSK-3), indicators and task force (专班, R-TSK-4).
- `reference`: The ledger's reference data: directives (上级部署), workday overrides (R-TSK-1b), saved filters.
"""

from tasks.services.assignment import (
    assignment_return,
    assignment_sign,
    pending_assignment_units,
    task_assign,
)
from tasks.services.common import TASK_FIELDS, task_chain
from tasks.services.completion import (
    assignment_request_completion,
    assignment_verify,
    extension_decide,
    extension_request,
)
from tasks.services.creation import (
    gate_refusal,
    resolve_due_date,
    review_gate_open,
    task_create,
    task_decompose,
    task_review_record,
    task_update,
)
from tasks.services.emergency import EMERGENCY_MAX_DAYS, task_end_emergency, task_set_emergency
from tasks.services.parts import indicator_create, milestone_complete, milestone_create, taskforce_set
from tasks.services.reference import (
    directive_create,
    saved_filter_delete,
    saved_filter_save,
    workday_override_delete,
    workday_override_set,
)
from tasks.services.rollup import task_rollup

__all__ = [
    "EMERGENCY_MAX_DAYS",
    "TASK_FIELDS",
    "assignment_request_completion",
    "assignment_return",
    "assignment_sign",
    "assignment_verify",
    "directive_create",
    "extension_decide",
    "extension_request",
    "gate_refusal",
    "indicator_create",
    "milestone_complete",
    "milestone_create",
    "pending_assignment_units",
    "resolve_due_date",
    "review_gate_open",
    "saved_filter_delete",
    "saved_filter_save",
    "task_assign",
    "task_chain",
    "task_create",
    "task_decompose",
    "task_end_emergency",
    "task_review_record",
    "task_rollup",
    "task_set_emergency",
    "task_update",
    "taskforce_set",
    "workday_override_delete",
    "workday_override_set",
]
