"""Issue 13, R-SVY-1/2 staff side in Chromium: a 督查员 builds a questionnaire from the 门诊 template,
edits a question, publishes, creates a round for 甲一县中心卫生院, opens it, downloads the QR PNG
and opens the A4 poster."""

import pytest

from core.testing import PASSWORD
from surveys.choices import SurveyMode, SurveyStatus
from surveys.models import Questionnaire, Survey
from surveys.tests.factories import open_survey
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_builds_publishes_and_distributes(org, new_page, shots, tmp_path):
    page = new_page()
    login(page, "city_a_supervisor", PASSWORD)
    page.goto("/surveys/questionnaires/")
    page.click("[data-action=new-questionnaire]")
    page.select_option("select[name=template]", "outpatient")
    page.select_option("select[name=org_unit]", str(org.unit("county_a").pk))
    shots(page, "survey_builder_new")
    page.click("[data-action=create]")
    page.wait_for_selector("[data-question=q1]")
    qn = Questionnaire.objects.get()
    assert "门诊患者满意度调查" in page.content()
    shots(page, "survey_builder_editor")

    page.click("[data-question=q4] [data-action=edit-question]")
    page.fill("textarea[name=text]", "医生是否耐心听取您的病情描述并解释清楚？")
    shots(page, "survey_builder_question")
    page.click("[data-action=submit]")
    page.wait_for_selector("text=题目已保存")
    assert qn.questions.get(key="q4").text.startswith("医生是否耐心听取")

    page.click("[data-action=publish]")
    page.wait_for_selector("text=已发布第1版")
    assert qn.versions.count() == 1
    page.click("#versions a")
    page.wait_for_selector("#preview")
    assert "医生是否耐心听取您的病情描述并解释清楚？" in page.content()
    shots(page, "survey_builder_version")
    page.go_back()

    page.click("[data-action=new-round]")
    page.fill("input[name=title]", "2026年第四季度门诊患者满意度测评")
    page.select_option("select[name=units]", [str(org.unit("inst_a").pk)])
    shots(page, "survey_round_new")
    page.click("[data-action=create]")
    page.wait_for_load_state("networkidle")
    shots(page, "survey_round_created")
    page.wait_for_selector("[data-action=open]")
    survey = Survey.objects.get()
    page.click("[data-action=open]")
    page.wait_for_selector("text=测评已开始收集")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    target = survey.targets.get()
    assert f"/s/{target.slug}/" in page.content()
    shots(page, "survey_round_detail")

    with page.expect_download() as info:
        page.click(f"[data-target='{target.pk}'] [data-action=qr-png]")
    path = tmp_path / "qr.png"
    info.value.save_as(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    with page.context.expect_page() as popup:
        page.click(f"[data-target='{target.pk}'] [data-action=poster]")
    poster = popup.value
    poster.wait_for_load_state()
    poster.set_viewport_size({"width": 794, "height": 1123})
    assert "甲一县中心卫生院" in poster.content() and "不记名" in poster.content()
    assert poster.eval_on_selector(".poster-qr", "img => img.naturalWidth") > 0
    shots(poster, "survey_poster_a4")


def test_a_token_round_issues_prints_and_exports_codes(org, new_page, shots, tmp_path):
    survey = open_survey(org, mode=SurveyMode.TOKEN, status=SurveyStatus.DRAFT, user="city_a_supervisor")
    target = survey.targets.get()
    page = new_page()
    login(page, "city_a_supervisor", PASSWORD)
    page.goto(survey.get_absolute_url())
    page.click("[data-action=open]")
    page.wait_for_selector("text=答题码方式须先为每个被测评单位发放答题码")
    shots(page, "survey_open_refused")
    page.goto(survey.get_absolute_url())
    page.click(f"[data-target='{target.pk}'] [data-action=tokens]")
    page.fill("input[name=count]", "12")
    page.fill("input[name=batch]", "市人大常委会第三十次会议")
    page.click("[data-action=issue]")
    page.wait_for_selector("text=已发放12个答题码")
    assert target.tokens.count() == 12
    page.click("[data-action=void] >> nth=0")
    page.wait_for_selector("text=已作废")
    shots(page, "survey_tokens")
    with page.expect_download() as info:
        page.click("[data-action=excel]")
    path = tmp_path / "tokens.xlsx"
    info.value.save_as(path)
    assert path.read_bytes()[:2] == b"PK"
    with page.context.expect_page() as popup:
        page.click("[data-action=print]")
    sheet = popup.value
    sheet.wait_for_load_state()
    sheet.set_viewport_size({"width": 794, "height": 1123})
    assert sheet.locator(".token-card").count() == 11
    shots(sheet, "survey_tokens_print")
    page.goto(survey.get_absolute_url())
    page.click("[data-action=open]")
    page.wait_for_selector("text=测评已开始收集")
