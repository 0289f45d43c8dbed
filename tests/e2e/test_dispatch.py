"""调度会 (R-DEC-6) walked in Chromium: 甲市's 督查员 records the weekly 调度会 chaired by 甲市's
leader — the red and yellow tasks of 甲市 are listed — and records a follow-up on the red one for
甲一县; 甲一县's 联络员 finds it in the inbox on a phone and answers; the leader 圈阅s it from the
meeting page, whose counts follow. Screenshots (desktop and 375 px phone) go to test-output/e2e/."""

import datetime as dt

import pytest

from core import clock
from core.testing import PASSWORD, build_org, make_task
from instructions.models import DispatchMeeting, Instruction, InstructionStatus
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def submit(page, label):
    page.locator(
        f"#main form[method=post] button[type=submit]:has-text('{label}') >> visible=true"
    ).first.click()
    page.wait_for_load_state("networkidle")


def _tasks(org):
    red = make_task(
        org,
        title="乡镇卫生院能力提升工程",
        lead="county_a",
        org_unit="county_a",
        creator="county_a_head",
        days=2,
    )
    make_task(
        org, title="村卫生室标准化建设", lead="county_a", org_unit="county_a", creator="county_a_head", days=8
    )
    make_task(
        org,
        title="县域医共体信息平台",
        lead="county_b",
        org_unit="city_a",
        creator="city_a_supervisor",
        days=9,
    )
    make_task(
        org, title="慢病随访服务提质", lead="county_a", org_unit="county_a", creator="county_a_head", days=90
    )
    clock.travel(days=4)  # the first is 2 days overdue, the next two due within a week
    return red


def test_dispatch_meeting_loop(new_page, shots):
    org = build_org()
    red = _tasks(org)
    try:
        _walk(org, red, new_page, shots)
    finally:
        clock.reset()


def _walk(org, red, new_page, shots):
    # --- the 督查员 records the meeting ---------------------------------------------------------
    sup = new_page(1366, 900)
    login(sup, "city_a_supervisor", PASSWORD)
    sup.goto("/instructions/meetings/")
    sup.click("#meeting-new")
    sup.wait_for_load_state("networkidle")
    assert "重点任务调度会" in sup.input_value("[name=title]")
    sup.select_option("[name=host]", value=str(org.user("city_a_leader").pk))
    sup.fill("[name=attendees]", "市卫健委各科室负责人；各县卫健局分管同志")
    sup.fill("[name=notes]", "逐项过红黄灯任务，明确责任和时限。")
    shots(sup, "dispatch_01_record")
    submit(sup, "保存并列出红黄灯事项")
    meeting = DispatchMeeting.objects.get()
    assert "列出红黄灯事项3项" in sup.content()
    text = sup.inner_text("#main")
    assert "乡镇卫生院能力提升工程" in text and "县域医共体信息平台" in text
    assert "慢病随访服务提质" not in text
    assert "红：逾期2天" in text and "记录时的红黄灯任务" in text
    shots(sup, "dispatch_02_meeting")

    # --- a follow-up on the red item --------------------------------------------------------------
    sup.click(f"[data-followup='{red.pk}']")
    sup.wait_for_load_state("networkidle")
    assert "会时：红：逾期2天" in sup.inner_text("#item-task + div")
    sup.fill("[name=text]", "")
    submit(sup, "记录跟踪事项")
    assert "请填写跟踪事项" in sup.content()  # refused, in Chinese
    sup.fill("[name=text]", "本周内完成设备招标，下次调度会报告进展。")
    sup.select_option("[name=assignee_unit]", value=str(org.units["county_a"].pk))
    sup.fill("[name=assignee_name]", "孙局长")
    sup.fill("[name=due_date]", (clock.today() + dt.timedelta(days=5)).isoformat())
    shots(sup, "dispatch_03_followup_form")
    submit(sup, "记录跟踪事项")
    assert "跟踪事项已记录" in sup.content()
    ins = Instruction.objects.get(meeting=meeting)
    assert sup.inner_text("[data-count=with_followup]") == "1"
    shots(sup, "dispatch_04_followup_recorded")

    # --- 甲一县's 联络员 on a phone: the inbox, the follow-up, 落实情况 ----------------------------
    clerk = new_page(375, 812)
    login(clerk, "county_a_clerk", PASSWORD)
    clerk.goto("/inbox/")
    assert "调度会跟踪事项" in clerk.content()
    clerk.goto(ins.get_absolute_url())
    assert "调度会跟踪事项" in clerk.inner_text("#main")
    clerk.fill("#answer [name=text]", "设备招标已于本周三完成，合同已签订，下周到货安装。")
    shots(clerk, "dispatch_05_phone_answer")
    clerk.click("[data-action=answer]")
    clerk.wait_for_load_state("networkidle")
    assert "落实情况已报送" in clerk.content()
    # the meeting is 甲市's: the county reads its own follow-up, not the city's meeting page
    assert clerk.goto(meeting.get_absolute_url()).status == 404

    # --- the host: the meeting page, the follow-up, 圈阅 ------------------------------------------
    leader = new_page(1366, 900)
    login(leader, "city_a_leader", PASSWORD)
    leader.goto("/inbox/")
    assert "批示已报落实" in leader.content()
    leader.goto(meeting.get_absolute_url())
    assert leader.inner_text("[data-count=answered]") == "1"
    leader.click(f"#item-{red.pk} a:has-text('本周内完成设备招标')")
    leader.wait_for_load_state("networkidle")
    leader.fill("#close [name=text]", "同意，继续跟踪。")
    leader.click("[data-action=close]")
    leader.wait_for_load_state("networkidle")
    ins.refresh_from_db()
    assert ins.status == InstructionStatus.CLOSED
    leader.goto(meeting.get_absolute_url())
    assert leader.inner_text("[data-count=closed]") == "1"
    shots(leader, "dispatch_07_meeting_closed")
    leader.goto(f"/instructions/?meeting={meeting.pk}")
    assert "调度会" in leader.inner_text("#meeting-filter")
    shots(leader, "dispatch_08_ledger_by_meeting")
    leader.goto("/instructions/meetings/")
    shots(leader, "dispatch_09_meeting_list")
    phone = new_page(375, 812)
    login(phone, "city_a_leader", PASSWORD)
    phone.goto("/instructions/meetings/")
    shots(phone, "dispatch_06_phone_list")
    phone.goto(meeting.get_absolute_url())
    shots(phone, "dispatch_10_phone_meeting")
