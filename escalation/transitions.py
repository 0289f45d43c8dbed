"""The ladder for red tasks as a table (core.transitions): the steps of one red spell of one
assignment, each from the step before it. escalation.services.take_step asks it whether a level
may follow the spell's highest step so far; docs/rules.md prints it (escalation.services' docstring
says when the daily scan takes each step)."""

from core.transitions import CREATED, Machine, Transition
from escalation.models import Level

SYSTEM = "系统：每日督办扫描（队列 08:15）"

LADDER = Machine(
    "红色任务督办升级（TaskEscalation，每个红灯时段）",
    Level,
    [
        Transition(
            "remind",
            "提醒",
            (CREATED,),
            Level.REMIND,
            SYSTEM + "，交办变红的当天",
            "",
            "交办当前为红灯（逾期）；向承办单位和交办单位发红灯提醒（与提醒扫描同一消息，不重复）",
        ),
        Transition(
            "urge",
            "催办",
            (Level.REMIND,),
            Level.URGE,
            SYSTEM + "，红灯满 DUBAN_LADDER_URGE_DAYS 天（默认3）",
            "须先提醒",
            "仍为红灯；催办通知承办单位负责人、联络员和交办的督查员",
        ),
        Transition(
            "order",
            "督办单",
            (Level.URGE,),
            Level.ORDER,
            SYSTEM + "，红灯满 DUBAN_LADDER_ORDER_DAYS 天（默认7）",
            "须先催办",
            "仍为红灯；以交办单位名义起草督办单送其领导签发（本时段已有督办单则沿用）",
        ),
        Transition(
            "bulletin",
            "列入通报",
            (Level.ORDER,),
            Level.BULLETIN,
            "系统：签发的督办通报列有该交办（签发时即时，或次日扫描补记）",
            "须先下发督办单",
            "仍为红灯；通报在督办单之后签发",
        ),
        Transition(
            "accountability",
            "建议问责",
            (Level.BULLETIN,),
            Level.ACCOUNTABILITY,
            SYSTEM + "，红灯满 DUBAN_LADDER_ACCOUNTABILITY_DAYS 天（默认30）",
            "须先列入通报",
            "仍为红灯；记为问责建议并通知交办单位及上级的纪检监察，由问责模块处理",
        ),
    ],
)

ACTION = {t.target: t.action for t in LADDER.transitions}  # level → the action that takes it
