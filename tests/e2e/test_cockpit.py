"""Issue 10 "done means": a leader opens the 领导驾驶舱, clicks the red bar of a city (an ECharts
bar: the click navigates to the URL the bar carries) and lands on exactly those tasks; the heat
table's cell and a headline number do the same. Screenshots: desktop 1440, full screen 1920×1080,
phone 375, print (test-output/e2e/cockpit_*.png)."""

import re

import pytest

from core import clock
from core.testing import PASSWORD, build_org
from dashboards import charts
from dashboards.services import take_snapshot
from dashboards.tests.world import build
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _ledger_count(page) -> int:
    text = page.locator("caption").first.inner_text()
    return int(re.search(r"（(\d+)项）", text).group(1))


def _click_bar(page, chart: str, index: int, value: int):
    """Click the middle of bar `index` of the chart's first series (its pixel from ECharts itself)."""
    x, y = page.evaluate(
        """([key, i, v]) => { const el = document.querySelector(`[data-chart="${key}"]`);
             const c = echarts.getInstanceByDom(el); const r = el.getBoundingClientRect();
             const p = c.convertToPixel({seriesIndex: 0}, [i, v / 2]);
             return [r.left + p[0], r.top + p[1]]; }""",
        [chart, index, value],
    )
    page.mouse.click(x, y)


def test_leader_clicks_the_red_bar_of_a_city(new_page, shots):
    org = build_org()
    build(org, seed=11, per_unit=4)
    for _ in range(5):  # a few weeks of history for the trend
        take_snapshot()
        clock.travel(days=7)
    take_snapshot()
    data = charts.page(org.user("prov_leader"), clock.today())
    units = data["charts"]["units"]
    i = units["units"].index("甲市卫健委")
    red = units["red"][i]["value"]
    assert red > 0

    page = new_page(1440, 900)
    login(page, "prov_leader", PASSWORD)
    page.click("nav >> text=驾驶舱")
    page.wait_for_selector('[data-cockpit][data-ready="1"]')
    assert "领导驾驶舱" in page.content()
    shots(page, "cockpit_01_desktop")

    page.locator('[data-chart="red"]').scroll_into_view_if_needed()
    _click_bar(page, "red", i, red)
    page.wait_for_url(re.compile(r"/tasks/\?"))
    assert _ledger_count(page) == red
    assert "light=red" in page.url and f"unit={org.units['city_a'].pk}" in page.url
    shots(page, "cockpit_02_drilldown")

    page.go_back()
    page.wait_for_selector('[data-cockpit][data-ready="1"]')
    cell = page.locator("[data-heat] a[data-cell]").first
    expected = int(cell.inner_text())
    cell.click()
    page.wait_for_url(re.compile(r"/tasks/\?"))
    assert _ledger_count(page) == expected

    page.emulate_media(media="print")
    assert not page.locator("[data-cockpit] .no-print").first.is_visible()
    shots(page, "cockpit_05_print")
    page.emulate_media(media="screen")

    screen = new_page(1920, 1080)
    login(screen, "prov_leader", PASSWORD)
    screen.goto("/cockpit/screen/")
    screen.wait_for_selector('[data-cockpit][data-ready="1"]')
    assert screen.locator("nav.navbar").count() == 0 or not screen.locator("nav.navbar").is_visible()
    shots(screen, "cockpit_03_screen")

    phone = new_page(375, 812)
    login(phone, "county_a_leader", PASSWORD)
    phone.goto("/cockpit/")
    phone.wait_for_selector('[data-cockpit][data-ready="1"]')
    total = phone.locator('[data-number="total"]')
    assert total.is_visible() and total.bounding_box()["width"] <= 375
    assert "甲二县" not in phone.content()
    shots(phone, "cockpit_04_phone")
    total.click()
    phone.wait_for_url(re.compile(r"/tasks/\?"))
    head = {h["key"]: h["value"] for h in charts.page(org.user("county_a_leader"), clock.today())["headline"]}
    assert _ledger_count(phone) == int(head["total"])
