"""Who may do what to a task or an assignment, right now (R-TSK-5, R-TSK-6, R-DEC-4).

Each check raises PermissionDenied (wrong person) or ValidationError (wrong state) with the
Chinese reason, and returns None when the action is allowed. The services call these checks
before they write, and the detail page calls the very same checks (`allowed()`) to decide
which buttons to show, so a button is never shown for an action the service would refuse.

The checks take already-loaded data (prefetched lists, booleans) so the detail page can
evaluate them for every row without a query per row.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from core.services import require
from tasks.choices import TaskLevel, TaskStatus
from tasks.transitions import ACTIVE_WORK, ASSIGNMENT, EXTENSION

ASSIGNABLE_TASK = (TaskStatus.DRAFT, TaskStatus.RETURNED)
DECOMPOSABLE = (TaskStatus.ASSIGNED, TaskStatus.SIGNED, TaskStatus.IN_PROGRESS)


def allowed(check, *args, **kwargs) -> bool:
    try:
        check(*args, **kwargs)
    except (PermissionDenied, ValidationError):
        return False
    return True


def reason(check, *args, **kwargs) -> str:
    """The Chinese refusal reason, or "" when allowed."""
    try:
        check(*args, **kwargs)
    except PermissionDenied as exc:
        return str(exc) or "您没有权限执行此操作"
    except ValidationError as exc:
        return "；".join(exc.messages)
    return ""


# --- task level -------------------------------------------------------------------------------


def check_change_task(actor, task) -> None:
    require(actor, "tasks.change_task", task.org_unit, "您无权修改该任务")
    if task.status == TaskStatus.COMPLETED:
        raise ValidationError("任务已办结，不能再修改")


def check_end_emergency(actor, task, today) -> None:
    """Ending (or withdrawing) an 应急 period: whoever may change the task, while one is current or ahead."""
    check_change_task(actor, task)
    if task.emergency_from is None or task.emergency_until < today:
        raise ValidationError("该任务当前没有应急日报安排")


def major_origin(chain: list):
    """The topmost 重大 task in a task's chain (self first, then ancestors), or None.

    The 前置审议 of a 重大 task covers every sub-task decomposed from it; sub-tasks inherit
    the level and therefore the gate."""
    origin = None
    for node in chain:
        if node.level == TaskLevel.MAJOR:
            origin = node
    return origin


def check_review(actor, task, chain: list) -> None:
    require(actor, "tasks.review_task", task.org_unit, "您无权登记该任务的前置审议")
    origin = major_origin(chain)
    if origin is None:
        raise ValidationError("只有重大任务需要党组会前置审议")
    if origin.pk != task.pk:
        raise ValidationError(f"该任务分解自重大任务{origin.code}，前置审议以上级任务的审议记录为准")
    if task.status not in (TaskStatus.DRAFT,):
        raise ValidationError("任务已交办，审议记录不能再修改")


def gate_refusal(chain: list, reviews: dict) -> str:
    """ "" when the 重大 gate (R-DEC-4) is open for the first task of `chain`, else the reason.

    chain: the task and its ancestors, nearest first; reviews: task pk → PartyReview.
    Open when no task in the chain is 重大; otherwise the topmost 重大 task must carry an
    approving 党组会 review and no task in the chain may carry a rejecting one. There is no
    override and a review recorded on a sub-task does not open the gate."""
    origin = major_origin(chain)
    if origin is None:
        return ""
    for node in chain:
        review = reviews.get(node.pk)
        if review is not None and not review.approves:
            return f"重大任务{node.code}经{review.get_meeting_kind_display()}审议未同意，不能交办"
    review = reviews.get(origin.pk)
    if review is None:
        if origin.pk == chain[0].pk:
            return "重大任务须先经党组会前置审议并同意，方可交办"
        return f"该任务分解自重大任务{origin.code}，须待该任务经党组会前置审议同意后方可交办"
    return ""


def check_assign_units(actor, task, chain: list, reviews: dict) -> None:
    """交办 to units the actor chooses (the 交办 form): any unit in the actor's scope, at any level
    (越级交办), or a city that then decomposes it."""
    require(
        actor,
        "tasks.assign_task",
        task.org_unit,
        f"您无权交办该任务：只有创建单位（{task.org_unit.display_name}）有交办权限的人员可以交办",
    )
    refusal = gate_refusal(chain, reviews)
    if refusal:
        raise ValidationError(refusal)
    if task.status == TaskStatus.COMPLETED:
        raise ValidationError("任务已办结")


def check_assign(actor, task, chain: list, reviews: dict, pending_units: list) -> None:
    """pending_units: lead/co-operating units with no open assignment yet (new or returned)."""
    check_assign_units(actor, task, chain, reviews)
    if not pending_units:
        raise ValidationError("任务已交办，没有需要交办的单位")


def decompose_units(actor, task, assignments: list) -> list:
    """Units as which `actor` may decompose `task`: its creating unit, or a unit it was assigned
    to that still works on it (五级贯通), in both cases where the actor may create and assign tasks."""
    if task.status == TaskStatus.COMPLETED:
        return []
    candidates = [task.org_unit] + [a.unit for a in assignments if a.status in DECOMPOSABLE]
    units, seen = [], set()
    for unit in candidates:
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        if allowed(check_decompose, actor, task, unit, assignments):
            units.append(unit)
    return units


def decompose_refusal(actor, task, assignments: list) -> str:
    """Why `actor` may not decompose `task`, as the unit it would most likely act for: the
    assigned unit it belongs to, else the creating unit."""
    own = [a.unit for a in assignments if actor.unit_id and actor.unit.is_descendant_of(a.unit)]
    unit = own[0] if own else task.org_unit
    return reason(check_decompose, actor, task, unit, assignments)


def check_decompose(actor, task, org_unit, assignments: list) -> None:
    if task.status == TaskStatus.COMPLETED:
        raise ValidationError("任务已办结，不能再分解")
    is_creator = org_unit.pk == task.org_unit_id
    assigned = [a for a in assignments if a.unit_id == org_unit.pk]
    if not is_creator and not assigned:
        raise PermissionDenied("只有任务的创建单位或承办单位可以分解该任务")
    if not is_creator and assigned[0].status not in DECOMPOSABLE:
        raise ValidationError("该任务已退回或已申请办结，不能再分解")
    if not is_creator and not (actor.unit_id and actor.unit.is_descendant_of(org_unit)):
        raise PermissionDenied(f"只有承办单位（{org_unit.display_name}）的人员可以以该单位分解任务")
    message = f"您无权以{org_unit.display_name}分解任务：须有在该单位创建并交办任务的权限"
    require(actor, "tasks.add_task", org_unit, message)
    require(actor, "tasks.assign_task", org_unit, message)


# --- assignment lifecycle -----------------------------------------------------------------------


def check_receiving_side(actor, unit, perm: str, message: str) -> None:
    """The receiving unit acts for itself: a permission over it granted from above (a province
    supervisor's subtree role) does not let an outsider sign, ask completion or extension for it."""
    require(actor, perm, unit, message)
    if not actor.unit_id or not actor.unit.is_descendant_of(unit):
        raise PermissionDenied(f"{message}：只有承办单位（{unit.display_name}）的人员可以办理")


def check_report_person(actor, assignment, in_taskforce: bool) -> None:
    """Who reports progress for an assignment: the receiving unit's own people, or a member of the
    task's 专班 (R-TSK-4). `in_taskforce` is passed in so lists can evaluate it without a query."""
    if in_taskforce:
        return
    check_receiving_side(actor, assignment.unit, "reporting.add_progressreport", "您无权为该任务填报进展")


def check_sign(actor, assignment) -> None:
    check_receiving_side(actor, assignment.unit, "tasks.sign_assignment", "您无权签收该任务")
    ASSIGNMENT.check("sign", assignment.status)


def check_return(actor, assignment) -> None:
    check_receiving_side(actor, assignment.unit, "tasks.sign_assignment", "您无权退回该任务")
    ASSIGNMENT.check("return", assignment.status)


def check_request_completion(actor, assignment, has_evidence: bool) -> None:
    check_receiving_side(actor, assignment.unit, "tasks.request_completion", "您无权为该任务申请办结")
    ASSIGNMENT.check("request_completion", assignment.status)
    if not has_evidence:
        raise ValidationError("申请办结须上传佐证材料")


def check_assigning_side(actor, assignment, perm: str, what: str) -> None:
    """R-TSK-6: the assigning side decides, never the unit that did the work."""
    require(actor, perm, assignment.org_unit, f"只有交办方可以{what}")
    if actor.unit_id and actor.unit.is_descendant_of(assignment.unit):
        raise PermissionDenied(f"承办单位不能{what}本单位承办的任务")


def check_verify(actor, assignment) -> None:
    check_assigning_side(actor, assignment, "tasks.verify_assignment", "审核办结")
    ASSIGNMENT.check("verify", assignment.status)


def check_request_extension(actor, assignment, has_pending: bool) -> None:
    check_receiving_side(actor, assignment.unit, "tasks.request_extension", "您无权为该任务申请延期")
    ASSIGNMENT.check("request_extension", assignment.status)
    if has_pending:
        raise ValidationError("已有待审批的延期申请")


def check_decide_extension(actor, extension, assignment) -> None:
    check_assigning_side(actor, assignment, "tasks.decide_extension", "审批延期")
    EXTENSION.check("decide", extension.status)


def check_milestone_complete(actor, milestone, lead) -> None:
    if lead is None or lead.status not in ACTIVE_WORK + (TaskStatus.COMPLETION_REQUESTED,):
        raise ValidationError("任务须由牵头单位签收后才能完成时间节点")
    check_receiving_side(actor, lead.unit, "reporting.add_progressreport", "只有牵头单位可以完成时间节点")
    if milestone.done_on:
        raise ValidationError("该时间节点已完成")
