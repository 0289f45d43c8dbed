"""A round's results as Excel: the units ranked (sheet 1) and every unit's items (sheet 2), the
formulas stated; exactly the targets the exporter may export (surveys.export_survey in scope),
one audit entry."""

from __future__ import annotations

from django.utils import timezone

from audit.services import record
from core import clock, excel
from surveys import results

UNIT_COLUMNS = (
    excel.Column("排名", 6),
    excel.Column("被测评单位", 28),
    excel.Column("有效答卷（份）", 12),
    excel.Column("满意度指数", 10),
    excel.Column("上轮指数", 10),
    excel.Column("变化", 8),
)
ITEM_HEADER = (
    "被测评单位",
    "题目",
    "满意度指数",
    "有效答案（份）",
    "上轮指数",
    "变化",
    "低于阈值",
    "整改问题",
)


def _dash(value):
    return "—" if value is None else value


def unit_rows(ranked: list[results.UnitResult]):
    for r in ranked:
        yield (
            r.rank or "",
            r.target.unit.display_name,
            r.responses,
            r.index if r.index is not None else results.NO_RESPONSES,
            _dash(r.previous),
            _dash(r.delta),
        )


def item_rows(ranked: list[results.UnitResult], problems: dict) -> list[tuple]:
    rows = [ITEM_HEADER]
    for r in ranked:
        for i in r.items:
            code = problems.get((r.target.pk, i.question, i.row), "")
            rows.append(
                (
                    r.target.unit.display_name,
                    i.label,
                    _dash(i.index),
                    i.n,
                    _dash(i.previous) if i.existed_before else "—（上轮无此题）" if r.has_previous else "—",
                    _dash(i.delta),
                    "是" if i.below else "",
                    code,
                )
            )
    return rows


def survey_export(*, actor, survey, ranked: list[results.UnitResult], problems: dict) -> tuple[bytes, str]:
    note = f"{survey.title}（{survey.opens_on:%Y-%m-%d}至{survey.closes_on:%Y-%m-%d}）。{results.INDEX_FORMULA}；{results.UNIT_FORMULA}。{results.THIN_RULE}整改阈值：{survey.threshold}。"
    data = excel.build_workbook(
        title="单位排名",
        columns=UNIT_COLUMNS,
        rows=unit_rows(ranked),
        note=note,
        more_sheets=[("各题指数", (28, 44, 10, 12, 14, 8, 8, 16), item_rows(ranked, problems))],
    )
    record(
        actor=actor,
        action="surveys.results.exported",
        obj=survey,
        unit=getattr(actor, "unit", None),
        changes={"rows": len(ranked), "survey": survey.title},
    )
    title = f"{survey.title}_测评结果"
    return data, f"{title}_{timezone.localtime(clock.now()):%Y%m%d_%H%M}.xlsx"
