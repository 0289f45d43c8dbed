"""DailySnapshot: one row per unit per day with the counts the cockpit's trend reads (R-DSH-1).

The unit is the task's 牵头单位 (lead unit) — the unit the cockpit's task charts count by — and
the problem's 整改单位. Rows are written by dashboards.services.take_snapshot only (the queue's
daily job, and the demo as its clock moves); the trend sums the rows of a scope's units and never
recomputes the past.
"""

from django.db import models


class DailySnapshot(models.Model):
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日期")
    tasks = models.PositiveIntegerField("任务数（不含草稿）", default=0)
    red = models.PositiveIntegerField("红灯", default=0)
    yellow = models.PositiveIntegerField("黄灯", default=0)
    green = models.PositiveIntegerField("绿灯", default=0)
    done = models.PositiveIntegerField("已办结", default=0)
    report_late = models.PositiveIntegerField("迟报", default=0)
    report_missing = models.PositiveIntegerField("缺报", default=0)
    # {status value: count} of the unit's tasks (drafts left out)
    by_status = models.JSONField("按状态", default=dict)
    problems = models.PositiveIntegerField("应整改", default=0)
    problems_closed = models.PositiveIntegerField("已整改", default=0)
    problems_overdue = models.PositiveIntegerField("整改逾期", default=0)
    taken_at = models.DateTimeField("生成时间")

    class Meta:
        verbose_name = "每日统计快照"
        verbose_name_plural = "每日统计快照"
        permissions = [("view_cockpit", "查看领导驾驶舱")]
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="dashboards_snapshot_unit_day")]
        indexes = [models.Index(fields=["day", "unit"])]

    def __str__(self):
        return f"{self.unit_id}@{self.day}"
