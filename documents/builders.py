"""Drafts of each document type, computed from the ledger at generation time (R-DOC-2).

Each builder returns a Draft: title, addressee, body blocks, attachments, cc, and `data_as_of` —
the time of the newest record behind the numbers, so regenerating with unchanged data yields the
same document, and a changed ledger visibly changes the stamp.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max

from core import clock
from core.gbt9704 import chinese_date
from org.choices import UnitKind
from org.models import PATH_WIDTH, Unit
from rectification.choices import ProblemStatus
from rectification.lights import days_overdue, overdue_q
from rectification.models import Problem, ProblemEvent
from rectification.selectors import StatRow, statistics
from reporting.models import ProgressReport
from supervision.models import Draw
from supervision.selectors import campaign_statistics
from tasks import workdays
from tasks.models import TaskEvent

CN_NUM = "一二三四五六七八九十"


@dataclass
class Draft:
    title: str
    addressee: str
    body: list
    data_as_of: dt.datetime
    attachments: list = field(default_factory=list)
    cc: list = field(default_factory=list)
    params: dict = field(default_factory=dict)


def sentence(text: str) -> str:
    """A text as a sentence of the body: trimmed, ending with a full stop unless it has its own."""
    text = (text or "").strip()
    return text if not text or text[-1] in "。！？；…）)”" else text + "。"


def _stamp(problems) -> dt.datetime:
    """Newest change among the problems: every write of a problem adds a ProblemEvent stamped
    with core.clock, so this is the time of the data (updated_at would be the wall clock, which
    differs from core.clock in the demo's time travel). Falls back to a fixed epoch for none."""
    newest = ProblemEvent.objects.filter(problem__in=problems.values("pk")).aggregate(m=Max("at"))["m"]
    return newest or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _campaign_stamp(campaigns) -> dt.datetime | None:
    return Draw.objects.filter(campaign__in=campaigns.values("pk")).aggregate(m=Max("drawn_at"))["m"]


def _problem_rows(problems) -> list[list[str]]:
    rows = [["序号", "问题", "整改要求", "整改时限"]]
    for i, p in enumerate(problems, start=1):
        rows.append([str(i), p.description, p.requirement or "立行立改，举一反三", chinese_date(p.deadline)])
    return rows


def assignment_letter(*, issuer: Unit, recipient: Unit, problems, campaign=None) -> Draft:
    """交办函: one unit, its problems, requirements and deadlines (R-SUP-4)."""
    problems = problems.select_related("category").order_by("deadline", "pk")
    items = list(problems)
    if campaign is not None:
        intro = (
            f"根据{campaign.theme}工作安排，{issuer.display_name}于{chinese_date(campaign.start_date)}至"
            f"{chinese_date(campaign.end_date)}对你单位开展了{campaign.get_kind_display()}。"
            f"现将发现的{len(items)}个问题交办给你单位，请认真研究，逐项整改。"
        )
        title = f"关于{campaign.theme}发现问题的交办函"
    else:
        intro = f"现将你单位存在的{len(items)}个问题交办如下，请认真研究，逐项整改。"
        title = f"关于交办{recipient.display_name}整改问题的函"
    body = [
        ["p", intro],
        ["h1", "一、交办问题"],
        ["table", _problem_rows(items)],
        ["h1", "二、工作要求"],
        ["h2", "（一）压实整改责任。"],
        [
            "p",
            "单位主要负责同志是整改第一责任人，要逐项明确整改措施、责任人和完成时限，做到问题不查清不放过、整改不到位不放过。",
        ],
        ["h2", "（二）按时报送整改情况。"],
        ["p", "请于各问题整改时限前通过督办平台提交整改结果和佐证材料，由我委组织验收销号。"],
        ["h2", "（三）严格督办问责。"],
        ["p", "逾期未完成整改的，将按程序提醒、催办、发督办单，列入通报；情节严重的，按规定移交问责。"],
    ]
    return Draft(
        title=title,
        addressee=recipient.name,
        body=body,
        data_as_of=_stamp(problems),
        params={"problems": [p.pk for p in items]},
    )


def supervision_order(*, issuer: Unit, problem: Problem, today: dt.date | None = None) -> Draft:
    """督办单 for an overdue problem: the ladder's third step (R-WRN-2)."""
    today = today or clock.today()
    overdue = days_overdue(problem, today)
    reply_by = workdays.add_workdays(today, 5)
    body = [
        [
            "p",
            f"你单位{chinese_date(problem.found_on)}经{problem.get_source_display()}发现的问题"
            f"（编号{problem.code}）：{sentence(problem.description)}",
        ],
        [
            "p",
            f"该问题整改时限为{chinese_date(problem.deadline)}，"
            + (f"截至{chinese_date(today)}已逾期{overdue}天，" if overdue > 0 else "")
            + f"目前状态为“{problem.get_status_display()}”。",
        ],
        ["h1", "一、督办事项"],
        ["p", sentence(problem.requirement) or "请立即组织整改，确保按要求完成。"],
        ["h1", "二、办理要求"],
        [
            "p",
            f"请于{chinese_date(reply_by)}前（5个工作日内）将整改进展和佐证材料通过督办平台报送。"
            "逾期仍未完成的，将列入督查通报。",
        ],
    ]
    return Draft(
        title=f"关于督促{problem.org_unit.display_name}加快问题整改的督办单",
        addressee=problem.org_unit.name,
        body=body,
        data_as_of=_stamp(Problem.objects.filter(pk=problem.pk)),
        params={"problem": problem.pk},
    )


ORDER_REPLY_WORKDAYS = 5


def task_stamp(assignments) -> dt.datetime:
    """Newest change among assignments: every write of an assignment adds a TaskEvent stamped with
    core.clock (like _stamp for problems); a fixed epoch for none."""
    newest = TaskEvent.objects.filter(assignment__in=assignments).aggregate(m=Max("at"))["m"]
    return newest or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def task_order(assignment, today: dt.date | None = None) -> Draft:
    """督办单 for a red assignment (R-WRN-2): the task, its due date, days overdue, the last report,
    and the requirement to report within ORDER_REPLY_WORKDAYS workdays, to the unit's head."""
    today = today or clock.today()
    task, unit = assignment.task, assignment.unit
    overdue = (today - assignment.due_date).days
    last = (
        ProgressReport.objects.filter(assignment=assignment)
        .order_by("-submitted_on", "-id")
        .values("submitted_on", "progress", "work_done")
        .first()
    )
    if last:
        report = (
            f"你单位最近一次报告为{chinese_date(last['submitted_on'])}，报告进度{last['progress']}%："
            f"{sentence(last['work_done'][:120])}"
        )
    else:
        report = "你单位至今未报送进展情况。"
    reply_by = workdays.add_workdays(today, ORDER_REPLY_WORKDAYS)
    body = [
        [
            "p",
            f"{assignment.org_unit.display_name}交办你单位的“{task.title}”（编号{task.code}），"
            f"完成时限为{chinese_date(assignment.due_date)}，截至{chinese_date(today)}已逾期{overdue}天，"
            f"目前进度{assignment.progress}%，状态为“{assignment.get_status_display()}”。",
        ],
        ["p", report],
        ["h1", "一、督办事项"],
        ["p", sentence(task.goals or task.description) or "请按交办要求抓紧办理，确保任务完成。"],
        ["h1", "二、办理要求"],
        [
            "p",
            f"请你单位主要负责同志亲自研究部署，限{ORDER_REPLY_WORKDAYS}个工作日内报送整改落实情况"
            f"（{chinese_date(reply_by)}前，通过督办平台），说明逾期原因、已采取的措施和完成时间。"
            "逾期仍未完成的，将列入督办通报，并按规定提出问责建议。",
        ],
    ]
    return Draft(
        title=f"关于督促{unit.display_name}加快办理“{task.title}”的督办单",
        addressee=f"{unit.name}主要负责同志",
        body=body,
        data_as_of=task_stamp([assignment.pk]),
        params={"assignment": assignment.pk, "due_date": assignment.due_date.isoformat()},
    )


def _counts_sentence(total) -> str:
    return (
        f"需要整改{total.total}条，已整改{total.done}条，正在整改{total.in_progress}条，"
        f"未启动{total.not_started}条，整改率{total.rate}，逾期{total.overdue}条"
    )


def period_words(start: dt.date, end: dt.date) -> str:
    """2026年3月 / 2026年1月至3月 / 2025年11月至2026年1月."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{end.year}年{end.month}月"
    if start.year == end.year:
        return f"{end.year}年{start.month}月至{end.month}月"
    return f"{start.year}年{start.month}月至{end.year}年{end.month}月"


def rollup(rows: list[StatRow], issuer: Unit) -> list[StatRow]:
    """Statistics of leaf units summed to the issuer's direct subordinates (各市 for the province,
    各县 for a city), in tree order. Sums of reconciled rows reconcile; the 合计 is unchanged."""
    if not rows:
        return []
    head_len = len(issuer.path) + PATH_WIDTH
    paths = dict(Unit.objects.filter(pk__in=[r.key for r in rows]).values_list("pk", "path"))
    heads = {u.path: u for u in Unit.objects.filter(parent=issuer)}
    merged: dict[str, StatRow] = {}
    for r in rows:
        path = paths.get(r.key, "")
        head = heads.get(path[:head_len]) if path.startswith(issuer.path) else None
        key, label = (head.path, head.display_name) if head else (path, r.label)
        if path == issuer.path:
            label = f"{issuer.display_name}本级"
        acc = merged.get(key)
        if acc is None:
            merged[key] = StatRow(
                key, label, r.total, r.done, r.in_progress, r.not_started, r.overdue, r.regressions
            )
        else:
            for f in ("total", "done", "in_progress", "not_started", "overdue", "regressions"):
                setattr(acc, f, getattr(acc, f) + getattr(r, f))
    return [merged[k] for k in sorted(merged)]


def _short_labels(rows: list[StatRow]) -> None:
    """Leaf-unit rows labelled with the short name (甲一县卫健局), as tables in documents are."""
    names = dict(Unit.objects.filter(pk__in=[r.key for r in rows]).values_list("pk", "short_name"))
    for r in rows:
        r.label = names.get(r.key) or r.label


def bulletin(
    *,
    issuer: Unit,
    problems,
    campaigns,
    period_start: dt.date,
    period_end: dt.date,
    today: dt.date | None = None,
) -> Draft:
    """督查通报: period statistics, 红榜/黑榜, named late units, typical cases (R-DOC-3).

    The totals are `rectification.selectors.statistics` of `problems` — the numbers of the
    statistics page over the same problems; the table sums them to the issuer's subordinates."""
    today = today or clock.today()
    period = campaigns.filter(start_date__lte=period_end, end_date__gte=period_start)
    stats = campaign_statistics(period)
    rows, total = statistics(problems, by="unit", today=today)
    honour_rolls = _honour_rolls(rows)
    typical = _typical_cases(problems, today)
    body = [
        [
            "p",
            f"{chinese_date(period_start)}至{chinese_date(period_end)}，{issuer.display_name}{stats.sentence()}。"
            "现将有关情况通报如下。",
        ],
        ["h1", "一、总体情况"],
        ["p", f"截至{chinese_date(today)}，各单位{_counts_sentence(total)}。各单位整改情况见下表。"],
        ["table", _stat_table("单位", rollup(rows, issuer), total)],
        *honour_rolls,
        ["h1", "四、典型问题"],
        *typical,
        ["h1", "五、工作要求"],
        [
            "p",
            "各单位要对照通报问题，举一反三、立行立改；被列入黑榜的单位要在10个工作日内向我委书面说明原因和整改措施。",
        ],
    ]
    stamp_campaign = _campaign_stamp(period)
    stamp = max(t for t in (_stamp(problems), stamp_campaign) if t)
    return Draft(
        title=f"关于{period_words(period_start, period_end)}督查情况的通报",
        addressee=_bulletin_addressee(issuer),
        body=body,
        data_as_of=stamp,
        params={
            "period_start": period_start.isoformat(),
            "period_end": period_end.isoformat(),
            "totals": [total.total, total.done, total.in_progress, total.not_started, total.overdue],
            "campaigns": [stats.rounds, stats.units_checked, stats.key_sites, stats.problems, stats.letters],
        },
    )


