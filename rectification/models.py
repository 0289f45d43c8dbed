from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import ScopedModel
from core.validators import past_date, sane_date
from rectification.choices import EscalationLevel, ProblemEventKind, ProblemSource, ProblemStatus, Severity


class ProblemCategory(models.Model):
    """Editable list of problem categories."""

    name = models.CharField("类别", max_length=30, unique=True)
    sort_order = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "问题类别"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class Problem(ScopedModel):
    """A problem found through any channel (R-RCT-1) and its rectification (R-RCT-2).

    `org_unit` is the unit that must rectify; `found_by_unit` the unit that found it (督查 side,
    which verifies). Both sides see it.
    """

    code = models.CharField("编号", max_length=20, unique=True, editable=False)
    org_unit = models.ForeignKey(
        "org.Unit", verbose_name="整改单位", on_delete=models.PROTECT, related_name="+"
    )
    found_by_unit = models.ForeignKey(
        "org.Unit", verbose_name="发现单位", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("来源", max_length=16, choices=ProblemSource.choices)
    campaign = models.ForeignKey(
        "supervision.Campaign",
        verbose_name="专项督查",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    record = models.ForeignKey(
        "supervision.InspectionRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    finding = models.OneToOneField(
        "supervision.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="problem"
    )
    source_note = models.CharField(
        "来源说明", max_length=200, blank=True, help_text="如信访件编号、审计报告名称"
    )
    description = models.TextField("问题描述")
    category = models.ForeignKey(ProblemCategory, verbose_name="类别", on_delete=models.PROTECT)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    found_on = models.DateField("发现日期", validators=[past_date])
    requirement = models.TextField("整改要求", blank=True)
    deadline = models.DateField("整改时限", validators=[sane_date])
    measures = models.TextField("整改措施", blank=True)
    responsible_person = models.CharField("责任人", max_length=40, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.PENDING
    )
    started_at = models.DateTimeField(null=True, blank=True)
    rectified_at = models.DateTimeField("提交整改时间", null=True, blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_count = models.PositiveSmallIntegerField("退回次数", default=0)
    regressions = models.PositiveSmallIntegerField("回头看反弹次数", default=0)
    escalation = models.PositiveSmallIntegerField("督办级别", choices=EscalationLevel.choices, default=0)
    evidence = models.ManyToManyField(
        "files.Attachment", verbose_name="整改佐证", blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    scope_unit_fields = ("org_unit", "found_by_unit")

    class Meta:
        verbose_name = "问题"
        ordering = ["deadline", "id"]
        permissions = [
            ("rectify_problem", "整改问题"),
            ("verify_problem", "验收销号"),
            ("recheck_problem", "回头看"),
            ("import_problem", "导入问题"),
            ("export_problem", "导出问题"),
            ("escalate_problem", "督办升级"),
        ]
        indexes = [
            models.Index(fields=["org_unit", "status"]),
            models.Index(fields=["found_by_unit", "status"]),
            # the red filter (open, past the deadline) and the light counts read this index alone,
            # the scope's two unit columns included, instead of the table
            models.Index(fields=["status", "deadline", "org_unit", "found_by_unit"]),
            # the ledger's 专项督查 choices: campaigns of visible problems from the index alone
            models.Index(fields=["campaign", "org_unit", "found_by_unit"]),
            models.Index(fields=["source", "status"]),
        ]

    def __str__(self):
        return f"{self.code} {self.description[:30]}"

    def get_absolute_url(self):
        return reverse("rectification:problem_detail", args=[self.pk])


class ProblemEvent(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=ProblemEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class ReCheck(models.Model):
    """回头看 (R-RCT-3): a later re-check of a closed item; a failure reopens it (regression)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="rechecks")
    batch = models.CharField("批次", max_length=40, blank=True)
    sampled = models.BooleanField("随机抽取", default=False)
    checked_on = models.DateField("复查日期")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField("是否通过")
    note = models.TextField("复查情况")

    class Meta:
        ordering = ["-checked_on", "-id"]


class Escalation(models.Model):
    """One step of the escalation ladder (R-WRN-2) for an overdue problem."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(choices=EscalationLevel.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "level"], name="rectification_escalation_once")
        ]
