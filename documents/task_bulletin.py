"""督办通报 for tasks (issue 10, R-DOC-2/3): the task ledger of the issuer's scope over a period,
computed at generation time — regenerated with unchanged data, it is identical.

The rules, stated in the document too:
- 到期任务: assignments (交办) of the scope whose 完成时限 falls in the period and is not after
  the day of generation; 按期办结: among them, those 审核办结 on or before their 完成时限.
  按期办结率 = 按期办结 / 到期任务, one decimal, rounded half up ("49/51 · 96.1%").
- by unit: each assignment counts for the issuer's direct subordinate its 承办单位 belongs to
  (各市 and 委机关各处室 for the province; 各县 for a city); the issuer's own ones as 本级.
- 红色任务: assignments red on the day (tasks.lights: past their 完成时限, not 办结), the longest
  overdue first; they are the document's `assignments`.
- 迟报: assignments whose report is late on the day (tasks.lights.report_late), by unit.
- 红榜: units with at least RED_ROLL_MIN 到期任务, all 按期办结, most 到期任务 first (five at most);
  黑榜: units with red assignments, most red first, then the lower 按期办结率 (five at most).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from core import clock
from core.gbt9704 import chinese_date
from documents.builders import Draft, _bulletin_addressee, period_words, task_stamp
from org.models import PATH_WIDTH, Unit
from rectification.selectors import rate
from tasks import lights
from tasks.choices import Light, TaskStatus

RED_ROLL_MIN = 3
ROLL_SIZE = 5
LIST_LIMIT = 50
FIELDS = (
    "pk",
    "unit_id",
    "status",
    "start_date",
    "due_date",
    "progress",
    "last_report_on",
    "cadence",
    "emergency_from",
    "emergency_until",
    "completed_at",
    "task__code",
    "task__title",
)


@dataclass
class UnitRow:
    key: str  # the head unit's path (tree order)
    label: str
    due: int = 0
    on_time: int = 0
    red: int = 0
    late: int = 0

    @property
    def rate(self) -> str:
        return rate(self.on_time, self.due)

    @property
    def figure(self) -> str:
        """49/51 · 96.1%"""
        return f"{self.on_time}/{self.due} · {self.rate}" if self.due else "—"


def on_time(row: dict) -> bool:
    done = row["completed_at"]
    return (
        row["status"] == TaskStatus.COMPLETED
        and done is not None
        and timezone.localtime(done).date() <= row["due_date"]
    )


def light_of(row: dict, today: dt.date) -> Light:
    return lights.compute(**{k: row[k] for k in FIELDS[2:10]}, today=today).light


def late_words(row: dict, today: dt.date) -> str:
    if row["status"] not in (TaskStatus.ASSIGNED, TaskStatus.SIGNED, TaskStatus.IN_PROGRESS):
        return ""
    return lights.report_late(
        cadence=row["cadence"],
        start_date=row["start_date"],
        last_report_on=row["last_report_on"],
        today=today,
        emergency_from=row["emergency_from"],
        emergency_until=row["emergency_until"],
    )


def _heads(issuer: Unit, unit_ids) -> dict[int, tuple[str, str]]:
    """unit id → (key, label) of the issuer's direct subordinate it belongs to (or 本级)."""
    units = dict(Unit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "path"))
    heads = {u.path: u for u in Unit.objects.filter(parent=issuer)}
    width = len(issuer.path) + PATH_WIDTH
    out = {}
    for pk, path in units.items():
        head = heads.get(path[:width])
        out[pk] = (
            (head.path, head.short_name or head.display_name) if head else ("", f"{issuer.display_name}本级")
        )
    return out


@dataclass
class Ledger:
    """What the 通报 says, computed from the rows (one query for the rows, one for the units)."""

    rows: list  # UnitRow, tree order
    total: UnitRow
    red: list  # (row, unit label, days overdue), longest overdue first
    late: list  # (row, unit label, words)


def compute(issuer: Unit, assignments, period_start: dt.date, period_end: dt.date, today: dt.date) -> Ledger:
    rows = list(
        assignments.exclude(status=TaskStatus.DRAFT)
        .order_by("due_date", "pk")
        .values(*FIELDS, "unit__short_name")
    )
    heads = _heads(issuer, [r["unit_id"] for r in rows])
    by_unit: dict[str, UnitRow] = {}
    total = UnitRow("", "合计")
    red, late = [], []
    last_due = min(period_end, today)
    for r in rows:
        key, label = heads[r["unit_id"]]
        acc = by_unit.setdefault(key, UnitRow(key, label))
        name = r["unit__short_name"]
        if period_start <= r["due_date"] <= last_due:
            for t in (acc, total):
                t.due += 1
                t.on_time += on_time(r)
        if light_of(r, today) == Light.RED:
            acc.red += 1
            total.red += 1
            red.append((r, name, (today - r["due_date"]).days))
        words = late_words(r, today)
        if words:
            acc.late += 1
            total.late += 1
            late.append((r, name, words))
    red.sort(key=lambda x: (-x[2], x[0]["pk"]))
    units = [by_unit[k] for k in sorted(by_unit) if by_unit[k].due or by_unit[k].red or by_unit[k].late]
    return Ledger(units, total, red, late)


