"""Issue 10, 领导批示 walked in Chromium: a leader writes a 批示 on a task from its page; the
county's 联络员 finds it in the inbox on a phone and answers with 落实情况; the leader finds it
in the 批示落实台账 (待圈阅), reads the answer and 圈阅s it; the task's timeline shows each step.
Screenshots (desktop and 375 px phone) go to test-output/e2e/."""

import datetime as dt

import pytest

from core import clock
from core.testing import PASSWORD, build_org, make_task
from instructions.models import Instruction, InstructionStatus
from tasks import services as tsvc
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def submit(page, label):
    page.locator(
        f"#main form[method=post] button[type=submit]:has-text('{label}') >> visible=true"
    ).first.click()
    page.wait_for_load_state("networkidle")


def test_instruction_loop(new_page, shots):
    org = build_org()
    task = make_task(
        org, title="推进家庭医生签约服务扩面", lead="county_a", org_unit="county_a", creator="county_a_head"
    )
    tsvc.assignment_sign(actor=org.user("county_a_clerk"), assignment=task.assignments.get())
    due = clock.today() + dt.timedelta(days=7)

    # --- the city's leader writes a 批示 on the task, from its page -------------------------------
    leader = new_page(1366, 900)
    login(leader, "city_a_leader", PASSWORD)
    leader.goto(task.get_absolute_url())
    leader.click("[data-action=instruct]")
    leader.wait_for_load_state("networkidle")
    assert "推进家庭医生签约服务扩面" in leader.inner_text("#target-label")
    leader.fill("[name=text]", "请孙局长同志牵头，本周内拿出扩面方案，报我阅。")
    leader.select_option("[name=assignee_unit]", value=str(org.units["county_a"].pk))
    leader.fill("[name=assignee_name]", "孙局长")
    leader.fill("[name=due_date]", due.isoformat())
    shots(leader, "instructions_01_leader_writes")
    submit(leader, "发出批示")
    assert "批示已发出" in leader.content()
    ins = Instruction.objects.get()
    assert ins.status == InstructionStatus.PENDING
    shots(leader, "instructions_02_sent")

    # --- the county's 联络员, on a phone: the inbox, the 批示, 落实情况 ------------------------------
    clerk = new_page(375, 812)
    login(clerk, "county_a_clerk", PASSWORD)
    clerk.goto("/inbox/")
    assert "领导批示" in clerk.content()
    shots(clerk, "instructions_03_phone_inbox")
    clerk.goto(ins.get_absolute_url())
    clerk.fill(
        "#answer [name=text]", "已召开专题会议研究部署，扩面方案已报委办公室，本月签约率提高5个百分点。"
    )
    shots(clerk, "instructions_04_phone_answer")
    clerk.click("[data-action=answer]")
    clerk.wait_for_load_state("networkidle")
    assert "落实情况已报送" in clerk.content()
    shots(clerk, "instructions_05_phone_answered")
    ins.refresh_from_db()
    assert ins.status == InstructionStatus.ANSWERED

    # --- the leader: the ledger shows it waiting, the detail the answer; 圈阅 -----------------------
    leader.goto("/instructions/?status=answered")
    assert "请孙局长同志牵头" in leader.content()
    shots(leader, "instructions_06_ledger")
    leader.click("text=请孙局长同志牵头")
    leader.wait_for_load_state("networkidle")
    assert "扩面方案已报委办公室" in leader.content()
    leader.fill("#close [name=text]", "同意，继续抓好落实。")
    leader.click("[data-action=close]")
    leader.wait_for_load_state("networkidle")
    assert "已圈阅" in leader.content()
    shots(leader, "instructions_07_closed")
    ins.refresh_from_db()
    assert ins.status == InstructionStatus.CLOSED

    # --- the task's page: the 批示 with its state, and the timeline's steps -----------------------
    leader.goto(task.get_absolute_url())
    section = leader.inner_text("#instructions")
    assert "已圈阅" in section and "请孙局长同志牵头" in section
    page = leader.content()
    assert "领导批示" in page and "批示圈阅" in page
    shots(leader, "instructions_08_task_page")
    clerk.goto(task.get_absolute_url())
    clerk.locator("#instructions").scroll_into_view_if_needed()
    shots(clerk, "instructions_09_phone_task_page")
