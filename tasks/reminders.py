"""Reminders before deadlines and on the day an item turns red (R-WRN-1b): the scan of tasks.

`reminders_scan` finds, with the database light expression, the assignments and milestones due
for a reminder (7 and 1 days before the due date by default) or that turned red, and sends each
reminder once through notifications (`send_once`: the ReminderLog row, the inbox messages and
the task's timeline and audit entries together). Scheduled by tasks.tasks every 10 minutes.

Idempotent: every reminder has a key (remind:<assignment>:<due>:<days>, red:<assignment>:<due>,
remind:ms:… for milestones) recorded in ReminderLog and used as the messages' dedupe_key.
A due date moved by an approved extension gives new keys, so reminders follow the new date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from audit.services import record
from core import clock
from notifications.models import Message, ReminderLog
from notifications.services import send_once, unit_people
from tasks import lights, workdays
from tasks.choices import AssignmentRole, EventKind, Light, TaskStatus
from tasks.models import Assignment, Milestone, TaskEvent

RED_CATCH_UP_DAYS = 7  # a scan that was not running for a while still announces recent reds
REMIND_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.SIGNED, TaskStatus.IN_PROGRESS)


@dataclass(frozen=True)
class Candidate:
    key: str
    what: str  # "remind", "red", "ms_remind", "ms_red"
    obj: Assignment | Milestone
    days_before: int | None


@dataclass
class Reminder:
    """One reminder ready to send: its text, recipients, the counter it adds to and what is
    written beside the messages (`after(number of recipients)`)."""

    title: str
    body: str
    kind: str
    counter: str
    people: list
    after: Callable[[int], None]


def reminder_window_end(today, days_before: int):
    """Latest due date whose `days_before` reminder is due by `today`. The reminder day is the last
    working day on or before (due − days_before), on the official calendar (R-TSK-1b): a reminder
    that would fall on a weekend or holiday goes out on the working day before it."""
    next_workday = workdays.add_workdays(today, 1)
    return next_workday - dt.timedelta(days=1) + dt.timedelta(days=days_before)


def _windows(today, thresholds):
    """(threshold, lower, upper]: the due dates each threshold's reminder covers today, without overlap."""
    lower = today - dt.timedelta(days=1)
    for k in thresholds:
        upper = reminder_window_end(today, k)
        yield k, lower, upper
        lower = upper


def _assignment_candidates(today, thresholds) -> list[Candidate]:
    lit = Assignment.objects.annotate(light=lights.light_expression(today)).select_related(
        "task", "unit", "org_unit"
    )
    out = []
    for k, lower, upper in _windows(today, thresholds):
        for a in lit.filter(
            status__in=REMIND_STATUSES,
            due_date__gt=lower,
            due_date__lte=upper,
            light__in=(Light.GREEN, Light.YELLOW),
        ):
            out.append(Candidate(f"remind:{a.pk}:{a.due_date}:{k}", "remind", a, k))
    for a in lit.filter(light=Light.RED, due_date__gte=today - dt.timedelta(days=RED_CATCH_UP_DAYS)):
        out.append(Candidate(f"red:{a.pk}:{a.due_date}", "red", a, None))
    return out


def _milestone_candidates(today, thresholds) -> list[Candidate]:
    ms_lit = Milestone.objects.annotate(light=lights.milestone_light_expression(today)).filter(
        task__assignments__role=AssignmentRole.LEAD, task__assignments__status__in=REMIND_STATUSES
    )
    out = []
    for k, lower, upper in _windows(today, thresholds):
        for m in ms_lit.filter(
            due_date__gt=lower, due_date__lte=upper, light__in=(Light.GREEN, Light.YELLOW)
        ).select_related("task"):
            out.append(Candidate(f"remind:ms:{m.pk}:{m.due_date}:{k}", "ms_remind", m, k))
    for m in ms_lit.filter(
        light=Light.RED, due_date__gte=today - dt.timedelta(days=RED_CATCH_UP_DAYS)
    ).select_related("task"):
        out.append(Candidate(f"red:ms:{m.pk}:{m.due_date}", "ms_red", m, None))
    return out


def _not_sent(candidates: list[Candidate]) -> list[Candidate]:
    keys = [c.key for c in candidates]
    done = set(ReminderLog.objects.filter(key__in=keys).values_list("key", flat=True)) if keys else set()
    return [c for c in candidates if c.key not in done]


def _milestone_leads(todo: list[Candidate]) -> dict:
    """The lead assignment of each task a milestone reminder is about (it names the 承办 unit)."""
    ms_task_ids = {c.obj.task_id for c in todo if c.what.startswith("ms_")}
    if not ms_task_ids:
        return {}
    return {
        a.task_id: a
        for a in Assignment.objects.filter(task_id__in=ms_task_ids, role=AssignmentRole.LEAD).select_related(
            "unit", "org_unit", "task"
        )
    }


