"""Excel export of the task ledger (R-TSK-7): exactly the rows the ledger shows, all pages.

The caller passes the ledger's own filtered and sorted queryset (tasks.filters.TaskFilterSet
over tasks.selectors.ledger_queryset). Rows are read with .iterator(chunk_size=2000) after
select_related, so the number of queries does not grow with the rows, and written through
core.excel's write-only workbook, so memory stays flat at 10,000+ rows.
"""

from __future__ import annotations

import datetime as dt

from audit.excel import audited_export
from core import excel
from tasks import lights
from tasks.choices import TaskLevel, TaskStatus

LEVELS, STATUSES = dict(TaskLevel.choices), dict(TaskStatus.choices)  # get_*_display per row is slow

COLUMNS = (
    excel.Column("编号", 15),
    excel.Column("任务名称", 40),
    excel.Column("等级", 7),
    excel.Column("类别", 12),
    excel.Column("上级部署", 28),
    excel.Column("创建单位", 18),
    excel.Column("牵头单位", 18),
    excel.Column("开始日期", 12, date=True),
    excel.Column("完成时限", 12, date=True),
    excel.Column("状态", 10),
    excel.Column("进度（%）", 9),
    excel.Column("最近报告日期", 13, date=True),
    excel.Column("预警", 7),
    excel.Column("预警原因", 34),
    excel.Column("办结日期", 12, date=True),
)
CHUNK = 2000


def task_rows(queryset, today: dt.date):
    for task in queryset.iterator(chunk_size=CHUNK):
        info = lights.for_object(task, today)
        yield (
            task.code,
            task.title,
            LEVELS.get(task.level, task.level),
            task.category.name,
            str(task.directive) if task.directive_id else "",
            task.org_unit.display_name,
            task.lead_unit.display_name,
            task.start_date,
            task.due_date,
            STATUSES.get(task.status, task.status),
            task.progress,
            task.last_report_on,
            info.light.label,
            info.reason,
            task.completed_on,
        )


def task_export(*, actor, queryset, today: dt.date, query: str = "") -> tuple[bytes, str]:
    """Build the workbook and record the export in the audit log; returns (xlsx bytes, filename)."""
    return audited_export(
        actor=actor,
        title="任务台账",
        columns=COLUMNS,
        rows=task_rows(queryset, today),
        action="tasks.task.exported",
        query=query,
    )
