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
from documents.gbt9704 import chinese_date
from org.models import Unit
from rectification.choices import ProblemStatus
from rectification.models import Problem, ProblemEvent
from rectification.selectors import statistics
from tasks import workdays

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


def _stamp(problems) -> dt.datetime:
    """Newest change among the problems and their events; falls back to a fixed epoch for none."""
    ids = problems.values("pk")
    times = [
        problems.aggregate(m=Max("updated_at"))["m"],
        ProblemEvent.objects.filter(problem__in=ids).aggregate(m=Max("at"))["m"],
    ]
    times = [t for t in times if t]
    return max(times) if times else dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


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
    overdue = (today - problem.deadline).days
    reply_by = workdays.add_workdays(today, 5)
    body = [
        [
            "p",
            f"你单位{chinese_date(problem.found_on)}经{problem.get_source_display()}发现的问题"
            f"（编号{problem.code}）：{problem.description}",
        ],
        [
            "p",
            f"该问题整改时限为{chinese_date(problem.deadline)}，"
            + (f"截至{chinese_date(today)}已逾期{overdue}天，" if overdue > 0 else "")
            + f"目前状态为“{problem.get_status_display()}”。",
        ],
        ["h1", "一、督办事项"],
        ["p", problem.requirement or "请立即组织整改，确保按要求完成。"],
        ["h1", "二、办理要求"],
        [
            "p",
            f"请于{chinese_date(reply_by)}前（5个工作日内）将整改进展和佐证材料通过督办平台报送。"
            "逾期仍未完成的，将列入督查通报。",
        ],
    ]
    return Draft(
        title="督办单",
        addressee=problem.org_unit.name,
        body=body,
        data_as_of=_stamp(Problem.objects.filter(pk=problem.pk)),
        params={"problem": problem.pk},
    )


def _counts_sentence(total) -> str:
    return (
        f"需要整改{total.total}条，已整改{total.done}条，正在整改{total.in_progress}条，"
        f"未启动{total.not_started}条，整改率{total.rate}，逾期{total.overdue}条"
    )


def bulletin(
    *,
    issuer: Unit,
    problems,
    campaigns,
    period_start: dt.date,
    period_end: dt.date,
    today: dt.date | None = None,
) -> Draft:
    """督查通报: period statistics, 红榜/黑榜, named late units, typical cases (R-DOC-3)."""
    from supervision.selectors import campaign_statistics

    today = today or clock.today()
    period = campaigns.filter(start_date__lte=period_end, end_date__gte=period_start)
    stats = campaign_statistics(period)
    rows, total = statistics(problems, by="unit", today=today)
    red = [r for r in rows if r.total and r.done == r.total][:5]
    black = sorted([r for r in rows if r.overdue], key=lambda r: (-r.overdue, r.label))[:5]
    late_units = "、".join(r.label for r in black) or "无"
    typical = list(
        problems.exclude(status=ProblemStatus.CLOSED)
        .filter(deadline__lt=today)
        .select_related("org_unit")
        .order_by("deadline", "pk")[:3]
    )
    body = [
        [
            "p",
            f"{chinese_date(period_start)}至{chinese_date(period_end)}，{issuer.display_name}{stats.sentence()}。"
            "现将有关情况通报如下。",
        ],
        ["h1", "一、总体情况"],
        ["p", f"截至{chinese_date(today)}，各单位{_counts_sentence(total)}。"],
        [
            "table",
            [["单位", "应整改", "已整改", "正在整改", "未启动", "逾期", "整改率"]]
            + [[r.label, r.total, r.done, r.in_progress, r.not_started, r.overdue, r.rate] for r in rows]
            + [
                [
                    "合计",
                    total.total,
                    total.done,
                    total.in_progress,
                    total.not_started,
                    total.overdue,
                    total.rate,
                ]
            ],
        ],
        ["h1", "二、红榜"],
        [
            "p",
            ("以下单位整改任务全部完成，予以通报表扬：" + "、".join(r.label for r in red) + "。")
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
        ["h1", "四、典型问题"],
    ]
    if typical:
        for i, p in enumerate(typical, start=1):
            body.append(
                [
                    "p",
                    f"{i}. {p.org_unit.display_name}：{p.description}（整改时限{chinese_date(p.deadline)}，"
                    f"逾期{(today - p.deadline).days}天）。",
                ]
            )
    else:
        body.append(["p", "本期无逾期的典型问题。"])
    body += [
        ["h1", "五、工作要求"],
        [
            "p",
            "各单位要对照通报问题，举一反三、立行立改；被列入黑榜的单位要在10个工作日内向我委书面说明原因和整改措施。",
        ],
    ]
    stamp_campaign = period.aggregate(m=Max("updated_at"))["m"]
    stamp = max(t for t in (_stamp(problems), stamp_campaign) if t)
    return Draft(
        title=f"关于{period_end.year}年{period_start.month}月至{period_end.month}月督查情况的通报",
        addressee="各市卫生健康委，委机关各处室，委直属各单位",
        body=body,
        data_as_of=stamp,
        params={
            "period_start": period_start.isoformat(),
            "period_end": period_end.isoformat(),
            "totals": [total.total, total.done, total.in_progress, total.not_started, total.overdue],
        },
    )


def rectification_report(
    *, issuer: Unit, problems, subject: str, addressee: str, today: dt.date | None = None
) -> Draft:
    """整改情况报告 for a unit or a campaign, with the reconciled counts (R-RCT-4)."""
    today = today or clock.today()
    _, total = statistics(problems, by="unit", today=today)
    by_cat, _ = statistics(problems, by="category", today=today)
    open_items = list(
        problems.exclude(status=ProblemStatus.CLOSED)
        .select_related("org_unit")
        .order_by("deadline", "pk")[:20]
    )
    body = [
        ["p", f"按照有关要求，现将{subject}整改工作情况报告如下。"],
        ["h1", "一、整改总体情况"],
        ["p", f"截至{chinese_date(today)}，{_counts_sentence(total)}。"],
        [
            "table",
            [["问题类别", "应整改", "已整改", "正在整改", "未启动", "整改率"]]
            + [[r.label, r.total, r.done, r.in_progress, r.not_started, r.rate] for r in by_cat],
        ],
        ["h1", "二、尚未完成整改的问题"],
    ]
    if open_items:
        body.append(
            [
                "table",
                [["序号", "单位", "问题", "整改时限", "状态"]]
                + [
                    [
                        i,
                        p.org_unit.display_name,
                        p.description,
                        chinese_date(p.deadline),
                        p.get_status_display(),
                    ]
                    for i, p in enumerate(open_items, start=1)
                ],
            ]
        )
    else:
        body.append(["p", "所有问题均已整改销号。"])
    body += [
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
