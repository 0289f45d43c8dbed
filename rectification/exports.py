"""Exports of the problem ledger (R-RCT-5) and the statistics (R-RCT-4).

- Excel: exactly the rows the ledger shows (same filters and sort, every page), through
  core.excel; rows read with .iterator() after select_related, so queries do not grow with rows.
- .docx 问题清单 for one unit or one campaign, laid out by core.gbt9704 (no 发文字号: a list,
  not an issued document).
Every export is recorded in the audit log ("rectification.problem.exported").
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from audit.excel import audited_export
from audit.services import record
from core import clock, excel, gbt9704
from rectification import selectors
from rectification.lights import days_overdue

COLUMNS = (
    excel.Column("编号", 15),
    excel.Column("问题描述", 44),
    excel.Column("整改单位", 18),
    excel.Column("发现单位", 18),
    excel.Column("来源", 10),
    excel.Column("来源说明", 24),
    excel.Column("专项督查", 28),
    excel.Column("类别", 10),
    excel.Column("严重程度", 8),
    excel.Column("发现日期", 12, date=True),
    excel.Column("整改要求", 30),
    excel.Column("整改时限", 12, date=True),
    excel.Column("整改措施", 30),
    excel.Column("责任人", 10),
    excel.Column("状态", 12),
    excel.Column("预警", 7),
    excel.Column("预警原因", 20),
    excel.Column("督办级别", 9),
    excel.Column("退回次数", 8),
    excel.Column("回头看反弹次数", 8),
    excel.Column("整改完成日期", 12, date=True),
    excel.Column("销号时间", 16, date=True),
)
CHUNK = 2000


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def problem_rows(queryset, today: dt.date):
    for p in queryset.iterator(chunk_size=CHUNK):
        info = selectors.light_of(p, today)
        yield (
            p.code,
            p.description,
            p.org_unit.display_name,
            p.found_by_unit.display_name,
            p.get_source_display(),
            p.source_note,
            str(p.campaign) if p.campaign_id else "",
            p.category.name,
            p.get_severity_display(),
            p.found_on,
            p.requirement,
            p.deadline,
            p.measures,
            p.responsible_person,
            p.get_status_display(),
            info.light.label,
            info.reason,
            p.get_escalation_display() if p.escalation else "",
            p.return_count,
            p.regressions,
            p.rectified_on,
            _local(p.closed_at),
        )


def problem_export(*, actor, queryset, today: dt.date, query: str = "") -> tuple[bytes, str]:
    """(xlsx bytes, filename) of the ledger's rows; the export is audited."""
    return audited_export(
        actor=actor,
        title="问题整改台账",
        columns=COLUMNS,
        rows=problem_rows(queryset, today),
        action="rectification.problem.exported",
        format="xlsx",
        query=query,
    )


# --- 问题清单 (.docx) -----------------------------------------------------------------------------

DOCX_WIDTHS = (12, 26, 62, 26, 30)  # mm, 156 in all: the 版心 width


def problem_list_document(*, issuer_name: str, subject: str, problems: list, today: dt.date) -> bytes:
    """问题清单 of one unit or one campaign as a GB/T 9704 document without 发文字号."""
    rows = [["序号", "整改单位", "问题", "整改时限", "整改状态"]]
    counts = {"closed": 0}
    for i, p in enumerate(problems, start=1):
        counts[p.status] = counts.get(p.status, 0) + 1
        state = p.get_status_display()
        if late := days_overdue(p, today):  # 逾期 as the red light has it (a reported item is not)
            state += f"（逾期{late}天）"
        rows.append(
            [
                str(i),
                p.org_unit.display_name,
                f"{p.code} {p.description}",
                gbt9704.chinese_date(p.deadline),
                state,
            ]
        )
    done = counts.get("closed", 0)
    in_work = counts.get("in_progress", 0) + counts.get("rectified", 0)
    pending = counts.get("pending", 0)
    summary = (
        f"截至{gbt9704.chinese_date(today)}，{subject}共有问题{len(problems)}个，"
        f"已整改销号{done}个，正在整改{in_work}个，未启动{pending}个，"
        f"整改率{selectors.rate(done, len(problems))}。"
    )
    spec = gbt9704.OfficialDocument(
        issuer_mark=issuer_name,
        doc_number="",
        title=f"{subject}问题清单",
        addressee=subject if "专项督查" not in subject else "各被检查单位",
        body=[gbt9704.p(summary), gbt9704.table(rows, DOCX_WIDTHS)],
        signature=issuer_name,
        date=today,
        letter=True,
        data_as_of=clock.now(),
    )
    return gbt9704.render(spec)


def problem_list_export(
    *, actor, queryset, subject: str, today: dt.date, query: str = ""
) -> tuple[bytes, str]:
    problems = list(queryset.select_related("org_unit").order_by("org_unit__path", "deadline", "id"))
    issuer = actor.unit.name if actor.unit_id else "督办平台"
    data = problem_list_document(issuer_name=issuer, subject=subject, problems=problems, today=today)
    record(
        actor=actor,
        action="rectification.problem.exported",
        unit=getattr(actor, "unit", None),
        changes={"format": "docx", "rows": len(problems), "subject": subject, "query": query},
    )
    return data, f"{subject}问题清单_{today:%Y%m%d}.docx"


# --- statistics ---------------------------------------------------------------------------------

STAT_COLUMNS = (
    excel.Column("分组", 24),
    excel.Column("应整改", 9),
    excel.Column("已整改", 9),
    excel.Column("正在整改", 9),
    excel.Column("未启动", 9),
    excel.Column("逾期", 9),
    excel.Column("整改率", 9),
    excel.Column("回头看反弹", 10),
)
BY_LABELS = {"unit": "按单位", "source": "按来源", "category": "按类别"}


def statistics_export(*, actor, rows, total, by: str, note: str) -> tuple[bytes, str]:
    def lines():
        for r in [*rows, total]:
            yield (r.label, r.total, r.done, r.in_progress, r.not_started, r.overdue, r.rate, r.regressions)

    columns = (excel.Column(BY_LABELS[by].replace("按", ""), 24), *STAT_COLUMNS[1:])
    return audited_export(
        actor=actor,
        title=f"整改统计（{BY_LABELS[by]}）",
        columns=columns,
        rows=lines(),
        action="rectification.problem.exported",
        note=note,
        format="xlsx",
        statistics=by,
    )
