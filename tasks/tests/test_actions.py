"""Every task action through the web (R-TSK-1..6, R-DEC-4): the right user succeeds and leaves a
TaskEvent and an audit entry; out of scope → 404; in scope without the permission → 403 or a
Chinese error; the 重大 gate has no way around; forms keep what was typed."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core import clock
from core.testing import make_task
from reporting import services as rsvc
from tasks import services
from tasks.choices import EventKind, ExtensionStatus, TaskStatus
from tasks.models import Assignment, ExtensionRequest, Milestone, Task, TaskCategory, TaskEvent
from tasks.tests.support_actions import approve_review, decompose_data, lead, pdf, records, upload_evidence

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"tasks:{name}", args=args)


def _task_post(org, **over):
    data = {
        "org_unit": org.units["province"].pk,
        "title": "村卫生室标准化建设",
        "category": TaskCategory.objects.get(name="公共卫生").pk,
        "level": "key",
        "directive": "",
        "lead_unit": org.units["county_a"].pk,
        "co_units": [],
        "responsible_persons": "钱联络",
        "start_date": "2026-09-30",
        "due_date": "",
        "due_in_workdays": "5",
        "cadence": "weekly",
        "goals": "村卫生室标准化率≥95%",
        "description": "",
    }
    data.update(over)
    return data


def _signed(org, **kw):
    task = make_task(org, **kw)
    services.assignment_sign(actor=org.user("county_a_clerk"), assignment=lead(task))
    return task


# --- create / edit -------------------------------------------------------------------------------


def test_create_task_in_workdays_across_national_day(org, login):
    c = login(org.user("prov_supervisor"))
    page = c.get(_url("task_create"))
    assert page.status_code == 200 and "新建任务" in page.content.decode()
    audits = AuditEvent.objects.filter(action="tasks.task.created").count()
    r = c.post(_url("task_create"), _task_post(org))
    assert r.status_code == 302, r.content.decode()
    task = Task.objects.get(title="村卫生室标准化建设")
    # 2026-09-30 + 5 工作日: 10-08, 10-09, 10-10 (调休上班的周六), 10-12, 10-13
    assert task.due_date == dt.date(2026, 10, 13) and task.due_in_workdays == 5
    assert task.status == TaskStatus.DRAFT and [u.username for u in task.responsible_persons.all()] == [
        "county_a_clerk"
    ]
    assert TaskEvent.objects.filter(task=task, kind=EventKind.CREATED).exists()
    assert AuditEvent.objects.filter(action="tasks.task.created").count() == audits + 1
    detail = c.get(task.get_absolute_url()).content.decode()
    assert "2026-10-13（5个工作日）" in detail


def test_workday_compute_endpoint_shows_date(org, login):
    c = login(org.user("prov_supervisor"))
    r = c.get(_url("workday_compute"), {"start_date": "2026-09-30", "due_in_workdays": "5"})
    assert "2026-10-13" in r.content.decode() and "星期二" in r.content.decode()


def test_create_lead_unit_limited_to_scope_co_units_any_unit(org, login):
    c = login(org.user("city_a_supervisor"))
    data = _task_post(
        org, org_unit=org.units["city_a"].pk, co_units=[org.units["county_c"].pk], title="跨市协同病媒防治"
    )
    r = c.post(_url("task_create"), data)
    assert r.status_code == 302, r.content.decode()
    task = Task.objects.get(title="跨市协同病媒防治")
    assert [u.pk for u in task.co_units.all()] == [org.units["county_c"].pk]
    # a lead unit outside the scope is refused and what was typed stays in the form
    r = c.post(_url("task_create"), {**data, "lead_unit": org.units["county_c"].pk, "title": "越权任务甲"})
    body = r.content.decode()
    assert r.status_code == 200 and "牵头单位须在您的管辖范围内" in body and 'value="越权任务甲"' in body
    assert not Task.objects.filter(title="越权任务甲").exists()


def test_create_requires_deadline_and_keeps_input(org, login):
    c = login(org.user("prov_supervisor"))
    r = c.post(_url("task_create"), _task_post(org, due_in_workdays="", title="没有时限的任务"))
    body = r.content.decode()
    assert r.status_code == 200 and "请填写完成时限，或填写工作日数" in body and "没有时限的任务" in body


def test_create_forbidden_without_permission(org, login):
    assert login(org.user("county_a_clerk")).get(_url("task_create")).status_code == 403


def test_update_with_optimistic_lock(org, login):
    task = make_task(org, assign=False)
    c = login(org.user("prov_supervisor"))
    page = c.get(_url("task_update", task.pk)).content.decode()
    assert f'name="version" value="{task.version}"' in page
    data = _task_post(
        org, title="改过的名称", version=task.version, due_in_workdays="", due_date="2026-12-31"
    )
    data.pop("org_unit")
    data["start_date"] = task.start_date.isoformat()
    with records(task, EventKind.UPDATED, "tasks.task.updated"):
        r = c.post(_url("task_update", task.pk), data)
    assert r.status_code == 302, r.content.decode()
    task.refresh_from_db()
    assert task.title == "改过的名称" and task.version == 2
    # the same (now stale) form again: refused, nothing overwritten, what was typed kept
    r = c.post(_url("task_update", task.pk), {**data, "title": "他人修改后的旧表单"})
    body = r.content.decode()
    assert r.status_code == 200 and "该记录已被他人修改" in body and "他人修改后的旧表单" in body
    task.refresh_from_db()
    assert task.title == "改过的名称"


def test_major_task_cannot_be_downgraded(org, login):
    task = make_task(org, level="major", assign=False)
    c = login(org.user("prov_supervisor"))
    data = _task_post(org, level="general", version=task.version, due_in_workdays="", due_date="2026-12-31")
    data["start_date"] = task.start_date.isoformat()
    r = c.post(_url("task_update", task.pk), data)
    assert "重大任务不能降低等级" in r.content.decode()
    task.refresh_from_db()
    assert task.level == "major"


# --- 重大 gate (R-DEC-4) ---------------------------------------------------------------------------------


def test_major_task_assign_blocked_without_review_then_allowed(org, login):
    task = make_task(org, level="major", assign=False)
    c = login(org.user("prov_supervisor"))
    detail = c.get(task.get_absolute_url()).content.decode()
    assert 'data-action="assign"' not in detail and "重大任务须先经党组会前置审议并同意" in detail
    r = c.post(_url("task_assign", task.pk), follow=True)
    assert "重大任务须先经党组会前置审议并同意，方可交办" in r.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.DRAFT and not task.assignments.exists()
    # the leader records the review through the form
    leader = login(org.user("prov_leader"))
    assert leader.get(_url("task_review", task.pk)).status_code == 200
    with records(task, EventKind.REVIEWED, "tasks.task.reviewed"):
        r = leader.post(
            _url("task_review", task.pk),
            {
                "meeting_kind": "party_group",
                "meeting_date": clock.today().isoformat(),
                "conclusion": "approved",
            },
        )
    assert r.status_code == 302
    c = login(org.user("prov_supervisor"))
    assert 'data-action="assign"' in c.get(task.get_absolute_url()).content.decode()
    with records(task, EventKind.ASSIGNED, "tasks.assignment.assigned"):
        c.post(_url("task_assign", task.pk))
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED and lead(task).status == TaskStatus.ASSIGNED


def test_rejecting_review_closes_the_gate(org, login):
    task = make_task(org, level="major", assign=False)
    approve_review(org, task, conclusion="rejected")
    c = login(org.user("prov_supervisor"))
    r = c.post(_url("task_assign", task.pk), follow=True)
    assert "审议未同意，不能交办" in r.content.decode()
    assert not task.assignments.exists()


def test_review_future_date_refused_and_input_kept(org, login):
    task = make_task(org, level="major", assign=False)
    c = login(org.user("prov_leader"))
    future = (clock.today() + dt.timedelta(days=3)).isoformat()
    r = c.post(
        _url("task_review", task.pk),
        {
            "meeting_kind": "party_group",
            "meeting_date": future,
            "conclusion": "approved",
            "notes": "原文保留",
        },
    )
    assert "审议日期不能晚于今天" in r.content.decode() and "原文保留" in r.content.decode()


def test_review_only_for_major_and_only_by_reviewers(org, login):
    general = make_task(org, assign=False)
    r = login(org.user("prov_leader")).get(_url("task_review", general.pk), follow=True)
    assert "只有重大任务需要党组会前置审议" in r.content.decode()
    major = make_task(org, level="major", assign=False)
    # city_a_head cannot even see a province draft; sysadmin has no task rights at all
    assert login(org.user("city_a_head")).get(_url("task_review", major.pk)).status_code == 404


def test_decomposition_of_major_parent_inherits_the_gate(org, login):
    parent = make_task(org, level="major", lead="city_a", assign=False, days=90)
    c = login(org.user("prov_supervisor"))
    rows = decompose_data(
        org.units["province"],
        [
            {"title": "甲一县落实", "lead_unit": org.units["county_a"].pk, "due_date": "", "weight": "1"},
            {"title": "甲二县落实", "lead_unit": org.units["county_b"].pk, "weight": "2"},
            # an untouched row keeps its pre-filled date and weight and is ignored
            {"due_date": parent.due_date.isoformat(), "weight": "1"},
        ],
    )
    r = c.post(_url("task_decompose", parent.pk), rows)
    assert r.status_code == 200 and "须待该任务经党组会前置审议同意后方可交办" in r.content.decode()
    assert not parent.children.exists()  # all or nothing
    # as drafts it works, but the sub-tasks cannot be assigned and cannot carry their own review
    r = c.post(_url("task_decompose", parent.pk), {**rows, "assign": ""})
    assert r.status_code == 302
    kids = list(parent.children.order_by("id"))
    assert [k.level for k in kids] == ["major", "major"]
    r = c.post(_url("task_assign", kids[0].pk), follow=True)
    assert "须待该任务经党组会前置审议同意后方可交办" in r.content.decode()
    assert not Assignment.objects.filter(task__in=kids).exists()
    r = login(org.user("prov_leader")).get(_url("task_review", kids[0].pk), follow=True)
    assert "前置审议以上级任务的审议记录为准" in r.content.decode()
    approve_review(org, parent)
    c = login(org.user("prov_supervisor"))
    c.post(_url("task_assign", kids[0].pk))
    assert Assignment.objects.filter(task=kids[0], status=TaskStatus.ASSIGNED).exists()


def test_rejected_parent_blocks_children_even_when_child_approved(org):
    parent = make_task(org, level="major", lead="city_a", assign=False, days=90)
    approve_review(org, parent, conclusion="rejected")
    kids = services.task_decompose(
        actor=org.user("prov_supervisor"),
        parent=parent,
        org_unit=org.units["province"],
        items=[{"title": "甲一县", "lead_unit": org.units["county_a"]}],
        assign=False,
    )
    assert "审议未同意" in services.gate_refusal(kids[0])


# --- decomposition by the receiving unit (R-TSK-2) -------------------------------------------------------


def test_receiving_unit_decomposes_within_its_subtree(org, login):
    parent = make_task(org, lead="city_a", days=90)
    c = login(org.user("city_a_head"))
    page = c.get(_url("task_decompose", parent.pk)).content.decode()
    assert "甲市卫生健康委员会" in page and "乙三县卫生健康局" not in page
    base = decompose_data(
        org.units["city_a"],
        [
            {"title": "甲一县落实", "lead_unit": org.units["county_a"].pk, "weight": "1"},
            {"title": "乙三县越级", "lead_unit": org.units["county_c"].pk},
        ],
    )
    r = c.post(_url("task_decompose", parent.pk), base)
    assert r.status_code == 200 and "只能分解到本单位或下级单位" in r.content.decode()
    assert "甲一县落实" in r.content.decode()  # typed rows kept
    base["rows-1-title"], base["rows-1-lead_unit"] = "甲二县落实", org.units["county_b"].pk
    with records(parent, EventKind.DECOMPOSED, "tasks.task.decomposed"):
        r = c.post(_url("task_decompose", parent.pk), base)
    assert r.status_code == 302
    kids = list(parent.children.all())
    assert {k.org_unit_id for k in kids} == {org.units["city_a"].pk}
    assert Assignment.objects.filter(task__in=kids, status=TaskStatus.ASSIGNED).count() == 2
    # a clerk of the receiving unit may not decompose; a sibling county cannot see it at all
    county_a_kid = parent.children.get(lead_unit=org.units["county_a"])
    assert login(org.user("county_a_clerk")).get(_url("task_decompose", county_a_kid.pk)).status_code == 403
    assert login(org.user("county_c_clerk")).get(_url("task_decompose", parent.pk)).status_code == 404


# --- lifecycle --------------------------------------------------------------------------------------


def test_sign_through_the_web(org, login):
    task = make_task(org)
    a = lead(task)
    assert login(org.user("county_b_clerk")).post(_url("assignment_sign", a.pk)).status_code == 404
    assert login(org.user("no_role")).post(_url("assignment_sign", a.pk)).status_code == 403
    r = login(org.user("prov_leader")).post(_url("assignment_sign", a.pk), follow=True)
    assert "您无权签收该任务" in r.content.decode()
    a.refresh_from_db()
    assert a.status == TaskStatus.ASSIGNED and a.signed_at is None
    with records(task, EventKind.SIGNED, "tasks.assignment.signed"):
        r = login(org.user("county_a_clerk")).post(_url("assignment_sign", a.pk))
    assert r.status_code == 302 and r.url.endswith(f"#assignment-{a.pk}")
    a.refresh_from_db()
    assert (
        a.status == TaskStatus.SIGNED and a.signed_at is not None and a.signed_by.username == "county_a_clerk"
    )
    assert login(org.user("county_a_clerk")).get(_url("assignment_sign", a.pk)).status_code == 405


def test_return_with_reason_then_reassign(org, login):
    task = make_task(org)
    a = lead(task)
    c = login(org.user("county_a_head"))
    assert c.get(_url("assignment_return", a.pk)).status_code == 200
    r = c.post(_url("assignment_return", a.pk), {"reason": ""})
    assert "请填写退回理由" in r.content.decode()
    with records(task, EventKind.RETURNED, "tasks.assignment.returned"):
        r = c.post(_url("assignment_return", a.pk), {"reason": "不属本单位职责"})
    assert r.status_code == 302
    a.refresh_from_db()
    task.refresh_from_db()
    assert a.status == TaskStatus.RETURNED and task.status == TaskStatus.RETURNED
    sup = login(org.user("prov_supervisor"))
    assert 'data-action="assign"' in sup.get(task.get_absolute_url()).content.decode()
    sup.post(_url("task_assign", task.pk))
    a.refresh_from_db()
    assert a.status == TaskStatus.ASSIGNED and a.return_reason == ""


def test_extension_request_and_decision(org, login):
    task = _signed(org)
    a = lead(task)
    clerk = login(org.user("county_a_clerk"))
    new_date = (a.due_date + dt.timedelta(days=15)).isoformat()
    r = clerk.post(
        _url("extension_request", a.pk), {"new_due_date": a.due_date.isoformat(), "reason": "汛期"}
    )
    assert "申请延至的日期须晚于现时限" in r.content.decode() and "汛期" in r.content.decode()
    with records(task, EventKind.EXTENSION_REQUESTED, "tasks.assignment.extension_requested"):
        clerk.post(_url("extension_request", a.pk), {"new_due_date": new_date, "reason": "汛期影响施工"})
    ext = ExtensionRequest.objects.get(assignment=a)
    # the unit itself cannot decide, a sibling county cannot see it
    assert login(org.user("county_a_head")).get(_url("extension_decide", ext.pk)).status_code == 403
    assert login(org.user("county_b_head")).get(_url("extension_decide", ext.pk)).status_code == 404
    sup = login(org.user("prov_supervisor"))
    assert 'data-action="decide_extension"' in sup.get(task.get_absolute_url()).content.decode()
    with records(task, EventKind.EXTENSION_DECIDED, "tasks.assignment.extension_decided"):
        r = sup.post(_url("extension_decide", ext.pk), {"decision": "approve", "note": "同意"})
    assert r.status_code == 302
    a.refresh_from_db()
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.APPROVED and a.due_date.isoformat() == new_date


def test_completion_needs_evidence_and_assigning_side_verifies(org, login):
    task = _signed(org)
    a = lead(task)
    clerk = login(org.user("county_a_clerk"))
    detail = clerk.get(task.get_absolute_url()).content.decode()
    assert 'data-action="request_completion"' not in detail and "申请办结须先上传佐证材料" in detail
    r = clerk.post(_url("assignment_request_completion", a.pk), {"note": "已全部完成"})
    assert "申请办结须上传佐证材料" in r.content.decode() and "已全部完成" in r.content.decode()
    a.refresh_from_db()
    assert a.status == TaskStatus.SIGNED
    upload_evidence(org, a)
    assert 'data-action="request_completion"' in clerk.get(task.get_absolute_url()).content.decode()
    with records(task, EventKind.COMPLETION_REQUESTED, "tasks.assignment.completion_requested"):
        clerk.post(_url("assignment_request_completion", a.pk), {"note": "已全部完成"})
    a.refresh_from_db()
    assert a.status == TaskStatus.COMPLETION_REQUESTED
    # the working unit cannot verify its own completion (page and POST)
    head = login(org.user("county_a_head"))
    assert head.get(_url("assignment_verify", a.pk)).status_code == 403
    assert head.post(_url("assignment_verify", a.pk), {"decision": "approve"}).status_code == 403
    a.refresh_from_db()
    assert a.status == TaskStatus.COMPLETION_REQUESTED
    sup = login(org.user("prov_supervisor"))
    r = sup.post(_url("assignment_verify", a.pk), {"decision": "reject", "note": ""})
    assert "退回须填写理由" in r.content.decode()
    with records(task, EventKind.COMPLETION_REJECTED, "tasks.assignment.completion_rejected"):
        sup.post(_url("assignment_verify", a.pk), {"decision": "reject", "note": "佐证不全"})
    a.refresh_from_db()
    assert a.status == TaskStatus.IN_PROGRESS
    services.assignment_request_completion(actor=org.user("county_a_clerk"), assignment=a, note="补齐")
    with records(task, EventKind.COMPLETED, "tasks.assignment.completed"):
        sup.post(_url("assignment_verify", a.pk), {"decision": "approve", "note": ""})
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED and task.progress == 100


# --- milestones, indicators, 专班 ---------------------------------------------------------------------


def test_milestone_add_and_complete_on_evidence(org, login):
    task = _signed(org)
    sup = login(org.user("prov_supervisor"))
    late = (task.due_date + dt.timedelta(days=1)).isoformat()
    r = sup.post(_url("milestone_create", task.pk), {"title": "完成摸底", "due_date": late})
    assert "节点时限不能晚于任务时限" in r.content.decode() and "完成摸底" in r.content.decode()
    with records(task, EventKind.MILESTONE, "tasks.milestone.created"):
        sup.post(
            _url("milestone_create", task.pk), {"title": "完成摸底", "due_date": task.due_date.isoformat()}
        )
    ms = Milestone.objects.get(task=task)
    clerk = login(org.user("county_a_clerk"))
    assert 'data-action="milestone_complete"' in clerk.get(task.get_absolute_url()).content.decode()
    r = clerk.post(_url("milestone_complete", ms.pk), {"note": "无附件"})
    assert "完成时间节点须上传佐证材料" in r.content.decode()
    with records(task, EventKind.MILESTONE, "tasks.milestone.updated"):
        r = clerk.post(_url("milestone_complete", ms.pk), {"note": "已完成摸底", "files": [pdf()]})
    assert r.status_code == 302, r.content.decode()
    ms.refresh_from_db()
    assert ms.done_on == clock.today() and ms.attachments.count() == 1
    # the supervisor (assigning side) does not complete the unit's milestone
    assert login(org.user("county_b_clerk")).get(_url("milestone_complete", ms.pk)).status_code == 404


def test_indicator_add(org, login):
    task = make_task(org)
    c = login(org.user("prov_supervisor"))
    r = c.post(_url("indicator_create", task.pk), {"name": "建档率", "direction": "gte", "target": "abc"})
    assert "请填写数字" in r.content.decode() and "建档率" in r.content.decode()
    with records(task, EventKind.INDICATOR, "tasks.indicator.created"):
        c.post(
            _url("indicator_create", task.pk),
            {"name": "建档率", "direction": "gte", "target": "94", "unit_of_measure": "%", "baseline": "90"},
        )
    assert task.indicators.get().target == 94
    assert login(org.user("county_a_clerk")).get(_url("indicator_create", task.pk)).status_code == 403


def test_taskforce_members_from_several_units_see_the_task(org, login):
    task = make_task(org)
    outsider = org.user("county_c_clerk")
    assert login(outsider).get(task.get_absolute_url()).status_code == 404
    c = login(org.user("prov_supervisor"))
    r = c.post(_url("taskforce_edit", task.pk), {"members": "钱联络，不存在的人", "leader": ""})
    assert "找不到账号：不存在的人" in r.content.decode()
    with records(task, EventKind.TASKFORCE, "tasks.taskforce.updated"):
        c.post(_url("taskforce_edit", task.pk), {"members": "钱联络, county_c_clerk", "leader": "周督查"})
    assert task.taskforce.filter(is_leader=True).get().user.username == "prov_supervisor"
    assert task.taskforce.count() == 3
    assert login(outsider).get(task.get_absolute_url()).status_code == 200


def test_naming_an_account_outside_the_task_units_reads_like_a_missing_one(org, login):
    """R-ORG-3: 责任人 must sit in a unit the task involves, so a name typed from elsewhere gets the
    same answer as a name nobody has — the form does not confirm accounts outside."""
    c = login(org.user("city_a_supervisor"))
    post = _task_post(org, org_unit=org.units["city_a"].pk, title="甲市任务")
    answers = []
    for name in ("卫联络", "查无此人"):  # 卫联络 exists, in 乙市's county
        r = c.post(_url("task_create"), {**post, "responsible_persons": name})
        assert r.status_code == 200
        answers.append(r.content.decode().count(f"找不到账号：{name}"))
    assert answers == [1, 1]
    assert not Task.objects.filter(title="甲市任务").exists()
    r = c.post(_url("task_create"), {**post, "responsible_persons": "钱联络"})  # lead unit's clerk
    assert r.status_code == 302
    assert list(
        Task.objects.get(title="甲市任务").responsible_persons.values_list("username", flat=True)
    ) == ["county_a_clerk"]


# --- holiday overrides (R-TSK-1b) ------------------------------------------------------------------------


def test_workday_admin(org, login):
    c = login(org.user("sysadmin"))
    page = c.get(_url("workday_list")).content.decode()
    assert "2026年" in page and "已收录" in page and "未收录，需补录" in page
    audits = AuditEvent.objects.filter(action__startswith="tasks.workday.").count()
    r = c.post(_url("workday_list"), {"date": "2027-10-01", "is_workday": "0", "note": "国庆节"})
    assert r.status_code == 302
    from tasks.models import WorkdayOverride

    o = WorkdayOverride.objects.get(date=dt.date(2027, 10, 1))
    assert o.is_workday is False
    c.post(_url("workday_delete", o.pk))
    assert not WorkdayOverride.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="tasks.workday.").count() == audits + 2
    assert login(org.user("prov_supervisor")).get(_url("workday_list")).status_code == 403


# --- scope matrix: anonymous → login, sibling county → 404 -------------------------------------------------


def _all_urls(org):
    task = _signed(org)
    a = lead(task)
    ext = services.extension_request(
        actor=org.user("county_a_clerk"),
        assignment=a,
        reason="r",
        new_due_date=a.due_date + dt.timedelta(days=3),
    )
    ms = services.milestone_create(
        actor=org.user("prov_supervisor"), task=task, title="节点", due_date=task.due_date
    )
    return [
        _url("task_detail", task.pk),
        _url("task_update", task.pk),
        _url("task_review", task.pk),
        _url("task_assign", task.pk),
        _url("task_decompose", task.pk),
        _url("milestone_create", task.pk),
        _url("indicator_create", task.pk),
        _url("taskforce_edit", task.pk),
        _url("milestone_complete", ms.pk),
        _url("assignment_sign", a.pk),
        _url("assignment_return", a.pk),
        _url("extension_request", a.pk),
        _url("assignment_request_completion", a.pk),
        _url("assignment_verify", a.pk),
        _url("extension_decide", ext.pk),
    ]


def test_every_action_url_is_scoped(org, client, login):
    urls = _all_urls(org)
    extra = [_url("task_create"), _url("workday_list"), _url("workday_compute"), _url("workday_delete", 1)]
    for url in urls + extra:
        r = client.get(url)
        assert r.status_code == 302 and "/login" in r.url or r.status_code == 405, url
        r = client.post(url)
        assert r.status_code == 302 and "/login" in r.url, url
    c = login(org.user("county_b_clerk"))
    for url in urls:
        assert c.get(url).status_code in (404, 405), url
        assert c.post(url).status_code in (404, 405) if url == urls[0] else c.post(url).status_code == 404, (
            url
        )
    assert Assignment.objects.filter(status=TaskStatus.SIGNED).count() == 1


def test_report_flow_moves_detail_page(org, login):
    task = _signed(org)
    a = lead(task)
    rsvc.report_submit(
        actor=org.user("county_a_clerk"), assignment=a, progress=35, work_done="完成首批30个村"
    )
    body = login(org.user("county_a_clerk")).get(task.get_absolute_url()).content.decode()
    assert "完成首批30个村" in body and "35%" in body
