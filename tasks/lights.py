"""The warning-light rule (R-WRN-1) — the one place it is written, twice: as a database
expression for lists (filter and sort without loading rows) and in Python for one object and
for the words. A property-based test (tasks/tests/test_ledger_lights.py) proves the two agree.
The report clock of rule 5 is also the report-due rule of the 工作台 and of the report periods
(below, "the report clock"; tasks/tests/test_report_due.py).

Rule, evaluated on a day T for an item with start date S, due date D, progress P (0–100),
last report date R (or S when nothing was reported yet) and a report cadence of C days:

1. 已办结                      → DONE ("已办结")
2. T > D                       → 红 "红：逾期{T−D}天"
3. D − T ≤ N                   → 黄 "黄：{D−T}天内到期，进度P%"   (N = DUBAN_LIGHT_DUE_SOON_DAYS, default 7)
4. P + X < (T−S)/(D−S)×100     → 黄 "黄：进度P%，落后时间进度{k}个百分点" (X = DUBAN_LIGHT_BEHIND_POINTS, default 20)
5. T − R > C (for a cadence)   → 黄 "黄：已{T−R}天未报告" (a report older than its cadence is stale evidence)
5a. 应急日报 (R-RPT-1): on a day T inside the item's special period [E1, E2] reports are daily:
   T − max(R, E1 − 1) > 1        → 黄 "黄：应急日报期间已{…}天未报告" (the first day of the period is
   not late yet; rule 5 still applies, so an item already stale stays yellow)
6. otherwise                   → 绿 "绿：正常推进"

Drafts are not lit (绿). An item waiting for verification (申请办结) keeps rules 2–3 only:
its clock still runs, but it is not asked for more reports.

Settings are read in one place, `_params()`: N and X above (N is also the milestones' "due soon").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, ExpressionWrapper, F, IntegerField, Q, Value, When
from django.db.models.lookups import LessThan

from core.db import DaysBetween
from tasks.choices import CADENCE_DAYS, Cadence, Light, TaskStatus
from tasks.models import Milestone


@dataclass(frozen=True)
class LightResult:
    light: Light
    reason: str

    @property
    def css(self) -> str:
        return {
            Light.DONE: "secondary",
            Light.GREEN: "success",
            Light.YELLOW: "warning",
            Light.RED: "danger",
        }[self.light]

    @property
    def label(self) -> str:
        return self.light.label


def _params():
    return settings.DUBAN_LIGHT_DUE_SOON_DAYS, settings.DUBAN_LIGHT_BEHIND_POINTS


def light_expression(today: dt.date, prefix: str = "") -> Case:
    """Light as a database expression over fields status/start_date/due_date/progress/last_report_on/cadence."""
    n, x = _params()

    def f(name):
        return f"{prefix}{name}"

    today_v = Value(today)
    total_days = DaysBetween(F(f("due_date")), F(f("start_date")))
    elapsed_days = DaysBetween(today_v, F(f("start_date")))
    stale = report_late_q(today, prefix)
    reporting = Q(**{f"{f('status')}__in": [TaskStatus.ASSIGNED, TaskStatus.SIGNED, TaskStatus.IN_PROGRESS]})
    return Case(
        When(Q(**{f("status"): TaskStatus.COMPLETED}), then=Value(Light.DONE.value)),
        When(Q(**{f("status"): TaskStatus.DRAFT}), then=Value(Light.GREEN.value)),
        When(Q(**{f"{f('due_date')}__lt": today}), then=Value(Light.RED.value)),
        When(Q(**{f"{f('due_date')}__lte": today + dt.timedelta(days=n)}), then=Value(Light.YELLOW.value)),
        When(
            reporting & Q(progress_behind_expr(total_days, elapsed_days, f, x)),
            then=Value(Light.YELLOW.value),
        ),
        When(reporting & stale, then=Value(Light.YELLOW.value)),
        default=Value(Light.GREEN.value),
        output_field=IntegerField(),
    )


def light_q(light: int, today: dt.date, prefix: str = "") -> Q | None:
    """A plain, index-friendly condition equivalent to `light_expression(today) == light` for the
    lights that need no arithmetic (已办结 and 红, rules 1–2 above); None for 黄/绿, which are
    filtered on the annotation. Lists use it so "show me the red items" is a range scan on
    due_date instead of a CASE over every row; the ledger's property test checks the equivalence."""
    if light == Light.DONE:
        return Q(**{f"{prefix}status": TaskStatus.COMPLETED})
    if light == Light.RED:
        return Q(**{f"{prefix}due_date__lt": today}) & ~Q(
            **{f"{prefix}status__in": [TaskStatus.COMPLETED, TaskStatus.DRAFT]}
        )
    return None


