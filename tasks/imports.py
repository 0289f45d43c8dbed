"""Excel import of tasks (R-TSK-7): a downloadable template, row-level Chinese errors, all or nothing.

Every row is checked first (required cells, category, level, units in the importer's data
scope, dates); when any row is wrong nothing is written and every message is shown
("第4行：牵头单位编码“X”不在您的数据范围内"). Otherwise each row becomes a draft task through
tasks.services.task_create inside one transaction; an error raised there for any row rolls
the whole file back too.
"""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from audit.excel import audited_import
from core import excel, scoping
from core.services import require
from core.validators import sane_date
from org.models import Unit
from tasks import services
from tasks.choices import Cadence, TaskLevel
from tasks.models import Directive, Task, TaskCategory

MAX_ROWS = 2000
MAX_WORKDAYS = 1000
CO_UNIT_SEPARATORS = ("、", ",", "，", ";", "；", " ")


COLUMNS = (
    excel.ImportColumn("任务名称", True, 36, "不超过200字"),
    excel.ImportColumn("类别", True, 12, "须为系统中已有的任务类别"),
    excel.ImportColumn("等级", True, 8, "重大 / 重点 / 一般"),
    excel.ImportColumn("牵头单位编码", True, 16, "单位编码，须在您的数据范围内"),
    excel.ImportColumn("配合单位编码", False, 24, "多个单位用顿号“、”分隔"),
    excel.ImportColumn("开始日期", True, 12, "如 2026-03-05"),
    excel.ImportColumn("完成时限", False, 12, "日期；与“工作日数”二选一"),
    excel.ImportColumn("工作日数", False, 10, "自开始日期起的工作日数，按法定节假日计算"),
    excel.ImportColumn("报告频次", False, 12, "每日 / 每周 / 每两周 / 每月 / 按时间节点，默认每周"),
    excel.ImportColumn("工作目标", False, 40, ""),
    excel.ImportColumn("上级部署文号", False, 20, "须为已登记的上级部署文号"),
)
REQUIRED = excel.required_headers(COLUMNS)


def template_workbook() -> bytes:
    return excel.import_template("任务导入模板", COLUMNS)


def _split_codes(value) -> list[str]:
    text = excel.cell_text(value)
    for sep in CO_UNIT_SEPARATORS[1:]:
        text = text.replace(sep, CO_UNIT_SEPARATORS[0])
    return [c for c in (p.strip() for p in text.split(CO_UNIT_SEPARATORS[0])) if c]


class _Lookups:
    """Everything the rows refer to, loaded with one query per kind (not per row)."""

    def __init__(self, actor, rows):
        self.actor = actor
        self.categories = {c.name: c for c in TaskCategory.objects.filter(is_active=True)}
        self.levels = {label: value for value, label in TaskLevel.choices}
        self.cadences = {label: value for value, label in Cadence.choices}
        codes = set()
        doc_numbers = set()
        for row in rows:
            codes.add(excel.cell_text(row.values.get("牵头单位编码")))
            codes.update(_split_codes(row.values.get("配合单位编码")))
            doc_numbers.add(excel.cell_text(row.values.get("上级部署文号")))
        codes.discard("")
        doc_numbers.discard("")
        self.units = {u.code: u for u in Unit.objects.filter(code__in=codes, is_active=True)}
        self.directives = {}
        if doc_numbers:
            visible = Directive.objects.filter(
                scoping.scope_q(actor, "tasks.view_directive", Directive.scope_unit_fields)
                | Q(pk__in=Task.objects.visible_to(actor, "tasks.view_task").values("directive_id")),
                doc_number__in=doc_numbers,
            ).order_by("-issued_on", "-id")
            for d in visible:
                self.directives.setdefault(d.doc_number, d)

    def unit(self, code: str) -> Unit | None:
        """A unit the importer may give tasks to; None when unknown or out of scope (the same
        answer for both, so the import never confirms that a unit outside the scope exists)."""
        unit = self.units.get(code)
        if unit is None or not scoping.unit_in_scope(self.actor, "tasks.import_task", unit):
            return None
        return unit


def _parse_row(row: excel.SheetRow, errors: excel.RowErrors, lk: _Lookups) -> dict | None:
    """The task fields of one row, or None when the row is wrong (its messages go to ``errors``)."""
    v = row.values
    before = len(errors.errors)
    add = functools.partial(errors.add, row.number)

    for header in REQUIRED:
        if excel.cell_text(v.get(header)) == "":
            add(f"“{header}”不能为空")
    if len(errors.errors) > before:
        return None

    data: dict = {}
    _parse_kind(v, add, lk, data)
    _parse_units(v, add, lk, data)
    _parse_dates(v, add, data)
    _parse_cadence_and_directive(v, add, lk, data)
    return data if len(errors.errors) == before else None


