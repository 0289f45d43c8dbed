"""整改统计 (R-RCT-4): numbers against hand-counted data, the reconciliation, drill-down links that
open the ledger with exactly those problems, Excel export, scope and query counts."""

import datetime as dt
import io
import re
from html import unescape

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from core import clock
from rectification.tests.factories import bulk_problems, category

pytestmark = pytest.mark.django_db

URL = reverse("rectification:statistics")
EXPORT = reverse("rectification:statistics_export")
LEDGER = reverse("rectification:problem_list")


@pytest.fixture
def data(org):
    """By hand: 甲一县 10 problems (4 closed, 3 in progress of which 1 awaiting verification and
    1 overdue, 3 pending of which 2 overdue; 1 closed after a regression… see below)."""
    today = clock.today()
    past = today - dt.timedelta(days=3)
    bulk_problems(org, 4, unit="county_a", status="closed", deadline=past)
    bulk_problems(org, 1, unit="county_a", status="closed", regressions=1)
    bulk_problems(org, 1, unit="county_a", status="in_progress", deadline=past, regressions=1)
    bulk_problems(org, 1, unit="county_a", status="in_progress")
    bulk_problems(org, 1, unit="county_a", status="rectified", source="audit")
    bulk_problems(org, 2, unit="county_a", status="pending", deadline=past, source="audit")
    bulk_problems(org, 1, unit="county_a", status="pending", category=category("安全生产"))
    # 甲二县: 3, one closed, one pending overdue, one in progress
    bulk_problems(org, 1, unit="county_b", status="closed")
    bulk_problems(org, 1, unit="county_b", status="pending", deadline=past, source="petition")
    bulk_problems(org, 1, unit="county_b", status="in_progress")
    # long ago, outside a period filter
    bulk_problems(org, 2, unit="county_b", status="pending", found_on=today - dt.timedelta(days=400))
    return org


def table(response):
    rows = {r.label: r for r in response.context["rows"]}
    return rows, response.context["total"]


def test_numbers_by_unit_match_the_hand_count_and_reconcile(data, login):
    response = login(data.user("prov_supervisor")).get(URL)
    assert response.status_code == 200
    rows, total = table(response)
    a = rows["甲一县卫生健康局"]
    assert (a.total, a.done, a.in_progress, a.not_started, a.overdue, a.regressions) == (11, 5, 3, 3, 3, 2)
    assert a.rate == "45.5%"  # 5 / 11 = 45.45… → 45.5 half up
    b = rows["甲二县卫生健康局"]
    assert (b.total, b.done, b.in_progress, b.not_started, b.overdue) == (5, 1, 1, 3, 1)
    assert b.rate == "20.0%"
    assert (total.total, total.done, total.in_progress, total.not_started, total.overdue) == (16, 6, 4, 6, 4)
    assert total.rate == "37.5%"
    html = response.content.decode()
    # the reconciliation in words a user understands, no "核对 相符" column
    text = re.sub(r"<[^>]+>", "", html)
    assert "合计应整改 16 个问题：已整改 6 个，正在整改 4 个，未启动 6 个。" in text
    assert "三项相加正好等于应整改总数，每个问题都计入且只计入其中一项。" in text
    assert "核对" not in text and "相符" not in text and ">合计<" in html


def test_by_source_and_by_category_and_the_period_filter(data, login):
    client = login(data.user("prov_supervisor"))
    rows, total = table(client.get(URL, {"by": "source"}))
    assert rows["审计"].total == 3 and rows["信访"].total == 1 and rows["督查"].total == 12
    assert total.total == 16
    rows, _ = table(client.get(URL, {"by": "category"}))
    assert rows["安全生产"].total == 1 and rows["医疗质量"].total == 15
    since = (clock.today() - dt.timedelta(days=100)).isoformat()
    rows, total = table(client.get(URL, {"found_from": since}))
    assert total.total == 14 and rows["甲二县卫生健康局"].total == 3
    rows, total = table(client.get(URL, {"source": "audit", "by": "unit"}))
    assert total.total == 3 and total.not_started == 2


def test_every_number_drills_down_to_the_ledger_with_exactly_those_problems(data, login):
    client = login(data.user("prov_supervisor"))
    for params in (
        {},
        {"by": "source"},
        {"by": "category", "found_from": (clock.today() - dt.timedelta(days=100)).isoformat()},
    ):
        response = client.get(URL, params)
        html = response.content.decode()
        links = re.findall(r'<a href="(/rectification/\?[^"]*)">(\d+)</a>', html)
        assert len(links) >= 12
        for href, number in links:
            ledger = client.get(unescape(href))
            assert ledger.status_code == 200
            assert ledger.context["paginator"].count == int(number), href


def test_sibling_county_sees_only_its_own_numbers(data, login):
    client = login(data.user("county_b_clerk"))
    rows, total = table(client.get(URL))
    assert list(rows) == ["甲二县卫生健康局"] and total.total == 5
    ws = load_workbook(io.BytesIO(client.get(EXPORT).content)).active
    labels = [r[0] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]]
    assert "甲一县卫生健康局" not in labels and "甲二县卫生健康局" in labels


def test_excel_export_of_the_statistics_with_total_and_note(data, login):
    client = login(data.user("prov_supervisor"))
    response = client.get(EXPORT, {"by": "unit"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0]) == [
        "单位",
        "应整改",
        "已整改",
        "正在整改",
        "未启动",
        "逾期",
        "整改率",
        "回头看反弹",
    ]
    total = next(r for r in values if r[0] == "合计")
    assert list(total[1:]) == [16, 6, 4, 6, 4, "37.5%", 2]
    assert any(r[0] and "应整改 = 已整改 + 正在整改 + 未启动" in str(r[0]) for r in values)
    assert AuditEvent.objects.filter(
        action="rectification.problem.exported", changes__statistics="unit"
    ).exists()


def test_bad_period_is_shown_next_to_the_field(data, login):
    response = login(data.user("prov_supervisor")).get(
        URL, {"found_from": "2026-05-01", "found_to": "2026-01-01"}
    )
    assert "结束日期不能早于开始日期" in response.content.decode()


@pytest.mark.parametrize("n", [5, 50])
def test_statistics_query_count_does_not_grow(org, login, django_assert_num_queries, n):
    units = ["county_a", "county_b", "county_c", "inst_a", "city_a"]
    for i in range(n):
        bulk_problems(org, 1, unit=units[i % 5], status=["pending", "closed", "in_progress"][i % 3])
    client = login(org.user("prov_supervisor"))
    client.get(URL)
    with django_assert_num_queries(8):
        response = client.get(URL, {"by": "unit"})
    assert response.context["total"].total == n
