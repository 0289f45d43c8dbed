"""The demo province: `load_demo --small` builds every level, every role and every light."""

import io

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from audit.services import verify_chain
from core import clock
from demo.data import DEMO_PASSWORD
from org.choices import UnitKind
from org.models import Role, RoleAssignment, Unit, User
from org.services import login_check
from tasks import lights
from tasks.choices import Light, TaskStatus
from tasks.models import Assignment, PartyReview, Task, TaskEvent


@pytest.mark.django_db
def test_load_demo_small_builds_a_living_province():
    out = io.StringIO()
    call_command("load_demo", "--small", stdout=out)
    assert "示范数据加载完成" in out.getvalue()

    # units per level
    per_kind = {k: Unit.objects.filter(kind=k).count() for k in UnitKind.values}
    assert per_kind[UnitKind.PROVINCE] == 1
    assert per_kind[UnitKind.CITY] == 2
    assert per_kind[UnitKind.COUNTY] == 6
    assert per_kind[UnitKind.DEPARTMENT] >= 6
    assert per_kind[UnitKind.INSTITUTION] >= 6 * 6
    names = set(Unit.objects.values_list("short_name", flat=True))
    assert {"督查室", "医政处", "疾控处", "基层卫生处", "规划信息处", "人事处"} <= names
    assert Unit.objects.get(kind=UnitKind.PROVINCE).name == "示范省卫生健康委员会"

    # every built-in role is held by somebody, at province, city and county level
    held = set(RoleAssignment.objects.values_list("role__code", flat=True))
    assert held == set(Role.objects.values_list("code", flat=True))
    for username in ("sf_duchayuan", "dhs_duchayuan", "dhs_fuzeren", "dhs_lianluoyuan"):
        assert User.objects.filter(username=username, must_change_password=False).exists()
    county_clerks = User.objects.filter(unit__kind=UnitKind.COUNTY, role_assignments__role__code="clerk")
    assert county_clerks.count() == 6

    # tasks in every light, computed by the one rule in the database
    today = clock.today()
    got = set(Task.objects.annotate(light=lights.light_expression(today)).values_list("light", flat=True))
    assert {Light.DONE, Light.GREEN, Light.YELLOW, Light.RED} <= got
    # … and the Python rule agrees with the database on every task
    for task in Task.objects.annotate(light=lights.light_expression(today)):
        assert lights.for_object(task, today).light == task.light, task
    statuses = set(Assignment.objects.values_list("status", flat=True))
    assert {TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED} <= statuses
    assert Task.objects.filter(parent__isnull=False).exists()  # decomposition happened
    assert PartyReview.objects.exists()  # 重大 tasks went through the 党组会 gate
    # 应急 (R-RPT-1): one decomposed task reports daily since six days ago, down its sub-tasks
    from reporting.selectors import report_periods

    in_window = Assignment.objects.filter(emergency_from__lte=today, emergency_until__gte=today)
    assert Task.objects.filter(emergency_from__isnull=False, children__isnull=False).exists()
    assert in_window.filter(task__parent__isnull=False).exists()
    daily = [p for a in in_window for p in report_periods(a, today).periods if p.emergency]
    assert daily and {"on_time", "missing"} & {p.state for p in daily}

    # supervision and rectification (issue 3): campaigns drawn at random, visits, findings turned
    # into problems in every state, issued 交办函 with their digest, a 回头看 regression
    from documents.models import IssuedDocument
    from rectification.choices import ProblemSource
    from rectification.models import Problem, ReCheck
    from supervision.models import Campaign, Draw, InspectionRecord
    from supervision.selectors import campaign_statistics
    from supervision.services import draw_verify

    assert Campaign.objects.count() == 3
    assert all(draw_verify(draw=d)[0] for d in Draw.objects.all())
    assert InspectionRecord.objects.count() == 12
    # the inspections' problems (a satisfaction survey's low item is a problem too: issue 13)
    problems = Problem.objects.filter(source=ProblemSource.SUPERVISION)
    assert problems.count() >= 10 and problems.filter(finding__isnull=False).count() == problems.count()
    assert (
        not Problem.objects.exclude(source=ProblemSource.SUPERVISION).filter(finding__isnull=False).exists()
    )
    assert Problem.objects.filter(source=ProblemSource.SURVEY, survey_item__isnull=False).exists()
    statuses = set(problems.values_list("status", flat=True))
    assert {"closed", "in_progress"} <= statuses and len(statuses) >= 3
    assert problems.exclude(status="closed").filter(deadline__lt=today).exists()  # overdue
    assert ReCheck.objects.exists()
    issued = IssuedDocument.objects.filter(status="issued", kind="letter")
    assert issued.exists() and all(len(d.sm3) == 64 and d.doc_number for d in issued)
    stats = campaign_statistics(Campaign.objects.all())
    assert stats.letters == issued.count() and stats.problems == problems.count()
    assert not Problem.objects.filter(created_at__gt=clock.now()).exists()

    # histories lie in the past and the clock is back to now
    first = TaskEvent.objects.order_by("at").first()
    assert (clock.now() - first.at).days >= 100
    assert not TaskEvent.objects.filter(at__gt=clock.now()).exists()

    # one summary audit event, and the whole chain verifies
    assert AuditEvent.objects.filter(action="demo.loaded").count() == 1
    assert verify_chain().ok

    # a demo account signs in with the shared demo password
    assert login_check(username="dhs_duchayuan", password=DEMO_PASSWORD).username == "dhs_duchayuan"

    # loading again is refused, or skipped with --if-empty
    out = io.StringIO()
    call_command("load_demo", "--small", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    out = io.StringIO()
    call_command("load_demo", "--accounts", stdout=out)
    assert "sf_duchayuan" in out.getvalue() and DEMO_PASSWORD in out.getvalue()


# the accounts README.md names, and the panels of the 工作台 their roles show
README_ACCOUNTS = {
    "sf_duchayuan": {"to_report", "overdue", "completions", "extensions", "my_red", "to_issue"},
    "sf_lingdao": {"overdue", "my_red", "to_issue", "instr_close"},
    "sf_xitong": set(),
    "sf_anquan": set(),
    "sf_shenji": set(),
    "sf_jijian": {"overdue"},
    "sf_renshi": set(),
    "sf_jc_fuzeren": {"to_sign", "to_report", "overdue", "reports", "my_red", "instr_pending"},
    "sf_jc_lianluoyuan": {"to_sign", "to_report", "overdue", "my_red", "instr_pending"},
    "dhs_duchayuan": {"to_sign", "to_report", "overdue", "completions", "extensions", "my_red", "to_issue"},
    "dhs_lingdao": {"overdue", "my_red", "to_issue", "instr_close"},
    "dhs_fuzeren": {
        *("to_sign", "to_report", "overdue", "completions", "extensions", "reports", "my_red"),
        "instr_pending",
    },
    "dhs_lianluoyuan": {"to_sign", "to_report", "overdue", "my_red", "instr_pending"},
    "dhs_cg_lingdao": {"overdue", "my_red", "to_issue", "instr_close"},
    "dhs_cg_fuzeren": {
        *("to_sign", "to_report", "overdue", "completions", "extensions", "reports", "my_red"),
        "instr_pending",
    },
    "dhs_cg_lianluoyuan": {"to_sign", "to_report", "overdue", "my_red", "instr_pending"},
    "dhs_cg_rmyy_lianluoyuan": {"to_sign", "to_report", "overdue", "my_red", "instr_pending"},
}


def workbench_panels(client, username: str) -> dict:
    """The panels the 工作台 page shows `username`: key → (title, number of rows listed)."""
    from django.urls import reverse

    client.force_login(User.objects.get(username=username))
    response = client.get(reverse("dashboards:workbench"))
    assert response.status_code == 200
    sections = [*response.context["cards"], response.context["my_red"]]
    html = response.content.decode()
    shown = {s.key: (s.title, len(s.items)) for s in sections if s.shown}
    for key in shown:
        assert f'id="{key}"' in html
    return shown


@pytest.mark.django_db
def test_readme_accounts_find_work_in_every_panel(client):
    """Issue 8, item 1: whoever signs in as an account of the README finds something in every panel
    of the 工作台 their role shows (待签收, 待填报, 逾期, 待审核办结, 待审批延期, 待审核报告, 我的红色事项);
    the panels no work can reach (待签收 for the province itself, 待审核办结 for a department with
    nothing below it, 我的红色事项 for the administrators) are not shown."""
    from django.conf import settings

    call_command("load_demo", "--small", stdout=io.StringIO())
    readme = (settings.BASE_DIR / "README.md").read_text()
    for username in README_ACCOUNTS:
        assert f"`{username}`" in readme
    empty = {}
    for username, expected in README_ACCOUNTS.items():
        shown = workbench_panels(client, username)
        assert set(shown) == expected, username
        empty[username] = [title for title, rows in shown.values() if not rows]
    assert not any(empty.values()), empty
