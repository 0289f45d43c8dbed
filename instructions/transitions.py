"""The life cycle of a 领导批示, as a table (core.transitions): 待落实 → 已报落实 → 已圈阅, and 退回
(the leader asks for more: back to 待落实). instructions.services checks the state through it and
takes the new state from it."""

from core.transitions import CREATED, Machine, Transition
from instructions.models import InstructionStatus

S = InstructionStatus
LEADER = "批示领导本人，或批示单位有圈阅权限的领导（instructions.close_instruction）"

INSTRUCTION = Machine(
    "领导批示（Instruction）",
    InstructionStatus,
    [
        Transition(
            "create",
            "批示",
            (CREATED,),
            S.PENDING,
            "领导（instructions.add_instruction），对其范围内可见的任务、进展报告、问题或公文",
            "",
            "落实单位在批示领导的范围内，是批示对象的单位或其上级单位；须写明批示内容和落实时限",
        ),
        Transition(
            "answer",
            "报送落实情况",
            (S.PENDING,),
            S.ANSWERED,
            "落实单位本单位人员（instructions.answer_instruction）",
            "该批示当前不需要报送落实情况",
            "须填写落实情况",
        ),
        Transition(
            "close",
            "圈阅",
            (S.ANSWERED,),
            S.CLOSED,
            LEADER,
            "只有已报落实的批示可以圈阅",
        ),
        Transition(
            "return",
            "退回补充",
            (S.ANSWERED,),
            S.PENDING,
            LEADER,
            "只有已报落实的批示可以退回",
            "须写明还需落实什么；可同时调整落实时限",
        ),
    ],
)
