"""Excel import of units and accounts (R-ORG-4): templates and parsing.

Parsing turns each spreadsheet row into a typed record and notes format errors by row
(“第3行：层级类型“乡”无效”). The writes, the checks against the database and the
all-or-nothing transaction are in `org.services.unit_import` / `user_import`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core import excel
from core.excel import RowErrors
from org import services
from org.choices import InstitutionType, UnitKind

MAX_ROWS = 5000

IC = excel.ImportColumn
UNIT_COLUMNS = (
    IC("单位编码", True, 16, "全省唯一，如 SF-A-1"),
    IC("单位全称", True, 30),
    IC("简称", False, 16, "页面上优先显示简称"),
    IC("层级类型", True, 12, "、".join(label for _, label in UnitKind.choices) + "（处室、科室均可）"),
    IC("机构类别", False, 14, "、".join(label for value, label in InstitutionType.choices if value)),
    IC("上级单位编码", True, 16, "系统中已有的单位，或本文件中位于本行之前的单位"),
    IC("排序", False, 8, "整数，越小越靠前"),
    IC("发文代字", False, 12, "如“示卫督”"),
)
UNIT_REQUIRED = excel.required_headers(UNIT_COLUMNS)

USER_COLUMNS = (
    IC("账号", True, 16, "登录用，不区分大小写，不能与已有账号重复"),
    IC("姓名", True, 12),
    IC("单位编码", True, 16, "系统中已有的单位"),
    IC("角色编码", False, 18, "多个用“、”或逗号分隔，授予范围为本单位及下级；须由有授予角色权限的管理员导入"),
    IC("手机号", False, 14, "11位，加密存储"),
    IC(
        "初始密码",
        False,
        16,
        "留空则由系统为每个账号单独生成，导入成功后仅显示一次。首次登录须修改密码",
    ),
    IC("职务", False, 14),
    IC("邮箱", False, 22),
)
USER_REQUIRED = excel.required_headers(USER_COLUMNS)

KIND_ALIASES = {label: value for value, label in UnitKind.choices} | {
    value: value for value, _ in UnitKind.choices
}
KIND_ALIASES |= {"处室": UnitKind.DEPARTMENT, "科室": UnitKind.DEPARTMENT, "内设机构": UnitKind.DEPARTMENT}
INSTITUTION_ALIASES = {label: value for value, label in InstitutionType.choices if value} | {
    value: value for value, _ in InstitutionType.choices if value
}


def unit_template() -> bytes:
    return excel.import_template("单位", UNIT_COLUMNS)


def user_template() -> bytes:
    return excel.import_template("账号", USER_COLUMNS)


@dataclass
class UnitRow:
    number: int
    code: str
    name: str
    short_name: str = ""
    kind: str = ""
    institution_type: str = ""
    parent_code: str = ""
    sort_order: int = 0
    issuer_code: str = ""
    ok: bool = True


@dataclass
class UserRow:
    number: int
    username: str
    full_name: str
    unit_code: str
    role_codes: list[str] = field(default_factory=list)
    phone: str = ""
    password: str = ""
    title: str = ""
    email: str = ""
    ok: bool = True


def _required(row: excel.SheetRow, names: list[str], errors: RowErrors) -> bool:
    ok = True
    for name in names:
        if not excel.cell_text(row.values.get(name)):
            errors.add(row.number, f"{name}不能为空")
            ok = False
    return ok


def _too_many(rows: list, errors: RowErrors) -> bool:
    if len(rows) > MAX_ROWS:
        errors.errors.append(f"一次最多导入{MAX_ROWS}行，请拆分文件")
        return True
    return False


def parse_units(upload) -> tuple[list[UnitRow], RowErrors]:
    sheet = excel.read_sheet(upload, required_headers=UNIT_REQUIRED)
    errors = RowErrors()
    if _too_many(sheet, errors):
        return [], errors
    out = []
    for row in sheet:
        v = row.values
        ok = _required(row, UNIT_REQUIRED, errors)
        kind_text = excel.cell_text(v.get("层级类型"))
        kind = KIND_ALIASES.get(kind_text, "")
        if kind_text and not kind:
            errors.add(row.number, f"层级类型“{kind_text}”无效，应为国家、省、市、县、机构、处室/科室之一")
            ok = False
        inst_text = excel.cell_text(v.get("机构类别"))
        inst = INSTITUTION_ALIASES.get(inst_text, "")
        if inst_text and not inst:
            errors.add(row.number, f"机构类别“{inst_text}”无效")
            ok = False
        sort_text = excel.cell_text(v.get("排序"))
        try:
            sort_order = int(sort_text) if sort_text else 0
        except ValueError:
            errors.add(row.number, f"排序“{sort_text}”应为整数")
            ok = False
            sort_order = 0
        out.append(
            UnitRow(
                number=row.number,
                code=excel.cell_text(v.get("单位编码")),
                name=excel.cell_text(v.get("单位全称")),
                short_name=excel.cell_text(v.get("简称")),
                kind=kind,
                institution_type=inst,
                parent_code=excel.cell_text(v.get("上级单位编码")),
                sort_order=sort_order,
                issuer_code=excel.cell_text(v.get("发文代字")),
                ok=ok,
            )
        )
    return out, errors


def parse_users(upload) -> tuple[list[UserRow], RowErrors]:
    sheet = excel.read_sheet(upload, required_headers=USER_REQUIRED)
    errors = RowErrors()
    if _too_many(sheet, errors):
        return [], errors
    out = []
    for row in sheet:
        v = row.values
        ok = _required(row, USER_REQUIRED, errors)
        roles_text = (
            excel.cell_text(v.get("角色编码")).replace("，", ",").replace("、", ",").replace(" ", ",")
        )
        out.append(
            UserRow(
                number=row.number,
                username=excel.cell_text(v.get("账号")),
                full_name=excel.cell_text(v.get("姓名")),
                unit_code=excel.cell_text(v.get("单位编码")),
                role_codes=[c for c in (p.strip() for p in roles_text.split(",")) if c],
                phone=excel.cell_text(v.get("手机号")),
                password=excel.cell_text(v.get("初始密码")),
                title=excel.cell_text(v.get("职务")),
                email=excel.cell_text(v.get("邮箱")),
                ok=ok,
            )
        )
    return out, errors


def import_units(*, actor, upload):
    """Parse and import a units file; raises ValidationError listing every row error."""
    rows, errors = parse_units(upload)
    if errors.errors and not rows:
        errors.raise_if_any()
    return services.unit_import(actor=actor, rows=rows, errors=errors)


def import_users(*, actor, upload):
    rows, errors = parse_users(upload)
    if errors.errors and not rows:
        errors.raise_if_any()
    return services.user_import(actor=actor, rows=rows, errors=errors)
