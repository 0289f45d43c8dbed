"""Issue 10 "done means": with the test clock, a red item climbs the ladder to 督办单, visible on
the ladder page (红色任务督办) and on the task page (督办升级). Screenshots to test-output/e2e/."""

import pytest

from core import clock
from core.testing import PASSWORD, build_org, make_task
from escalation.models import Level, TaskEscalation
from escalation.tasks import run_ladder
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_red_item_climbs_to_the_order(new_page, shots):
    org = build_org()
    task = make_task(org, title="乡镇卫生院基本药物配备达标", lead="county_a", days=10)
    make_task(org, title="村卫生室标准化建设", lead="county_b", days=12)
    a = task.assignments.get()

    clock.travel(days=11, hours=1)  # 1 day red: 提醒
    run_ladder()
    clock.travel(days=2)  # 3 days red: 催办 (and the sibling county's task turns red: 提醒)
    run_ladder()
    page = new_page()
    login(page, "county_a_leader", PASSWORD)
    page.goto("/escalation/")
    row = page.locator(f'tr[data-assignment="{a.pk}"]')
    assert "催办" in row.inner_text() and "3天" in row.inner_text()
    assert "村卫生室标准化建设" not in page.content()  # a sibling county's task
    shots(page, "ladder_01_urge")

    clock.travel(days=4)  # 7 days red: 督办单, drafted and sent to the province's leader for 签发
    run_ladder()
    order = TaskEscalation.objects.get(assignment=a, level=Level.ORDER).document
    assert order is not None and order.status == "submitted"

    leader = new_page(1920, 1080)
    login(leader, "prov_leader", PASSWORD)
    leader.goto("/escalation/")
    leader.click('#ladder-steps a[data-level="3"]')
    leader.wait_for_load_state("networkidle")
    row = leader.locator(f'tr[data-assignment="{a.pk}"]')
    assert "督办单" in row.inner_text() and "7天" in row.inner_text()
    assert leader.locator("tbody tr[data-assignment]").count() == 1
    shots(leader, "ladder_02_order_list")

    row.locator("a", has_text="乡镇卫生院基本药物配备达标").click()
    leader.wait_for_load_state("networkidle")
    section = leader.locator("#ladder")
    assert section.is_visible()
    text = section.inner_text()
    assert "提醒" in text and "催办" in text and "督办单" in text and "逾期督办中" in text
    section.scroll_into_view_if_needed()
    shots(leader, "ladder_03_task_page")

    section.locator("a", has_text="待签发").click()
    leader.wait_for_load_state("networkidle")
    assert "督办单" in leader.content()
    shots(leader, "ladder_04_order_document")
    leader.fill("input[type=password]", PASSWORD)  # the leader signs it (签发, re-authenticated)
    leader.once("dialog", lambda dialog: dialog.accept())  # 确定签发？
    leader.click("[data-action=issue]")
    leader.wait_for_load_state("networkidle")
    order.refresh_from_db()
    assert order.status == "issued" and order.doc_number
    leader.goto(f"/escalation/?step={int(Level.ORDER)}")
    assert order.doc_number in leader.locator(f'tr[data-assignment="{a.pk}"]').inner_text()
    shots(leader, "ladder_05_order_signed")

    phone = new_page(375, 812)
    login(phone, "county_a_head", PASSWORD)
    phone.goto("/escalation/")
    assert "乡镇卫生院基本药物配备达标" in phone.content()
    shots(phone, "ladder_06_phone_list")
    phone.goto("/inbox/")
    assert "督办单已签发" in phone.content()  # the signed 督办单 reached the unit's inbox
    shots(phone, "ladder_07_phone_inbox")
