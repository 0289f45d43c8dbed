from django.db import models


class DirectiveKind(models.TextChoices):
    DOCUMENT = "document", "文件"
    MEETING = "meeting", "会议"
    INSTRUCTION = "instruction", "批示"
    LEADER = "leader", "领导交办"


class TaskLevel(models.TextChoices):
    MAJOR = "major", "重大"
    KEY = "key", "重点"
    GENERAL = "general", "一般"


class TaskStatus(models.TextChoices):
    """Lifecycle of an assignment (R-TSK-5); a task's status rolls up from its assignments."""

    DRAFT = "draft", "草稿"
    ASSIGNED = "assigned", "已交办"
    SIGNED = "signed", "已签收"
    IN_PROGRESS = "in_progress", "办理中"
    COMPLETION_REQUESTED = "completion_requested", "申请办结"
    COMPLETED = "completed", "已办结"
    RETURNED = "returned", "已退回"


OPEN_STATUSES = (
    TaskStatus.ASSIGNED,
    TaskStatus.SIGNED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.COMPLETION_REQUESTED,
)


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "牵头单位"
    COOPERATE = "cooperate", "配合单位"


class Cadence(models.TextChoices):
    DAILY = "daily", "每日"
    WEEKLY = "weekly", "每周"
    BIWEEKLY = "biweekly", "每两周"
    MONTHLY = "monthly", "每月"
    MILESTONE = "milestone", "按时间节点"


CADENCE_DAYS = {
    Cadence.DAILY: 1,
    Cadence.WEEKLY: 7,
    Cadence.BIWEEKLY: 14,
    Cadence.MONTHLY: 31,
    Cadence.MILESTONE: None,
}


class ReviewMeetingKind(models.TextChoices):
    PARTY_GROUP = "party_group", "党组会"
    PARTY_COMMITTEE = "party_committee", "党委会"


class ReviewConclusion(models.TextChoices):
    APPROVED = "approved", "同意"
    APPROVED_WITH_CHANGES = "approved_changes", "修改后同意"
    REJECTED = "rejected", "不同意"


class Light(models.IntegerChoices):
    """Warning lights (R-WRN-1); the integer orders them so lists sort worst first."""

    DONE = 0, "已办结"
    GREEN = 1, "绿"
    YELLOW = 2, "黄"
    RED = 3, "红"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REJECTED = "rejected", "未同意"


class EventKind(models.TextChoices):
    CREATED = "created", "创建"
    REVIEWED = "reviewed", "前置审议"
    DECOMPOSED = "decomposed", "分解"
    ASSIGNED = "assigned", "交办"
    SIGNED = "signed", "签收"
    RETURNED = "returned", "退回"
    REPORTED = "reported", "报告进展"
    EXTENSION_REQUESTED = "extension_requested", "申请延期"
    EXTENSION_DECIDED = "extension_decided", "延期审批"
    COMPLETION_REQUESTED = "completion_requested", "申请办结"
    COMPLETED = "completed", "审核办结"
    COMPLETION_REJECTED = "completion_rejected", "办结退回"
    LIGHT_CHANGED = "light_changed", "预警"
    REMINDED = "reminded", "提醒"
    UPDATED = "updated", "修改任务"
    MILESTONE = "milestone", "时间节点"
    INDICATOR = "indicator", "指标"
    TASKFORCE = "taskforce", "专班调整"
    EMERGENCY = "emergency", "应急日报"
    INSTRUCTED = "instructed", "领导批示"
    INSTRUCTION_ANSWERED = "instruction_answered", "批示落实"
    INSTRUCTION_CLOSED = "instruction_closed", "批示圈阅"
    URGED = "urged", "催办"
    ORDERED = "ordered", "督办单"
    BULLETINED = "bulletined", "列入通报"
    ACCOUNTABILITY_PROPOSED = "accountability", "建议问责"


# The editable category list starts with these (seeded after migrate when the table is empty).
DEFAULT_CATEGORIES = [
    "医改",
    "疾病防控",
    "应急处置",
    "公共卫生",
    "党的建设",
    "党风廉政",
    "法治建设",
    "意识形态",
    "信访",
    "其他",
]
