"""应急 special periods (R-RPT-1): a task switched to daily reports for a date range — through the
page, down the sub-task tree, into the light, the report periods, the late list and the workbench."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from core import clock
from core.testing import make_task
from dashboards.selectors import workbench
from notifications.models import Message
from reporting import selectors as rsel
from reporting import services as rsvc
from tasks import lights, services
from tasks.choices import EventKind, Light
from tasks.models import Assignment, Task, TaskEvent
from tasks.tests.support_actions import lead

pytestmark = pytest.mark.django_db


def _url(name, task):
    return reverse(f"tasks:{name}", args=[task.pk])


@pytest.fixture
def task(org):
    """A monthly task of the province led by county_a, signed and reported today."""
    t = make_task(org, title="病媒生物防治", lead="county_a", days=120, cadence="monthly")
    a = lead(t)
    services.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    a.refresh_from_db()
    rsvc.report_submit(actor=org.user("county_a_clerk"), assignment=a, progress=10, work_done="部署")
    return t


def test_supervisor_switches_a_task_to_daily_reports_through_the_page(org, login, task):
    client = login(org.user("prov_supervisor"))
    page = client.get(task.get_absolute_url()).content.decode()
    assert 'data-action="emergency"' in page
    today = clock.today()
    response = client.post(
        _url("task_emergency", task),
        {
            "start": today.isoformat(),
            "end": (today + dt.timedelta(days=9)).isoformat(),
            "reason": "登革热疫情应急响应",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    a = lead(task)
    assert (task.emergency_from, task.emergency_until) == (today, today + dt.timedelta(days=9))
    assert (a.emergency_from, a.emergency_until) == (task.emergency_from, task.emergency_until)
    assert TaskEvent.objects.filter(task=task, kind=EventKind.EMERGENCY).count() == 1
    assert AuditEvent.objects.filter(action="tasks.task.updated", object_id=str(task.pk)).exists()
    told = Message.objects.filter(recipient=org.user("county_a_clerk"), title__startswith="应急日报")
    assert told.count() == 1
    page = client.get(task.get_absolute_url()).content.decode()
    assert "应急日报中" in page and "登革热疫情应急响应" in page
    assert 'data-action="emergency_end"' in page


def test_bad_input_gets_chinese_errors_keeps_what_was_typed_and_changes_nothing(org, login, task):
    client = login(org.user("prov_supervisor"))
    today = clock.today()
    typed = {
        "start": (today - dt.timedelta(days=2)).isoformat(),
        "end": (today - dt.timedelta(days=3)).isoformat(),
        "reason": "应急响应",
    }
    response = client.post(_url("task_emergency", task), typed)
    assert response.status_code == 200
    body = response.content.decode()
    assert "起始日期不能早于今天" in body
    assert "结束日期不能早于起始日期" in body
    assert typed["start"] in body and typed["end"] in body and "应急响应" in body  # kept
    response = client.post(_url("task_emergency", task), {**typed, "start": today.isoformat(), "reason": " "})
    assert "请填写应急事由" in response.content.decode()
    task.refresh_from_db()
    assert task.emergency_from is None and lead(task).emergency_from is None
    assert not TaskEvent.objects.filter(task=task, kind=EventKind.EMERGENCY).exists()


def test_a_running_window_can_be_lengthened_keeping_its_start(org, task):
    supervisor, today = org.user("prov_supervisor"), clock.today()
    services.task_set_emergency(
        actor=supervisor, task=task, start=today, end=today + dt.timedelta(days=5), reason="应急"
    )
    clock.travel(days=3)
    services.task_set_emergency(
        actor=supervisor, task=task, start=today, end=today + dt.timedelta(days=12), reason="应急延长"
    )
    assert lead(task).emergency_until == today + dt.timedelta(days=12)
    with pytest.raises(ValidationError, match="早于今天"):
        services.task_set_emergency(
            actor=supervisor, task=task, start=today - dt.timedelta(days=1), end=clock.today(), reason="x"
        )


def test_only_the_assigning_side_may_declare_it(org, login, task):
    client = login(org.user("county_a_clerk"))
    assert 'data-action="emergency"' not in client.get(task.get_absolute_url()).content.decode()
    today = clock.today().isoformat()
    response = client.post(_url("task_emergency", task), {"start": today, "end": today, "reason": "x"})
    assert response.status_code == 403
    assert Task.objects.get(pk=task.pk).emergency_from is None


def test_the_window_reaches_every_sub_task_and_later_decompositions(org, task):
    services.task_decompose(
        actor=org.user("county_a_head"),
        parent=task,
        org_unit=org.units["county_a"],
        items=[{"title": "乡镇病媒监测", "lead_unit": org.units["inst_a"]}],
    )
    today = clock.today()
    services.task_set_emergency(
        actor=org.user("prov_supervisor"),
        task=task,
        start=today,
        end=today + dt.timedelta(days=5),
        reason="应急",
    )
    child = task.children.get()
    assert (child.emergency_from, child.emergency_until) == (today, today + dt.timedelta(days=5))
    assert Assignment.objects.get(task=child).emergency_from == today
    later = services.task_decompose(
        actor=org.user("county_a_head"),
        parent=task,
        org_unit=org.units["county_a"],
        items=[{"title": "环境整治", "lead_unit": org.units["inst_a"]}],
    )[0]
    assert Assignment.objects.get(task=later).emergency_until == today + dt.timedelta(days=5)


def test_daily_reports_drive_the_light_periods_late_list_and_workbench(org, task):
    clerk, supervisor = org.user("county_a_clerk"), org.user("prov_supervisor")
    start = clock.today() + dt.timedelta(days=1)
    services.task_set_emergency(
        actor=supervisor, task=task, start=start, end=start + dt.timedelta(days=6), reason="应急"
    )
    a = lead(task)
    clock.travel(days=1)  # first day of the window: reported yesterday, still green
    assert lights.for_object(a, clock.today()).light == Light.GREEN
    clock.travel(days=1)  # second day, nothing since the day before the window: yellow, in words
    a.refresh_from_db()
    info = lights.for_object(a, clock.today())
    assert info.light == Light.YELLOW and "应急日报期间" in info.reason
    lit = Assignment.objects.annotate(light=lights.light_expression(clock.today())).get(pk=a.pk)
    assert lit.light == Light.YELLOW
    to_report = next(c for c in workbench(clerk, clock.today())["cards"] if c.key == "to_report")
    assert a.pk in {x.pk for x in to_report.items}
    summary = rsel.report_periods(a, clock.today())
    assert [p.state for p in summary.periods if p.emergency] == ["missing", "current"]
    late = {x.pk: x.missing_periods for x in rsel.late_assignments(supervisor, clock.today())}
    assert late[a.pk] == 1
    rsvc.report_submit(actor=clerk, assignment=a, progress=20, work_done="消杀")
    a.refresh_from_db()
    assert lights.for_object(a, clock.today()).light == Light.GREEN


def test_ending_early_restores_the_cadence_from_today(org, task):
    supervisor = org.user("prov_supervisor")
    today = clock.today()
    services.task_set_emergency(
        actor=supervisor, task=task, start=today, end=today + dt.timedelta(days=20), reason="应急"
    )
    clock.travel(days=3)
    services.task_end_emergency(actor=supervisor, task=task)
    task.refresh_from_db()
    assert (task.emergency_from, task.emergency_until) == (today, clock.today() - dt.timedelta(days=1))
    assert lead(task).emergency_until == task.emergency_until
    # a window that has not begun is withdrawn entirely
    services.task_set_emergency(
        actor=supervisor,
        task=task,
        start=clock.today() + dt.timedelta(days=2),
        end=clock.today() + dt.timedelta(days=4),
        reason="预案",
    )
    services.task_end_emergency(actor=supervisor, task=task)
    task.refresh_from_db()
    assert task.emergency_from is None and lead(task).emergency_from is None
    with pytest.raises(Exception, match="没有应急日报安排"):
        services.task_end_emergency(actor=supervisor, task=task)
