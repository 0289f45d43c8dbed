"""Issue 10 "done means" (签发): a 督查员 drafts a 督办通报 and cannot sign it (no button; a forged
POST is refused); a leader returns it with comments, the 督查员 sends it again, the leader signs;
it issues (the document number shown, the download is the stored file). Screenshots go to
test-output/e2e/ (desktop and a 375 px phone)."""

import datetime as dt
import io
import re

import docx
import pytest

from core import clock, crypto
from core.testing import PASSWORD, build_org, make_task
from documents.models import IssuedDocument
from tasks.models import Assignment
from tests.e2e.conftest import SHOTS, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def visible(page, selector):
    return page.locator(f"{selector} >> visible=true").first


def accept_dialogs(page):
    page.on("dialog", lambda d: d.accept())
    return page


def post_with_csrf(page, url, data):
    token = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")
    return page.request.post(
        url, form=data, headers={"X-CSRFToken": token, "Referer": page.url}, max_redirects=0
    )


def _ledger(org):
    """A few assignments: one done on time, one red, one late in reporting, one green."""
    for title, lead, days in (
        ("家庭医生签约扩面", "county_a", 10),
        ("基层慢病管理", "county_b", 10),
        ("村卫生室标准化", "county_c", 40),
        ("县域医共体建设", "city_b", 80),
    ):
        make_task(org, title=title, lead=lead, days=days, start_offset=-30)
    a = Assignment.objects.get(task__title="家庭医生签约扩面")
    Assignment.objects.filter(pk=a.pk).update(
        status="completed", completed_at=clock.now() - dt.timedelta(days=25), progress=100
    )


def test_supervisor_drafts_leader_signs(new_page, shots):
    org = build_org()
    _ledger(org)
    today = clock.today()

    # --- the 督查员 drafts a 督办通报 ----------------------------------------------------------------
    sup = accept_dialogs(new_page())
    login(sup, "prov_supervisor", PASSWORD)
    sup.goto("/documents/")
    sup.get_by_role("link", name=re.compile("起草督办通报")).click()
    sup.wait_for_load_state("networkidle")
    sup.fill("[name=period_start]", (today - dt.timedelta(days=40)).isoformat())
    sup.fill("[name=period_end]", today.isoformat())
    shots(sup, "signoff_01_draft_form")
    visible(sup, "#main form[method=post] button[type=submit]").click()
    sup.wait_for_load_state("networkidle")
    doc = IssuedDocument.objects.get(kind="task_bulletin")
    assert sup.url.endswith(f"/documents/{doc.pk}/")
    text = sup.locator(".doc-paper").inner_text()
    assert "按期办结率" in text and "红色任务清单" in text and "基层慢病管理" in text
    # the 督查员 has no 签发: no button, and a forged POST is refused
    assert sup.locator("#issue").count() == 0
    shots(sup, "signoff_02_draft")
    visible(sup, "#submit button[type=submit]").click()  # 送签 to any leader of the province
    sup.wait_for_load_state("networkidle")
    doc.refresh_from_db()
    assert doc.status == "submitted"
    assert sup.locator("#issue").count() == 0 and "待签发" in sup.locator("#doc-status").inner_text()
    forged = post_with_csrf(sup, f"/documents/{doc.pk}/issue/", {"password": PASSWORD})
    assert forged.status in (403, 404)
    doc.refresh_from_db()
    assert doc.status == "submitted" and not doc.doc_number
    shots(sup, "signoff_03_submitted")

    # --- the leader finds it, returns it with comments ------------------------------------------
    leader = accept_dialogs(new_page())
    login(leader, "prov_leader", PASSWORD)
    leader.goto("/documents/?todo=sign")
    leader.get_by_role("link", name=doc.title).click()
    leader.wait_for_load_state("networkidle")
    shots(leader, "signoff_04_leader_sees")
    leader.fill("#issue [name=comment]", "请在典型案例中写明逾期原因。")
    visible(leader, "[data-action=return]").click()
    leader.wait_for_load_state("networkidle")
    doc.refresh_from_db()
    assert doc.status == "draft"
    assert "请在典型案例中写明逾期原因。" in leader.locator("#history").inner_text()

    # --- the 督查员 sends it again, naming the leader -----------------------------------------------
    sup.goto(f"/documents/{doc.pk}/")
    assert "退回意见：请在典型案例中写明逾期原因。" in sup.locator("#history").inner_text()
    sup.select_option("#submit [name=signer]", value=str(org.users["prov_leader"].pk))
    visible(sup, "#submit button[type=submit]").click()
    sup.wait_for_load_state("networkidle")

    # --- the leader signs with the password: numbered, issued, frozen -------------------------------
    leader.goto(f"/documents/{doc.pk}/")
    leader.fill("#issue [name=password]", "not-my-password")
    visible(leader, "[data-action=issue]").click()
    leader.wait_for_load_state("networkidle")
    assert "密码不正确" in leader.content()
    leader.fill("#issue [name=password]", PASSWORD)
    visible(leader, "[data-action=issue]").click()
    leader.wait_for_load_state("networkidle")
    doc.refresh_from_db()
    year = today.year
    assert doc.status == "issued" and re.fullmatch(rf"示卫督〔{year}〕\d+号", doc.doc_number)
    assert leader.locator("#doc-number").inner_text() == doc.doc_number
    assert leader.locator("#doc-issued-by").inner_text() == "陈主任"
    history = leader.locator("#history").inner_text()
    assert all(w in history for w in ("起草", "送签", "退回", "签发"))
    shots(leader, "signoff_05_issued")
    with leader.expect_download() as dl:
        visible(leader, "[data-action=download]").click()
    data = open(dl.value.path(), "rb").read()
    assert crypto.sm3_hex(data) == doc.sm3
    (SHOTS / "signoff_task_bulletin.docx").write_bytes(data)
    paragraphs = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert doc.doc_number in paragraphs

    # --- the issued document on a phone ------------------------------------------------------------
    phone = new_page(width=375, height=812)
    login(phone, "prov_supervisor", PASSWORD)
    phone.goto(f"/documents/{doc.pk}/")
    assert phone.locator("#doc-number").inner_text() == doc.doc_number
    shots(phone, "signoff_06_phone")
