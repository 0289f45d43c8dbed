"""Tasks API (R-API-1): same scope, filters and lights as the ledger; directives endpoint; schema."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from core import clock
from core.testing import make_task
from tasks.tests.ledger_factories import bulk_tasks

pytestmark = pytest.mark.django_db

TASKS = reverse("api:task-list")
DIRECTIVES = reverse("api:directive-list")


def task_detail(pk):
    return reverse("api:task-detail", args=[pk])


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_anonymous_gets_nothing(org, client):
    task = make_task(org)
    assert client.get(TASKS).status_code in (401, 403)
    assert client.get(task_detail(task.pk)).status_code in (401, 403)
    assert client.get(DIRECTIVES).status_code in (401, 403)


def test_sibling_county_sees_nothing_of_the_other_county_in_list_and_detail(org, login):
    a = make_task(org, lead="county_a")
    b = make_task(org, lead="county_b")
    client = login(org.user("county_b_clerk"))
    assert [t["code"] for t in results(client.get(TASKS))] == [b.code]
    assert client.get(task_detail(a.pk)).status_code == 404
    assert client.get(task_detail(b.pk)).status_code == 200


def test_city_supervisor_sees_both_counties_but_not_the_other_city(org, login):
    a = make_task(org, lead="county_a")
    b = make_task(org, lead="county_b")
    c = make_task(org, lead="county_c")
    client = login(org.user("city_a_supervisor"))
    seen = {t["code"] for t in results(client.get(TASKS))}
    assert {a.code, b.code} <= seen and c.code not in seen
    assert client.get(task_detail(c.pk)).status_code == 404


def test_light_and_reason_fields_and_light_filter(org, login):
    today = clock.today()
    red = bulk_tasks(org, 2, due_date=today - dt.timedelta(days=3))
    bulk_tasks(org, 3)
    client = login(org.user("prov_supervisor"))
    rows = results(client.get(TASKS, {"light": "red"}))
    assert sorted(r["code"] for r in rows) == sorted(t.code for t in red)
    assert rows[0]["light"] == "red"
    assert rows[0]["light_reason"] == "红：逾期3天"
    assert rows[0]["lead_unit_name"] == "甲一县卫健局"
    green = results(client.get(TASKS, {"light": "green"}))
    assert len(green) == 3 and green[0]["light_reason"] == "绿：正常推进"
    assert client.get(TASKS, {"light": "purple"}).status_code == 400


def test_api_filters_match_the_ledger(org, login):
    today = clock.today()
    bulk_tasks(org, 4, lead="county_b", level="major", due_date=today + dt.timedelta(days=5))
    bulk_tasks(org, 3, lead="inst_a", title="病媒生物防治")
    bulk_tasks(org, 2, lead="county_c", status="completed", progress=100)
    client = login(org.user("prov_supervisor"))
    for params in (
        {"unit": org.units["city_a"].pk},
        {"unit": org.units["county_a"].pk, "q": "病媒"},
        {"level": "major", "sort": "due"},
        {"status": "completed"},
        {"status": "open", "light": "yellow"},
        {"due_to": (today + dt.timedelta(days=10)).isoformat()},
        {"sort": "-progress"},
    ):
        page = client.get(reverse("tasks:task_list"), {**params, "per_page": 100})
        api = results(client.get(TASKS, params))
        assert [r["code"] for r in api] == [t.code for t in page.context["rows"]], params


def test_directives_endpoint_is_scoped_and_searchable(org, login):
    from tasks.services import directive_create

    def make(unit, title, actor):
        return directive_create(
            actor=org.user(actor),
            org_unit=org.units[unit],
            kind="meeting",
            title=title,
            issuer="甲市卫生健康委员会",
            issued_on=clock.today(),
        )

    a = make("city_a", "甲市医共体推进会", "city_a_supervisor")
    make("province", "全省卫生健康工作会议", "prov_supervisor")
    client = login(org.user("city_a_supervisor"))
    assert [d["title"] for d in results(client.get(DIRECTIVES))] == [a.title]
    assert results(client.get(DIRECTIVES, {"q": "不存在"})) == []
    client = login(org.user("county_c_clerk"))
    assert results(client.get(DIRECTIVES)) == []
    assert client.get(reverse("api:directive-detail", args=[a.pk])).status_code == 404
    assert len(results(login(org.user("prov_supervisor")).get(DIRECTIVES, {"q": "医共体"}))) == 1


def test_openapi_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    assert "/api/v1/directives/" in text and "light_reason" in text


def _api_queries(org, login, n, django_assert_num_queries):
    bulk_tasks(org, n, due_date=clock.today() - dt.timedelta(days=1))
    client = login(org.user("prov_supervisor"))
    with django_assert_num_queries(API_QUERIES):
        rows = results(client.get(TASKS, {"light": "red", "unit": org.units["city_a"].pk}))
    assert len(rows) == n


API_QUERIES = 10


def test_api_list_query_count_at_5_rows(org, login, django_assert_num_queries):
    _api_queries(org, login, 5, django_assert_num_queries)


def test_api_list_query_count_at_50_rows(org, login, django_assert_num_queries):
    _api_queries(org, login, 50, django_assert_num_queries)
