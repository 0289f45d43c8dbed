"""批示: written, answered, returned, 圈阅 — the state, the history, the record's timeline, the
audit entries and the inbox, and the refusals (nothing changed)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from core import clock
from instructions import selectors, services
from instructions.models import Instruction, InstructionStatus
from instructions.tests.factories import county_task, instruct
from notifications.models import Message
from rectification.choices import ProblemEventKind
from tasks.choices import EventKind

pytestmark = pytest.mark.django_db


def test_the_loop_on_a_task(org):
    task = county_task(org)
    audits = AuditEvent.objects.count()
    ins = instruct(org, task)
    assert ins.status == InstructionStatus.PENDING and ins.org_unit == org.unit("city_a")
    assert task.events.filter(kind=EventKind.INSTRUCTED).exists()
    clerk = org.user("county_a_clerk")
    assert Message.objects.filter(recipient=clerk, kind=Message.Kind.INSTRUCTION).exists()
    # the city's head (who may answer over the whole city) is not told: only the unit's own people
    assert not Message.objects.filter(recipient=org.user("city_a_head"), kind="instruction").exists()

    ins = services.instruction_answer(actor=clerk, instruction=ins, text="已召开专题会，方案已报")
    assert ins.status == InstructionStatus.ANSWERED and ins.answered_on == clock.today()
    leader = org.user("city_a_leader")
    assert Message.objects.filter(recipient=leader, kind="instruction").exists()

    ins = services.instruction_return(actor=leader, instruction=ins, text="请补充经费安排")
    assert ins.status == InstructionStatus.PENDING and ins.return_count == 1
    ins = services.instruction_answer(actor=clerk, instruction=ins, text="经费已落实")
    ins = services.instruction_close(actor=leader, instruction=ins, text="同意")
    assert ins.status == InstructionStatus.CLOSED and ins.closed_by == leader
    kinds = list(ins.events.values_list("kind", flat=True))
    assert kinds == ["created", "answered", "returned", "answered", "closed"]
    assert AuditEvent.objects.count() - audits == 5
    assert set(task.events.values_list("kind", flat=True)) >= {
        EventKind.INSTRUCTED,
        EventKind.INSTRUCTION_ANSWERED,
        EventKind.INSTRUCTION_CLOSED,
    }


def test_on_a_problem_and_a_report(org):
    from tests.views.world import _issue3_world

    world = _issue3_world(org)
    ins = instruct(org, world["problem"], kind="problem")
    assert world["problem"].events.filter(kind=ProblemEventKind.INSTRUCTED).exists()
    assert ins.target == world["problem"]
    doc = instruct(org, world["document"], kind="document")
    assert doc.target_label.startswith("公文")


def _refused(fn, *args, **kwargs):
    before = (Instruction.objects.count(), AuditEvent.objects.count(), Message.objects.count())
    with pytest.raises((ValidationError, PermissionDenied)) as exc:
        fn(*args, **kwargs)
    assert before == (Instruction.objects.count(), AuditEvent.objects.count(), Message.objects.count())
    return exc.value


def test_refusals_change_nothing(org):
    task = county_task(org)
    leader = org.user("city_a_leader")
    base = dict(kind="task", target_id=task.pk, text="请办理", due_date=clock.today())
    create = services.instruction_create
    _refused(create, actor=org.user("county_a_clerk"), assignee_unit=org.unit("county_a"), **base)
    _refused(create, actor=leader, assignee_unit=org.unit("county_a"), **{**base, "text": "  "})
    err = _refused(create, actor=leader, assignee_unit=org.unit("county_b"), **base)
    assert "上级单位" in str(err)
    err = _refused(create, actor=org.user("county_b_leader"), assignee_unit=org.unit("county_a"), **base)
    assert "找不到" in str(err)  # county 甲二's leader cannot see county 甲一's task
    past = {**base, "due_date": clock.today() - dt.timedelta(days=1)}
    _refused(create, actor=leader, assignee_unit=org.unit("county_a"), **past)

    ins = instruct(org, task)
    _refused(services.instruction_close, actor=leader, instruction=ins)  # not answered yet
    _refused(services.instruction_answer, actor=org.user("county_b_clerk"), instruction=ins, text="x")
    _refused(services.instruction_answer, actor=org.user("county_a_clerk"), instruction=ins, text=" ")
    ins = services.instruction_answer(actor=org.user("county_a_clerk"), instruction=ins, text="已办")
    _refused(services.instruction_close, actor=org.user("county_b_leader"), instruction=ins)
    _refused(services.instruction_return, actor=leader, instruction=ins, text="")
    _refused(services.instruction_answer, actor=org.user("county_a_clerk"), instruction=ins, text="再报")


def test_another_leader_of_the_unit_may_close(org):
    ins = instruct(org, county_task(org), leader="county_a_leader")
    ins = services.instruction_answer(actor=org.user("county_a_clerk"), instruction=ins, text="已办")
    # the city's leader holds 圈阅 over county 甲一 (the author's unit) too
    services.instruction_close(actor=org.user("city_a_leader"), instruction=ins)


def test_workbench_lists(org):
    task = county_task(org)
    for i in range(10):
        instruct(org, task, days=i + 1, text=f"批示{i}")
    clerk, leader = org.user("county_a_clerk"), org.user("city_a_leader")
    wb = selectors.for_workbench(clerk, clock.today())
    assert wb.pending[0] == 10 and len(wb.pending[1]) == 8
    assert wb.pending[1][0].due_date == clock.today() + dt.timedelta(days=1)
    assert wb.to_close == (0, [])
    ins = Instruction.objects.order_by("id").first()
    services.instruction_answer(actor=clerk, instruction=ins, text="已办")
    pending, to_close = selectors.for_workbench(leader, clock.today())
    assert pending[0] == 0 and to_close[0] == 1 and to_close[1][0].pk == ins.pk
    assert selectors.for_workbench(org.user("county_b_clerk"), clock.today()).pending[0] == 0


def test_answer_with_a_file_seen_by_who_sees_the_instruction(org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from files.selectors import attachments_visible

    ins = instruct(org, county_task(org))
    pdf = SimpleUploadedFile("落实方案.pdf", b"%PDF-1.4\n%%EOF")
    services.instruction_answer(
        actor=org.user("county_a_clerk"), instruction=ins, text="方案见附件", files=[pdf]
    )
    att = ins.events.get(kind="answered").attachments.get()
    assert att.original_name == "落实方案.pdf"
    assert attachments_visible(org.user("city_a_leader")).filter(pk=att.pk).exists()
    assert not attachments_visible(org.user("county_b_leader")).filter(pk=att.pk).exists()
