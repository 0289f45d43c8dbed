"""Issue 8, double submit: the same create request twice changes nothing the second time.

Every create form a SubmitOnceMixin view renders carries a one-time token (`_once`); the first
POST uses it up, the same POST again (a double click, a resent request) creates nothing and goes
where the first one led with "该表单已提交，未重复创建". A POST without a token (scripts, older
tests, the e2e walks) is processed as before.
"""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.testing import make_task
from core.views import ONCE_MESSAGE
from rectification.models import Problem
from rectification.tests.test_views_create_import import form_data as problem_data
from reporting.models import ProgressReport
from tasks import services as tsvc
from tasks.models import Assignment, Milestone, Task
from tasks.tests.support_actions import decompose_data, pdf
from tasks.tests.test_actions import _task_post

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="_once" value="([0-9a-f]{32})"')


def _token(page) -> str:
    found = TOKEN.findall(page.content.decode())
    assert found, "the rendered form carries no one-time token"
    return found[-1]


def _decompose(org):
    parent = make_task(org, lead="city_a", days=90)
    data = decompose_data(
        org.units["city_a"],
        [
            {
                "title": "甲一县落实",
                "lead_unit": org.units["county_a"].pk,
                "due_date": parent.due_date.isoformat(),
                "weight": "1",
            }
        ],
    )
    url = reverse("tasks:task_decompose", args=[parent.pk])
    return "city_a_head", url, url, data, lambda: Task.objects.filter(parent=parent).count()


def _create(org):
    url = reverse("tasks:task_create")
    return "prov_supervisor", url, url, _task_post(org), Task.objects.count


def _assign(org):
    task = make_task(org, assign=False, lead="county_a")
    return (
        "prov_supervisor",
        task.get_absolute_url(),  # the 交办 button is on the task page
        reverse("tasks:task_assign", args=[task.pk]),
        {},
        lambda: Assignment.objects.filter(task=task).count(),
    )


def _milestone(org):
    task = make_task(org)
    url = reverse("tasks:milestone_create", args=[task.pk])
    data = {"title": "完成摸底", "due_date": task.due_date.isoformat()}
    return "prov_supervisor", url, url, data, Milestone.objects.count


def _report(org):
    task = make_task(org, lead="county_a")
    a = task.assignments.get()
    tsvc.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    url = reverse("reporting:report_create", kwargs={"assignment_pk": a.pk})
    return "county_a_clerk", url, url, {"progress": "30", "work_done": "已摸底"}, ProgressReport.objects.count


def _problem(org):
    url = reverse("rectification:problem_create")
    return "prov_supervisor", url, url, problem_data(org), Problem.objects.count


def _campaign(org):
    from supervision.models import Campaign
    from supervision.tests.test_views import _create_data

    url = reverse("supervision:campaign_create")
    return "city_a_supervisor", url, url, _create_data(org), Campaign.objects.count


def _directive(org):
    from tasks.models import Directive

    url = reverse("tasks:directive_create")
    data = {
        "org_unit": org.units["province"].pk,
        "kind": "meeting",
        "title": "全省医共体建设推进会",
        "issuer": "省卫健委",
        "issued_on": "2026-11-20",
    }
    return "prov_supervisor", url, url, data, Directive.objects.count


def _unit(org):
    from org.models import Unit

    url = reverse("org:unit_create")
    data = {"parent": org.units["city_a"].pk, "code": "SF-A-9", "name": "甲九县卫生健康局", "kind": "county"}
    return "sysadmin", url, url, data, Unit.objects.count


def _user(org):
    from org.models import User

    url = reverse("org:user_create")
    data = {
        "username": "new_clerk",
        "full_name": "何联络",
        "unit": org.units["county_a"].pk,
        "password": "Duban#2026new!",
    }
    return "sysadmin", url, url, data, User.objects.count


def _finding(org):
    from tests.views.world import build_world

    record = build_world(org)["record"]
    data = {"description": "处方点评记录缺失", "severity": "general"}
    return (
        "city_a_supervisor",
        record.get_absolute_url(),  # 新增发现 is a form on the record's page
        reverse("supervision:finding_create", args=[record.pk]),
        data,
        record.findings.count,
    )


def _import_tasks(org):
    from tasks.tests.test_import_tasks import URL, row, xlsx

    data = {"org_unit": org.units["province"].pk, "file": xlsx([row()])}
    return "prov_supervisor", URL, URL, data, Task.objects.count


def _upload(org):
    from files.models import Attachment

    task = make_task(org, lead="county_a")
    a = task.assignments.get()
    tsvc.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    url = reverse("reporting:attachment_upload", kwargs={"assignment_pk": a.pk})
    return (
        "county_a_clerk",
        url,
        url,
        {"purpose": "evidence", "files": [pdf("台账.pdf")]},
        Attachment.objects.count,
    )


