"""The task ledger page (任务台账, R-TSK-7, R-WRN-1): scope, every filter, lights, saved filters,
query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from core import clock
from core.testing import make_task
from tasks import lights, services
from tasks.models import Directive, SavedFilter, TaskCategory
from tasks.tests.ledger_factories import bulk_tasks

pytestmark = pytest.mark.django_db

URL = reverse("tasks:task_list")


def codes(response):
    return [t.code for t in response.context["rows"]]


def ledger(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


# --- access and scope -------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("org:login") in response["Location"]


def test_account_without_task_permission_gets_403(org, login):
    assert login(org.user("no_role")).get(URL).status_code == 403
    assert login(org.user("auditor")).get(URL).status_code == 403


def test_sibling_county_never_sees_the_other_countys_task(org, login):
    a = make_task(org, title="甲一县的任务", lead="county_a")
    b = make_task(org, title="甲二县的任务", lead="county_b")
    response = ledger(login(org.user("county_b_clerk")))
    assert codes(response) == [b.code]
    assert a.code not in response.content.decode()
    # even when asked for by unit or keyword
    assert codes(ledger(login(org.user("county_b_clerk")), q=a.code)) == []
    assert codes(ledger(login(org.user("county_a_clerk")))) == [a.code]


def test_city_supervisor_sees_both_counties_of_the_city_but_not_the_other_city(org, login):
    a = make_task(org, lead="county_a")
    b = make_task(org, lead="county_b")
    c = make_task(org, lead="county_c")
    seen = set(codes(ledger(login(org.user("city_a_supervisor")))))
    assert {a.code, b.code} <= seen
    assert c.code not in seen


# --- rows ---------------------------------------------------------------------------------------------


def test_row_shows_columns_light_and_reason_in_words_and_links_to_detail(org, login):
    task = make_task(org, title="村卫生室标准化建设", days=30)
    clock.travel(days=33)
    response = ledger(login(org.user("prov_supervisor")))
    html = response.content.decode()
    for header in ("编号", "任务名称", "等级", "类别", "牵头单位", "完成时限", "状态", "进度", "预警"):
        assert f">{header}</th>" in html
    assert "村卫生室标准化建设" in html
    assert "红：逾期3天" in html
    assert reverse("tasks:task_detail", args=[task.pk]) in html
    assert "甲一县卫健局" in html


def test_light_counts_on_top_follow_the_other_filters(org, login):
    bulk_tasks(org, 2, due_date=clock.today() - dt.timedelta(days=1))  # red
    bulk_tasks(org, 3, due_date=clock.today() + dt.timedelta(days=3))  # yellow
    bulk_tasks(org, 4)  # green
    bulk_tasks(org, 1, status="completed", progress=100)  # done
    bulk_tasks(org, 5, level="major", due_date=clock.today() - dt.timedelta(days=2))  # red, other level
    counts = {
        c["slug"]: c["count"]
        for c in ledger(login(org.user("prov_supervisor")), level="general").context["light_counts"]
    }
    assert counts == {"red": 2, "yellow": 3, "green": 4, "done": 1}
    # choosing a light does not change the counts, only the rows
    response = ledger(login(org.user("prov_supervisor")), level="general", light="yellow")
    assert {c["slug"]: c["count"] for c in response.context["light_counts"]}["red"] == 2
    assert len(response.context["rows"]) == 3


# --- filters ------------------------------------------------------------------------------------------


def test_filter_by_directive(org, login):
    sup = org.user("prov_supervisor")
    directive = services.directive_create(
        actor=sup,
        org_unit=org.units["province"],
        kind="document",
        title="关于推进紧密型县域医共体建设的通知",
        doc_number="示卫发〔2026〕3号",
        issuer="示范省卫生健康委员会",
        issued_on=clock.today(),
    )
    cited = bulk_tasks(org, 2, directive=directive)
    bulk_tasks(org, 3)
    assert sorted(codes(ledger(login(sup), directive=directive.pk))) == sorted(t.code for t in cited)


def test_filter_by_category_and_level(org, login):
    other = TaskCategory.objects.exclude(name="公共卫生").first()
    a = bulk_tasks(org, 1, category=other, level="major")[0]
    b = bulk_tasks(org, 1, level="major")[0]
    c = bulk_tasks(org, 1, category=other)[0]
    client = login(org.user("prov_supervisor"))
    assert sorted(codes(ledger(client, category=other.pk))) == sorted([a.code, c.code])
    assert sorted(codes(ledger(client, level="major"))) == sorted([a.code, b.code])
    assert codes(ledger(client, category=other.pk, level="major")) == [a.code]


def test_filter_by_unit_includes_the_whole_subtree(org, login):
    in_a = bulk_tasks(org, 1, lead="county_a")[0]
    in_inst = bulk_tasks(org, 1, lead="inst_a")[0]
    in_b = bulk_tasks(org, 1, lead="county_b")[0]
    in_c = bulk_tasks(org, 1, lead="county_c")[0]
    at_city = bulk_tasks(org, 1, lead="city_a")[0]
    client = login(org.user("prov_supervisor"))
    assert sorted(codes(ledger(client, unit=org.units["city_a"].pk))) == sorted(
        [in_a.code, in_inst.code, in_b.code, at_city.code]
    )
    assert sorted(codes(ledger(client, unit=org.units["county_a"].pk))) == sorted([in_a.code, in_inst.code])
    assert codes(ledger(client, unit=org.units["county_c"].pk)) == [in_c.code]


def test_unit_picker_offers_only_units_in_scope_and_refuses_others(org, login):
    client = login(org.user("city_a_supervisor"))
    response = ledger(client)
    offered = {u.pk for u in response.context["unit_choices"]}
    assert org.units["county_a"].pk in offered and org.units["county_b"].pk in offered
    assert org.units["county_c"].pk not in offered and org.units["province"].pk not in offered
    bulk_tasks(org, 1, lead="county_c", org_unit="city_b")
    response = ledger(client, unit=org.units["county_c"].pk)
    assert response.context["filterset"].form.errors["unit"]
    assert codes(response) == []  # an invalid unit never widens the scope


def test_filter_by_status_including_all_open(org, login):
    draft = bulk_tasks(org, 1, status="draft")[0]
    signed = bulk_tasks(org, 1, status="signed")[0]
    done = bulk_tasks(org, 1, status="completed", progress=100)[0]
    client = login(org.user("prov_supervisor"))
    assert codes(ledger(client, status="draft")) == [draft.code]
    assert codes(ledger(client, status="completed")) == [done.code]
    assert codes(ledger(client, status="open")) == [signed.code]


def test_filter_by_due_date_range(org, login):
    today = clock.today()
    early = bulk_tasks(org, 1, due_date=today + dt.timedelta(days=20))[0]
    middle = bulk_tasks(org, 1, due_date=today + dt.timedelta(days=40))[0]
    late = bulk_tasks(org, 1, due_date=today + dt.timedelta(days=80))[0]
    client = login(org.user("prov_supervisor"))
    got = codes(
        ledger(
            client,
            due_from=(today + dt.timedelta(days=20)).isoformat(),
            due_to=(today + dt.timedelta(days=40)).isoformat(),
        )
    )
    assert sorted(got) == sorted([early.code, middle.code])
    assert codes(ledger(client, due_from=(today + dt.timedelta(days=41)).isoformat())) == [late.code]
    bad = ledger(client, due_from="2026-13-45")
    assert bad.context["filterset"].form.errors["due_from"]


def test_filter_by_keyword_in_code_or_title(org, login):
    a = bulk_tasks(org, 1, title="病媒生物防治")[0]
    b = bulk_tasks(org, 1, title="疫苗接种")[0]
    client = login(org.user("prov_supervisor"))
    assert codes(ledger(client, q="病媒")) == [a.code]
    assert codes(ledger(client, q=b.code)) == [b.code]
    assert codes(ledger(client, q="  ")) != []


def test_light_filter_returns_exactly_the_rows_whose_python_light_matches(org, login):
    today = clock.today()
    bulk_tasks(org, 2, due_date=today - dt.timedelta(days=4))  # red
    bulk_tasks(org, 2, due_date=today + dt.timedelta(days=5))  # yellow: due soon
    bulk_tasks(org, 2, start_date=today - dt.timedelta(days=50), progress=5)  # yellow: behind
    bulk_tasks(org, 2, last_report_on=today - dt.timedelta(days=20))  # yellow: stale
    bulk_tasks(org, 2)  # green
    bulk_tasks(org, 2, status="draft", due_date=today - dt.timedelta(days=1))  # drafts are not lit
    bulk_tasks(org, 2, status="completed", progress=100, due_date=today - dt.timedelta(days=9))  # done
    client = login(org.user("prov_supervisor"))
    everything = ledger(client, per_page=100).context["rows"]
    assert len(everything) == 14
    by_python = {}
    for row in everything:
        by_python.setdefault(lights.for_object(row, today).light, set()).add(row.code)
    slugs = {"red": 3, "yellow": 2, "green": 1, "done": 0}
    for slug, value in slugs.items():
        rows = ledger(client, light=slug, per_page=100).context["rows"]
        assert {r.code for r in rows} == by_python.get(value, set()), slug
        assert all(r.light == value for r in rows)
    assert len(by_python[2]) == 6 and len(by_python[3]) == 2


def test_sort_options(org, login):
    today = clock.today()
    green = bulk_tasks(org, 1, due_date=today + dt.timedelta(days=50), progress=90)[0]
    red = bulk_tasks(org, 1, due_date=today - dt.timedelta(days=1), progress=10)[0]
    yellow = bulk_tasks(org, 1, due_date=today + dt.timedelta(days=3), progress=60)[0]
    done = bulk_tasks(org, 1, status="completed", progress=100, due_date=today + dt.timedelta(days=1))[0]
    client = login(org.user("prov_supervisor"))
    assert codes(ledger(client)) == [red.code, yellow.code, green.code, done.code]  # default: worst first
    assert codes(ledger(client, sort="light")) == [red.code, yellow.code, green.code, done.code]
    assert codes(ledger(client, sort="due")) == [red.code, done.code, yellow.code, green.code]
    assert codes(ledger(client, sort="-due")) == [green.code, yellow.code, done.code, red.code]
    assert codes(ledger(client, sort="-progress")) == [done.code, green.code, yellow.code, red.code]
    assert codes(ledger(client, sort="progress")) == [red.code, yellow.code, green.code, done.code]
    assert codes(ledger(client, sort="code")) == sorted([green.code, red.code, yellow.code, done.code])


def test_page_size_20_50_100(org, login):
    bulk_tasks(org, 120)
    client = login(org.user("prov_supervisor"))
    assert len(ledger(client).context["rows"]) == 50
    assert len(ledger(client, per_page=20).context["rows"]) == 20
    response = ledger(client, per_page=100, page=2)
    assert len(response.context["rows"]) == 20
    assert response.context["paginator"].count == 120
    assert len(ledger(client, per_page=7).context["rows"]) == 50  # only the offered sizes


# --- HTMX partial and browser back --------------------------------------------------------------------


def test_htmx_request_gets_only_the_results_and_history_restore_gets_the_page(org, login):
    bulk_tasks(org, 3)
    client = login(org.user("prov_supervisor"))
    partial = client.get(URL, {"light": "green"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert b"<html" not in partial.content and b"<table" in partial.content
    assert "HX-Request" in partial["Vary"]
    restore = client.get(
        URL, {"light": "green"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert b"<html" in restore.content


# --- saved filters ------------------------------------------------------------------------------------


def test_save_list_and_delete_own_filter(org, login):
    user = org.user("prov_supervisor")
    client = login(user)
    response = client.post(
        reverse("tasks:saved_filter_save"),
        {"name": "本省红灯", "query": "light=red&page=3&level=major&bogus=1&q="},
    )
    assert response.status_code == 302
    saved = SavedFilter.objects.get(user=user)
    assert saved.name == "本省红灯"
    assert saved.query == "light=red&level=major"
    assert response["Location"].endswith("?light=red&level=major")
    html = ledger(client).content.decode()
    assert "本省红灯" in html and f"{URL}?light=red&amp;level=major" in html

    other = login(org.user("city_a_supervisor"))
    assert "本省红灯" not in ledger(other).content.decode()
    assert other.post(reverse("tasks:saved_filter_delete", args=[saved.pk])).status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()

    client = login(user)
    assert client.post(reverse("tasks:saved_filter_delete", args=[saved.pk])).status_code == 302
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()


def test_saving_without_a_name_says_so(org, login):
    client = login(org.user("prov_supervisor"))
    response = client.post(
        reverse("tasks:saved_filter_save"), {"name": " ", "query": "light=red"}, follow=True
    )
    assert "请填写筛选名称" in response.content.decode()
    assert not SavedFilter.objects.exists()


def test_saved_filter_endpoints_need_login(client):
    assert client.post(reverse("tasks:saved_filter_save"), {"name": "x"}).status_code == 302
    assert client.post(reverse("tasks:saved_filter_delete", args=[1])).status_code == 302


# --- query count ---------------------------------------------------------------------------------------


def _count_queries(org, login, n, django_assert_num_queries, expected):
    Directive.objects.all().delete()
    bulk_tasks(org, n, due_date=clock.today() - dt.timedelta(days=2))
    user = org.user("prov_supervisor")
    services.saved_filter_save(actor=user, name="红灯", query="light=red")
    client = login(user)
    with django_assert_num_queries(expected):
        response = client.get(URL, {"per_page": 50, "light": "red", "unit": org.units["county_a"].pk})
    assert len(response.context["rows"]) == n


LEDGER_QUERIES = 16


def test_ledger_query_count_at_5_rows(org, login, django_assert_num_queries):
    _count_queries(org, login, 5, django_assert_num_queries, LEDGER_QUERIES)


def test_ledger_query_count_at_50_rows(org, login, django_assert_num_queries):
    _count_queries(org, login, 50, django_assert_num_queries, LEDGER_QUERIES)


def test_printed_page_states_its_filters(org, login):
    bulk_tasks(org, 2, level="major", due_date=clock.today() - dt.timedelta(days=1))
    html = ledger(login(org.user("prov_supervisor")), level="major", light="red", unit=org.units["city_a"].pk)
    text = html.content.decode()
    assert "筛选条件：等级=重大，牵头单位=甲市卫生健康委员会，预警=红" in text, text[
        text.find("打印日期") : text.find("打印日期") + 200
    ]
