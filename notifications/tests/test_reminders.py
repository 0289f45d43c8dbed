"""Reminders 7 days and 1 day before a due date and on the day it turns red (R-WRN-1b)."""

import datetime as dt

import pytest

from audit.models import AuditEvent
from core import clock
from core.testing import make_task
from notifications.models import Message
from tasks import services as task_services
from tasks.models import Assignment, Milestone, TaskEvent, WorkdayOverride
from tasks.reminders import reminder_window_end
from tasks.tasks import run_reminders

pytestmark = pytest.mark.django_db


def all_workdays(first: dt.date, days: int = 60):
    for i in range(-3, days):
        WorkdayOverride.objects.update_or_create(
            date=first + dt.timedelta(days=i), defaults={"is_workday": True}
        )


def titles(user):
    return sorted(Message.objects.filter(recipient=user).values_list("title", flat=True))


def test_7d_1d_and_red_each_sent_exactly_once(org):
    all_workdays(clock.today())
    task = make_task(org, title="疫苗接种率提升", lead="county_a", days=10)
    a = Assignment.objects.get(task=task)
    task_services.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    clerk, head, supervisor = (
        org.user("county_a_clerk"),
        org.user("county_a_head"),
        org.user("prov_supervisor"),
    )
    Message.objects.all().delete()

    sent_on = {}
    for day in range(0, 14):
        for _ in range(2):  # the scan runs every 10 minutes: twice a day here, nothing repeats
            counts = run_reminders()
            for kind in ("reminders", "red"):
                if counts[kind]:
                    sent_on.setdefault(kind, []).append(day)
        clock.travel(days=1)

    assert sent_on == {
        "reminders": [3, 9],
        "red": [11],
    }  # due on day 10: 7 days, 1 day before; red the day after
    clerk_titles = titles(clerk)
    assert clerk_titles == sorted(
        [
            "到期提醒：疫苗接种率提升（还有7天到期）",
            "到期提醒：疫苗接种率提升（还有1天到期）",
            "已逾期（红灯）：疫苗接种率提升",
        ]
    )
    assert titles(head) == clerk_titles
    assert titles(supervisor) == [
        "已逾期（红灯）：疫苗接种率提升"
    ]  # the assigning side hears of the red only
    assert not Message.objects.filter(recipient=org.user("county_b_clerk")).exists()
    red = Message.objects.get(recipient=clerk, kind="red")
    assert "红：逾期1天" in red.body and red.dedupe_key == f"red:{a.pk}:{a.due_date}"
    assert TaskEvent.objects.filter(assignment=a, kind="reminded").count() == 2
    assert TaskEvent.objects.filter(assignment=a, kind="light_changed").count() == 1
    assert AuditEvent.objects.filter(action="notifications.reminder.sent").count() == 2
    assert AuditEvent.objects.filter(action="tasks.assignment.light_changed").count() == 1


def test_reminder_moves_to_the_workday_before_a_holiday(org):
    today = clock.today()
    all_workdays(today)
    task = make_task(org, lead="county_a", days=5)
    due = task.due_date
    # the day before the due date is a holiday: the 1-day reminder goes out two days before
    WorkdayOverride.objects.filter(date=due - dt.timedelta(days=1)).update(is_workday=False)
    assert reminder_window_end(due - dt.timedelta(days=2), 1) == due
    clock.travel(days=3)
    run_reminders()
    assert Message.objects.filter(title__contains="还有2天到期", kind="reminder").exists()
    clock.travel(days=1)
    assert run_reminders()["reminders"] == 0


def test_done_and_extended_items(org):
    all_workdays(clock.today(), 90)
    task = make_task(org, lead="county_a", days=10)
    a = Assignment.objects.get(task=task)
    task_services.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    clock.travel(days=3)
    assert run_reminders()["reminders"] == 1
    task_services.extension_request(
        actor=org.user("county_a_clerk"),
        assignment=a,
        reason="汛期影响",
        new_due_date=a.due_date + dt.timedelta(days=20),
    )
    ext = a.extensions.get()
    task_services.extension_decide(actor=org.user("prov_supervisor"), extension=ext, approve=True)
    clock.travel(days=8)  # past the old due date: not red, no reminder for the old date
    assert run_reminders() == {"reminders": 0, "red": 0, "milestone_reminders": 0, "milestone_red": 0}
    clock.travel(days=12)  # 7 days before the new date
    assert run_reminders()["reminders"] == 1


def test_milestone_reminders(org):
    all_workdays(clock.today())
    task = make_task(org, lead="county_a", days=40)
    a = Assignment.objects.get(task=task)
    task_services.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    Milestone.objects.create(task=task, title="完成摸底", due_date=clock.today() + dt.timedelta(days=8))
    clock.travel(days=1)
    assert run_reminders()["milestone_reminders"] == 1
    assert run_reminders()["milestone_reminders"] == 0
    clock.travel(days=8)
    assert run_reminders()["milestone_red"] == 1
    assert (
        Message.objects.filter(
            recipient=org.user("county_a_clerk"), title__startswith="时间节点已逾期"
        ).count()
        == 1
    )
