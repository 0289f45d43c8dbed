"""Issue 8 in the task ledger: 越级交办 made obvious (item 2), dates no one means, and what the
verifier sees on 审核办结 (item 4) and the evidence a unit may pick again (item 6)."""

import datetime as dt

import pytest
from django.urls import reverse

from core.testing import make_task
from reporting import services as rsvc
from tasks import services
from tasks.choices import TaskStatus
from tasks.models import Assignment, Task, TaskEvent
from tasks.tests.support_actions import lead, pdf
from tasks.tests.test_actions import _task_post
from tasks.tests.test_import_tasks import post as import_post
from tasks.tests.test_import_tasks import row, xlsx

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"tasks:{name}", args=args)


# --- item 2: 越级交办 -------------------------------------------------------------------------------


def test_province_supervisor_assigns_one_task_directly_to_two_counties(org, login):
    # the 督查室 creates the task (its own unit is the first 创建单位 offered); 分解 as the 督查室
    # reaches only the 督查室 itself — the 交办 form reaches every unit in scope
    task = make_task(org, org_unit="dept_supervision", lead="dept_supervision", assign=False)
    sup = login(org.user("prov_supervisor"))
    detail = sup.get(task.get_absolute_url()).content.decode()
    assert "直接交办到任意下级单位（越级交办），或交办到市级由其分解" in detail
    assert f'data-action="assign_units" data-target="{task.pk}"' in detail

    form = sup.get(_url("task_assign", task.pk))
    assert form.status_code == 200
    offered = {u.pk for u in form.context["form"].fields["units"].queryset}
    assert {org.units[k].pk for k in ("city_a", "county_a", "county_b", "inst_a", "county_c")} <= offered

    r = sup.post(
        _url("task_assign", task.pk),
        {"lead_unit": org.units["county_a"].pk, "units": [org.units["county_b"].pk]},
    )
    assert r.status_code == 302, r.content.decode()
    task.refresh_from_db()
    assigned = {a.unit_id: a for a in Assignment.objects.filter(task=task)}
    assert set(assigned) == {org.units["county_a"].pk, org.units["county_b"].pk}
    assert all(a.status == TaskStatus.ASSIGNED for a in assigned.values())
    assert task.lead_unit_id == org.units["county_a"].pk
    for clerk, unit in (("county_a_clerk", "county_a"), ("county_b_clerk", "county_b")):
        page = login(org.user(clerk)).get(task.get_absolute_url())
        a = assigned[org.units[unit].pk]
        assert page.status_code == 200
        assert f'data-action="sign" data-target="{a.pk}"' in page.content.decode()


def test_assign_form_refuses_a_unit_outside_scope_and_changes_nothing(org, login):
    task = make_task(org, org_unit="city_a", creator="city_a_supervisor", lead="county_a", assign=False)
    c = login(org.user("city_a_supervisor"))
    r = c.post(_url("task_assign", task.pk), {"units": [org.units["county_c"].pk]})
    assert r.status_code == 200 and "所选单位不在您的管辖范围内" in r.content.decode()
    with pytest.raises(Exception, match="只能交办到您的管辖范围内的单位"):
        services.task_assign(actor=org.user("city_a_supervisor"), task=task, units=[org.unit("county_c")])
    assert not Assignment.objects.filter(task=task).exists()


def test_refused_decompose_says_why(org, login):
    task = make_task(org, lead="county_a")
    services.assignment_sign(actor=org.user("county_a_clerk"), assignment=lead(task))
    clerk = login(org.user("county_a_clerk"))
    reason = "您无权以甲一县卫健局分解任务：须有在该单位创建并交办任务的权限"
    assert reason in clerk.get(task.get_absolute_url()).content.decode()
    page = clerk.get(_url("task_decompose", task.pk))
    assert page.status_code == 403 and reason in page.content.decode()


# --- dates no one means ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start,due,field",
    [("1900-01-01", "1900-02-01", "1900-01-01"), ("2026-09-30", "9999-12-31", "9999-12-31")],
)
def test_task_form_refuses_dates_outside_a_sane_window(org, login, start, due, field):
    c = login(org.user("prov_supervisor"))
    data = _task_post(org, title="日期离谱的任务", start_date=start, due_date=due, due_in_workdays="")
    r = c.post(_url("task_create"), data)
    body = r.content.decode()
    assert r.status_code == 200 and f"日期{field}超出合理范围" in body and "日期离谱的任务" in body
    assert not Task.objects.filter(title="日期离谱的任务").exists()


