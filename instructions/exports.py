"""The 批示落实台账 as Excel: exactly the rows the ledger shows (same filters and sort, every page),
through audit.excel (one audit entry naming the rows and the query)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from audit.excel import audited_export
from core import excel
from instructions import lights

COLUMNS = (
    excel.Column("批示对象", 40),
    excel.Column("批示内容", 50),
    excel.Column("批示领导", 12),
    excel.Column("批示单位", 18),
    excel.Column("批示时间", 16, date=True),
    excel.Column("落实单位", 18),
    excel.Column("落实责任人", 12),
    excel.Column("落实时限", 12, date=True),
    excel.Column("状态", 10),
    excel.Column("预警", 7),
    excel.Column("预警原因", 26),
    excel.Column("报送落实日期", 12, date=True),
    excel.Column("退回次数", 8),
    excel.Column("圈阅时间", 16, date=True),
    excel.Column("调度会", 30),
)


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def rows(queryset, today: dt.date):
    for ins in queryset.iterator(chunk_size=2000):
        info = lights.light_of(ins, today)
        yield (
            ins.target_label,
            ins.text,
            ins.author.full_name,
            ins.org_unit.display_name,
            _local(ins.created_at),
            ins.assignee_unit.display_name,
            ins.assignee_display,
            ins.due_date,
            ins.get_status_display(),
            info.light.label,
            info.reason,
            ins.answered_on,
            ins.return_count,
            _local(ins.closed_at),
            ins.meeting.title if ins.meeting_id else "",
        )


def instruction_export(*, actor, queryset, today: dt.date, query: str) -> tuple[bytes, str]:
    return audited_export(
        actor=actor,
        title="批示落实台账",
        columns=COLUMNS,
        rows=rows(queryset, today),
        action="instructions.instruction.exported",
        query=query,
    )
