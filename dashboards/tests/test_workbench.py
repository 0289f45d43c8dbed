"""工作台: the right items for each user, nothing outside their scope, constant queries."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import clock
from core.testing import make_task
from documents import services as dsvc
from documents.builders import Draft
from instructions import services as isvc
from notifications.services import notify
from reporting import services as rsvc
from tasks import services
from tasks.models import Assignment, Milestone

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF"


def sections(response):
    ctx = response.context
    out = {s.key: s for s in ctx["cards"]}
    out["my_red"] = ctx["my_red"]
    return out


def codes(section):
    return {a.task.code if hasattr(a, "task") else a.assignment.task.code for a in section.items}


@pytest.fixture
def world(org):
    """county_a: one to sign, one signed and due for a report, one red, one asking completion,
    one asking extension; county_b: the same kinds, which county_a users must never see."""
    w = {}
    for county in ("county_a", "county_b"):
        clerk = org.user(f"{county}_clerk")
        w[f"{county}_to_sign"] = make_task(org, title=f"{county}待签收", lead=county, days=30)
        t = make_task(org, title=f"{county}待填报", lead=county, days=60, start_offset=-20)
        services.assignment_sign(actor=clerk, assignment=Assignment.objects.get(task=t))
        w[f"{county}_to_report"] = t
        t = make_task(org, title=f"{county}逾期", lead=county, days=10, start_offset=-15)
        a = Assignment.objects.get(task=t)
        services.assignment_sign(actor=clerk, assignment=a)
        rsvc.report_submit(actor=clerk, assignment=a, progress=50, work_done="推进")
        w[f"{county}_red"] = t
        t = make_task(org, title=f"{county}申请办结", lead=county, days=30)
        a = Assignment.objects.get(task=t)
        services.assignment_sign(actor=clerk, assignment=a)
        rsvc.attachment_store(
            actor=clerk,
            upload=SimpleUploadedFile("佐证.pdf", PDF),
            org_unit=a.unit,
            assignment=a,
            purpose="evidence",
        )
        services.assignment_request_completion(actor=clerk, assignment=a, note="已完成")
        w[f"{county}_completion"] = t
        t = make_task(org, title=f"{county}申请延期", lead=county, days=30)
        a = Assignment.objects.get(task=t)
        services.assignment_sign(actor=clerk, assignment=a)
        rsvc.report_submit(actor=clerk, assignment=a, progress=10, work_done="开始")
        services.extension_request(
            actor=clerk, assignment=a, reason="资金未到位", new_due_date=a.due_date + dt.timedelta(days=30)
        )
        w[f"{county}_extension"] = t
    return w


def test_county_clerk_sees_own_work_only(org, world, login):
    r = login(org.user("county_a_clerk")).get(reverse("dashboards:workbench"))
    assert r.status_code == 200
    s = sections(r)
    assert codes(s["to_sign"]) == {world["county_a_to_sign"].code}
    assert world["county_a_to_report"].code in codes(s["to_report"])
    assert codes(s["overdue"]) == {world["county_a_red"].code}
    assert codes(s["my_red"]) == {world["county_a_red"].code}
    assert not s["completions"].shown and not s["extensions"].shown and not s["reports"].shown
    html = r.content.decode()
    assert "county_b" not in html
    assert world["county_a_red"].get_absolute_url() in html
    assert "红：逾期5天" in html


def test_county_head_approves_reports_of_own_unit(org, world, login):
    r = login(org.user("county_a_head")).get(reverse("dashboards:workbench"))
    s = sections(r)
    assert s["reports"].total == 2  # the two reports county_a filed
    assert codes(s["reports"]) == {world["county_a_red"].code, world["county_a_extension"].code}
    assert s["completions"].total == 0  # a unit never verifies its own work


def test_province_supervisor_reviews_and_sees_all_red(org, world, login):
    r = login(org.user("prov_supervisor")).get(reverse("dashboards:workbench"))
    s = sections(r)
    assert codes(s["completions"]) == {world["county_a_completion"].code, world["county_b_completion"].code}
    assert codes(s["extensions"]) == {world["county_a_extension"].code, world["county_b_extension"].code}
    assert codes(s["overdue"]) == {world["county_a_red"].code, world["county_b_red"].code}
    assert codes(s["my_red"]) == {world["county_a_red"].code, world["county_b_red"].code}  # created by them
    assert s["to_sign"].total == 0  # signing is the receiving unit's business


def test_sibling_county_and_anonymous(org, world, login, client):
    assert "/login/" in client.get(reverse("dashboards:workbench"))["Location"]
    r = login(org.user("county_b_clerk")).get(reverse("dashboards:workbench"))
    html = r.content.decode()
    assert "county_a" not in html
    r = login(org.user("county_c_clerk")).get(reverse("dashboards:workbench"))
    assert all(s.total == 0 for s in sections(r).values())


def test_recent_messages_on_workbench(org, login):
    notify(recipients=[org.user("county_a_clerk")], kind="system", title="请于周五前报送材料")
    r = login(org.user("county_a_clerk")).get("/")
    assert "请于周五前报送材料" in r.content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_workbench_constant_queries(org, login, rows, django_assert_num_queries):
    clerk = org.user("county_a_clerk")
    for i in range(rows):
        t = make_task(org, title=f"任务{i}", lead="county_a", days=10, start_offset=-20 if i % 2 else 0)
        a = Assignment.objects.get(task=t)
        if i % 2:  # signed and red
            services.assignment_sign(actor=clerk, assignment=a)
            if i % 4 == 1:
                rsvc.report_submit(actor=clerk, assignment=a, progress=10, work_done="推进")
                services.extension_request(
                    actor=clerk,
                    assignment=a,
                    reason="资金未到位",
                    new_due_date=a.due_date + dt.timedelta(days=30),
                )
        notify(recipients=[clerk], kind="system", title=f"消息{i}")
    clock.travel(days=0)
    c = login(org.user("county_a_clerk"))
    # 15 + which of the units can receive or assign work + the 待落实批示 list
    with django_assert_num_queries(17):
        r = c.get(reverse("dashboards:workbench"))
    s = sections(r)
    assert all(s[k].items for k in ("to_sign", "to_report", "overdue", "my_red"))
    c = login(org.user("prov_supervisor"))
    # to_sign not shown at the top, + the units query + the documents waiting (none: one count)
    with django_assert_num_queries(19):
        r = c.get(reverse("dashboards:workbench"))
    s = sections(r)
    assert all(s[k].items for k in ("overdue", "extensions", "my_red"))


def test_milestone_report_due_follows_the_due_soon_setting(org, login, settings):
    """待填报 for 按时间节点: a milestone due within N days (DUBAN_LIGHT_DUE_SOON_DAYS, the report
    clock in tasks.lights), not a number of its own."""
    clerk = org.user("county_a_clerk")
    t = make_task(org, title="按节点报告", lead="county_a", days=60, start_offset=-5, cadence="milestone")
    a = Assignment.objects.get(task=t)
    services.assignment_sign(actor=clerk, assignment=a)
    rsvc.report_submit(actor=clerk, assignment=a, progress=10, work_done="推进")
    Milestone.objects.create(task=t, title="节点一", due_date=clock.today() + dt.timedelta(days=10))
    c = login(clerk)
    settings.DUBAN_LIGHT_DUE_SOON_DAYS = 7
    assert t.code not in codes(sections(c.get(reverse("dashboards:workbench")))["to_report"])
    settings.DUBAN_LIGHT_DUE_SOON_DAYS = 10
    assert t.code in codes(sections(c.get(reverse("dashboards:workbench")))["to_report"])


def test_leader_and_units_see_their_documents_and_instructions(org, login):
    """待签发 for the leader a document was sent to; 待落实批示 for the unit a 批示 names and
    nobody else; 待圈阅批示 for the leader once it is answered."""
    task = make_task(org, title="医共体建设", lead="county_a", days=30)
    leader = org.user("city_a_leader")
    ins = isvc.instruction_create(
        actor=leader,
        kind="task",
        target_id=task.pk,
        text="请甲一县本周内拿出方案",
        assignee_unit=org.unit("county_a"),
        due_date=clock.today() + dt.timedelta(days=5),
    )
    doc = dsvc.document_draft(
        actor=org.user("prov_supervisor"),
        kind="bulletin",
        org_unit=org.unit("province"),
        draft=Draft("关于全省督查情况的通报", "各市卫生健康委员会", [["p", "正文。"]], clock.now()),
    )
    dsvc.document_submit(actor=org.user("prov_supervisor"), document=doc, signer=org.user("prov_leader"))

    s = sections(login(org.user("county_a_clerk")).get(reverse("dashboards:workbench")))
    assert [i.pk for i in s["instr_pending"].items] == [ins.pk] and s["instr_pending"].total == 1
    assert not s["instr_close"].shown and not s["to_issue"].shown
    s = sections(login(org.user("county_b_clerk")).get(reverse("dashboards:workbench")))
    assert s["instr_pending"].shown and s["instr_pending"].total == 0
    s = sections(login(org.user("prov_leader")).get(reverse("dashboards:workbench")))
    assert [d.pk for d in s["to_issue"].items] == [doc.pk]
    s = sections(login(org.user("city_a_leader")).get(reverse("dashboards:workbench")))
    assert s["to_issue"].total == 0 and s["instr_close"].total == 0

    isvc.instruction_answer(actor=org.user("county_a_clerk"), instruction=ins, text="方案已报送")
    s = sections(login(org.user("city_a_leader")).get(reverse("dashboards:workbench")))
    assert [i.pk for i in s["instr_close"].items] == [ins.pk]
    s = sections(login(org.user("county_a_clerk")).get(reverse("dashboards:workbench")))
    assert s["instr_pending"].total == 0
