from django.db import models


class ProblemSource(models.TextChoices):
    SUPERVISION = "supervision", "督查"
    SELF_CHECK = "self_check", "自查/回头看"
    PATROL = "patrol", "巡察"
    AUDIT = "audit", "审计"
    NPC = "npc", "人大测评"
    SURVEY = "survey", "满意度调查"
    PETITION = "petition", "信访"
    HIGHER = "higher", "上级通报"


class Severity(models.TextChoices):
    GENERAL = "general", "一般"
    SERIOUS = "serious", "较重"
    SEVERE = "severe", "严重"


class ProblemStatus(models.TextChoices):
    PENDING = "pending", "待整改"
    IN_PROGRESS = "in_progress", "整改中"
    RECTIFIED = "rectified", "已整改(待验收)"
    CLOSED = "closed", "已销号"


class EscalationLevel(models.IntegerChoices):
    NONE = 0, "—"
    REMIND = 1, "提醒"
    URGE = 2, "催办"
    ORDER = 3, "督办单"
    BULLETIN = 4, "列入通报"
    ACCOUNTABILITY = 5, "建议问责"


class ProblemEventKind(models.TextChoices):
    CREATED = "created", "登记问题"
    LETTER = "letter", "交办函"
    STARTED = "started", "开始整改"
    EVIDENCE = "evidence", "上传整改佐证"
    RECTIFIED = "rectified", "提交整改结果"
    RETURNED = "returned", "验收退回"
    CLOSED = "closed", "验收销号"
    RECHECK_PASSED = "recheck_passed", "回头看通过"
    RECHECK_FAILED = "recheck_failed", "回头看未通过，重新整改"
    ESCALATED = "escalated", "督办升级"
    UPDATED = "updated", "修改"
    INSTRUCTED = "instructed", "领导批示"
    INSTRUCTION_ANSWERED = "instr_answered", "批示落实"
    INSTRUCTION_CLOSED = "instr_closed", "批示圈阅"


DEFAULT_CATEGORIES = [
    "工作作风",
    "制度落实",
    "医疗质量",
    "公共卫生",
    "安全生产",
    "党风廉政",
    "服务群众",
    "其他",
]