def progress_behind_expr(total_days, elapsed_days, f, x):
    """(P + X) × (D − S) < (T − S) × 100, all in integers: no division, same on both databases."""
    lhs = ExpressionWrapper((F(f("progress")) + Value(x)) * total_days, output_field=IntegerField())
    rhs = ExpressionWrapper(elapsed_days * Value(100), output_field=IntegerField())
    return LessThan(lhs, rhs)


def milestone_light_expression(today: dt.date, prefix: str = "") -> Case:
    """A milestone is an item with a deadline and no reports: the deadline part of the rule."""
    return deadline_light_expression(
        today, done=Q(**{f"{prefix}done_on__isnull": False}), due_field=f"{prefix}due_date"
    )


def compute(
    *,
    status: str,
    start_date: dt.date,
    due_date: dt.date,
    progress: int,
    last_report_on: dt.date | None,
    cadence: str,
    today: dt.date,
    emergency_from: dt.date | None = None,
    emergency_until: dt.date | None = None,
) -> LightResult:
    """The same rule in Python, with the reason in words."""
    n, x = _params()
    if status == TaskStatus.COMPLETED:
        return LightResult(Light.DONE, "已办结")
    if status == TaskStatus.DRAFT:
        return LightResult(Light.GREEN, "草稿，尚未交办")
    if today > due_date:
        return LightResult(Light.RED, f"红：逾期{(today - due_date).days}天")
    if (due_date - today).days <= n:
        left = (due_date - today).days
        when = "今天到期" if left == 0 else f"{left}天内到期"
        return LightResult(Light.YELLOW, f"黄：{when}，进度{progress}%")
    reporting = status in (TaskStatus.ASSIGNED, TaskStatus.SIGNED, TaskStatus.IN_PROGRESS)
    total = (due_date - start_date).days
    elapsed = (today - start_date).days
    if reporting and (progress + x) * total < elapsed * 100:
        time_pct = elapsed * 100 // total if total else 100
        return LightResult(Light.YELLOW, f"黄：进度{progress}%，落后时间进度{time_pct - progress}个百分点")
    late = reporting and report_late(
        cadence=cadence,
        start_date=start_date,
        last_report_on=last_report_on,
        today=today,
        emergency_from=emergency_from,
        emergency_until=emergency_until,
    )
    return LightResult(Light.YELLOW, f"黄：{late}") if late else LightResult(Light.GREEN, "绿：正常推进")


def for_object(obj, today: dt.date) -> LightResult:
    return compute(
        status=obj.status,
        start_date=obj.start_date,
        due_date=obj.due_date,
        progress=obj.progress,
        last_report_on=obj.last_report_on,
        cadence=obj.cadence,
        today=today,
        emergency_from=obj.emergency_from,
        emergency_until=obj.emergency_until,
    )


def for_milestone(ms, today: dt.date) -> LightResult:
    done_text = f"已于{ms.done_on:%Y-%m-%d}完成" if ms.done_on else ""
    return for_deadline(
        done=bool(ms.done_on), due=ms.due_date, today=today, done_text=done_text, subject="节点"
    )


