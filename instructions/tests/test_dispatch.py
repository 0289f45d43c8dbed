"""调度会 (R-DEC-6): the items a meeting lists are exactly the red and yellow tasks of its scope (a
plain Python evaluation of the light over every task), frozen with their reason; a follow-up is a
批示 on the task (timeline, inbox, audit) tracked through answer and 圈阅; the refusals are in
Chinese and change nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from audit.models import AuditEvent
from core import clock
from core.testing import make_task
from instructions import dispatch, selectors, services
from instructions.models import DispatchItem, DispatchMeeting, Instruction, InstructionStatus
from notifications.models import Message
from tasks import lights
from tasks.choices import EventKind, Light, TaskStatus
from tasks.models import Task, TaskCategory

pytestmark = pytest.mark.django_db

RECORDER = "city_a_supervisor"
HOST = "city_a_leader"


def _tasks(org):
    """Tasks of 甲市 and beyond in every light: after 5 days, red (due in 3), yellow (due in 10),
    green (due in 60), a draft past due, and the same in 甲二县 and 乙三县."""
    made = {}
    for lead, org_unit, creator in (
        ("county_a", "county_a", "county_a_head"),
        ("county_b", "city_a", "city_a_supervisor"),
        ("county_c", "province", "prov_supervisor"),
    ):
        for name, days in (("red", 3), ("yellow", 10), ("green", 60)):
            made[lead, name] = make_task(
                org, title=f"{lead}{name}", lead=lead, org_unit=org_unit, creator=creator, days=days
            )
        made[lead, "draft"] = make_task(
            org, title=f"{lead}draft", lead=lead, org_unit=org_unit, creator=creator, days=2, assign=False
        )
    clock.travel(days=5)
    return made


def _expected(actor, org_unit, today):
    """Every task, its light in Python (tasks.lights.for_object): those the actor sees, led inside
    org_unit's subtree, not drafts, red or yellow — red first, then by due date."""
    visible = set(Task.objects.visible_to(actor, "tasks.view_task").values_list("pk", flat=True))
    rows = []
    for task in Task.objects.select_related("lead_unit"):
        info = lights.for_object(task, today)
        if (
            task.pk in visible
            and task.lead_unit.path.startswith(org_unit.path)
            and task.status != TaskStatus.DRAFT
            and info.light in (Light.RED, Light.YELLOW)
        ):
            rows.append((-int(info.light), task.due_date, task.pk, info.reason))
    return [(pk, reason) for _, _, pk, reason in sorted(rows)]


def _meeting(org, recorder=RECORDER, host=HOST, unit="city_a", **over):
    return dispatch.meeting_create(
        actor=org.user(recorder),
        org_unit=org.unit(unit),
        title=over.pop("title", "2026年第49周重点任务调度会"),
        held_on=over.pop("held_on", clock.today()),
        host=org.user(host),
        attendees="各县卫健局分管同志",
        notes="逐项过红黄灯任务",
        **over,
    )


def _listed(meeting):
    return list(DispatchItem.objects.filter(meeting=meeting).values_list("task_id", "reason"))


@pytest.mark.parametrize(
    ("recorder", "host", "unit"),
    [
        (RECORDER, HOST, "city_a"),
        ("county_a_leader", "county_a_leader", "county_a"),
        ("prov_supervisor", "prov_leader", "province"),
    ],
)
def test_items_are_the_red_and_yellow_tasks_of_the_scope(org, recorder, host, unit):
    made = _tasks(org)
    meeting = _meeting(org, recorder=recorder, host=host, unit=unit)
    expected = _expected(org.user(recorder), org.unit(unit), clock.today())
    assert _listed(meeting) == expected and expected
    assert meeting.items_total == len(expected)
    listed = {pk for pk, _ in expected}
    assert made["county_a", "red"].pk in listed and made["county_a", "green"].pk not in listed
    assert made["county_a", "draft"].pk not in listed
    assert (made["county_b", "red"].pk in listed) == (unit != "county_a")
    assert (made["county_c", "red"].pk in listed) == (unit == "province")
    first = DispatchItem.objects.filter(meeting=meeting).order_by("position").first()
    assert first.light == Light.RED and first.reason.startswith("红：逾期")


