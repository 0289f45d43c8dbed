from django.conf import settings
from django.db import models
from django.urls import reverse

from core import clock
from core.models import ClockDateTimeField, ScopedModel
from core.validators import past_date, sane_date
from supervision.choices import CampaignKind, CampaignStatus, ItemResult
from supervision.phases import CSS as PHASE_CSS
from supervision.phases import phase_of


class Campaign(ScopedModel):
    """专项督查 (R-SUP-1): theme, period, kind, targets, inspectors and a checklist."""

    org_unit = models.ForeignKey(
        "org.Unit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField("编号", max_length=20, unique=True, editable=False)
    theme = models.CharField("督查主题", max_length=200)
    kind = models.CharField("方式", max_length=10, choices=CampaignKind.choices)
    start_date = models.DateField("开始日期", validators=[sane_date])
    end_date = models.DateField("结束日期", validators=[sane_date])
    description = models.TextField("督查内容", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    target_pool = models.ManyToManyField("org.Unit", verbose_name="检查对象库", blank=True, related_name="+")
    inspector_pool = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="检查人员库", blank=True, related_name="+"
    )
    targets = models.ManyToManyField(
        "org.Unit", verbose_name="检查对象", blank=True, related_name="campaigns"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "专项督查"
        ordering = ["-start_date", "-id"]
        permissions = [("draw_campaign", "双随机抽签"), ("inspect_campaign", "录入检查记录")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="supervision_campaign_period_order",
            )
        ]

    def __str__(self):
        return f"{self.code} {self.theme}"

    def get_absolute_url(self):
        return reverse("supervision:campaign_detail", args=[self.pk])

    @property
    def phase(self):
        """What the campaign shows today: its step read against its period (supervision.phases)."""
        return phase_of(self, clock.today())

    @property
    def phase_css(self) -> str:
        return PHASE_CSS[self.phase]


class ChecklistItem(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField("检查事项", max_length=200)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.text


class CampaignInspector(models.Model):
    """An inspector sent to one target (drawn or chosen)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="inspections")
    target = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "target", "inspector"], name="supervision_inspector_unique"
            )
        ]


class Draw(models.Model):
    """双随机 record (R-SUP-2): the seed, the pools and the result, so anyone can re-run it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="draws")
    seed = models.CharField("随机种子", max_length=64)
    target_pool = models.JSONField("对象库（单位ID，升序）")
    inspector_pool = models.JSONField("人员库（账号ID，升序）")
    target_count = models.PositiveSmallIntegerField("抽取对象数")
    inspectors_per_target = models.PositiveSmallIntegerField("每个对象检查人数")
    result = models.JSONField("抽签结果")  # [{"target": unit_id, "inspectors": [user_id, …]}, …]
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField("抽签时间")
    reason = models.CharField("重新抽签理由", max_length=300, blank=True)  # empty only for the first draw
    algorithm = models.CharField(max_length=40, default="python-random-mt19937-v1")

    class Meta:
        ordering = ["-drawn_at", "-id"]


class InspectionRecord(ScopedModel):
    """检查记录 (R-SUP-3): one visit to one target unit (the record's org_unit)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="records")
    org_unit = models.ForeignKey(
        "org.Unit", verbose_name="被检查单位", on_delete=models.PROTECT, related_name="+"
    )
    site = models.CharField("检查场所", max_length=100, blank=True)
    is_key_site = models.BooleanField("重点场所", default=False)
    inspected_on = models.DateField("检查日期", validators=[past_date])
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="检查人员", related_name="+")
    summary = models.TextField("检查情况", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    scope_unit_fields = ("org_unit",)

    class Meta:
        verbose_name = "检查记录"
        ordering = ["-inspected_on", "-id"]

    def __str__(self):
        return f"{self.campaign.theme} · {self.org_unit.display_name} · {self.inspected_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("supervision:record_detail", args=[self.pk])


class ItemCheck(models.Model):
    record = models.ForeignKey(InspectionRecord, on_delete=models.CASCADE, related_name="checks")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(max_length=10, choices=ItemResult.choices, default=ItemResult.OK)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "item"], name="supervision_itemcheck_unique")
        ]


class Finding(models.Model):
    """发现 (R-SUP-3): becomes a problem (rectification.Problem) in one step."""

    record = models.ForeignKey(InspectionRecord, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.TextField("问题描述")
    severity = models.CharField(
        "严重程度",
        max_length=10,
        choices=[("general", "一般"), ("serious", "较重"), ("severe", "严重")],
        default="general",
    )
    created_at = ClockDateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.description[:40]
