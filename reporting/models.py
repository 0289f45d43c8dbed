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
    # the report's files; each is also one of its assignment's files (Assignment.attachments)
    attachments = models.ManyToManyField(
        "files.Attachment", verbose_name="附件", blank=True, related_name="+"
    )

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
