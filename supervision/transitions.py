"""The life cycle of a 专项督查 campaign (R-SUP-1 … R-SUP-3), as a table (core.transitions).
The phase a campaign shows (未开始 / 检查中 / 检查期已过) reads this stored state against its period
on the day (supervision.phases)."""

from core.transitions import CREATED, Machine, Transition
from supervision.choices import CampaignStatus

S = CampaignStatus

CAMPAIGN = Machine(
    "专项督查（Campaign）",
    CampaignStatus,
    [
        Transition(
            "create",
            "新建督查",
            (CREATED,),
            S.DRAFT,
            "有督查权限的人员（supervision.add_campaign），以其范围内的单位为组织单位",
            "",
            "检查对象在组织单位范围内",
        ),
        Transition(
            "draw",
            "抽签",
            (S.DRAFT, S.DRAWN),
            S.DRAWN,
            "组织单位有抽签权限的人员（supervision.draw_campaign）",
            "检查已开始，不能重新抽签",
            "每个检查对象抽足检查人员，回避本单位；种子公开可复核；开始检查前可重抽",
        ),
        Transition(
            "inspect",
            "录入检查记录",
            (S.DRAFT, S.DRAWN, S.ACTIVE),
            {S.DRAWN: S.ACTIVE},
            "组织单位有检查权限的人员（supervision.inspect_campaign）",
            "督查已结束，不能再录入检查记录",
            "检查对象属于本次督查；检查日期在督查期间内",
        ),
        Transition(
            "close",
            "结束督查",
            (S.DRAFT, S.DRAWN, S.ACTIVE),
            S.CLOSED,
            "组织单位有修改权限的人员（supervision.change_campaign）",
            "督查已结束",
        ),
    ],
)
