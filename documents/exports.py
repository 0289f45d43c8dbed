"""Excel export of the document list (公文): exactly the rows the list shows (same filters, same
order, every page) with its columns, through audit.excel.audited_export."""

from __future__ import annotations

from django.utils import timezone

from audit.excel import audited_export
from core import excel

COLUMNS = (
    excel.Column("发文字号", 20),
    excel.Column("文种", 10),
    excel.Column("标题", 44),
    excel.Column("专项督查", 30),
    excel.Column("发文机关", 20),
    excel.Column("主送", 24),
    excel.Column("状态", 8),
    excel.Column("成文日期", 12, date=True),
    excel.Column("起草日期", 12, date=True),
    excel.Column("数据截至", 18),
    excel.Column("SM3摘要", 66),
)
CHUNK = 2000


def document_rows(queryset):
    for d in queryset.iterator(chunk_size=CHUNK):
        yield (
            d.doc_number,
            d.get_kind_display(),
            d.title,
            f"{d.campaign.code} {d.campaign.theme}" if d.campaign else "",
            d.org_unit.display_name,
            d.recipient.display_name if d.recipient else d.addressee,
            d.get_status_display(),
            d.issued_on,
            timezone.localdate(d.created_at),
            f"{timezone.localtime(d.data_as_of):%Y-%m-%d %H:%M}" if d.data_as_of else "",
            d.sm3,
        )


def document_export(*, actor, queryset, query: str = "") -> tuple[bytes, str]:
    return audited_export(
        actor=actor,
        title="公文",
        columns=COLUMNS,
        rows=document_rows(queryset),
        action="documents.document.exported",
        query=query,
    )