def honour_rolls(units: list[UnitRow]) -> tuple[list[UnitRow], list[UnitRow]]:
    best = [u for u in units if u.due >= RED_ROLL_MIN and u.on_time == u.due]
    best.sort(key=lambda u: (-u.due, u.key))
    worst = [u for u in units if u.red]
    worst.sort(key=lambda u: (-u.red, u.on_time * 1000 // u.due if u.due else 0, u.key))
    return best[:ROLL_SIZE], worst[:ROLL_SIZE]


def _unit_table(ledger: Ledger) -> list[list]:
    table = [["单位", "到期任务", "按期办结", "按期办结率", "红色任务", "迟报"]]
    for u in [*ledger.rows, ledger.total]:
        table.append([u.label, u.due, u.on_time, u.figure, u.red, u.late])
    return table


def _red_table(red) -> list[list]:
    table = [["序号", "任务", "承办单位", "完成时限", "逾期天数"]]
    for i, (r, name, days) in enumerate(red[:LIST_LIMIT], start=1):
        table.append([i, f"{r['task__title']}（{r['task__code']}）", name, chinese_date(r["due_date"]), days])
    return table


def _late_table(late) -> list[list]:
    table = [["序号", "任务", "承办单位", "报告情况"]]
    for i, (r, name, words) in enumerate(late[:LIST_LIMIT], start=1):
        table.append([i, f"{r['task__title']}（{r['task__code']}）", name, words])
    return table


def _rolls_blocks(units: list[UnitRow]) -> list[list]:
    best, worst = honour_rolls(units)
    return [
        ["h1", "四、红榜"],
        [
            "p",
            f"到期任务{RED_ROLL_MIN}项以上且全部按期办结的单位（按到期任务数排列）："
            + "、".join(f"{u.label}（{u.figure}）" for u in best)
            + "，予以通报表扬。"
            if best
            else f"本期没有到期任务{RED_ROLL_MIN}项以上且全部按期办结的单位。",
        ],
        ["h1", "五、黑榜"],
        [
            "p",
            "有红色（逾期未办结）任务的单位（按红色任务数、按期办结率排列）："
            + "、".join(f"{u.label}（红色任务{u.red}项，按期办结{u.figure}）" for u in worst)
            + "，予以通报批评。"
            if worst
            else "本期没有红色任务的单位。",
        ],
    ]


def _typical(red) -> list[list]:
    if not red:
        return [["p", "本期没有逾期未办结的任务。"]]
    return [
        [
            "p",
            f"{i}. {name}承办的“{r['task__title']}”：完成时限{chinese_date(r['due_date'])}，已逾期{days}天，"
            f"进度{r['progress']}%"
            + (
                f"，最近报告于{chinese_date(r['last_report_on'])}。"
                if r["last_report_on"]
                else "，至今未报告进展。"
            ),
        ]
        for i, (r, name, days) in enumerate(red[:3], start=1)
    ]


def task_bulletin(
    *, issuer: Unit, assignments, period_start: dt.date, period_end: dt.date, today: dt.date | None = None
) -> Draft:
    """督办通报 of the issuer's scope (`assignments`: those the drafter may see, in the issuer's
    subtree) for a period; `params["assignments"]`: the red ones it lists."""
    today = today or clock.today()
    ledger = compute(issuer, assignments, period_start, period_end, today)
    t = ledger.total
    red_note = f"（列出逾期最久的{LIST_LIMIT}项）" if len(ledger.red) > LIST_LIMIT else ""
    late_note = f"（列出前{LIST_LIMIT}项）" if len(ledger.late) > LIST_LIMIT else ""
    body = [
        [
            "p",
            f"为压实工作责任、推动任务落实，现将{chinese_date(period_start)}至{chinese_date(period_end)}"
            f"{issuer.display_name}交办任务的督办情况通报如下。",
        ],
        ["h1", "一、总体情况"],
        [
            "p",
            f"截至{chinese_date(today)}，本期到期任务{t.due}项，按期办结{t.on_time}项，按期办结率{t.rate}；"
            f"红色（逾期未办结）任务{t.red}项，迟报{t.late}项。各单位情况见下表。",
        ],
        ["table", _unit_table(ledger)],
        ["h1", "二、红色任务清单"],
        *(
            [["p", f"共{len(ledger.red)}项{red_note}。"], ["table", _red_table(ledger.red)]]
            if ledger.red
            else [["p", "本期没有红色任务。"]]
        ),
        ["h1", "三、迟报清单"],
        *(
            [["p", f"共{len(ledger.late)}项{late_note}。"], ["table", _late_table(ledger.late)]]
            if ledger.late
            else [["p", "本期没有迟报的任务。"]]
        ),
        *_rolls_blocks(ledger.rows),
        ["h1", "六、典型案例"],
        *_typical(ledger.red),
        ["h1", "七、工作要求"],
        [
            "p",
            "各单位要对照通报逐项抓好落实：红色任务的承办单位要在5个工作日内报送整改落实情况，说明逾期原因和完成时间；"
            "迟报的单位要立即补报进展。被列入黑榜的单位，主要负责同志要亲自研究，限期扭转；连续列入的，按规定提出问责建议。",
        ],
    ]
    listed = [r["pk"] for r, _n, _d in ledger.red[:LIST_LIMIT]]
    return Draft(
        title=f"关于{period_words(period_start, period_end)}重点任务督办情况的通报",
        addressee=_bulletin_addressee(issuer),
        body=body,
        data_as_of=task_stamp(assignments.values("pk")),
        params={
            "period_start": period_start.isoformat(),
            "period_end": period_end.isoformat(),
            "totals": [t.due, t.on_time, t.red, t.late],
            "assignments": listed,
        },
    )