def _timeline(*, task, assignment, kind, note: str, action: str, changes: dict) -> None:
    TaskEvent.objects.create(task=task, assignment=assignment, kind=kind, at=clock.now(), note=note)
    record(actor=None, action=action, obj=assignment, changes=changes)


def _due_reminder(a: Assignment, k: int, today) -> Reminder:
    task, due = a.task, a.due_date
    left = (due - today).days
    when = "今天到期" if left == 0 else f"还有{left}天到期"

    def after(n):
        _timeline(
            task=task,
            assignment=a,
            kind=EventKind.REMINDED,
            note=f"到期前{k}天提醒（时限{due:%Y-%m-%d}），已通知{n}人",
            action="notifications.reminder.sent",
            changes={"key": f"remind:{a.pk}:{due}:{k}", "days_before": k, "recipients": n},
        )

    return Reminder(
        title=f"到期提醒：{task.title}（{when}）",
        body=f"{a.unit.display_name}承办，完成时限{due:%Y-%m-%d}，当前进度{a.progress}%",
        kind=Message.Kind.REMINDER,
        counter="reminders",
        people=unit_people(a.unit, "reporting.add_progressreport"),
        after=after,
    )


def _red_reminder(a: Assignment, today) -> Reminder:
    """The day an assignment turns red: its unit's reporters and the assigning side's verifiers."""
    task, due = a.task, a.due_date
    reason = lights.for_object(a, today).reason
    people = unit_people(a.unit, "reporting.add_progressreport")
    people += [u for u in unit_people(a.org_unit, "tasks.verify_assignment") if u not in people]

    def after(n):
        _timeline(
            task=task,
            assignment=a,
            kind=EventKind.LIGHT_CHANGED,
            note=f"转为红灯：{reason}（时限{due:%Y-%m-%d}），已通知{n}人",
            action="tasks.assignment.light_changed",
            changes={"light": {"after": "红"}, "reason": reason, "due_date": due, "recipients": n},
        )

    return Reminder(
        title=f"已逾期（红灯）：{task.title}",
        body=f"{a.unit.display_name}承办，完成时限{due:%Y-%m-%d}。{reason}",
        kind=Message.Kind.RED,
        counter="red",
        people=people,
        after=after,
    )


def _milestone_reminder(m: Milestone, a: Assignment, k: int | None, red: bool, today) -> Reminder:
    task, due = m.task, m.due_date
    left = (due - today).days
    when = "今天到期" if left == 0 else f"还有{left}天到期"
    what = f"时间节点“{m.title}”转为红灯" if red else f"时间节点“{m.title}”到期前{k}天提醒"

    def after(n):
        _timeline(
            task=task,
            assignment=a,
            kind=EventKind.LIGHT_CHANGED if red else EventKind.REMINDED,
            note=what + f"（时限{due:%Y-%m-%d}），已通知{n}人",
            action="tasks.assignment.light_changed" if red else "notifications.reminder.sent",
            changes={"milestone": m.title, "due_date": due, "days_before": k, "recipients": n},
        )

    return Reminder(
        title=f"时间节点已逾期（红灯）：{task.title} · {m.title}"
        if red
        else f"时间节点提醒：{task.title} · {m.title}（{when}）",
        body=f"节点时限{due:%Y-%m-%d}，{a.unit.display_name}承办",
        kind=Message.Kind.RED if red else Message.Kind.REMINDER,
        counter="milestone_red" if red else "milestone_reminders",
        people=unit_people(a.unit, "reporting.add_progressreport"),
        after=after,
    )


def _reminder(c: Candidate, leads: dict, today) -> Reminder | None:
    if c.what == "remind":
        return _due_reminder(c.obj, c.days_before, today)
    if c.what == "red":
        return _red_reminder(c.obj, today)
    lead = leads.get(c.obj.task_id)
    if lead is None:
        return None
    return _milestone_reminder(c.obj, lead, c.days_before, c.what == "ms_red", today)


def reminders_scan(*, today=None) -> dict:
    """Send every reminder due today once (see the module's docstring); returns the counts sent."""
    today = today or clock.today()
    thresholds = sorted(set(settings.DUBAN_REMINDER_DAYS))
    counts = {"reminders": 0, "red": 0, "milestone_reminders": 0, "milestone_red": 0}
    todo = _not_sent(_assignment_candidates(today, thresholds) + _milestone_candidates(today, thresholds))
    leads = _milestone_leads(todo)
    for c in todo:
        r = _reminder(c, leads, today)
        if r is None:
            continue
        sent = send_once(
            key=c.key,
            recipients=r.people,
            kind=r.kind,
            title=r.title,
            body=r.body,
            link=c.obj.task.get_absolute_url(),
            after=r.after,
        )
        if sent:
            counts[r.counter] += 1
    return counts
