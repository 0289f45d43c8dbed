"""Audited Excel (R-TSK-7, R-ORG-4, R-API-3): every list export and every ledger import is one
audit entry. The workbook itself (building, reading, the all-or-nothing row loop) is core.excel;
this module adds the record, so core stays below audit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils import timezone

from audit.services import record
from core import clock, excel


def audited_export(
    *,
    actor,
    title: str,
    columns: Sequence[excel.Column],
    rows: Iterable[Sequence],
    action: str,
    note: str = "",
    **changes,
) -> tuple[bytes, str]:
    """Every list export: the workbook of exactly the rows given, one audit entry `action` naming
    how many rows left the system and with which query (`changes`), and a file name stamped with
    the application clock. Returns (xlsx bytes, filename)."""
    counted = [0]

    def counting():
        for row in rows:
            counted[0] += 1
            yield row

    data = excel.build_workbook(title=title, columns=columns, rows=counting(), note=note)
    record(
        actor=actor, action=action, unit=getattr(actor, "unit", None), changes={"rows": counted[0], **changes}
    )
    return data, f"{title}_{timezone.localtime(clock.now()):%Y%m%d_%H%M}.xlsx"


def audited_import(*, upload, actor, action: str, unit, **loop) -> list:
    """core.excel.import_rows (`loop`: required_headers, max_rows, empty_message, parser, create),
    then — only when the whole file was imported — one audit entry `action` for `unit` naming the
    file, the count and the first and last code. Call it inside `transaction.atomic()`."""
    created = excel.import_rows(upload=upload, **loop)
    record(
        actor=actor,
        action=action,
        unit=unit,
        changes={
            "file": getattr(upload, "name", ""),
            "count": len(created),
            "codes": [created[0].code, created[-1].code],
        },
    )
    return created