def deadline_light_expression(today: dt.date, *, done: Q, due_field: str) -> Case:
    """The same deadline part of the rule for items without progress reports (problems):
    done → 已办结; past due → 红; due within N days → 黄; else 绿."""
    n, _ = _params()
    return Case(
        When(done, then=Value(Light.DONE.value)),
        When(Q(**{f"{due_field}__lt": today}), then=Value(Light.RED.value)),
        When(Q(**{f"{due_field}__lte": today + dt.timedelta(days=n)}), then=Value(Light.YELLOW.value)),
        default=Value(Light.GREEN.value),
        output_field=IntegerField(),
    )


def for_deadline(
    *, done: bool, due: dt.date, today: dt.date, done_text: str = "已销号", subject: str = ""
) -> LightResult:
    """The Python twin of deadline_light_expression, with the reason in words (`subject`: "节点" …)."""
    n, _ = _params()
    if done:
        return LightResult(Light.DONE, done_text)
    if today > due:
        return LightResult(Light.RED, f"红：{subject}逾期{(today - due).days}天")
    if (due - today).days <= n:
        left = (due - today).days
        return LightResult(
            Light.YELLOW, f"黄：{subject}今天到期" if left == 0 else f"黄：{subject}{left}天内到期"
        )
    return LightResult(Light.GREEN, "绿：未到期")


# --- the report clock: when a report is due (R-RPT-1; rule 5, the 工作台's 待填报, report periods) ---
#
# An item reporting every C days (CADENCE_DAYS) owes its next report C days after its last one, R
# (its start date S when it has reported nothing): on R + C. On a day T it is
#   待填报 (due, the 工作台) from the day before:    T ≥ R + C − REPORT_AHEAD_DAYS;
#   late (rule 5, 黄) from the day after:            T > R + C.
# Inside an 应急 window [E1, E2] a report is owed every day: due while there is none dated T,
# late (rule 5a) when there is none since yesterday and T is past the window's first day.
# 按时间节点 has no clock: due until its first report and while a milestone of its task is open and
# due within N days (lit 黄 or 红 by the milestone light); never late.
# Report periods (reporting.selectors.report_periods) cut the time from the anchor into periods of
# PERIOD_DAYS (每月: calendar months; 按时间节点: one per milestone); each is owed GRACE_DAYS after
# its last day (`period_due`).

REPORT_AHEAD_DAYS = 1
PERIOD_DAYS = {c: CADENCE_DAYS[c] for c in (Cadence.DAILY, Cadence.WEEKLY, Cadence.BIWEEKLY)}
GRACE_DAYS = {
    Cadence.DAILY: 0,
    Cadence.WEEKLY: 1,
    Cadence.BIWEEKLY: 1,
    Cadence.MONTHLY: 1,
    Cadence.MILESTONE: 1,
}


def period_due(cadence: str, end: dt.date) -> dt.date:
    """The day the report of a period ending on `end` is owed: the next day (每日: the same day)."""
    return end + dt.timedelta(days=GRACE_DAYS.get(cadence, 1))


def owed_before(cadence: str, today: dt.date) -> dt.date:
    """Periods ending before this day are past due on `today` (today > period_due(end))."""
    return today - dt.timedelta(days=GRACE_DAYS.get(cadence, 1))


def _clock_q(today: dt.date, prefix: str, *, ahead: int) -> Q:
    """Cadence items whose next report (R + C, or S + C) is due by today + ahead."""
    q = Q(pk__in=[])
    for cadence, days in CADENCE_DAYS.items():
        if days is None:
            continue
        limit = today + dt.timedelta(days=ahead - days)
        q |= Q(**{f"{prefix}cadence": cadence}) & (
            Q(**{f"{prefix}last_report_on__lte": limit})
            | Q(**{f"{prefix}last_report_on__isnull": True, f"{prefix}start_date__lte": limit})
        )
    return q


