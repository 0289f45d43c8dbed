"""The words of surveys (issue 13): questionnaire kinds, question types, the states of a
questionnaire, a survey round and a 履职测评."""

from django.db import models


class QuestionnaireKind(models.TextChoices):
    OUTPATIENT = "outpatient", "门诊患者满意度"
    INPATIENT = "inpatient", "住院患者满意度"
    RESIDENT = "resident", "居民满意度"
    NPC = "npc", "人大代表履职测评"
    OTHER = "other", "其他"


class QuestionType(models.TextChoices):
    SINGLE = "single", "单选"
    MULTIPLE = "multiple", "多选"
    RATING5 = "rating5", "评分（1–5分）"
    RATING10 = "rating10", "评分（1–10分）"
    MATRIX = "matrix", "矩阵评分（1–5分）"
    SHORT = "short", "简答"
    LONG = "long", "详答"


RATING_MAX = {QuestionType.RATING5: 5, QuestionType.RATING10: 10, QuestionType.MATRIX: 5}
CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)
TEXT_TYPES = (QuestionType.SHORT, QuestionType.LONG)


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # never published
    PUBLISHED = "published", "已发布"  # has a version; the draft may have changed since
    ARCHIVED = "archived", "已停用"


class SurveyMode(models.TextChoices):
    OPEN = "open", "公开链接/二维码"
    TOKEN = "token", "一次性答题码"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "未开始"
    OPEN = "open", "收集中"
    CLOSED = "closed", "已结束"


class EvaluationStage(models.TextChoices):
    SELF_REPORT = "self_report", "部门自查报告"
    SURVEY = "survey", "代表测评"
    MEETING = "meeting", "评议会议"
    PROBLEMS = "problems", "问题清单"
    RECTIFY = "rectify", "整改落实"
    RESULT = "result", "结果报告"
    DONE = "done", "已完成"