def _stat_cells(r) -> list:
    return [r.total, r.done, r.in_progress, r.not_started, r.overdue, r.rate]


def _stat_table(first_column: str, rows: list[StatRow], total: StatRow | None = None) -> list[list]:
    """A statistics table: one row per unit (or category), then 合计 when `total` is given."""
    table = [[first_column, "应整改", "已整改", "正在整改", "未启动", "逾期", "整改率"]]
    table += [[r.label, *_stat_cells(r)] for r in rows]
    if total is not None:
        table.append(["合计", *_stat_cells(total)])
    return table


def _honour_rolls(rows: list[StatRow]) -> list[list]:
    """二、红榜 (every problem done, the most problems first) and 三、黑榜 (the most overdue first):
    five units each, named by their short names."""
    names = dict(
        Unit.objects.filter(pk__in=[r.key for r in rows if r.overdue or r.done == r.total]).values_list(
            "pk", "short_name"
        )
    )
    red = sorted([r for r in rows if r.total and r.done == r.total], key=lambda r: (-r.total, r.label))[:5]
    black = sorted([r for r in rows if r.overdue], key=lambda r: (-r.overdue, r.label))[:5]

    def short(r):
        return names.get(r.key) or r.label

    late_units = "、".join(f"{short(r)}（逾期{r.overdue}条）" for r in black)
    return [
        ["h1", "二、红榜"],
        [
            "p",
            ("以下单位整改任务全部完成，予以通报表扬：" + "、".join(short(r) for r in red) + "。")
            if red
            else "本期无整改任务全部完成的单位。",
        ],
        ["h1", "三、黑榜"],
        [
            "p",
            f"以下单位存在逾期未整改问题，予以通报批评：{late_units}。"
            if black
            else "本期无逾期未整改问题的单位。",
        ],
    ]


