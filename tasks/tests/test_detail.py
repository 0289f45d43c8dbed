"""任务详情 (R-TSK-1..6): what it shows, in a constant number of queries, to whom, and that it
offers exactly the actions the services would accept for the viewer."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core import clock
from core.testing import make_task
from reporting import services as rsvc
from tasks import services
from tasks.choices import TaskStatus
from tasks.models import Assignment, ExtensionRequest
from tasks.tests.support_actions import approve_review, lead, pdf, upload_evidence

pytestmark = pytest.mark.django_db


def test_detail_shows_every_section(org, login):
    task = make_task(org, level="major", assign=False, co_units=["county_b"])
    approve_review(org, task)
    services.task_assign(actor=org.user("prov_supervisor"), task=task)
    a = lead(task)
    services.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    rsvc.report_submit(actor=org.user("county_a_clerk"), assignment=a, progress=30, work_done="摸底完成")
    services.milestone_create(
        actor=org.user("prov_supervisor"), task=task, title="完成摸底", due_date=task.due_date
    )
    services.indicator_create(
        actor=org.user("prov_supervisor"),
        task=task,
        name="签约率",
        target=75,
        unit_of_measure="%",
        current=80,
    )
    services.taskforce_set(actor=org.user("prov_supervisor"), task=task, members=[org.user("county_c_clerk")])
    services.extension_request(
        actor=org.user("county_a_clerk"),
        assignment=a,
        reason="汛期",
        new_due_date=a.due_date + dt.timedelta(days=9),
    )
    upload_evidence(org, a)
    services.task_decompose(
        actor=org.user("county_a_head"),
        parent=task,
        org_unit=org.units["county_a"],
        items=[{"title": "卫生院落实", "lead_unit": org.units["inst_a"]}],
    )
    body = login(org.user("prov_supervisor")).get(task.get_absolute_url()).content.decode()
    for text in [
        task.code,
        "重大",
        "公共卫生",
        "甲一县卫生健康局",  # lead unit
        "甲二县卫健局",  # co-operating unit
        "党组会第5次会议",
        "同意",
        "摸底完成",
        "完成摸底",
        "签约率",
        "卫联络",
        "汛期",
        "佐证.pdf",
        "卫生院落实",
        "进度汇总规则",
        "签收",
        "绿：正常推进",
    ]:
        assert text in body, text
    assert 'aria-valuenow="' in body
    # the timeline holds every step
    for kind in (
        "创建",
        "前置审议",
        "交办",
        "签收",
        "报告进展",
        "申请延期",
        "分解",
        "时间节点",
        "指标",
        "专班调整",
    ):
        assert kind in body, kind


def test_detail_light_reason_words(org, login):
    task = make_task(org, days=10)
    clock.travel(days=13)
    body = login(org.user("prov_supervisor")).get(task.get_absolute_url()).content.decode()
    assert "红：逾期3天" in body


def test_detail_scope(org, client, login):
    task = make_task(org, co_units=["county_b"])
    url = task.get_absolute_url()
    r = client.get(url)
    assert r.status_code == 302 and "login" in r.url
    assert login(org.user("county_c_clerk")).get(url).status_code == 404
    # a co-operating county sees the task but not the lead county's assignment row
    body = login(org.user("county_b_clerk")).get(url).content.decode()
    lead_pk = lead(task).pk
    assert f'id="assignment-{lead_pk}"' not in body
    other = Assignment.objects.get(task=task, unit=org.units["county_b"])
    assert f'id="assignment-{other.pk}"' in body


def test_subtask_tree_any_depth_and_scoped(org, login):
    root = make_task(org, lead="city_a", days=90)
    [child_a, child_b] = services.task_decompose(
        actor=org.user("city_a_head"),
        parent=root,
        org_unit=org.units["city_a"],
        items=[
            {"title": "甲一县子任务", "lead_unit": org.units["county_a"], "weight": 1},
            {"title": "甲二县子任务", "lead_unit": org.units["county_b"], "weight": 3},
        ],
    )
    services.assignment_sign(actor=org.user("county_a_head"), assignment=lead(child_a))
    services.task_decompose(
        actor=org.user("county_a_head"),
        parent=child_a,
        org_unit=org.units["county_a"],
        items=[{"title": "卫生院孙任务", "lead_unit": org.units["inst_a"]}],
    )
    body = login(org.user("prov_supervisor")).get(root.get_absolute_url()).content.decode()
    assert body.index("甲一县子任务") < body.index("卫生院孙任务") < body.index("甲二县子任务")
    assert "calc(2 * 1.5rem" not in body and "calc(1 * 1.5rem" in body


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries)


def _big_task(org, n_children, co_units):
    task = make_task(org, lead="city_a", days=90, co_units=co_units)
    services.assignment_sign(actor=org.user("city_a_head"), assignment=lead(task))
    rsvc.report_submit(actor=org.user("city_a_head"), assignment=lead(task), progress=10, work_done="部署")
    services.task_decompose(
        actor=org.user("city_a_head"),
        parent=task,
        org_unit=org.units["city_a"],
        items=[{"title": f"子任务{i}", "lead_unit": org.units["county_a"]} for i in range(n_children)],
    )
    for i in range(n_children):
        services.milestone_create(
            actor=org.user("prov_supervisor"), task=task, title=f"节点{i}", due_date=task.due_date
        )
    return task


def test_detail_constant_queries(org, client, login):
    small = _big_task(org, 2, [])
    big = _big_task(org, 20, ["county_b", "city_b", "county_c"])
    c = login(org.user("prov_supervisor"))
    _page_queries(c, small.get_absolute_url())  # warm the per-session caches
    q_small = _page_queries(c, small.get_absolute_url())
    q_big = _page_queries(c, big.get_absolute_url())
    assert q_small == q_big, (q_small, q_big)
    assert big.children.count() == 20 and big.assignments.count() == 4


# --- the page offers exactly what the services accept ---------------------------------------------------

USERS = [
    "prov_supervisor",
    "prov_leader",
    "city_a_supervisor",
    "city_a_head",
    "county_a_head",
    "county_a_clerk",
    "county_b_clerk",
    "county_b_head",
    "inst_a_clerk",
]


class _Rollback(Exception):
    pass


def _succeeds(fn) -> bool:
    try:
        with transaction.atomic():
            fn()
            raise _Rollback
    except _Rollback:
        return True
    except (PermissionDenied, ValidationError):
        return False


def _service_outcomes(org, username, task):
    """(action, target pk) → whether the service accepts it for this user, tried and rolled back."""
    user = org.user(username)
    task.refresh_from_db()
    out = {}
    out[("assign", task.pk)] = _succeeds(lambda: services.task_assign(actor=user, task=task))
    out[("assign_units", task.pk)] = _succeeds(
        lambda: services.task_assign(actor=user, task=task, units=[org.unit("county_c")])
    )
    out[("review", task.pk)] = _succeeds(
        lambda: services.task_review_record(
            actor=user,
            task=task,
            meeting_kind="party_group",
            meeting_date=clock.today(),
            conclusion="approved",
        )
    )
    out[("edit", task.pk)] = _succeeds(
        lambda: services.task_update(
            actor=user, task=task, data={"title": task.title + "改"}, version=task.version
        )
    )
    for name, fn in [
        (
            "milestone_add",
            lambda: services.milestone_create(actor=user, task=task, title="n", due_date=task.due_date),
        ),
        ("indicator_add", lambda: services.indicator_create(actor=user, task=task, name="i", target=1)),
        ("taskforce_edit", lambda: services.taskforce_set(actor=user, task=task, members=[])),
        (
            "emergency",
            lambda: services.task_set_emergency(
                actor=user, task=task, start=clock.today(), end=clock.today(), reason="应急"
            ),
        ),
        ("emergency_end", lambda: services.task_end_emergency(actor=user, task=task)),
    ]:
        out[(name, task.pk)] = _succeeds(fn)
    units = [task.org_unit] + [a.unit for a in task.assignments.all()]
    out[("decompose", task.pk)] = any(
        _succeeds(
            lambda u=u: services.task_decompose(
                actor=user, parent=task, org_unit=u, items=[{"title": "子", "lead_unit": u}], assign=False
            )
        )
        for u in units
    )
    for ms in task.milestones.all():
        out[("milestone_complete", ms.pk)] = _succeeds(
            lambda ms=ms: services.milestone_complete(actor=user, milestone=ms, files=[pdf()])
        )
    for a in task.assignments.all():
        due = a.due_date + dt.timedelta(days=10)
        out[("sign", a.pk)] = _succeeds(lambda a=a: services.assignment_sign(actor=user, assignment=a))
        out[("return", a.pk)] = _succeeds(
            lambda a=a: services.assignment_return(actor=user, assignment=a, reason="r")
        )
        out[("request_completion", a.pk)] = _succeeds(
            lambda a=a: services.assignment_request_completion(
                actor=user, assignment=a, note="n", reuse=list(a.attachments.all())
            )
        )
        out[("request_extension", a.pk)] = _succeeds(
            lambda a=a, due=due: services.extension_request(
                actor=user, assignment=a, reason="r", new_due_date=due
            )
        )
        out[("verify", a.pk)] = _succeeds(
            lambda a=a: services.assignment_verify(actor=user, assignment=a, approve=True)
        )
        out[("report", a.pk)] = _succeeds(
            lambda a=a: rsvc.report_submit(actor=user, assignment=a, progress=50, work_done="w")
        )
        for ext in ExtensionRequest.objects.filter(assignment=a):
            out[("decide_extension", ext.pk)] = _succeeds(
                lambda ext=ext: services.extension_decide(actor=user, extension=ext, approve=True)
            )
    return out


def _shown(client, task):
    body = client.get(task.get_absolute_url()).content.decode()
    return {(m[0], int(m[1])) for m in re.findall(r'data-action="(\w+)" data-target="(\d+)"', body)}


def _states(org):
    """A task with a co-operating unit walked through the lifecycle, yielding at every state."""
    task = make_task(org, level="major", assign=False, co_units=["county_b"])
    yield "重大草稿无审议", task
    approve_review(org, task)
    services.milestone_create(
        actor=org.user("prov_supervisor"), task=task, title="节点", due_date=task.due_date
    )
    yield "已审议草稿", task
    services.task_assign(actor=org.user("prov_supervisor"), task=task)
    yield "已交办", task
    co = Assignment.objects.get(task=task, unit=org.units["county_b"])
    services.assignment_return(actor=org.user("county_b_clerk"), assignment=co, reason="不属本单位")
    a = lead(task)
    services.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    yield "牵头已签收、配合已退回", task
    services.task_set_emergency(
        actor=org.user("prov_supervisor"),
        task=task,
        start=clock.today(),
        end=clock.today() + dt.timedelta(days=3),
        reason="疫情应急响应",
    )
    yield "应急日报中", task
    services.extension_request(
        actor=org.user("county_a_clerk"),
        assignment=a,
        reason="r",
        new_due_date=a.due_date + dt.timedelta(days=5),
    )
    upload_evidence(org, a)
    yield "待审批延期、已有佐证", task
    services.assignment_request_completion(actor=org.user("county_a_clerk"), assignment=a, note="完成")
    yield "申请办结", task
    services.assignment_verify(actor=org.user("prov_supervisor"), assignment=a, approve=True)
    yield "已办结", task


def test_buttons_match_what_services_accept(org, login):
    checked = 0
    for state, task in _states(org):
        for username in USERS:
            client = login(org.user(username))
            response = client.get(task.get_absolute_url())
            if response.status_code == 404:
                continue
            shown = _shown(client, task)
            outcomes = _service_outcomes(org, username, task)
            for key, ok in outcomes.items():
                assert (key in shown) == ok, (state, username, key, "shown" if key in shown else "hidden", ok)
                checked += 1
            assert shown <= set(outcomes) | {(k, t) for k, t in shown if k == "upload_evidence"}, (
                state,
                username,
            )
    assert checked > 300
    assert task.status == TaskStatus.COMPLETED
