"""Issue 13 "done means" (履职测评): a 人大履职测评 runs from the self-report to the result, in
Chromium — 甲市's 督查员 starts it for 甲一县卫健局, the county's 联络员 submits the self-report, the
督查员 sends the deputies' 答题码 round (deputies answer it), records the 评议会, lists the problems
(they land in the 问题台账 as 人大测评), drafts the result report and sends it; 甲市's leader signs it
and the evaluation is 已完成, the whole of it on one timeline. Screenshots go to test-output/e2e/
(desktop and a 375 px phone); the issued .docx is converted to PDF and its first page to PNG."""

import re
import secrets
import shutil
import subprocess

import pytest

from core.testing import PASSWORD, build_org
from documents.models import IssuedDocument
from surveys import services as survey_services
from surveys.models import Evaluation
from surveys.tests.factories import sample_questionnaire, sheet
from tests.e2e.conftest import SHOTS, login, pick_unit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORGANISER, REPORTER, LEADER = "city_a_supervisor", "county_a_clerk", "city_a_leader"


def visible(page, selector):
    return page.locator(f"{selector} >> visible=true").first


def submit(page, selector):
    visible(page, selector).click()
    page.wait_for_load_state("networkidle")


def _deputies_answer(ev, n):
    """n deputies answer with their 答题码 through the public write; a used 答题码 is refused."""
    target = ev.survey.targets.select_related("survey__version").get()
    codes = list(target.tokens.values_list("code", flat=True)[:n])
    for code in codes:
        survey_services.submit_response(
            target=target, answers=sheet(), client_key=secrets.token_urlsafe(16), token_code=code
        )
    with pytest.raises(Exception, match="答题码"):
        survey_services.submit_response(
            target=target, answers=sheet(), client_key=secrets.token_urlsafe(16), token_code=codes[0]
        )


def _start_and_report(new_page, shots, org):
    sup = new_page()
    login(sup, ORGANISER, PASSWORD)
    sup.goto("/surveys/evaluations/")
    sup.get_by_role("link", name=re.compile("启动履职测评")).click()
    sup.wait_for_load_state("networkidle")
    sup.fill("[name=title]", "2026年度甲一县卫健局履职测评")
    sup.fill("[name=congress]", "")
    submit(sup, "#main form[method=post] button[type=submit]")
    assert "请填写测评机关" in sup.content() and not Evaluation.objects.exists()
    assert sup.input_value("[name=title]") == "2026年度甲一县卫健局履职测评"  # kept what was typed
    shots(sup, "evaluation_01_create_refused")
    sup.fill("[name=congress]", "甲市人大常委会")
    pick_unit(sup, "org_unit", org.unit("city_a"))
    pick_unit(sup, "department", org.unit("county_a"))
    submit(sup, "#main form[method=post] button[type=submit]")
    ev = Evaluation.objects.get()
    assert sup.url.endswith(ev.get_absolute_url())
    assert "等待甲一县卫健局提交自查报告" in sup.locator("#waiting").inner_text()

    clerk = new_page()
    login(clerk, REPORTER, PASSWORD)
    clerk.goto(ev.get_absolute_url())
    clerk.fill(
        "#act-self_report [name=text]",
        "一、履职情况：家庭医生签约率提升至78%。\n二、存在问题：基层人才短缺。",
    )
    shots(clerk, "evaluation_02_self_report")
    submit(clerk, "[data-action=self_report]")
    assert "自查报告已提交" in clerk.content()
    return sup, ev


