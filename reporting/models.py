from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import ScopedModel


class ProgressReport(ScopedModel):
    """执行情况报告 (R-RPT-2): one period of one assignment, written by the receiving unit."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已提交"
        APPROVED = "approved", "已审核"

    assignment = models.ForeignKey("tasks.Assignment", on_delete=models.CASCADE, related_name="reports")
    org_unit = models.ForeignKey(
        "org.Unit", verbose_name="报告单位", on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField("报告期起")
    period_end = models.DateField("报告期止")
    progress = models.PositiveSmallIntegerField("进度%")
    work_done = models.TextField("工作进展")
    difficulties = models.TextField("困难问题", blank=True)
    next_steps = models.TextField("下步计划", blank=True)
    indicator_values = models.JSONField("指标值", default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提交时间")
    submitted_on = models.DateField("提交日期", db_index=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "进展报告"
        ordering = ["-submitted_at", "-id"]
        permissions = [("approve_progressreport", "审核进展报告")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="reporting_report_progress_le_100"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="reporting_report_period_order",
            ),
        ]
        indexes = [models.Index(fields=["assignment", "period_end"])]

    def __str__(self):
        return f"{self.assignment} {self.period_start:%m-%d}~{self.period_end:%m-%d}"

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.assignment.task_id]) + f"#report-{self.pk}"


class Attachment(ScopedModel):
    """An uploaded file (R-SEC-4): type checked by content, SM3 digest verified on download,
    stored under a server-side name outside the web root, served only through a scope check."""

    org_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(
        "tasks.Assignment", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    milestone = models.ForeignKey(
        "tasks.Milestone", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    purpose = models.CharField(
        max_length=16,
        default="report",
        choices=[
            ("report", "报告附件"),
            ("evidence", "办结佐证"),
            ("milestone", "节点佐证"),
            ("rectification", "整改佐证"),
        ],
    )
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sm3 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=200, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    # a file given earlier (a report's attachment) that the unit picked as 办结佐证 when applying for
    # completion, so it need not upload the same PDF again
    used_as_evidence = models.BooleanField("用作办结佐证", default=False)

    class Meta:
        verbose_name = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("reporting:attachment_download", args=[self.pk])

    @property
    def is_evidence(self) -> bool:
        """The Python twin of EVIDENCE."""
        return self.purpose == "evidence" or self.used_as_evidence


# 办结佐证 of an assignment: uploaded as such, or an earlier file picked as such (Attachment.is_evidence)
EVIDENCE = models.Q(purpose="evidence") | models.Q(used_as_evidence=True)
