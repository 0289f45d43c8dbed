"""Excel import of problems (R-RCT-1): a template, row-level Chinese errors, all or nothing.

Every row is checked first (required cells, source, category, severity, the rectifying unit in
the importer's scope and under the found-by unit, dates); when any row is wrong nothing is written
and every message is shown ("第4行：整改单位编码“X”不在您的数据范围内"). Otherwise each row
becomes a problem through rectification.services.problem_create inside one transaction; an error
raised there for any row rolls the whole file back too.
"""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.excel import audited_import
from core import clock, excel, scoping
from core.services import require
from core.validators import past_date, sane_date
from org.models import Unit
from rectification import rules, services
from rectification.choices import ProblemSource, Severity
from rectification.models import Problem, ProblemCategory

MAX_ROWS = 2000


COLUMNS = (
    excel.ImportColumn("整改单位编码", True, 16, "单位编码；须是发现单位本身或其下级单位"),
    excel.ImportColumn(
        "问题来源", True, 12, "督查 / 自查/回头看 / 巡察 / 审计 / 人大测评 / 满意度调查 / 信访 / 上级通报"
    ),
    excel.ImportColumn("来源说明", False, 24, "如信访件编号、审计报告名称"),
    excel.ImportColumn("问题类别", True, 12, "须为系统中已有的问题类别"),
    excel.ImportColumn("严重程度", False, 10, "一般 / 较重 / 严重，默认一般"),
    excel.ImportColumn("发现日期", False, 12, "如 2026-03-05，默认今天"),
    excel.ImportColumn("问题描述", True, 44, "不超过2000字"),
    excel.ImportColumn("整改要求", False, 30, ""),
    excel.ImportColumn("整改时限", True, 12, "如 2026-06-30，不能早于发现日期"),
)
REQUIRED = excel.required_headers(COLUMNS)


def template_workbook() -> bytes:
    return excel.import_template("问题导入模板", COLUMNS)


class _Lookups:
    """Everything the rows refer to, one query per kind (not per row)."""

    def __init__(self, actor, found_by_unit: Unit, rows):
        self.actor = actor
        self.found_by_unit = found_by_unit
        self.categories = {c.name: c for c in ProblemCategory.objects.filter(is_active=True)}
        self.sources = {label: value for value, label in ProblemSource.choices}
        self.sources.update({value: value for value, _ in ProblemSource.choices})
        self.severities = {label: value for value, label in Severity.choices}
        codes = {excel.cell_text(r.values.get("整改单位编码")) for r in rows} - {""}
        self.units = {u.code: u for u in Unit.objects.filter(code__in=codes, is_active=True)}

    def unit(self, code: str) -> Unit | None:
        """The rectifying unit, or None when unknown, out of scope or not under the found-by unit
        (one answer for all three: the import never confirms that an outside unit exists)."""
        unit = self.units.get(code)
        if unit is None or not scoping.unit_in_scope(self.actor, "rectification.import_problem", unit):
            return None
        if not unit.is_descendant_of(self.found_by_unit):
            return None
        return unit


def _parse_row(row: excel.SheetRow, errors: excel.RowErrors, lk: _Lookups) -> dict | None:
    """The problem fields of one row, or None when the row is wrong (its messages go to ``errors``)."""
    v = row.values
    before = len(errors.errors)
    add = functools.partial(errors.add, row.number)
    for header in REQUIRED:
        if excel.cell_text(v.get(header)) == "":
            add(f"“{header}”不能为空")
    if len(errors.errors) > before:
        return None
    data: dict = {}
    _parse_classification(v, add, lk, data)
    _parse_text_and_dates(v, add, data)
    return data if len(errors.errors) == before else None


def _parse_classification(v: dict, add, lk: _Lookups, data: dict) -> None:
    """整改单位编码, 问题来源 (with 来源说明), 问题类别 and 严重程度 (default 一般)."""
    code = excel.cell_text(v.get("整改单位编码"))
    data["org_unit"] = lk.unit(code)
    if data["org_unit"] is None:
        add(f"整改单位编码“{code}”不在您的数据范围内或不是{lk.found_by_unit.display_name}及其下级单位")

    source = lk.sources.get(excel.cell_text(v.get("问题来源")))
    if source is None:
        add(f"问题来源“{excel.cell_text(v.get('问题来源'))}”不正确，可选：{'、'.join(ProblemSource.labels)}")
    data["source"] = source
    data["source_note"] = excel.cell_text(v.get("来源说明"))[:200]

    category = lk.categories.get(excel.cell_text(v.get("问题类别")))
    if category is None:
        add(f"问题类别“{excel.cell_text(v.get('问题类别'))}”不存在，可选：{'、'.join(lk.categories)}")
    data["category"] = category

    severity_text = excel.cell_text(v.get("严重程度"))
    data["severity"] = Severity.GENERAL
    if severity_text:
        data["severity"] = lk.severities.get(severity_text)
        if data["severity"] is None:
            add(f"严重程度“{severity_text}”不正确，应为：一般、较重或严重")


def _parse_text_and_dates(v: dict, add, data: dict) -> None:
    """问题描述, 整改要求, 发现日期 (default today, not in the future) and 整改时限 (not before it)."""
    description = excel.cell_text(v.get("问题描述"))
    if len(description) > 2000:
        add("问题描述不能超过2000字")
    data["description"] = description
    data["requirement"] = excel.cell_text(v.get("整改要求"))

    try:
        data["found_on"] = excel.as_date(v.get("发现日期")) or clock.today()
    except ValueError as exc:
        add(f"发现日期：{exc}")
    try:
        data["deadline"] = excel.as_date(v.get("整改时限"))
    except ValueError as exc:
        add(f"整改时限：{exc}")
    for header, key, check in (("发现日期", "found_on", past_date), ("整改时限", "deadline", sane_date)):
        try:
            check(data.get(key))
        except ValidationError as exc:
            add(f"{header}：{'；'.join(exc.messages)}")
            data[key] = None
    if data.get("found_on") and data.get("deadline") and data["deadline"] < data["found_on"]:
        add("整改时限不能早于发现日期")


@transaction.atomic
def problem_import(*, actor, found_by_unit: Unit, upload) -> list[Problem]:
    """One problem per row, or nothing at all (raises ValidationError with the row messages)."""
    require(actor, "rectification.import_problem", found_by_unit, "您无权以该单位名义导入问题")
    rules.check_create(actor, found_by_unit)
    return audited_import(
        upload=upload,
        required_headers=REQUIRED,
        max_rows=MAX_ROWS,
        empty_message="文件中没有问题数据（第1行为表头，从第2行起每行一个问题）",
        parser=lambda rows: functools.partial(_parse_row, lk=_Lookups(actor, found_by_unit, rows)),
        create=lambda data: services.problem_create(actor=actor, found_by_unit=found_by_unit, **data),
        actor=actor,
        action="rectification.problem.imported",
        unit=found_by_unit,
    )