def report_due_q(today: dt.date, prefix: str = "", task: str = "task_id") -> Q:
    """待填报 as a condition (status aside): the next report due within REPORT_AHEAD_DAYS or past,
    an 应急 day without its report, or a 按时间节点 item before its first report or with a
    milestone due soon. `task`: the field holding the task's id (milestones belong to tasks)."""
    n, _ = _params()
    soon = Milestone.objects.filter(done_on__isnull=True, due_date__lte=today + dt.timedelta(days=n))
    q = _clock_q(today, prefix, ahead=REPORT_AHEAD_DAYS)
    q |= Q(**{f"{prefix}cadence": Cadence.MILESTONE}) & (
        Q(**{f"{prefix}last_report_on__isnull": True}) | Q(**{f"{task}__in": soon.values("task_id")})
    )
    return q | Q(**{f"{prefix}emergency_from__lte": today, f"{prefix}emergency_until__gte": today}) & (
        Q(**{f"{prefix}last_report_on__lt": today}) | Q(**{f"{prefix}last_report_on__isnull": True})
    )


def report_due(
    *,
    cadence: str,
    start_date: dt.date,
    last_report_on: dt.date | None,
    today: dt.date,
    emergency_from: dt.date | None = None,
    emergency_until: dt.date | None = None,
    open_milestone_dues=(),
) -> bool:
    """The Python twin of report_due_q (`open_milestone_dues`: due dates of the task's open milestones)."""
    if in_emergency(emergency_from, emergency_until, today) and (
        last_report_on is None or last_report_on < today
    ):
        return True
    if cadence == Cadence.MILESTONE:
        n, _ = _params()
        return last_report_on is None or any(d <= today + dt.timedelta(days=n) for d in open_milestone_dues)
    days = CADENCE_DAYS.get(cadence)
    return (
        days is not None
        and (last_report_on or start_date) + dt.timedelta(days=days - REPORT_AHEAD_DAYS) <= today
    )


def report_late_q(today: dt.date, prefix: str = "") -> Q:
    """Rules 5 and 5a as a condition (status aside): the next report is past its day."""
    return _clock_q(today, prefix, ahead=-1) | emergency_stale_q(today, prefix)


def emergency_stale_q(today: dt.date, prefix: str = "") -> Q:
    """Rule 5a as a condition: inside the 应急 period, past its first day, and no report since
    yesterday (T − max(R, E1 − 1) > 1  ⇔  E1 < T and R < T − 1, R being the start date when
    nothing was reported)."""
    yesterday = today - dt.timedelta(days=1)
    return Q(
        **{
            f"{prefix}emergency_from__lt": today,
            f"{prefix}emergency_until__gte": today,
        }
    ) & (
        Q(**{f"{prefix}last_report_on__lt": yesterday})
        | Q(**{f"{prefix}last_report_on__isnull": True, f"{prefix}start_date__lt": yesterday})
    )


def report_late(
    *,
    cadence: str,
    start_date: dt.date,
    last_report_on: dt.date | None,
    today: dt.date,
    emergency_from: dt.date | None = None,
    emergency_until: dt.date | None = None,
) -> str:
    """The Python twin of report_late_q: why the report is late, in words ("" when it is not)."""
    ref = last_report_on or start_date
    if in_emergency(emergency_from, emergency_until, today):
        since = (today - max(ref, emergency_from - dt.timedelta(days=1))).days
        if since > 1:
            what = f"已{(today - ref).days}天未报告" if last_report_on else "尚未报告"
            return f"应急日报期间（{emergency_from:%m-%d}起每日报告）{what}"
    days = CADENCE_DAYS.get(cadence)
    if days is not None:
        since = (today - ref).days
        if since > days:
            return f"已{since}天未报告" if last_report_on else f"开始{since}天仍未报告"
    return ""


def in_emergency(emergency_from: dt.date | None, emergency_until: dt.date | None, day: dt.date) -> bool:
    return emergency_from is not None and emergency_from <= day <= emergency_until
