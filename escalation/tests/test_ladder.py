"""The ladder for red tasks with the test clock: 提醒 → 催办 → 督办单 → 列入通报 → 建议问责, each step
once per red spell, in order; green stops it; a new spell (a moved due date) starts again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from core import clock
from core.testing import PASSWORD, make_task
from documents import services as doc_services
from documents.builders import Draft
from documents.models import DocumentKind, IssuedDocument
from escalation import selectors
from escalation.models import Level, TaskEscalation
from escalation.services import ladder_scan
from escalation.tasks import run_ladder
from notifications.models import Message
from org import services as org_services
from org.models import Role, User
from tasks.choices import EventKind, TaskStatus
from tasks.models import TaskEvent
from tasks.reminders import reminders_scan

pytestmark = pytest.mark.django_db

DUE_IN = 10  # the task's due date is 10 days after today


@pytest.fixture
def red(org):
    """An assignment of the province to 甲一县, due in DUE_IN days."""
    task = make_task(org, days=DUE_IN, title="基层医疗服务能力提升")
    return task.assignments.get()


def to_days_red(n: int) -> None:
    """Move the clock to the day the assignment is `n` days red (due + n)."""
    clock.reset()
    clock.travel(days=DUE_IN + n, hours=1)


def levels(a, spell=None) -> list[int]:
    qs = TaskEscalation.objects.filter(assignment=a, spell=spell or a.due_date)
    return list(qs.order_by("level").values_list("level", flat=True))


def bulletin(org, assignments) -> IssuedDocument:
    """A 督办通报 of the province listing `assignments`, drafted by the 督查员 and signed by the leader."""
    draft = Draft(
        title="关于红色任务的督办通报",
        addressee="各市、县卫生健康委（局）",
        body=[["p", "现将逾期任务通报如下。"]],
        data_as_of=clock.now(),
    )
    doc = doc_services.document_draft(
        actor=org.user("prov_supervisor"),
        kind=DocumentKind.TASK_BULLETIN,
        org_unit=org.unit("province"),
        draft=draft,
        assignments=assignments,
    )
    doc_services.document_submit(actor=org.user("prov_supervisor"), document=doc)
    return doc_services.document_issue(actor=org.user("prov_leader"), document=doc, password=PASSWORD)


def discipline_user(org) -> User:
    user = org_services.user_create(
        actor=None,
        username="prov_discipline",
        full_name="纪检组",
        unit=org.unit("province"),
        password=PASSWORD,
        must_change_password=False,
        phone="13800138000",
    )
    org_services.role_grant(
        actor=None, user=user, role=Role.objects.get(code="discipline"), unit=org.unit("province")
    )
    return user


def test_a_red_item_climbs_the_ladder_each_step_once(org, red):
    watcher = discipline_user(org)
    ladder_scan()
    assert levels(red) == []  # not red yet

    to_days_red(1)
    reminders_scan()  # the red reminder, every 10 minutes
    red_messages = Message.objects.filter(kind=Message.Kind.RED).count()
    assert ladder_scan()[Level.REMIND] == 1
    assert levels(red) == [Level.REMIND]
    assert Message.objects.filter(kind=Message.Kind.RED).count() == red_messages  # no second message

    to_days_red(2)
    assert sum(ladder_scan().values()) == 0

    to_days_red(3)
    ladder_scan()
    assert levels(red) == [Level.REMIND, Level.URGE]
    urged = Message.objects.filter(kind=Message.Kind.URGE)
    assert {m.recipient.username for m in urged} >= {"county_a_head", "county_a_clerk", "prov_supervisor"}

    to_days_red(7)
    run_ladder()  # the queue job
    assert levels(red) == [Level.REMIND, Level.URGE, Level.ORDER]
    order = TaskEscalation.objects.get(assignment=red, level=Level.ORDER).document
    assert order.kind == DocumentKind.SUPERVISION_ORDER
    assert order.status == IssuedDocument.Status.SUBMITTED  # a draft waiting for 签发
    assert list(order.assignments.all()) == [red]
    assert Message.objects.filter(recipient__username="prov_leader", kind=Message.Kind.SIGNOFF).exists()

    to_days_red(9)
    doc_services.document_issue(actor=org.user("prov_leader"), document=order, password=PASSWORD)
    told = Message.objects.filter(link=order.get_absolute_url(), title__startswith="【督办单已签发】")
    assert {m.recipient.username for m in told} == {"county_a_head", "county_a_clerk"}
    listing = bulletin(org, [red])  # document_issued: 列入通报
    assert levels(red) == [Level.REMIND, Level.URGE, Level.ORDER, Level.BULLETIN]
    assert TaskEscalation.objects.get(assignment=red, level=Level.BULLETIN).document == listing

    to_days_red(29)
    assert sum(ladder_scan().values()) == 0
    to_days_red(30)
    ladder_scan()
    assert levels(red) == [1, 2, 3, 4, 5]
    assert Message.objects.filter(recipient=watcher, title__startswith="【建议问责】").count() == 1

    kinds = list(
        TaskEvent.objects.filter(assignment=red, kind__in=[e for e in EventKind])
        .exclude(kind__in=[EventKind.ASSIGNED, EventKind.LIGHT_CHANGED])
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )
    ladder_kinds = [
        EventKind.REMINDED,
        EventKind.URGED,
        EventKind.ORDERED,
        EventKind.BULLETINED,
        EventKind.ACCOUNTABILITY_PROPOSED,
    ]
    assert [k for k in dict.fromkeys(kinds) if k in ladder_kinds] == ladder_kinds  # first of each, in order
    assert AuditEvent.objects.filter(action="escalation.step.taken").count() == 5

    for _ in range(3):  # idempotent under repeated runs
        assert sum(ladder_scan().values()) == 0
    assert TaskEscalation.objects.filter(assignment=red).count() == 5


def test_a_long_red_item_climbs_to_its_step_in_one_run_in_order(org, red):
    to_days_red(12)
    counts = ladder_scan()
    assert counts[Level.REMIND] == counts[Level.URGE] == counts[Level.ORDER] == 1
    assert levels(red) == [1, 2, 3]
    # the red reminder was sent by the ladder (the reminder scan had not run); the scan does not repeat it
    before = Message.objects.count()
    reminders_scan()
    assert Message.objects.filter(kind=Message.Kind.RED, title__startswith="已逾期").count() > 0
    assert Message.objects.count() == before


def test_listed_before_its_order_is_not_yet_bulletined(org, red):
    to_days_red(3)
    ladder_scan()
    bulletin(org, [red])
    assert levels(red) == [Level.REMIND, Level.URGE]
    to_days_red(8)
    ladder_scan()
    assert levels(red) == [1, 2, 3]  # the bulletin came before the 督办单: the next one lists it


def test_the_scan_catches_up_on_a_bulletin_issued_after_the_order(org, red):
    to_days_red(7)
    ladder_scan()
    to_days_red(8)
    TaskEscalation.objects.filter(assignment=red, level=Level.ORDER).update(
        at=clock.now() - dt.timedelta(days=1)
    )
    doc = bulletin(org, [red])  # taken at once by the signal
    TaskEscalation.objects.filter(assignment=red, level=Level.BULLETIN).delete()  # as if it missed it
    ladder_scan()
    assert TaskEscalation.objects.get(assignment=red, level=Level.BULLETIN).document == doc


def test_green_stops_the_ladder_and_a_new_spell_starts_again(org, red):
    to_days_red(4)
    ladder_scan()
    assert levels(red) == [1, 2]
    old_due = red.due_date
    red.due_date = old_due + dt.timedelta(days=10)  # as an approved extension moves it
    red.save(update_fields=["due_date"])
    to_days_red(8)  # the old spell would call for 督办单; the new due date is not past
    assert sum(ladder_scan().values()) == 0
    assert levels(red, old_due) == [1, 2]
    to_days_red(11)  # red again against the new date: from 提醒
    ladder_scan()
    assert levels(red) == [Level.REMIND]
    assert levels(red, old_due) == [1, 2]


def test_a_completed_item_climbs_no_further(org, red):
    to_days_red(3)
    ladder_scan()
    red.status = TaskStatus.COMPLETED
    red.save(update_fields=["status"])
    to_days_red(10)
    assert sum(ladder_scan().values()) == 0
    assert levels(red) == [1, 2]


def test_a_step_is_never_stored_twice(org, red):
    to_days_red(1)
    ladder_scan()
    step = TaskEscalation.objects.get(assignment=red)
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskEscalation.objects.create(
            assignment=red,
            org_unit=step.org_unit,
            unit=step.unit,
            spell=step.spell,
            level=step.level,
            at=clock.now(),
        )


def test_the_summary_counts_equal_the_list(org, red, client):
    other = make_task(org, days=DUE_IN, title="村医培训", lead="county_b").assignments.get()
    to_days_red(3)
    ladder_scan()
    summary = {s["level"]: s for s in selectors.ladder_summary(org.user("prov_leader"), clock.today())}
    assert summary[Level.URGE]["count"] == 2 and summary[Level.REMIND]["count"] == 0
    county = {
        s["level"]: s["count"] for s in selectors.ladder_summary(org.user("county_a_leader"), clock.today())
    }
    assert county[Level.URGE] == 1
    client.force_login(org.user("county_a_leader"))
    html = client.get(summary[Level.URGE]["url"]).content.decode()
    assert "基层医疗服务能力提升" in html and "村医培训" not in html  # a sibling county's item
    client.force_login(org.user("county_b_leader"))
    html = client.get(summary[Level.URGE]["url"]).content.decode()
    assert "村医培训" in html and "基层医疗服务能力提升" not in html
    assert other.pk