def test_items_are_frozen_at_the_meeting(org):
    made = _tasks(org)
    meeting = _meeting(org)
    before = _listed(meeting)
    clock.travel(days=30)  # the green tasks turn red, the listed ones stay as they were
    assert _listed(meeting) == before
    assert made["county_a", "green"].pk not in {pk for pk, _ in before}
    _, items, counts = dispatch.meeting_detail(org.user(HOST), meeting.pk, clock.today())
    assert counts.items == len(before)
    assert all(item.now.light == Light.RED for item in items)
    assert any(item.then.light == Light.YELLOW for item in items)


@override_settings(DUBAN_DISPATCH_MAX_ITEMS=2)
def test_the_cap_keeps_the_worst_and_the_total(org):
    _tasks(org)
    meeting = _meeting(org)
    expected = _expected(org.user(RECORDER), org.unit("city_a"), clock.today())
    assert len(expected) > 2
    assert _listed(meeting) == expected[:2] and meeting.items_total == len(expected)


def test_category_limits_the_items(org):
    _tasks(org)
    other = TaskCategory.objects.exclude(name="公共卫生").first()
    assert _listed(_meeting(org, category=other)) == []


def test_a_followup_is_tracked_through_answer_and_close(org):
    made = _tasks(org)
    meeting = _meeting(org)
    task = made["county_a", "red"]
    audits = AuditEvent.objects.count()
    ins = dispatch.followup_add(
        actor=org.user(RECORDER),
        meeting=meeting,
        task=task,
        text="本周内完成设备招标，报调度会",
        assignee_unit=org.unit("county_a"),
        due_date=clock.today() + dt.timedelta(days=5),
        assignee_name="孙局长",
    )
    assert ins.meeting == meeting and ins.author == org.user(RECORDER) and ins.org_unit == org.unit("city_a")
    assert ins.task == task and ins.status == InstructionStatus.PENDING
    assert AuditEvent.objects.filter(action="instructions.followup.created").count() == 1
    assert task.events.filter(kind=EventKind.INSTRUCTED, note__contains="设备招标").exists()
    clerk = org.user("county_a_clerk")
    assert Message.objects.filter(recipient=clerk, title__startswith="调度会跟踪事项").exists()

    assert task.events.filter(note__startswith="调度会跟踪事项：").exists()
    ins = services.instruction_answer(actor=clerk, instruction=ins, text="招标已完成")
    host = org.user(HOST)
    total, rows = selectors.for_workbench(host, clock.today(), pending=False).to_close
    assert total == 1 and rows[0].pk == ins.pk  # the host's 工作台: 待圈阅
    assert Message.objects.filter(recipient=host, title__startswith="批示已报落实").exists()
    with pytest.raises(PermissionDenied):  # the 督查员 who recorded it does not 圈阅
        services.instruction_close(actor=org.user(RECORDER), instruction=ins)
    with pytest.raises(PermissionDenied):  # nor a sibling county's leader
        services.instruction_close(actor=org.user("county_b_leader"), instruction=ins)
    ins = services.instruction_close(actor=host, instruction=ins, text="同意")
    assert ins.status == InstructionStatus.CLOSED and ins.closed_by == host
    assert AuditEvent.objects.count() - audits == 3

    _, items, counts = dispatch.meeting_detail(host, meeting.pk, clock.today())
    assert (counts.followups, counts.closed, counts.with_followup, counts.overdue) == (1, 1, 1, 0)
    assert [f.pk for item in items for f in item.followups] == [ins.pk]


