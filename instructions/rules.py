"""Who may act on a 批示, beyond its state (instructions.transitions): the services check these
before writing, the detail page asks them which forms to show."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from core import scoping
from instructions.models import Instruction
from instructions.transitions import INSTRUCTION

ADD = "instructions.add_instruction"
VIEW = "instructions.view_instruction"
ANSWER = "instructions.answer_instruction"
CLOSE = "instructions.close_instruction"
EXPORT = "instructions.export_instruction"


def check_answer(user, ins: Instruction) -> None:
    if not scoping.unit_in_scope(user, ANSWER, ins.assignee_unit):
        raise PermissionDenied("只有落实单位的人员可以报送落实情况")
    INSTRUCTION.check("answer", ins.status)


def check_leader(user, ins: Instruction, action: str) -> None:
    """圈阅 and 退回: the author, or a leader holding the 圈阅 right at the leader's unit."""
    if user.pk != ins.author_id and not scoping.unit_in_scope(user, CLOSE, ins.org_unit):
        raise PermissionDenied("只有批示领导可以圈阅或退回")
    if user.pk == ins.author_id and not scoping.has_any(user, CLOSE):
        raise PermissionDenied("只有批示领导可以圈阅或退回")
    INSTRUCTION.check(action, ins.status)


def allowed(check, *args) -> bool:
    try:
        check(*args)
    except Exception:  # noqa: BLE001 — PermissionDenied or the state's refusal: no button
        return False
    return True


def actions_for(user, ins: Instruction) -> dict[str, bool]:
    return {
        "answer": allowed(check_answer, user, ins),
        "close": allowed(check_leader, user, ins, "close"),
        "return": allowed(check_leader, user, ins, "return"),
    }


# 调度会 (R-DEC-6): a leader or the 督查室 records it and its follow-ups; whoever reads 批示 reads it
MEETING_ADD = "instructions.add_dispatchmeeting"
MEETING_CHANGE = "instructions.change_dispatchmeeting"
MEETING_VIEW = "instructions.view_dispatchmeeting"
