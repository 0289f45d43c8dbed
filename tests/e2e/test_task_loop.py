"""Issue 2 "done means": the task ledger loop walked in Chromium, as its users would.

督查员 creates a 重大 task (blocked until its 党组会 review exists), decomposes it to two counties;
a county clerk signs and reports on a phone-sized screen; time passes (the application clock); the
light turns red and the item shows on the workbench and in the ledger (filtered by light); the unit
asks for completion with evidence; the 督查员 verifies it; the auditor verifies the audit chain.
Screenshots go to test-output/e2e/.
"""

import datetime as dt

import pytest

from core import clock
from core.testing import PASSWORD, build_org, make_task
from tasks.models import Assignment, Task
from tests.e2e.conftest import login, pick_unit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def visible(page, selector):
    return page.locator(f"{selector} >> visible=true").first


def submit(page):
    """Click the page's own submit button (not the nav bar's logout button)."""
    page.locator("#main form[method=post] button[type=submit] >> visible=true").first.click()


def post_with_csrf(page, url):
    """What a user who skips the UI would send: a POST with a valid CSRF token from the page."""
    token = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")
    return page.request.post(url, headers={"X-CSRFToken": token, "Referer": page.url}, max_redirects=0)


def test_task_ledger_loop(new_page, shots):
    org = build_org()
    calm = make_task(org, title="病媒生物防治常态化", lead="county_a", days=200)  # stays green
    today = clock.today()
    due = today + dt.timedelta(days=30)

    # --- 督查员 creates a 重大 task ------------------------------------------------------------
    sup = new_page()
    login(sup, "prov_supervisor", PASSWORD)
    assert "工作台" in sup.title()
    sup.goto("/tasks/new/")
    sup.select_option("[name=org_unit]", value=str(org.units["province"].pk))
    sup.fill("[name=title]", "推进紧密型县域医共体建设")
    sup.select_option("[name=category]", label="医改")
    sup.select_option("[name=level]", value="major")
    pick_unit(sup, "lead_unit", org.units["city_a"])
    sup.fill("[name=start_date]", today.isoformat())
    sup.fill("[name=due_date]", due.isoformat())
    sup.fill("[name=goals]", "2026年底前县域医共体实现人员、财务、药品统一管理")
    shots(sup, "01_create_major_task")
    sup.click("text=创建任务（草稿）")
    sup.wait_for_load_state("networkidle")
    task = Task.objects.get(title="推进紧密型县域医共体建设")
    assert task.level == "major" and task.status == "draft"

    # blocked until its review record exists: no button, and the server refuses a forged POST
    assert sup.locator("[data-action=assign]").count() == 0
    assert sup.get_by_text("重大任务审议同意前不能交办").first.is_visible()
    shots(sup, "02_major_task_gate")
    post_with_csrf(sup, f"/tasks/{task.pk}/assign/")
    task.refresh_from_db()
    assert task.status == "draft" and not Assignment.objects.filter(task=task).exists()

    # --- 党组会 review, then decomposition to two counties ----------------------------------------
    visible(sup, "[data-action=review]").click()
    sup.select_option("[name=meeting_kind]", value="party_group")
    sup.fill("[name=meeting_date]", today.isoformat())
    sup.fill("[name=meeting_title]", "2026年第12次党组会")
    sup.check("[name=conclusion][value=approved]")
    shots(sup, "03_party_review")
    submit(sup)
    sup.wait_for_load_state("networkidle")
    assert task.party_review.approves

    visible(sup, "[data-action=decompose]").click()
    sup.fill("[name=rows-0-title]", "甲一县医共体建设")
    pick_unit(sup, "rows-0-lead_unit", org.units["county_a"])
    sup.fill("[name=rows-1-title]", "甲二县医共体建设")
    pick_unit(sup, "rows-1-lead_unit", org.units["county_b"])
    shots(sup, "04_decompose")
    submit(sup)
    sup.wait_for_load_state("networkidle")
    children = list(task.children.order_by("pk"))
    assert [c.lead_unit.code for c in children] == ["SF-A-1", "SF-A-2"]
    assert all(c.status == "assigned" for c in children)
    shots(sup, "05_parent_with_subtasks")
    child = children[0]

    # --- the county clerk signs and reports, on a phone ---------------------------------------
    clerk = new_page(width=375, height=812)
    login(clerk, "county_a_clerk", PASSWORD)
    assert clerk.get_by_text("甲一县医共体建设").first.is_visible()  # 待签收 on the workbench
    shots(clerk, "06_clerk_workbench_phone")
    clerk.goto(f"/tasks/{child.pk}/")
    visible(clerk, "[data-action=sign]").click()
    clerk.wait_for_load_state("networkidle")
    assignment = Assignment.objects.get(task=child)
    assert assignment.status == "signed" and assignment.signed_at is not None
    visible(clerk, "[data-action=report]").click()
    clerk.fill("[name=progress]", "40")
    clerk.fill("[name=work_done]", "完成县域医共体章程起草，召开2次推进会")
    shots(clerk, "07_report_phone")
    submit(clerk)
    clerk.wait_for_load_state("networkidle")
    assignment.refresh_from_db()
    assert assignment.progress == 40 and assignment.status == "in_progress"

    # a sibling county sees nothing of it
    other = new_page()
    login(other, "county_b_clerk", PASSWORD)
    assert other.goto(f"/tasks/{child.pk}/").status == 404

    # --- time passes: the item turns red ------------------------------------------------------
    clock.travel(days=33)
    sup.goto("/")
    red = sup.locator("text=甲一县医共体建设").first
    assert red.is_visible()
    assert sup.get_by_text("红：逾期3天").first.is_visible()
    shots(sup, "08_workbench_red")
    sup.goto("/tasks/")
    assert sup.get_by_text(calm.title).first.is_visible()
    sup.select_option("select[name=light]", value="red")
    sup.locator("#main form button[type=submit] >> visible=true").first.click()
    sup.wait_for_load_state("networkidle")
    assert "light=red" in sup.url
    assert sup.get_by_text("甲一县医共体建设").first.is_visible()
    assert sup.get_by_text(calm.title).count() == 0
    assert sup.get_by_text("红：逾期3天").first.is_visible()
    shots(sup, "09_ledger_filtered_red")

    # --- completion with evidence, verified by the assigning side ------------------------------
    clerk.goto(f"/tasks/{child.pk}/")
    visible(clerk, "[data-action=upload_evidence]").click()
    clerk.set_input_files(
        "input[type=file]", files=[{"name": "医共体章程.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    submit(clerk)
    clerk.wait_for_load_state("networkidle")
    clerk.goto(f"/tasks/{child.pk}/")
    visible(clerk, "[data-action=request_completion]").click()
    clerk.fill("[name=note]", "章程已印发，医共体实体化运行")
    submit(clerk)
    clerk.wait_for_load_state("networkidle")
    assignment.refresh_from_db()
    assert assignment.status == "completion_requested"
    # the working unit cannot verify its own completion
    assert clerk.locator("[data-action=verify]").count() == 0

    sup.goto(f"/tasks/{child.pk}/")
    visible(sup, "[data-action=verify]").click()
    shots(sup, "10_verify")
    sup.click("button[name=decision][value=approve]")
    sup.wait_for_load_state("networkidle")
    assignment.refresh_from_db()
    assert assignment.status == "completed" and assignment.verified_by.username == "prov_supervisor"
    sup.goto(f"/tasks/{child.pk}/")
    assert sup.get_by_text("已办结").first.is_visible()
    shots(sup, "11_completed")

    # --- the audit chain verifies ---------------------------------------------------------------
    aud = new_page()
    login(aud, "auditor", PASSWORD)
    aud.goto("/audit/verify/")
    submit(aud)
    aud.wait_for_load_state("networkidle")
    assert aud.get_by_text("审计链完整").first.is_visible()
    shots(aud, "12_audit_chain_ok")