def test_a_leader_with_the_close_right_at_the_unit_closes_too(org):
    made = _tasks(org)
    meeting = _meeting(org)
    ins = dispatch.followup_add(
        actor=org.user(RECORDER),
        meeting=meeting,
        task=made["county_b", "yellow"],
        text="请甲二县拿出整改方案",
        assignee_unit=org.unit("county_b"),
        due_date=clock.today() + dt.timedelta(days=2),
    )
    ins = services.instruction_answer(actor=org.user("county_b_clerk"), instruction=ins, text="方案已报")
    ins = services.instruction_close(actor=org.user("prov_leader"), instruction=ins)
    assert ins.status == InstructionStatus.CLOSED


def test_overdue_followups_are_counted(org):
    made = _tasks(org)
    meeting = _meeting(org)
    for name in ("red", "yellow"):
        dispatch.followup_add(
            actor=org.user(HOST),  # the host may record follow-ups too
            meeting=meeting,
            task=made["county_a", name],
            text=f"{name}的跟踪事项",
            assignee_unit=org.unit("county_a"),
            due_date=clock.today() + dt.timedelta(days=1),
        )
    clock.travel(days=3)
    _, _, counts = dispatch.meeting_detail(org.user(HOST), meeting.pk, clock.today())
    assert (counts.followups, counts.overdue, counts.with_followup) == (2, 2, 2)
    row = dispatch.meetings(org.user(HOST), clock.today()).get(pk=meeting.pk)
    assert (row.items_n, row.followups_n, row.overdue_n, row.closed_n) == (counts.items, 2, 2, 0)


def _refused(fn, **kwargs):
    before = (
        DispatchMeeting.objects.count(),
        Instruction.objects.count(),
        AuditEvent.objects.count(),
        Message.objects.count(),
    )
    with pytest.raises((ValidationError, PermissionDenied)) as exc:
        fn(**kwargs)
    after = (
        DispatchMeeting.objects.count(),
        Instruction.objects.count(),
        AuditEvent.objects.count(),
        Message.objects.count(),
    )
    assert before == after
    text = " ".join(exc.value.messages) if isinstance(exc.value, ValidationError) else str(exc.value)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    return text


def test_meeting_refusals(org):
    _tasks(org)
    base = dict(
        actor=org.user(RECORDER),
        org_unit=org.unit("city_a"),
        title="调度会",
        held_on=clock.today(),
        host=org.user(HOST),
    )
    create = dispatch.meeting_create
    assert "权限" in _refused(create, **{**base, "actor": org.user("county_a_clerk")})
    assert "权限" in _refused(create, **{**base, "org_unit": org.unit("city_b")})
    assert "会议名称" in _refused(create, **{**base, "title": "  "})
    assert "晚于今天" in _refused(create, **{**base, "held_on": clock.today() + dt.timedelta(days=1)})
    assert "主持领导" in _refused(create, **{**base, "host": org.user("county_a_clerk")})
    assert "主持领导" in _refused(create, **{**base, "host": org.user("county_b_leader")})
    assert "主持领导" in _refused(create, **{**base, "host": None})


def test_followup_refusals(org):
    made = _tasks(org)
    meeting = _meeting(org, recorder="county_a_leader", host="county_a_leader", unit="county_a")
    base = dict(
        actor=org.user("county_a_leader"),
        meeting=meeting,
        task=made["county_a", "red"],
        text="请抓紧",
        assignee_unit=org.unit("county_a"),
        due_date=clock.today() + dt.timedelta(days=3),
    )
    add = dispatch.followup_add
    assert "只有主办单位" in _refused(add, **{**base, "actor": org.user("county_a_clerk")})
    assert "只有主办单位" in _refused(add, **{**base, "actor": org.user("county_b_leader")})
    assert "事项清单" in _refused(add, **{**base, "task": made["county_a", "green"]})
    assert "跟踪事项" in _refused(add, **{**base, "text": " "})
    assert "管辖范围" in _refused(add, **{**base, "assignee_unit": org.unit("city_a")})
    assert "上级单位" in _refused(add, **{**base, "assignee_unit": org.unit("inst_a")})
    assert "不能早于今天" in _refused(add, **{**base, "due_date": clock.today() - dt.timedelta(days=1)})
    assert "落实时限" in _refused(add, **{**base, "due_date": None})
