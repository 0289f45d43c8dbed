"""Excel export of the ledger: exactly the filtered rows, all pages, Chinese headers, date cells,
frozen header, audited, scoped, constant queries."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from core import clock
from core.testing import make_task
from tasks.tests.ledger_factories import bulk_tasks

pytestmark = pytest.mark.django_db

URL = reverse("tasks:task_export")
HEADERS = [
    "编号",
    "任务名称",
    "等级",
    "类别",
    "上级部署",
    "创建单位",
    "牵头单位",
    "开始日期",
    "完成时限",
    "状态",
    "进度（%）",
    "最近报告日期",
    "预警",
    "预警原因",
    "办结日期",
]


def sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    return wb.worksheets[0]


def data_rows(ws):
    return [r for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]


def test_export_is_exactly_the_filtered_and_sorted_ledger_across_all_pages(org, login):
    today = clock.today()
    red = bulk_tasks(org, 60, due_date=today - dt.timedelta(days=3), title="控制医药费用增长")
    bulk_tasks(org, 30)  # green: filtered out
    bulk_tasks(org, 5, lead="county_c", due_date=today - dt.timedelta(days=3))  # red, other unit
    client = login(org.user("prov_supervisor"))
    params = {"light": "red", "unit": org.units["city_a"].pk, "sort": "code", "per_page": 20, "page": 2}
    page = client.get(reverse("tasks:task_list"), params)
    assert len(page.context["rows"]) == 20 and page.context["paginator"].count == 60

    ws = sheet(client.get(URL, params))
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    rows = data_rows(ws)
    assert [r[0] for r in rows] == sorted(t.code for t in red)  # all 60, in the ledger's order
    first = rows[0]
    assert first[1] == "控制医药费用增长"
    assert first[6] == "甲一县卫健局"
    assert first[12] == "红"
    assert first[13] == "红：逾期3天"
    assert isinstance(ws.cell(row=2, column=9).value, dt.datetime)  # a real date cell
    assert ws.cell(row=2, column=9).value.date() == today - dt.timedelta(days=3)
    assert ws.cell(row=2, column=9).number_format == "yyyy-mm-dd"


def test_export_is_audited_with_row_count_and_query(org, login):
    bulk_tasks(org, 4)
    user = org.user("prov_supervisor")
    login(user).get(URL, {"level": "general"})
    event = AuditEvent.objects.filter(action="tasks.task.exported").get()
    assert event.actor_id == user.pk
    assert event.changes["rows"] == 4
    assert "level=general" in event.changes["query"]


def test_sibling_county_exports_nothing_of_the_other_county(org, login):
    a = make_task(org, lead="county_a")
    b = make_task(org, lead="county_b")
    codes = [r[0] for r in data_rows(sheet(login(org.user("county_b_clerk")).get(URL)))]
    assert codes == [b.code]
    assert a.code not in codes


def test_city_supervisor_exports_both_counties_not_the_other_city(org, login):
    a = make_task(org, lead="county_a")
    b = make_task(org, lead="county_b")
    c = make_task(org, lead="county_c")
    codes = {r[0] for r in data_rows(sheet(login(org.user("city_a_supervisor")).get(URL)))}
    assert {a.code, b.code} <= codes and c.code not in codes


def test_export_needs_login_and_the_export_permission(org, client, login):
    assert client.get(URL).status_code == 302
    assert login(org.user("prov_leader")).get(URL).status_code == 403  # leaders read, do not export


def test_formula_like_titles_are_not_executed(org, login):
    bulk_tasks(org, 1, title='=HYPERLINK("http://x")')
    rows = data_rows(sheet(login(org.user("prov_supervisor")).get(URL)))
    assert rows[0][1].startswith("'=")


def _export_queries(org, login, n, django_assert_num_queries):
    bulk_tasks(org, n, due_date=clock.today() - dt.timedelta(days=1))
    client = login(org.user("prov_supervisor"))
    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(URL, {"light": "red"})
    assert len(data_rows(sheet(response))) == n


EXPORT_QUERIES = 15  # the export is audited: entry + its checkpoint (audit.AuditCheckpoint)


def test_export_query_count_at_5_rows(org, login, django_assert_num_queries):
    _export_queries(org, login, 5, django_assert_num_queries)


def test_export_query_count_at_300_rows(org, login, django_assert_num_queries):
    _export_queries(org, login, 300, django_assert_num_queries)