def _typical_cases(problems, today: dt.date) -> list[list]:
    """四、典型问题: the three longest overdue problems, or a sentence that there is none."""
    typical = list(
        problems.filter(overdue_q(today))  # 逾期: open, past the deadline, not reported (docs/rules.md)
        .select_related("org_unit")
        .order_by("deadline", "pk")[:3]
    )
    if not typical:
        return [["p", "本期无逾期的典型问题。"]]
    return [
        [
            "p",
            f"{i}. {p.org_unit.display_name}：{p.description.strip().rstrip('。；;.')}"
            f"（整改时限{chinese_date(p.deadline)}，逾期{days_overdue(p, today)}天）。",
        ]
        for i, p in enumerate(typical, start=1)
    ]


def _bulletin_addressee(issuer: Unit) -> str:
    if issuer.kind == UnitKind.PROVINCE:
        return "各市卫生健康委，委机关各处室，委直属各单位"
    if issuer.kind == UnitKind.CITY:
        return "各县（市、区）卫生健康局，委机关各科室，委直属各单位"
    return "各有关单位"


def rectification_report(
    *,
    issuer: Unit,
    problems,
    subject: str,
    addressee: str,
    today: dt.date | None = None,
    root: Unit | None = None,
) -> Draft:
    """整改情况报告 for a unit (subtree, `root`) or a campaign, with the reconciled counts (R-RCT-4)."""
    today = today or clock.today()
    by_unit, total = statistics(problems, by="unit", today=today)
    by_cat, _ = statistics(problems, by="category", today=today)
    if root is not None and len(by_unit) > 15:
        by_unit = rollup(by_unit, root)
    else:
        _short_labels(by_unit)
    body = [
        ["p", f"按照有关要求，现将{subject}整改工作情况报告如下。"],
        ["h1", "一、整改总体情况"],
        ["p", f"截至{chinese_date(today)}，{_counts_sentence(total)}。"],
        ["h2", "（一）分单位情况"],
        ["table", _stat_table("单位", by_unit, total)],
        ["h2", "（二）分类别情况"],
        ["table", _stat_table("问题类别", by_cat)],
        ["h1", "二、尚未完成整改的问题"],
        *_open_problems(problems, total.total - total.done),
        ["h1", "三、下一步工作"],
        [
            "p",
            "对尚未完成整改的问题，逐项明确责任人和完成时限，加快推进；对已销号问题开展“回头看”，防止反弹。",
        ],
    ]
    return Draft(
        title=f"关于{subject}整改情况的报告",
        addressee=addressee,
        body=body,
        data_as_of=_stamp(problems),
        params={"totals": [total.total, total.done, total.in_progress, total.not_started, total.overdue]},
    )


def _open_problems(problems, n_open: int) -> list[list]:
    """The first 20 problems not yet closed, by deadline (with how many there are in all when
    that is more), or a sentence that every problem is closed."""
    open_items = list(
        problems.exclude(status=ProblemStatus.CLOSED)
        .select_related("org_unit")
        .order_by("deadline", "pk")[:20]
    )
    if not open_items:
        return [["p", "所有问题均已整改销号。"]]
    blocks = []
    if n_open > len(open_items):
        blocks.append(["p", f"尚未完成整改的问题共{n_open}个，按整改时限先后列出前{len(open_items)}个。"])
    rows = [["序号", "单位", "问题", "整改时限", "状态"]]
    rows += [
        [i, p.org_unit.display_name, p.description, chinese_date(p.deadline), p.get_status_display()]
        for i, p in enumerate(open_items, start=1)
    ]
    blocks.append(["table", rows])
    return blocks
