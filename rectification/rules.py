"""Who may do what to a problem, right now (R-RCT-2, R-RCT-3, R-WRN-2).

Each check raises PermissionDenied (wrong person) or ValidationError (wrong state) with the
Chinese reason and returns None when the action is allowed. rectification.services call these
checks before they write, and the problem detail page calls the very same checks (through
`tasks.rules.allowed`) to decide which buttons to show, so a button is never shown for an
action the service would refuse.

Checks take already-loaded data (`has_evidence`, `today`) so the page can evaluate them without
extra queries.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError

from core.services import require
from rectification.choices import EscalationLevel, ProblemStatus
from rectification.lights import is_overdue
from rectification.transitions import PROBLEM
from tasks.rules import allowed, reason  # noqa: F401 — re-exported: one way to ask every rule

# --- the found side registers ---------------------------------------------------------------------


def check_create(actor, found_by_unit, org_unit=None) -> None:
    require(actor, "rectification.add_problem", found_by_unit, "您无权以该单位名义登记问题")
    if org_unit is not None and not org_unit.is_descendant_of(found_by_unit):
        raise ValidationError({"org_unit": "整改单位须是发现单位本身或其下级单位"})


# --- the rectifying side ----------------------------------------------------------------------------


def check_start(actor, problem) -> None:
    """制定整改措施 (待整改 → 整改中); also used to revise the measures while 整改中."""
    require(actor, "rectification.rectify_problem", problem.org_unit, "只有整改单位可以制定整改措施")
    PROBLEM.check("start", problem.status)


def check_add_evidence(actor, problem) -> None:
    require(actor, "rectification.rectify_problem", problem.org_unit, "只有整改单位可以上传整改佐证")
    PROBLEM.check("add_evidence", problem.status)


def check_submit(actor, problem, has_evidence: bool) -> None:
    """整改完成，提交验收: only while 整改中, and evidence is required."""
    require(actor, "rectification.rectify_problem", problem.org_unit, "只有整改单位可以提交整改结果")
    PROBLEM.check("submit", problem.status)
    if not has_evidence:
        raise ValidationError("提交验收须上传整改佐证材料")


# --- the verifying side (outside the rectifying unit) ---------------------------------------------


def check_outside(actor, problem, perm: str, what: str) -> None:
    require(actor, perm, problem.found_by_unit, f"只有发现单位一方可以{what}")
    if actor.unit_id and actor.unit.is_descendant_of(problem.org_unit):
        raise PermissionDenied(f"整改单位的人员不能{what}本单位的整改")


def check_verify(actor, problem) -> None:
    """验收 (销号 or 退回): a verifier of the found side, never the rectifying unit's own people."""
    check_outside(actor, problem, "rectification.verify_problem", "验收销号")
    PROBLEM.check("verify", problem.status)


def check_close(actor, problem, has_evidence: bool) -> None:
    check_verify(actor, problem)
    if not has_evidence:
        raise ValidationError("没有整改佐证，不能销号")


def check_recheck(actor, problem) -> None:
    """回头看 of a closed item, by the found side."""
    check_outside(actor, problem, "rectification.recheck_problem", "回头看")
    PROBLEM.check("recheck", problem.status)


# --- escalation ladder (R-WRN-2) ------------------------------------------------------------------

ESCALATION_DAYS = {  # days overdue at which each step of the ladder is taken (R-WRN-2)
    EscalationLevel.REMIND: 0,
    EscalationLevel.URGE: 3,
    EscalationLevel.ORDER: 7,
    EscalationLevel.BULLETIN: 14,
    EscalationLevel.ACCOUNTABILITY: 30,
}


def check_escalation_state(problem, level: int, today: dt.date) -> None:
    """The ladder is for overdue (red) items, one step at a time."""
    if not PROBLEM.allows("escalate", problem.status):
        if problem.status == ProblemStatus.CLOSED:
            raise ValidationError("已销号的问题无需督办")
        raise ValidationError("整改单位已报告整改完成，待验收，无需督办")
    if problem.escalation >= EscalationLevel.ACCOUNTABILITY:
        raise ValidationError("已到最高督办级别（建议问责）")
    if level != problem.escalation + 1:
        raise ValidationError("督办须逐级进行")
    if not is_overdue(problem, today):
        raise ValidationError("问题尚未逾期，不能督办升级")


def check_escalate(actor, problem, today: dt.date) -> None:
    """督办升级 by hand to the next level of the ladder."""
    require(actor, "rectification.escalate_problem", problem.found_by_unit, "您无权督办该问题")
    check_escalation_state(problem, problem.escalation + 1, today)
