"""Excel in and out (R-TSK-7, R-ORG-4, R-API-3) — one module for every ledger.

Export (XlsxWriter): Chinese headers, a frozen bold header row, real date cells, sensible column
widths, text always written as text and cells that start with = + - @ escaped so a spreadsheet
never runs them (formula injection).
Import: size and zip-bomb checks before openpyxl reads the file; rows come back as dicts keyed
by the Chinese header, with their spreadsheet row number for row-level error messages.
Pure workbook building and parsing: the audited export and import (one audit entry each) are
audit.excel's, above this module.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

import xlsxwriter
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import load_workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass
class Column:
    header: str
    width: int = 14
    date: bool = False


def build_workbook(
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    note: str = "",
    more_sheets: Sequence[tuple[str, Sequence[int], Sequence[Sequence]]] = (),
) -> bytes:
    """Write rows to an .xlsx with XlsxWriter in constant-memory mode (rows are written as they
    come: flat memory for 10,000+ rows). Text is always written as text, never as a formula.
    `more_sheets`: (title, column widths, rows) of further plain sheets."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "in_memory": True, "remove_timezone": True})
    ws = wb.add_worksheet(title[:31])
    header = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "align": "center", "valign": "vcenter"})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    moment = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for i, col in enumerate(columns):
        ws.set_column(i, i, col.width)
        ws.write_string(0, i, col.header, header)
    ws.freeze_panes(1, 0)
    r = 0
    for r, row in enumerate(rows, start=1):
        for i, value in enumerate(row):
            _write(ws, r, i, value, day, moment)
    if note:
        ws.write_string(r + 2, 0, safe_cell(note))
    for sheet_title, widths, sheet_rows in more_sheets:
        sheet = wb.add_worksheet(sheet_title[:31])
        for i, width in enumerate(widths):
            sheet.set_column(i, i, width)
        for r, row in enumerate(sheet_rows):
            for i, value in enumerate(row):
                _write(sheet, r, i, value, day, moment)
    wb.close()
    return buf.getvalue()


def _write(ws, r: int, c: int, value, day, moment) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, int | float | Decimal):
        ws.write_number(r, c, value)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, timezone.localtime(value) if timezone.is_aware(value) else value, moment)
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, value, day)
    else:
        ws.write_string(r, c, safe_cell(str(value)))


# --- import templates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportColumn:
    """One column of an import template: header, required, width and the hint shown to the user
    (on the import page and on the template's 填写说明 sheet)."""

    header: str
    required: bool
    width: int = 14
    hint: str = ""


def required_headers(columns: Sequence[ImportColumn]) -> list[str]:
    return [c.header for c in columns if c.required]


def import_template(title: str, columns: Sequence[ImportColumn]) -> bytes:
    """The downloadable template: the header row (required columns marked *), then a 填写说明
    sheet with every column's hint."""
    hints = [["列", "说明"]]
    hints += [
        [c.header, ("必填" if c.required else "选填") + (f"：{c.hint}" if c.hint else "")] for c in columns
    ]
    hints += [[], ["注意", "只读取第一个工作表；任一行有错误则整个文件都不导入，请按提示修改后重新上传"]]
    return build_workbook(
        title=title,
        columns=[Column(c.header + ("*" if c.required else ""), width=c.width) for c in columns],
        rows=[],
        more_sheets=[("填写说明", (16, 80), hints)],
    )


def cell_text(value) -> str:
    """Cell → text; numbers typed into a code or phone column come back as ints or floats."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@dataclass
class SheetRow:
    number: int  # 1-based spreadsheet row number, for messages like “第3行：…”
    values: dict[str, object] = field(default_factory=dict)


@dataclass
class RowErrors:
    errors: list[str] = field(default_factory=list)

    def add(self, row: int, message: str) -> None:
        self.errors.append(f"第{row}行：{message}")

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def read_sheet(upload, *, required_headers: Sequence[str]) -> list[SheetRow]:
    """Read the first sheet of an uploaded .xlsx into rows keyed by header text."""
    if upload.size > MAX_IMPORT_BYTES:
        raise ValidationError(f"文件超过{MAX_IMPORT_BYTES // (1024 * 1024)}MB上限")
    data = upload.read()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNZIPPED_BYTES:
                raise ValidationError("文件解压后过大，已拒绝")
    except zipfile.BadZipFile as exc:
        raise ValidationError("请上传 .xlsx 格式的 Excel 文件（可先下载模板）") from exc
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — any parse failure is the same message to the user
        raise ValidationError("无法读取该 Excel 文件，请使用下载的模板") from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = [str(h).strip().rstrip("*") if h is not None else "" for h in next(rows)]
    except StopIteration as exc:
        raise ValidationError("文件是空的") from exc
    missing = [h for h in required_headers if h not in header]
    if missing:
        raise ValidationError(f"缺少列：{'、'.join(missing)}（请使用下载的模板）")
    out = []
    for number, raw in enumerate(rows, start=2):
        if raw is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
            continue
        values = {}
        for h, v in zip(header, raw, strict=False):
            if h:
                values[h] = v.strip() if isinstance(v, str) else v
        out.append(SheetRow(number, values))
    wb.close()
    return out


def as_date(value) -> dt.date | None:
    """Excel date cells, or text 2026-03-05 / 2026/3/5 / 2026年3月5日."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-")
    try:
        y, m, d = (int(p) for p in text.split("-"))
        return dt.date(y, m, d)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"日期“{value}”格式不正确，应为 2026-03-05") from exc


def import_rows(
    *,
    upload,
    required_headers: Sequence[str],
    max_rows: int,
    empty_message: str,
    parser,
    create,
) -> list:
    """The all-or-nothing import loop shared by every ledger (R-TSK-7, R-RCT-1, R-API-3).

    Reads the sheet; `parser(rows)` sees every row first (to look up their units and codes in a few
    queries) and returns `parse(row, errors)`, which gives a row's data or None after adding its
    messages; then — only when every row parsed — calls `create(data)` per row; any error there
    is reported against its row too. Call it inside `transaction.atomic()`: the final raise undoes the
    rows already created, so a file is imported whole or not at all. A ledger import goes through
    audit.excel.audited_import, which records the whole import as one audit entry.
    """
    rows = read_sheet(upload, required_headers=required_headers)
    if not rows:
        raise ValidationError(empty_message)
    if len(rows) > max_rows:
        raise ValidationError(f"一次最多导入{max_rows}行，请拆分文件")
    errors = RowErrors()
    parse = parser(rows)
    parsed = [(row, parse(row, errors)) for row in rows]
    errors.raise_if_any()
    created = []
    for row, data in parsed:
        try:
            created.append(create(data))
        except ValidationError as exc:
            errors.add(row.number, "；".join(exc.messages))
        except PermissionDenied as exc:
            errors.add(row.number, str(exc) or "您没有权限")
    errors.raise_if_any()
    return created