def _survey_meeting_problems(sup, shots, org, ev):
    qn = sample_questionnaire(org, unit="city_a", user=ORGANISER)
    sup.goto(ev.get_absolute_url())
    sup.select_option("#act-start_survey [name=questionnaire]", value=str(qn.pk))
    sup.fill("#act-start_survey [name=tokens]", "8")
    submit(sup, "[data-action=start_survey]")
    ev.refresh_from_db()
    assert ev.survey is not None and ev.survey.targets.get().tokens.count() == 8
    _deputies_answer(ev, 5)
    sup.goto(ev.get_absolute_url())
    sup.locator("#token-print").click()  # the 答题码 list to hand to the deputies
    sup.wait_for_load_state("networkidle")
    code = ev.survey.targets.get().tokens.order_by("id").last().code
    assert code in sup.content()
    shots(sup, "evaluation_03a_round_tokens")
    sup.goto(ev.get_absolute_url())
    assert "已收回答卷 5 份" in sup.locator("#survey-numbers").inner_text()

    sup.fill("#act-record_meeting [name=title]", "甲市人大常委会履职测评评议会")
    sup.fill("#act-record_meeting [name=place]", "市人大常委会第一会议室")
    sup.fill("#act-record_meeting [name=attendees]", "测评工作组、甲一县卫健局领导班子")
    sup.fill("#act-record_meeting [name=minutes]", "代表们指出基层人才短缺、就诊等候时间长。")
    submit(sup, "[data-action=record_meeting]")

    sup.fill(
        "#act-list_problems [name=lines]", "基层人才引不进留不住\n门诊就诊等候时间长｜优化预约诊疗｜明年"
    )
    sup.select_option("#act-list_problems [name=category]", index=1)
    submit(sup, "[data-action=list_problems]")
    assert "第2行的整改时限应写成2026-06-30" in sup.content() and not ev.problems.exists()
    lines = sup.locator("[name=lines]")
    lines.fill("基层人才引不进留不住\n门诊就诊等候时间长｜优化预约诊疗")
    submit(sup, "#main form[method=post] button[type=submit]")
    assert "问题清单已形成：2个问题进入整改台账" in sup.content()
    sup.goto("/rectification/?source=npc")
    ledger = sup.locator("#ledger-results").inner_text()
    assert "门诊就诊等候时间长" in ledger and "基层人才引不进留不住" in ledger
    shots(sup, "evaluation_03_problem_ledger")


def test_evaluation_from_self_report_to_result(new_page, shots):
    org = build_org()
    sup, ev = _start_and_report(new_page, shots, org)
    _survey_meeting_problems(sup, shots, org, ev)

    # --- the result report: drafted from the data, sent to the city's leader ------------------------
    sup.goto(ev.get_absolute_url())
    shots(sup, "evaluation_04_before_result")
    submit(sup, "[data-action=report_result]")
    doc = IssuedDocument.objects.get(kind="npc_report")
    assert sup.url.endswith(doc.get_absolute_url())
    paper = sup.locator(".doc-paper").inner_text()
    assert "甲市人大常委会" in paper and "收回有效答卷5份" in paper and "门诊就诊等候时间长" in paper
    assert "签发人" in paper  # a 上行文 to the congress
    sup.select_option("#submit [name=signer]", value=str(org.users[LEADER].pk))
    submit(sup, "#submit button[type=submit]")

    # --- the leader signs: the evaluation is 已完成 -------------------------------------------------
    leader = new_page()
    leader.on("dialog", lambda d: d.accept())
    login(leader, LEADER, PASSWORD)
    leader.goto(doc.get_absolute_url())
    leader.fill("#issue [name=password]", PASSWORD)
    submit(leader, "[data-action=issue]")
    doc.refresh_from_db()
    assert doc.status == "issued"
    with leader.expect_download() as dl:
        visible(leader, "[data-action=download]").click()
    docx_path = SHOTS / "evaluation_report.docx"
    shutil.copy(dl.value.path(), docx_path)

    leader.goto(ev.get_absolute_url())
    ev.refresh_from_db()
    assert ev.stage == "done" and "已完成" in leader.locator("#ev-stage").inner_text()
    assert leader.locator("#stage-bar [data-state=done]").count() == 7
    line = leader.locator("#timeline").inner_text()
    for step in (
        "启动测评",
        "提交自查报告",
        "发起代表测评",
        "评议会议",
        "形成问题清单",
        "问题WT-",
        "结果报告签发",
        "测评完成",
    ):
        assert step in line, step
    assert doc.doc_number in line
    shots(leader, "evaluation_05_done_timeline")

    phone = new_page(width=375, height=812)
    login(phone, REPORTER, PASSWORD)
    phone.goto(ev.get_absolute_url())
    assert "测评已完成" in phone.content()
    shots(phone, "evaluation_06_phone")

    # --- outsiders: a sibling county sees nothing ---------------------------------------------------
    other = new_page()
    login(other, "county_b_head", PASSWORD)
    other.goto("/surveys/evaluations/")
    assert "甲一县卫健局履职测评" not in other.content()
    assert other.goto(ev.get_absolute_url()).status == 404

    _docx_to_png(docx_path)


def _docx_to_png(docx_path):
    """The issued .docx through LibreOffice to PDF, its pages to PNG (looked at by hand)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm"):
        pytest.skip("needs LibreOffice and poppler-utils")
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(SHOTS), str(docx_path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = docx_path.with_suffix(".pdf")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(SHOTS / "evaluation_report_page")],
        check=True,
        timeout=120,
    )
    assert list(SHOTS.glob("evaluation_report_page*.png"))
