from django.db import models


class CampaignKind(models.TextChoices):
    OPEN = "open", "明查"
    COVERT = "covert", "暗访"
    RANDOM = "random", "随机抽查"
    CROSS = "cross", "交叉互评"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "筹备中"
    DRAWN = "drawn", "已抽签"
    ACTIVE = "active", "检查中"
    CLOSED = "closed", "已结束"


class ItemResult(models.TextChoices):
    OK = "ok", "符合"
    PROBLEM = "problem", "发现问题"
    NA = "na", "不适用"


class CampaignPhase(models.TextChoices):
    """The status a campaign shows: the stored step (CampaignStatus) read against its period on the
    day (supervision.phases)."""

    DRAFT = "draft", "筹备中"
    DRAWN = "drawn", "已抽签，未开始"
    ACTIVE = "active", "检查中"
    ENDED = "ended", "检查期已过，待结束"
    CLOSED = "closed", "已结束"