CASES = {
    "分解": _decompose,
    "新建任务": _create,
    "交办": _assign,
    "新增节点": _milestone,
    "填报进展": _report,
    "登记问题": _problem,
    "新建专项督查": _campaign,
    "登记部署": _directive,
    "新建单位": _unit,
    "新建账号": _user,
    "新增发现": _finding,
    "导入任务": _import_tasks,
    "上传附件": _upload,
}


def _audit_count():
    return AuditEvent.objects.exclude(action__startswith="auth.").count()


@pytest.mark.parametrize("case", list(CASES))
def test_the_same_post_twice_creates_once(org, login, case):
    user, form_url, post_url, data, count = CASES[case](org)
    client = login(org.user(user))
    token = _token(client.get(form_url))
    before, audits = count(), _audit_count()
    first = client.post(post_url, {**data, "_once": token})
    # a success is a redirect, or (a new account, its one-time password) a page of its own
    assert first.status_code == 302 or "已新建" in first.content.decode(), first.content.decode()[:2000]
    assert count() == before + 1
    after_first = _audit_count()
    assert after_first > audits
    second = client.post(post_url, {**data, "_once": token})
    assert second.status_code == 302
    if first.status_code == 302:
        assert second["Location"] == first["Location"]
    assert count() == before + 1, "the second submit created another"
    assert _audit_count() == after_first, "the second submit was audited as a change"
    assert ONCE_MESSAGE in client.get(second["Location"]).content.decode()


def test_without_a_token_a_post_is_processed_as_before(org, login):
    """Scripts, the existing tests and the e2e walks post no token: nothing changes for them."""
    _user, _form, url, data, count = _decompose(org)
    client = login(org.user("city_a_head"))
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert count() == 2


def test_a_refused_post_leaves_the_token_usable(org, login):
    """The form again with an error: nothing was created, so the corrected form may go."""
    _user, form_url, url, data, count = _decompose(org)
    client = login(org.user("city_a_head"))
    token = _token(client.get(form_url))
    refused = client.post(url, {**data, "rows-0-title": "", "_once": token})
    assert refused.status_code == 200 and count() == 0
    assert TOKEN.search(refused.content.decode()), "the form shown again carries a token"
    assert client.post(url, {**data, "_once": token}).status_code == 302
    assert count() == 1


def test_every_create_page_renders_a_token(org, login):
    client = login(org.user("sysadmin"))
    for name in ("org:unit_create", "org:user_create"):
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        _token(page)


@pytest.mark.django_db(transaction=True)
def test_two_processes_posting_the_same_form_at_once_create_once(monkeypatch):
    """Two workers (two connections, as two gunicorn processes have) get the same 分解 at the same
    moment: the second waits on the token of the first, then goes where it led."""
    import threading
    import time

    from django.db import connection
    from django.test import Client

    from core.testing import build_org

    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database lives in memory; on a file BEGIN IMMEDIATE serializes writers")
    org = build_org()
    user, form_url, url, data, count = _decompose(org)
    first = Client()
    first.force_login(org.user(user))
    token = _token(first.get(form_url))
    entered, gate, real = threading.Event(), threading.Event(), tsvc.task_decompose

    def slow(**kwargs):
        entered.set()
        gate.wait(10)
        return real(**kwargs)

    monkeypatch.setattr(tsvc, "task_decompose", slow)
    answers = {}

    def post(i, client):
        try:
            answers[i] = client.post(url, {**data, "_once": token})
        finally:
            connection.close()

    second = Client()
    second.force_login(org.user(user))
    t1 = threading.Thread(target=post, args=(1, first))
    t1.start()
    assert entered.wait(10)
    t2 = threading.Thread(target=post, args=(2, second))
    t2.start()
    time.sleep(0.5)
    assert t2.is_alive(), "the second request did not wait for the first"
    gate.set()
    t1.join(20)
    t2.join(20)
    assert answers[1].status_code == answers[2].status_code == 302
    assert answers[2]["Location"] == answers[1]["Location"]
    assert count() == 1


def test_used_tokens_are_swept_after_a_week(org, login):
    from core import clock
    from core.models import FormSubmission
    from core.tasks import sweep_form_tokens

    user, form_url, url, data, _count = _decompose(org)
    client = login(org.user(user))
    client.post(url, {**data, "_once": _token(client.get(form_url))})
    assert FormSubmission.objects.count() == 1
    assert sweep_form_tokens() == 0
    clock.travel(days=8)
    assert sweep_form_tokens() == 1 and not FormSubmission.objects.exists()
