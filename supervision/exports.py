"""Excel exports of the campaign list and the inspection-record list: exactly the rows (same
filters, same order, every page) and columns each page shows, through core.excel, audited."""

from __future__ import annotations

from audit.excel import audited_export
from core import excel

CAMPAIGN_COLUMNS = (
    excel.Column("编号", 14),
    excel.Column("督查主题", 36),
    excel.Column("方式", 10),
    excel.Column("组织单位", 18),
    excel.Column("开始日期", 12, date=True),
    excel.Column("结束日期", 12, date=True),
    excel.Column("状态", 9),
    excel.Column("检查对象数", 10),
    excel.Column("检查记录数", 10),
    excel.Column("检查单位次数", 12),
    excel.Column("重点场所次数", 12),
    excel.Column("发现问题个数", 12),
    excel.Column("下发交办函份数", 14),
)

RECORD_COLUMNS = (
    excel.Column("专项督查", 30),
    excel.Column("被检查单位", 20),
    excel.Column("检查日期", 12, date=True),
    excel.Column("检查场所", 20),
    excel.Column("重点场所", 9),
    excel.Column("检查人员", 22),
    excel.Column("发现问题数", 10),
    excel.Column("发现的问题", 60),
    excel.Column("已转为问题", 22),
)
CHUNK = 2000


def campaign_rows(queryset):
    for c in queryset.iterator(chunk_size=CHUNK):
        yield (
            c.code,
            c.theme,
            c.get_kind_display(),
            c.org_unit.display_name,
            c.start_date,
            c.end_date,
            c.phase.label,
            c.n_targets,
            c.n_records,
            c.n_units_checked,
            c.n_key,
            c.n_problems,
            c.n_letters,
        )


def finding_lines(rec) -> tuple[str, str]:
    """(numbered findings, codes of the problems they became) — as the record list shows them."""
    findings = list(rec.findings.all())
    text = "\n".join(f"{i}. {f.description}（{f.get_severity_display()}）" for i, f in enumerate(findings, 1))
    codes = "、".join(f.problem.code for f in findings if getattr(f, "problem", None) is not None)
    return text, codes


def record_rows(queryset):
    # prefetch_related needs chunk_size with iterator(); each chunk costs a constant few queries
    for rec in queryset.iterator(chunk_size=CHUNK):
        text, codes = finding_lines(rec)
        yield (
            f"{rec.campaign.code} {rec.campaign.theme}",
            rec.org_unit.display_name,
            rec.inspected_on,
            rec.site,
            "是" if rec.is_key_site else "否",
            "、".join(u.full_name for u in rec.inspectors.all()),
            len(rec.findings.all()),
            text,
            codes,
        )


def campaign_export(*, actor, queryset, query: str = "", stats_sentence: str = "") -> tuple[bytes, str]:
    return audited_export(
        actor=actor,
        title="专项督查",
        columns=CAMPAIGN_COLUMNS,
        rows=campaign_rows(queryset),
        action="supervision.campaign.exported",
        note=f"统计：{stats_sentence}" if stats_sentence else "",
        query=query,
    )


def record_export(*, actor, queryset, query: str = "") -> tuple[bytes, str]:
    return audited_export(
        actor=actor,
        title="检查记录",
        columns=RECORD_COLUMNS,
        rows=record_rows(queryset),
        action="supervision.record.exported",
        query=query,
    )
