"""Issue 13 "done means" (results): a city's 督查员 opens a round's results — the units ranked with
the bar chart, one hospital's items (the low one red under the threshold line), distributions and
the word list; a number drills down to as many responses; the low item becomes a problem in one
step, the results then show it and the problem's page names its survey item. Screenshots go to
test-output/e2e/ (desktop and a 375 px phone)."""

import datetime as dt
import re

import pytest

from core import clock
from core.testing import PASSWORD, build_org
from surveys.choices import SurveyStatus
from surveys.models import Survey
from surveys.tests.factories import answer, open_survey, sheet
from tests.e2e.conftest import SHOTS, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _round(org):
    survey = open_survey(
        org, unit="city_a", user="city_a_supervisor", targets=("inst_a", "county_a", "county_b")
    )
    survey.title = "2026年第三季度门诊患者满意度测评"
    survey.save(update_fields=["title"])
    targets = {t.unit.code: t for t in survey.targets.select_related("unit")}
    inst, county_a, county_b = (targets[org.unit(k).code] for k in ("inst_a", "county_a", "county_b"))
    for i in range(12):  # 甲一县中心卫生院: 候诊 (q4 r2) low
        text = ["候诊时间太长，排队两个小时", "排队太久，医生太少", "医生态度很好", ""][i % 4]
        answer(
            inst,
            sheet(q1="ab"[i % 2], q2=4 + i % 2, q4={"r1": 4, "r2": 1 + i % 2, "r3": 5}, q5=["a"], q7=text),
        )
    for _ in range(8):
        answer(county_a, sheet(q1="a", q2=5, q4={"r1": 5, "r2": 4, "r3": 5}))
        answer(county_b, sheet(q1="b", q2=4, q4={"r1": 4, "r2": 4, "r3": 4}))
    survey.status = SurveyStatus.CLOSED
    survey.save(update_fields=["status"])
    # the round before (二季度), a little worse: 上轮 and 较上轮 show
    before = open_survey(
        org,
        survey.questionnaire,
        unit="city_a",
        user="city_a_supervisor",
        targets=("inst_a", "county_a", "county_b"),
    )
    for t in before.targets.all():
        for _ in range(5):
            answer(t, sheet(q1="b", q2=4, q4={"r1": 4, "r2": 2, "r3": 4}))
    Survey.objects.filter(pk=before.pk).update(
        title="2026年第二季度门诊患者满意度测评",
        status=SurveyStatus.CLOSED,
        opens_on=survey.opens_on - dt.timedelta(days=90),
        closes_on=survey.opens_on - dt.timedelta(days=60),
    )
    return survey, inst


def _chart_ready(page, key="main"):
    page.wait_for_selector(f'[data-chart="{key}"][data-ready="1"] canvas')


def test_results_charts_drill_down_and_a_low_item_into_a_problem(new_page, shots):
    org = build_org()
    survey, inst = _round(org)
    page = new_page()
    login(page, "city_a_supervisor", PASSWORD)

    page.goto(f"/surveys/results/{survey.pk}/")
    _chart_ready(page)
    rows = page.locator("#ranking tbody tr")
    assert rows.count() == 3
    assert page.locator("#ranking tbody tr").first.locator("td").nth(4).inner_text() != "—"  # 上轮
    assert rows.first.get_attribute("data-unit") == org.unit("county_a").display_name
    shots(page, "survey_results_units")

    page.click(f"#ranking a:has-text('{inst.unit.display_name}') >> nth=0")
    _chart_ready(page)
    _chart_ready(page, "dist-q4")
    low = page.locator("#item-q4\\.r2")
    assert "table-danger" in low.get_attribute("class")
    n = int(re.search(r"\d+", low.locator("[data-number=item-n]").inner_text()).group())
    assert page.locator("#words [data-word=排队]").count() == 1
    shots(page, "survey_results_unit")

    low.locator("[data-number=item-n]").click()  # the number drills down to as many responses
    assert int(page.locator("#total").inner_text()) == n == 12
    page.locator("#responses a").first.click()
    assert "就诊环节" in page.inner_text("main") and "答题码" not in page.inner_text("main")
    shots(page, "survey_response_detail")
    page.go_back()
    page.go_back()

    page.locator("#item-q4\\.r2 [data-action=convert]").click()
    assert "就诊环节 · 候诊" in page.inner_text("#description")
    page.select_option("select[name=category]", index=1)
    page.fill("input[name=deadline]", (clock.today() + dt.timedelta(days=30)).isoformat())
    shots(page, "survey_item_convert")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    problem = page.locator("#item-q4\\.r2 [data-problem]")
    code = problem.get_attribute("data-problem")
    assert code.startswith("WT-") and "待整改" in page.inner_text("#item-q4\\.r2")
    problem.click()
    assert "来源：满意度测评" in page.inner_text("#survey-item") and code in page.inner_text("main")
    shots(page, "survey_problem_panel")

    phone = new_page(375, 740)
    login(phone, "inst_a_clerk", PASSWORD)  # the evaluated hospital sees its own results
    phone.goto(f"/surveys/results/unit/{inst.pk}/")
    _chart_ready(phone)
    assert code in phone.inner_text("#items")
    phone.screenshot(path=str(SHOTS / "survey_results_unit_phone_top.png"))
    shots(phone, "survey_results_unit_phone")