def _parse_kind(v: dict, add, lk: _Lookups, data: dict) -> None:
    """任务名称, 类别 and 等级."""
    title = excel.cell_text(v.get("任务名称"))
    if len(title) > 200:
        add("任务名称不能超过200字")
    data["title"] = title

    category = lk.categories.get(excel.cell_text(v.get("类别")))
    if category is None:
        add(f"类别“{excel.cell_text(v.get('类别'))}”不存在，可选：{'、'.join(lk.categories)}")
    data["category"] = category

    level = lk.levels.get(excel.cell_text(v.get("等级")))
    if level is None:
        add(f"等级“{excel.cell_text(v.get('等级'))}”不正确，应为：重大、重点或一般")
    data["level"] = level


def _parse_units(v: dict, add, lk: _Lookups, data: dict) -> None:
    """牵头单位编码 and 配合单位编码: units in the importer's scope, the lead not among the co-units."""
    code = excel.cell_text(v.get("牵头单位编码"))
    lead = lk.unit(code)
    if lead is None:
        add(f"牵头单位编码“{code}”不在您的数据范围内")
    data["lead_unit"] = lead

    co_units = []
    for co_code in _split_codes(v.get("配合单位编码")):
        unit = lk.unit(co_code)
        if unit is None:
            add(f"配合单位编码“{co_code}”不在您的数据范围内")
        elif lead is not None and unit.pk == lead.pk:
            add(f"配合单位“{co_code}”与牵头单位相同")
        elif unit not in co_units:
            co_units.append(unit)
    data["co_units"] = co_units


def _parse_dates(v: dict, add, data: dict) -> None:
    """开始日期, and 完成时限 or 工作日数 (one of the two; the deadline not before the start)."""
    for key, header in (("start_date", "开始日期"), ("due_date", "完成时限")):
        try:
            data[key] = excel.as_date(v.get(header))
            sane_date(data[key])
        except ValueError as exc:
            add(f"{header}：{exc}")
        except ValidationError as exc:
            add(f"{header}：{'；'.join(exc.messages)}")
            data.pop(key, None)

    workdays_text = excel.cell_text(v.get("工作日数"))
    data["due_in_workdays"] = None
    if workdays_text:
        try:
            days = int(workdays_text)
            if not 0 < days <= MAX_WORKDAYS:
                raise ValueError
            data["due_in_workdays"] = days
        except ValueError:
            add(f"工作日数“{workdays_text}”应为1至{MAX_WORKDAYS}之间的整数")
    if not workdays_text and "due_date" in data and data["due_date"] is None:
        add("请填写“完成时限”或“工作日数”")
    if (
        data.get("start_date")
        and data.get("due_date")
        and not data["due_in_workdays"]
        and data["due_date"] < data["start_date"]
    ):
        add("完成时限不能早于开始日期")


def _parse_cadence_and_directive(v: dict, add, lk: _Lookups, data: dict) -> None:
    """报告频次 (default 每周), 工作目标 and 上级部署文号 (a registered directive the importer sees)."""
    cadence_text = excel.cell_text(v.get("报告频次"))
    data["cadence"] = Cadence.WEEKLY
    if cadence_text:
        cadence = lk.cadences.get(cadence_text)
        if cadence is None:
            add(f"报告频次“{cadence_text}”不正确，应为：{'、'.join(lk.cadences)}")
        data["cadence"] = cadence

    data["goals"] = excel.cell_text(v.get("工作目标"))

    doc_number = excel.cell_text(v.get("上级部署文号"))
    data["directive"] = None
    if doc_number:
        directive = lk.directives.get(doc_number)
        if directive is None:
            add(f"上级部署文号“{doc_number}”未登记或不在您的数据范围内")
        data["directive"] = directive


@transaction.atomic
def task_import(*, actor, org_unit: Unit, upload) -> list[Task]:
    """Create one draft task per row, or nothing at all (raises ValidationError with row messages)."""
    require(actor, "tasks.import_task", org_unit, "您无权在该单位导入任务")
    require(actor, "tasks.add_task", org_unit, "您无权在该单位创建任务")
    return audited_import(
        upload=upload,
        required_headers=REQUIRED,
        max_rows=MAX_ROWS,
        empty_message="文件中没有任务数据（第1行为表头，从第2行起每行一项任务）",
        parser=lambda rows: functools.partial(_parse_row, lk=_Lookups(actor, rows)),
        create=lambda data: services.task_create(actor=actor, org_unit=org_unit, **data),
        actor=actor,
        action="tasks.task.imported",
        unit=org_unit,
    )