def test_task_import_refuses_dates_outside_a_sane_window(org, login):
    c = login(org.user("prov_supervisor"))
    upload = xlsx([row(title="百年任务", start=dt.date(1900, 1, 1), due=dt.date(1900, 2, 1))])
    body = import_post(c, org, upload).content.decode()
    assert "开始日期：日期1900-01-01超出合理范围" in body and "完成时限：日期1900-02-01超出合理范围" in body
    assert not Task.objects.filter(title="百年任务").exists()


def test_milestone_and_extension_dates_outside_the_window_are_refused(org, login):
    task = make_task(org, lead="county_a")
    c = login(org.user("prov_supervisor"))
    r = c.post(_url("milestone_create", task.pk), {"title": "远期节点", "due_date": "9999-12-31"})
    assert r.status_code == 200 and "超出合理范围" in r.content.decode()
    assert not task.milestones.exists()
    a = lead(task)
    services.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    with pytest.raises(Exception, match="超出合理范围"):
        services.extension_request(
            actor=org.user("county_a_clerk"), assignment=a, reason="r", new_due_date=dt.date(9999, 12, 31)
        )


# --- items 4 and 6: 申请办结 / 审核办结 --------------------------------------------------------------------


def _report(org, a, progress, files=(), **kw):
    a.refresh_from_db()
    return rsvc.report_submit(
        actor=org.user("county_a_clerk"),
        assignment=a,
        progress=progress,
        work_done="完成摸底",
        files=files,
        **kw,
    )


def test_completion_picks_an_earlier_report_file_and_the_verifier_sees_it(org, login):
    task = make_task(org, lead="county_a")
    a = lead(task)
    services.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    report = _report(org, a, 20, files=[pdf("第一期报告.pdf")])
    att = report.attachments.get()
    clerk = login(org.user("county_a_clerk"))
    detail = clerk.get(task.get_absolute_url()).content.decode()
    assert f'data-action="request_completion" data-target="{a.pk}"' in detail  # no upload needed
    page = clerk.get(_url("assignment_request_completion", a.pk)).content.decode()
    assert "第一期报告.pdf" in page and "当前进度仅20%" in page

    r = clerk.post(_url("assignment_request_completion", a.pk), {"note": "已全部完成", "reuse": [att.pk]})
    assert r.status_code == 302, r.content.decode()
    a.refresh_from_db()
    att.refresh_from_db()
    assert a.status == TaskStatus.COMPLETION_REQUESTED and att.used_as_evidence

    verify = login(org.user("prov_supervisor")).get(_url("assignment_verify", a.pk)).content.decode()
    evidence = verify.split('id="evidence"')[1]
    assert "第一期报告.pdf" in evidence and "沿用报告附件" in evidence
    assert "进度仅20%" in verify and "完成摸底" in verify  # the progress and the last report


def test_completion_refuses_a_file_of_another_assignment(org, login):
    other = make_task(org, title="另一任务", lead="county_b")
    ob = lead(other)
    services.assignment_sign(actor=org.user("county_b_clerk"), assignment=ob)
    foreign = rsvc.attachment_store(
        actor=org.user("county_b_clerk"), upload=pdf(), org_unit=ob.unit, assignment=ob, purpose="report"
    )
    task = make_task(org, lead="county_a")
    a = lead(task)
    services.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    _report(org, a, 100, files=[pdf()])
    with pytest.raises(Exception, match="所选文件不是本单位为该任务报送的材料"):
        services.assignment_request_completion(
            actor=org.user("county_a_clerk"), assignment=a, note="完成", reuse=[foreign.pk]
        )
    a.refresh_from_db()
    foreign.refresh_from_db()
    assert a.status == TaskStatus.IN_PROGRESS and not foreign.used_as_evidence


def test_completion_without_any_file_is_still_refused(org):
    task = make_task(org, lead="county_a")
    a = lead(task)
    services.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    with pytest.raises(Exception, match="申请办结须上传佐证材料"):
        services.assignment_request_completion(actor=org.user("county_a_clerk"), assignment=a, note="完成")
    assert not TaskEvent.objects.filter(task=task, kind="completion_requested").exists()
