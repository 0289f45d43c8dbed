"""The problem ledger page (问题整改台账, R-RCT-1..5, R-WRN-1/2): scope, filters, lights, exports,
query counts."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from audit.models import AuditEvent
from core import clock
from rectification.lights import is_overdue, light_of, overdue_q
from rectification.models import Problem
from rectification.tests.factories import bulk_problems, category, new_problem
from tasks.choices import Light

pytestmark = pytest.mark.django_db

URL = reverse("rectification:problem_list")
EXPORT = reverse("rectification:problem_export")
DOCX = reverse("rectification:problem_docx")


def codes(response):
    return [p.code for p in response.context["rows"]]


def ledger(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


# --- access and scope -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        URL,
        EXPORT,
        DOCX,
        reverse("rectification:problem_create"),
        reverse("rectification:problem_import"),
        reverse("rectification:problem_import_template"),
        reverse("rectification:recheck"),
        reverse("rectification:statistics"),
        reverse("rectification:statistics_export"),
        reverse("rectification:problem_detail", args=[1]),
        reverse("rectification:problem_start", args=[1]),
        reverse("rectification:problem_verify", args=[1]),
    ],
)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("org:login") in response["Location"]


def test_accounts_without_the_permission_get_403(org, login):
    for name in ("no_role", "auditor", "sysadmin"):
        client = login(org.user(name))
        assert client.get(URL).status_code == 403
        assert client.get(reverse("rectification:statistics")).status_code == 403
        assert client.get(EXPORT).status_code == 403
    # a clerk sees and exports but may not register, import or re-check
    clerk = login(org.user("county_a_clerk"))
    assert clerk.get(reverse("rectification:problem_create")).status_code == 403
    assert clerk.get(reverse("rectification:problem_import")).status_code == 403
    assert clerk.get(reverse("rectification:recheck")).status_code == 403


def test_sibling_county_never_sees_the_other_countys_problem(org, login):
    a = new_problem(org, unit="county_a", description="甲一县的问题")
    b = new_problem(org, unit="county_b", description="甲二县的问题")
    client = login(org.user("county_b_clerk"))
    response = ledger(client)
    assert codes(response) == [b.code]
    assert "甲一县的问题" not in response.content.decode()
    assert codes(ledger(client, q=a.code)) == []
    # not even when asked for by unit: the unit is not a valid choice for this user
    assert codes(ledger(client, unit=org.units["county_a"].pk)) == []
    assert client.get(reverse("rectification:problem_detail", args=[a.pk])).status_code == 404
    # the export holds the same rows
    wb = load_workbook(io.BytesIO(client.get(EXPORT).content))
    exported = [row[0] for row in wb.active.iter_rows(min_row=2, values_only=True) if row[0]]
    assert exported == [b.code]
    # the found side (province) sees both; the city sees its two counties
    assert set(codes(ledger(login(org.user("prov_supervisor"))))) == {a.code, b.code}
    c = new_problem(org, unit="county_c")
    assert set(codes(ledger(login(org.user("city_a_supervisor"))))) == {a.code, b.code}
    assert c.code not in codes(ledger(login(org.user("county_a_head"))))


def test_found_side_sees_problems_it_found_in_a_unit_below(org, login):
    p = new_problem(org, unit="inst_a", found_by="county_a", actor="county_a_head")
    assert codes(ledger(login(org.user("county_a_clerk")))) == [p.code]
    assert codes(ledger(login(org.user("inst_a_clerk")))) == [p.code]
    assert codes(ledger(login(org.user("county_b_head")))) == []


# --- rows, lights, filters ----------------------------------------------------------------------------


def test_row_shows_columns_light_reason_and_links_to_detail(org, login):
    p = new_problem(org, days=5, description="院感防控制度未落实")
    clock.travel(days=8)
    html = ledger(login(org.user("prov_supervisor"))).content.decode()
    for header in ("编号", "问题描述", "整改单位", "来源", "类别", "严重程度", "整改时限", "状态", "预警"):
        assert f">{header}</th>" in html
    assert "院感防控制度未落实" in html
    assert "红：逾期3天" in html
    assert reverse("rectification:problem_detail", args=[p.pk]) in html


def test_light_counts_follow_the_other_filters_not_the_light(org, login):
    today = clock.today()
    bulk_problems(org, 2, deadline=today - dt.timedelta(days=1))  # red
    bulk_problems(org, 3, deadline=today + dt.timedelta(days=3))  # yellow
    bulk_problems(org, 4)  # green
    bulk_problems(org, 1, status="closed", deadline=today - dt.timedelta(days=9))  # done
    bulk_problems(org, 5, source="audit", deadline=today - dt.timedelta(days=2))  # red, other source
    client = login(org.user("prov_supervisor"))
    counts = {c["slug"]: c["count"] for c in ledger(client, source="supervision").context["light_counts"]}
    assert counts == {"red": 2, "yellow": 3, "green": 4, "done": 1}
    response = ledger(client, source="supervision", light="yellow")
    assert {c["slug"]: c["count"] for c in response.context["light_counts"]}["red"] == 2
    assert len(response.context["rows"]) == 3
    assert response.context["paginator"].count == 3


def test_every_filter(org, login):
    today = clock.today()
    other_cat = category("安全生产")
    a = bulk_problems(org, 1, unit="inst_a", category=other_cat, severity="severe")[0]
    b = bulk_problems(org, 1, unit="county_a", source="petition", description="信访反映乱收费")[0]
    c = bulk_problems(org, 1, unit="county_b", status="in_progress", deadline=today - dt.timedelta(days=4))[0]
    d = bulk_problems(org, 1, unit="county_c", status="rectified", regressions=1, escalation=2)[0]
    e = bulk_problems(org, 1, unit="county_b", status="closed", found_on=today - dt.timedelta(days=100))[0]
    client = login(org.user("prov_supervisor"))

    def got(**params):
        return sorted(codes(ledger(client, **params)))

    def want(*problems):
        return sorted(p.code for p in problems)

    assert got(unit=org.units["county_a"].pk) == want(a, b)  # with its subtree
    assert got(org_unit=org.units["county_a"].pk) == want(b)  # this level only
    assert got(unit=org.units["city_a"].pk) == want(a, b, c, e)
    assert got(source="petition") == want(b)
    assert got(category=other_cat.pk) == want(a)
    assert got(severity="severe") == want(a)
    assert got(status="open") == want(a, b, c, d)
    assert got(status="in_work") == want(c, d)
    assert got(status="closed") == want(e)
    assert got(light="red") == want(c)
    assert got(overdue="1") == want(c)
    assert got(regressions="1") == want(d)
    assert got(escalation="2") == want(d)
    assert got(q="乱收费") == want(b)
    assert got(q=a.code) == want(a)
    assert got(deadline_to=(today - dt.timedelta(days=1)).isoformat()) == want(c)
    assert got(found_to=(today - dt.timedelta(days=50)).isoformat()) == want(e)
    assert got(found_from=(today - dt.timedelta(days=50)).isoformat(), unit=org.units["county_b"].pk) == want(
        c
    )


def test_campaign_filter_offers_campaigns_of_visible_problems(org, login):
    from supervision import services as sup

    campaign = sup.campaign_create(
        actor=org.user("prov_supervisor"),
        org_unit=org.unit("province"),
        theme="医疗机构依法执业专项督查",
        kind="random",
        start_date=clock.today(),
        end_date=clock.today() + dt.timedelta(days=10),
        checklist=["制度建设"],
    )
    inside = bulk_problems(org, 2, campaign=campaign)
    bulk_problems(org, 1)
    response = ledger(login(org.user("prov_supervisor")), campaign=campaign.pk)
    assert sorted(codes(response)) == sorted(p.code for p in inside)
    assert campaign in response.context["campaign_choices"]
    assert response.context["docx_subject"].startswith("医疗机构依法执业专项督查")


def test_campaign_choices_are_the_campaigns_of_problems_the_user_sees(org, login):
    from supervision import services as sup

    def campaign(theme):
        return sup.campaign_create(
            actor=org.user("prov_supervisor"),
            org_unit=org.unit("province"),
            theme=theme,
            kind="random",
            start_date=clock.today(),
            end_date=clock.today() + dt.timedelta(days=10),
            checklist=["制度建设"],
        )

    seen_as_rectifier = campaign("院感防控专项督查")
    seen_as_finder = campaign("医疗收费专项督查")
    elsewhere = campaign("药品管理专项督查")
    campaign("未发现问题的专项督查")  # no problems at all
    bulk_problems(org, 2, unit="county_a", campaign=seen_as_rectifier)
    bulk_problems(org, 1, unit="county_c", found_by="city_a", campaign=seen_as_finder)
    bulk_problems(org, 1, unit="county_c", found_by="city_b", campaign=elsewhere)
    bulk_problems(org, 1, unit="county_a")  # no campaign
    choices = ledger(login(org.user("city_a_supervisor"))).context["campaign_choices"]
    assert sorted(c.pk for c in choices) == sorted([seen_as_rectifier.pk, seen_as_finder.pk])
    choices = ledger(login(org.user("prov_supervisor"))).context["campaign_choices"]
    assert sorted(c.pk for c in choices) == sorted([seen_as_rectifier.pk, seen_as_finder.pk, elsewhere.pk])
    # a campaign outside the choices matches nothing (and says so)
    response = ledger(login(org.user("city_a_supervisor")), campaign=elsewhere.pk)
    assert codes(response) == []


def test_sort_by_deadline_and_default_worst_light_first(org, login):
    today = clock.today()
    green = bulk_problems(org, 1, deadline=today + dt.timedelta(days=40))[0]
    red = bulk_problems(org, 1, deadline=today - dt.timedelta(days=1))[0]
    yellow = bulk_problems(org, 1, deadline=today + dt.timedelta(days=2))[0]
    client = login(org.user("prov_supervisor"))
    assert codes(ledger(client)) == [red.code, yellow.code, green.code]
    assert codes(ledger(client, sort="-deadline")) == [green.code, yellow.code, red.code]


def test_bad_filter_values_do_not_break_the_page(org, login):
    bulk_problems(org, 2)
    client = login(org.user("prov_supervisor"))
    response = client.get(URL, {"deadline_from": "not-a-date", "unit": "999999", "page": "x"})
    assert response.status_code == 200


# --- query counts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [5, 50])
def test_ledger_query_count_does_not_grow_with_rows(org, login, django_assert_num_queries, n):
    bulk_problems(org, n, unit="county_a")
    client = login(org.user("prov_supervisor"))
    client.get(URL)  # warm the session
    with django_assert_num_queries(12):
        response = client.get(URL, {"per_page": 100, "unit": org.units["city_a"].pk})
    assert len(response.context["rows"]) == n


# --- exports --------------------------------------------------------------------------------------------


def test_excel_export_is_exactly_what_is_shown_and_audited(org, login):
    today = clock.today()
    red = bulk_problems(org, 3, deadline=today - dt.timedelta(days=2), description="=危险公式")
    bulk_problems(org, 4)
    client = login(org.user("prov_supervisor"))
    response = client.get(EXPORT, {"light": "red", "sort": "code"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["编号", "问题描述", "整改单位"] and "预警原因" in header
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0]]
    assert [r[0] for r in rows] == sorted(p.code for p in red)
    assert rows[0][1] == "'=危险公式"  # formula injection escaped
    assert rows[0][header.index("预警原因")] == "红：逾期2天"
    assert isinstance(rows[0][header.index("整改时限")], dt.datetime)
    event = AuditEvent.objects.filter(action="rectification.problem.exported").latest("seq")
    assert event.changes["rows"] == 3 and event.changes["format"] == "xlsx"
    assert "light=red" in event.changes["query"]


def test_docx_problem_list_for_one_unit_and_needs_a_unit_or_campaign(org, login):
    bulk_problems(org, 2, unit="county_a", description="药品储存不规范")
    bulk_problems(org, 1, unit="county_b", description="甲二县的问题")
    client = login(org.user("prov_supervisor"))
    response = client.get(DOCX)  # neither a unit nor a campaign chosen
    assert response.status_code == 302
    response = client.get(DOCX, {"org_unit": org.units["county_a"].pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "甲一县卫生健康局问题清单" in text
    assert "共有问题2个" in text and "整改率0.0%" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert any("药品储存不规范" in c for c in cells)
    assert not any("甲二县的问题" in c for c in cells)
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.left_margin.mm) == 28
    event = AuditEvent.objects.filter(action="rectification.problem.exported").latest("seq")
    assert event.changes["format"] == "docx" and event.changes["rows"] == 2


def test_docx_of_a_sibling_county_is_empty_for_the_other_county(org, login):
    bulk_problems(org, 2, unit="county_a", description="甲一县的秘密问题")
    client = login(org.user("county_b_clerk"))
    # county_a is not a choice for county_b: the filter is invalid → no subject → no document
    response = client.get(DOCX, {"org_unit": org.units["county_a"].pk})
    assert response.status_code == 302
    response = client.get(DOCX, {"org_unit": org.units["county_b"].pk})
    doc = Document(io.BytesIO(response.content))
    assert "甲一县的秘密问题" not in "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)


# --- the ledger's light filter agrees with the rule in Python ---------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    items=st.lists(
        st.tuples(
            st.integers(-20, 20),
            st.sampled_from(["pending", "in_progress", "rectified", "closed"]),
            st.one_of(st.none(), st.integers(-25, 0)),  # the report day (已整改(待验收) only)
        ),
        min_size=1,
        max_size=12,
    ),
    shift=st.integers(0, 10),
)
def test_ledger_light_filter_agrees_with_light_of(org, login, items, shift):
    Problem.objects.all().delete()
    clock.reset()
    today = clock.today()
    for offset, status, reported in items:
        rectified_on = (
            today + dt.timedelta(days=reported) if status == "rectified" and reported is not None else None
        )
        bulk_problems(
            org, 1, deadline=today + dt.timedelta(days=offset), status=status, rectified_on=rectified_on
        )
    clock.travel(days=shift)
    now = clock.today()
    client = login(org.user("prov_supervisor"))
    expected = {slug: set() for slug in ("red", "yellow", "green", "done")}
    slug_of = {Light.RED: "red", Light.YELLOW: "yellow", Light.GREEN: "green", Light.DONE: "done"}
    for p in Problem.objects.all():
        expected[slug_of[light_of(p, now).light]].add(p.code)
        assert is_overdue(p, now) == (light_of(p, now).light == Light.RED)
    assert set(Problem.objects.filter(overdue_q(now)).values_list("code", flat=True)) == expected["red"]
    for slug, want in expected.items():
        response = client.get(URL, {"light": slug, "per_page": 100})
        assert set(codes(response)) == want, slug
        counts = {c["slug"]: c["count"] for c in response.context["light_counts"]}
        assert counts[slug] == len(want)
    clock.reset()
