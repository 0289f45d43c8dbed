"""The 履职测评结果报告 (documents.DocumentKind.EVALUATION_REPORT) drafted from the data at generation
time (R-DOC-2): the self-report's date, the deputies' round (答题码 issued, responses, the
satisfaction index of surveys.results), each 评议会, the problems with their rectification status.

It is a 报告 to the people's congress that evaluated the department: 上行文 (documents.models
UPWARD_KINDS), so its 版头 carries the 签发人 — the congress is the organ the government side
reports to, as a 整改情况报告 goes up to the superior."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Max
from django.utils import timezone

from core import clock
from core.gbt9704.model import chinese_date
from documents.builders import Draft, sentence
from rectification.choices import ProblemStatus
from rectification.lights import is_overdue
from rectification.models import ProblemEvent
from surveys.models import Evaluation

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def survey_numbers(ev: Evaluation) -> dict:
    """The deputies' round: 答题码 issued (not voided), responses, the department's index."""
    if ev.survey_id is None:
        return {}
    from surveys.results import unit_results

    target = ev.survey.targets.select_related("unit").first()
    if target is None:
        return {}
    tokens = target.tokens.filter(voided_at__isnull=True).count()
    (result,) = unit_results(ev.survey, [target], compare=False)
    return {"tokens": tokens, "responses": result.responses, "index": result.index, "target": target}


def _stamp(ev: Evaluation, problems) -> dt.datetime:
    steps = ev.events.aggregate(m=Max("at"))["m"]
    fixes = ProblemEvent.objects.filter(problem__in=[p.pk for p in problems]).aggregate(m=Max("at"))["m"]
    answers = ev.survey.targets.aggregate(m=Max("responses__submitted_at"))["m"] if ev.survey_id else None
    return max(s for s in (steps, fixes, answers, EPOCH) if s is not None)


def _survey_sentence(numbers: dict) -> str:
    if not numbers:
        return "未开展代表问卷测评。"
    tokens, responses, index = numbers["tokens"], numbers["responses"], numbers["index"]
    rate = f"，回收率{(100 * responses / tokens):.1f}%" if tokens else ""
    score = f"满意度指数为{index}" if index is not None else "尚无有效答卷，未计算满意度指数"
    return (
        f"以一次性答题码方式向人大代表发放测评问卷{tokens}份，收回有效答卷{responses}份{rate}，{score}"
        "（满意度指数按各题得分之和除以满分之和乘以100计算，各题算术平均）。"
    )


def _meetings(ev: Evaluation) -> list[list]:
    blocks = []
    for m in ev.meetings.all():
        where = f"在{m.place}" if m.place else ""
        who = f"，{m.attendees}参加" if m.attendees else ""
        blocks.append(
            ["p", f"{chinese_date(m.held_on)}，{where}召开{m.title}{who}。{sentence(m.minutes[:300])}"]
        )
    return blocks or [["p", "尚未召开评议会议。"]]


def _problem_blocks(problems, today: dt.date) -> list[list]:
    if not problems:
        return [["p", "测评未梳理出需要整改的问题。"]]
    counts = Counter(p.status for p in problems)
    late = sum(1 for p in problems if is_overdue(p, today))
    parts = [f"{ProblemStatus(s).label}{n}个" for s, n in sorted(counts.items())]
    lead = f"测评共梳理出问题{len(problems)}个，其中{'、'.join(parts)}"
    blocks = [["p", f"{lead}{f'；逾期未完成整改{late}个' if late else ''}。"]]
    rows = [["序号", "问题", "整改时限", "整改状态"]]
    rows += [
        [
            str(i),
            p.description,
            chinese_date(p.deadline),
            p.get_status_display() + ("（逾期）" if is_overdue(p, today) else ""),
        ]
        for i, p in enumerate(problems, start=1)
    ]
    blocks.append(["table", rows])
    return blocks


def report_draft(ev: Evaluation, today: dt.date | None = None) -> Draft:
    today = today or clock.today()
    dept, org = ev.department, ev.org_unit
    problems = list(ev.problems.order_by("deadline", "code"))
    numbers = survey_numbers(ev)
    reported = (
        f"{dept.name}于{chinese_date(timezone.localdate(ev.self_reported_at))}提交了履职情况自查报告。"
        if ev.self_reported_at
        else f"{dept.name}尚未提交自查报告。"
    )
    body = [
        [
            "p",
            f"根据{ev.congress}{ev.year}年度履职测评工作安排，{org.name}组织开展了对{dept.name}的履职测评。现将有关情况报告如下。",
        ],
        ["h1", "一、测评工作开展情况"],
        ["h2", "（一）部门自查"],
        ["p", reported],
        ["h2", "（二）代表测评"],
        ["p", _survey_sentence(numbers)],
        ["h2", "（三）评议会议"],
        *_meetings(ev),
        ["h1", "二、发现的问题及整改情况"],
        *_problem_blocks(problems, today),
        ["h1", "三、下一步工作"],
        [
            "p",
            f"督促{dept.name}对尚未完成整改的问题逐项明确责任人和完成时限，整改结果及时向{ev.congress}报告；对已销号问题开展“回头看”，防止反弹。",
        ],
    ]
    return Draft(
        title=f"关于{dept.name}{ev.year}年度履职测评情况的报告",
        addressee=ev.congress,
        body=body,
        data_as_of=_stamp(ev, problems),
        params={
            "evaluation": ev.pk,
            "responses": numbers.get("responses", 0),
            "index": str(numbers.get("index")) if numbers.get("index") is not None else "",
            "problems": len(problems),
        },
    )
