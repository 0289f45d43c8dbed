"""The supervision pages as a user meets them: who may open what, and what each form does."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from core import clock
from rectification.models import Problem, ProblemCategory
from supervision import services
from supervision.choices import CampaignStatus
from supervision.models import Campaign, Draw, Finding, InspectionRecord
from supervision.tests.support_views import (
    INSPECTORS,
    TARGETS,
    add_record,
    city_b_supervisor,
    drawn_campaign,
    make_campaign,
)

pytestmark = pytest.mark.django_db


def urls_of(campaign, record, finding, draw):
    """(method, url) of every page and action of the supervision app."""
    return [
        ("get", reverse("supervision:campaign_list")),
        ("get", reverse("supervision:campaign_export")),
        ("get", reverse("supervision:campaign_create")),
        ("get", reverse("supervision:campaign_detail", args=[campaign.pk])),
        ("get", reverse("supervision:campaign_draw", args=[campaign.pk])),
        ("post", reverse("supervision:campaign_draw", args=[campaign.pk])),
        ("post", reverse("supervision:campaign_close", args=[campaign.pk])),
        ("get", reverse("supervision:record_create", args=[campaign.pk])),
        ("post", reverse("supervision:record_create", args=[campaign.pk])),
        ("post", reverse("supervision:draw_verify", args=[draw.pk])),
        ("get", reverse("supervision:record_list")),
        ("get", reverse("supervision:record_export")),
        ("get", reverse("supervision:record_detail", args=[record.pk])),
        ("get", reverse("supervision:finding_create", args=[record.pk])),
        ("post", reverse("supervision:finding_create", args=[record.pk])),
        ("get", reverse("rectification:finding_convert", args=[finding.pk])),
        ("post", reverse("rectification:finding_convert", args=[finding.pk])),
    ]


@pytest.fixture
def world(org):
    campaign = drawn_campaign(org)
    record = add_record(org, campaign, "county_a")
    return campaign, record, record.findings.get(), campaign.draws.get()


# --- access: anonymous, no permission, out of scope ---------------------------------------------------


def test_anonymous_goes_to_login_everywhere(client, world):
    for method, url in urls_of(*world):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert reverse("org:login") in response["Location"], url


def test_no_permission_is_403(org, login, world):
    campaign, record, finding, draw = world
    # a 联络员 of the inspected county may read its own inspection record, nothing else of the campaign
    client = login(org.user("county_a_clerk"))
    for method, url in urls_of(*world):
        if url in (
            reverse("supervision:record_list"),
            reverse("supervision:record_export"),
            reverse("supervision:record_detail", args=[record.pk]),
        ):
            assert getattr(client, method)(url).status_code == 200, url
        else:
            assert getattr(client, method)(url).status_code == 403, url
    # a 领导 reads campaigns but may not draw, inspect, close or convert
    client = login(org.user("prov_leader"))
    for method, url in [
        ("get", reverse("supervision:campaign_draw", args=[campaign.pk])),
        ("post", reverse("supervision:campaign_draw", args=[campaign.pk])),
        ("post", reverse("supervision:campaign_close", args=[campaign.pk])),
        ("get", reverse("supervision:record_create", args=[campaign.pk])),
        ("post", reverse("supervision:record_create", args=[campaign.pk])),
        ("get", reverse("supervision:finding_create", args=[record.pk])),
        ("post", reverse("supervision:finding_create", args=[record.pk])),
        ("get", reverse("rectification:finding_convert", args=[finding.pk])),
        ("get", reverse("supervision:campaign_create")),
    ]:
        assert getattr(client, method)(url).status_code == 403, url
    assert client.get(reverse("supervision:campaign_detail", args=[campaign.pk])).status_code == 200
    # the inspected county's head may register problems of its own, not convert the campaign's findings
    client = login(org.user("county_a_head"))
    assert client.get(reverse("rectification:finding_convert", args=[finding.pk])).status_code == 403
    assert not Problem.objects.exists()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE


def test_out_of_scope_is_404_and_lists_are_empty(org, login, world):
    campaign, record, finding, draw = world
    client = login(city_b_supervisor(org))
    lists = {
        reverse("supervision:campaign_list"),
        reverse("supervision:campaign_export"),
        reverse("supervision:campaign_create"),
        reverse("supervision:record_list"),
        reverse("supervision:record_export"),
    }
    for method, url in urls_of(*world):
        response = getattr(client, method)(url)
        if url in lists:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 404, url
    assert campaign.theme not in client.get(reverse("supervision:campaign_list")).content.decode()
    assert "甲一县" not in client.get(reverse("supervision:record_list")).content.decode()
    for url in (reverse("supervision:campaign_export"), reverse("supervision:record_export")):
        ws = load_workbook(io.BytesIO(client.get(url).content)).active
        assert ws.max_row == 1 or all(
            r[0].value is None or "统计" in str(r[0].value) for r in ws.iter_rows(min_row=2)
        )
    # a 联络员 of a sibling county does not see 甲一县's record
    client = login(org.user("county_b_clerk"))
    assert client.get(reverse("supervision:record_detail", args=[record.pk])).status_code == 404
    assert "甲一县" not in client.get(reverse("supervision:record_list")).content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE and not Problem.objects.exists()


# --- create -------------------------------------------------------------------------------------------------


def _create_data(org, **over):
    today = clock.today()
    data = {
        "org_unit": org.units["city_a"].pk,
        "theme": "医疗机构安全生产专项督查",
        "kind": "covert",
        "start_date": today.isoformat(),
        "end_date": (today + dt.timedelta(days=20)).isoformat(),
        "description": "消防、用电、危化品管理",
        "checklist": "消防通道畅通\n\n危化品专人管理\n",
        "target_pool": [org.units["county_a"].pk, org.units["county_b"].pk],
        "inspector_pool": [org.users["county_a_head"].pk, org.users["county_b_head"].pk],
    }
    data.update(over)
    return data


def test_create_campaign_through_the_form(org, login):
    client = login(org.user("city_a_supervisor"))
    page = client.get(reverse("supervision:campaign_create")).content.decode()
    assert "　甲一县卫生健康局" in page  # tree-indented target pool
    assert "乙三县" not in page  # units outside the organiser's scope are not offered
    response = client.post(reverse("supervision:campaign_create"), _create_data(org))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()
    assert campaign.kind == "covert" and campaign.org_unit == org.unit("city_a")
    assert [i.text for i in campaign.checklist.all()] == ["消防通道畅通", "危化品专人管理"]
    assert set(campaign.target_pool.values_list("pk", flat=True)) == {
        org.units["county_a"].pk,
        org.units["county_b"].pk,
    }
    assert AuditEvent.objects.filter(
        action="supervision.campaign.created", object_id=str(campaign.pk)
    ).exists()
    detail = client.get(campaign.get_absolute_url()).content.decode()
    assert "医疗机构安全生产专项督查" in detail and "危化品专人管理" in detail


def test_create_errors_are_chinese_and_keep_the_input(org, login):
    client = login(org.user("city_a_supervisor"))
    data = _create_data(org, end_date=(clock.today() - dt.timedelta(days=1)).isoformat(), kind="")
    response = client.post(reverse("supervision:campaign_create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and not Campaign.objects.exists()
    assert "结束日期不能早于开始日期" in page and "请选择方式" in page
    assert "医疗机构安全生产专项督查" in page and "危化品专人管理" in page
    # a unit outside the scope, forged into the pool, is refused next to the field
    data = _create_data(org, target_pool=[org.units["county_c"].pk])
    page = client.post(reverse("supervision:campaign_create"), data).content.decode()
    assert "检查对象须在您的管辖范围内" in page and not Campaign.objects.exists()


def test_quick_pick_selects_a_level_and_keeps_what_was_typed(org, login):
    client = login(org.user("city_a_supervisor"))
    data = _create_data(org, target_pool=[org.units["inst_a"].pk], pick="county")
    response = client.post(reverse("supervision:campaign_create"), data)
    form = response.context["form"]
    assert response.status_code == 200 and not Campaign.objects.exists()
    chosen = {int(v) for v in form["target_pool"].value()}
    assert chosen == {org.units["inst_a"].pk, org.units["county_a"].pk, org.units["county_b"].pk}
    assert form["theme"].value() == "医疗机构安全生产专项督查" and not form.errors
    html = response.content.decode()
    # the count is kept live by supervision/campaign_form.js (the e2e walk checks it in the browser)
    assert re.search(r'已选<span data-count-for="id_target_pool"[^>]*>3</span>个', html)
    assert "supervision/campaign_form.js" in html
    # on an empty form, through the URL
    form = client.get(reverse("supervision:campaign_create"), {"pick": "institution"}).context["form"]
    assert [int(v) for v in form["target_pool"].value()] == [org.units["inst_a"].pk]


# --- draw and 复核 ------------------------------------------------------------------------------------------


def test_draw_and_verify_through_the_pages(org, login):
    campaign = make_campaign(org)
    client = login(org.user("city_a_supervisor"))
    response = client.post(
        reverse("supervision:campaign_draw", args=[campaign.pk]),
        {"target_count": 2, "inspectors_per_target": 1, "seed": "2026-督查-01"},
    )
    assert response.status_code == 302
    draw = Draw.objects.get()
    assert draw.seed == "2026-督查-01" and len(draw.result) == 2
    assert AuditEvent.objects.filter(action="supervision.campaign.drawn").count() == 1
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "2026-督查-01" in page and "复核抽签" in page
    from org.models import Unit, User

    for row in draw.result:
        assert Unit.objects.get(pk=row["target"]).name in page
        assert all(User.objects.get(pk=i).full_name in page for i in row["inspectors"])
    response = client.post(reverse("supervision:draw_verify", args=[draw.pk]), follow=True)
    page = response.content.decode()
    assert "复核一致" in page and "复核不一致" not in page
    assert response.context["latest"].verified is True
    assert [r.target_id for r in response.context["latest"].again] == [r["target"] for r in draw.result]
    assert [[p.pk for p in r.inspectors] for r in response.context["latest"].again] == [
        r["inspectors"] for r in draw.result
    ]
    assert AuditEvent.objects.filter(action="supervision.draw.verified").count() == 1
    # the same seed through the web again gives the same targets
    client.post(
        reverse("supervision:campaign_draw", args=[campaign.pk]),
        {"target_count": 2, "inspectors_per_target": 1, "seed": "2026-督查-01", "reason": "复现抽签"},
    )
    assert Draw.objects.count() == 2
    assert Draw.objects.order_by("-id").first().result == draw.result
    # an earlier draw of the history can be re-checked too
    response = client.post(reverse("supervision:draw_verify", args=[draw.pk]), follow=True)
    assert response.context["verified_old"].draw == draw and response.context["verified_old"].verified is True


def test_verify_shows_a_tampered_record(org, login):
    campaign = drawn_campaign(org)
    draw = campaign.draws.get()
    Draw.objects.filter(pk=draw.pk).update(
        result=[{**draw.result[0], "inspectors": [org.users["no_role"].pk]}]
    )
    client = login(org.user("prov_leader"))  # anyone who may see the campaign may check its draw
    page = client.post(reverse("supervision:draw_verify", args=[draw.pk]), follow=True).content.decode()
    assert "复核不一致" in page


def test_draw_form_errors_stay_on_the_form(org, login):
    campaign = make_campaign(org)
    client = login(org.user("city_a_supervisor"))
    response = client.post(
        reverse("supervision:campaign_draw", args=[campaign.pk]),
        {"target_count": 9, "inspectors_per_target": 1, "seed": "abc"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "抽取对象数须在1到3之间" in page and 'value="abc"' in page
    assert not Draw.objects.exists()


# --- records, findings, 转为问题 ----------------------------------------------------------------------------


def _record_data(org, campaign, **over):
    items = list(campaign.checklist.all())
    data = {
        "target": org.units["county_b"].pk,
        "inspected_on": campaign.start_date.isoformat(),
        "site": "甲二县人民医院",
        "is_key_site": "on",
        "inspectors": [org.users["county_a_head"].pk],
        "summary": "现场查看药房和病房",
        f"check_{items[0].pk}": "problem",
        f"note_{items[0].pk}": "履约率偏低",
        f"check_{items[1].pk}": "ok",
        f"note_{items[1].pk}": "",
        f"check_{items[2].pk}": "na",
        f"note_{items[2].pk}": "",
        "f1_description": "签约居民随访记录缺失",
        "f1_severity": "serious",
        "f1_item": items[0].pk,
        "f2_description": "",
        "f3_description": "病房消防通道堆放杂物",
        "f3_severity": "general",
        "f3_item": "",
    }
    data.update(over)
    return data


def test_record_form_saves_checks_and_findings(org, login):
    campaign = drawn_campaign(org)
    client = login(org.user("city_a_supervisor"))
    url = reverse("supervision:record_create", args=[campaign.pk])
    target = org.unit("county_b")
    form = client.get(url, {"target": target.pk}).context["form"]
    drawn = list(campaign.inspections.filter(target=target).values_list("inspector_id", flat=True))
    assert form["target"].value() == target.pk and list(form["inspectors"].value()) == drawn
    response = client.post(url, _record_data(org, campaign))
    rec = InspectionRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == rec.get_absolute_url()
    assert rec.org_unit == target and rec.is_key_site and rec.site == "甲二县人民医院"
    assert sorted(c.get_result_display() for c in rec.checks.all()) == ["不适用", "发现问题", "符合"]
    assert [f.description for f in rec.findings.all()] == ["签约居民随访记录缺失", "病房消防通道堆放杂物"]
    assert rec.findings.first().severity == "serious" and rec.findings.first().item is not None
    assert AuditEvent.objects.filter(action="supervision.record.created", object_id=str(rec.pk)).exists()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE
    page = client.get(rec.get_absolute_url()).content.decode()
    assert "签约居民随访记录缺失" in page and "履约率偏低" in page and "转为问题" in page


def test_record_form_refuses_a_unit_that_is_not_a_target(org, login):
    campaign = make_campaign(org)
    services.campaign_draw(
        actor=org.user("city_a_supervisor"),
        campaign=campaign,
        target_count=1,
        inspectors_per_target=1,
        seed="s",
    )
    drawn = campaign.targets.get()
    other = next(org.unit(k) for k in TARGETS if org.units[k].pk != drawn.pk)
    client = login(org.user("city_a_supervisor"))
    response = client.post(
        reverse("supervision:record_create", args=[campaign.pk]),
        _record_data(org, campaign, target=other.pk, inspectors=[org.users[INSPECTORS[1]].pk]),
    )
    page = response.content.decode()
    assert response.status_code == 200 and not InspectionRecord.objects.exists()
    assert "该单位不是本次督查的检查对象" in page
    assert "甲二县人民医院" in page and "签约居民随访记录缺失" in page and "病房消防通道堆放杂物" in page
    # and a date outside the period
    response = client.post(
        reverse("supervision:record_create", args=[campaign.pk]),
        _record_data(org, campaign, target=drawn.pk, inspected_on="2000-01-01"),
    )
    assert "检查日期须在督查期间内" in response.content.decode() and not InspectionRecord.objects.exists()


def test_finding_converts_to_a_problem_exactly_once(org, login):
    campaign = drawn_campaign(org)
    rec = add_record(org, campaign, "county_a")
    finding = rec.findings.get()
    client = login(org.user("city_a_supervisor"))
    url = reverse("rectification:finding_convert", args=[finding.pk])
    data = {
        "category": ProblemCategory.objects.get(name="医疗质量").pk,
        "deadline": (clock.today() + dt.timedelta(days=15)).isoformat(),
        "requirement": "立即清理，建立效期管理台账",
    }
    response = client.post(url, data)
    problem = Problem.objects.get()
    assert response.status_code == 302 and response["Location"] == problem.get_absolute_url()
    assert (problem.finding, problem.record, problem.campaign, problem.org_unit) == (
        finding,
        rec,
        campaign,
        org.unit("county_a"),
    )
    assert problem.requirement == "立即清理，建立效期管理台账"
    again = client.post(url, data)
    assert again.status_code == 302 and again["Location"] == problem.get_absolute_url()
    assert Problem.objects.count() == 1
    page = client.get(rec.get_absolute_url()).content.decode()
    assert f"已转为问题 {problem.code}" in page


def test_record_page_offers_convert_under_each_open_finding_in_constant_queries(org, login):
    """转为问题 is rectification's section under each finding (core.panels): shown to the
    organising side for a finding not converted yet; its 问题类别 options read once a page."""
    campaign = drawn_campaign(org)
    small = add_record(org, campaign, "county_a", findings=("问题甲", "问题乙"))
    large = add_record(org, campaign, "county_b", findings=tuple(f"问题{i}" for i in range(12)))
    client = login(org.user("city_a_supervisor"))
    client.get(small.get_absolute_url())  # warm the session
    queries = []
    for rec, n in ((small, 2), (large, 12)):
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(rec.get_absolute_url()).content.decode()
        queries.append(len(ctx.captured_queries))
        convert = reverse("rectification:finding_convert", args=[rec.findings.first().pk])
        assert page.count("转为问题</summary>") == n and f'action="{convert}"' in page
        assert "医疗质量" in page
    assert queries[0] == queries[1]
    inspected = login(org.user("county_a_clerk"))  # the inspected side may see its record, never the form
    response = inspected.get(small.get_absolute_url())
    assert "转为问题</summary>" not in response.content.decode()


def test_convert_errors_keep_the_input(org, login):
    campaign = drawn_campaign(org)
    finding = add_record(org, campaign, "county_a").findings.get()
    client = login(org.user("city_a_supervisor"))
    response = client.post(
        reverse("rectification:finding_convert", args=[finding.pk]),
        {"category": "", "deadline": "2000-01-01", "requirement": "限期整改"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Problem.objects.exists()
    assert "请选择问题类别" in page and "限期整改" in page


def test_add_finding_on_the_record_page(org, login):
    campaign = drawn_campaign(org)
    rec = add_record(org, campaign, "county_a", findings=())
    client = login(org.user("city_a_supervisor"))
    url = reverse("supervision:finding_create", args=[rec.pk])
    page = client.post(url, {"description": "  ", "severity": "general"}).content.decode()
    assert "请填写问题描述" in page and not Finding.objects.exists()
    response = client.post(url, {"description": "医疗废物暂存点无警示标识", "severity": "severe", "item": ""})
    assert response.status_code == 302
    assert Finding.objects.get().description == "医疗废物暂存点无警示标识"
    assert AuditEvent.objects.filter(action="supervision.finding.created").exists()


def test_close_campaign_then_no_more_records(org, login):
    campaign = drawn_campaign(org)
    client = login(org.user("city_a_supervisor"))
    response = client.post(reverse("supervision:campaign_close", args=[campaign.pk]))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert AuditEvent.objects.filter(action="supervision.campaign.closed").exists()
    response = client.get(reverse("supervision:record_create", args=[campaign.pk]), follow=True)
    assert "督查已结束，不能再录入检查记录" in response.content.decode()
    response = client.post(
        reverse("supervision:record_create", args=[campaign.pk]), _record_data(org, campaign)
    )
    assert "督查已结束" in response.content.decode() and not InspectionRecord.objects.exists()
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "结束督查" not in page and "录入检查记录</a>" not in page


# --- statistics, exports, nav -------------------------------------------------------------------------------


def _issue_letter(org, campaign, unit):
    from core.testing import PASSWORD
    from documents import builders
    from documents import services as dsvc

    problems = Problem.objects.filter(campaign=campaign, org_unit=org.unit(unit))
    draft = builders.assignment_letter(
        issuer=org.unit("city_a"), recipient=org.unit(unit), problems=problems, campaign=campaign
    )
    doc = dsvc.document_draft(
        actor=org.user("city_a_supervisor"),
        kind="letter",
        org_unit=org.unit("city_a"),
        draft=draft,
        recipient=org.unit(unit),
        campaign=campaign,
        problems=list(problems),
    )
    dsvc.document_submit(actor=org.user("city_a_supervisor"), document=doc)
    return doc, lambda: dsvc.document_issue(actor=org.user("city_a_leader"), document=doc, password=PASSWORD)


def _problems_from(org, rec):
    from rectification.services import problem_from_finding

    for f in rec.findings.all():
        problem_from_finding(
            actor=org.user("city_a_supervisor"),
            finding=f,
            category=ProblemCategory.objects.first(),
            deadline=clock.today() + dt.timedelta(days=30),
        )


def test_statistics_line_comes_from_the_data(org, login):
    one = drawn_campaign(org, theme="第一轮督查")
    two = drawn_campaign(org, theme="第二轮督查", kind="open")
    make_campaign(org, theme="尚未开始的督查")  # counts as a round, nothing else
    # one: county_a twice (one unit-visit), county_b once at a key site; two: inst_a at a key site
    r1 = add_record(org, one, "county_a", findings=("问题甲", "问题乙"))
    clock.travel(days=1)  # the second visit the next day (an inspection cannot be dated ahead)
    add_record(org, one, "county_a", findings=(), day=1)
    r3 = add_record(org, one, "county_b", key=True, findings=("问题丙",))
    r4 = add_record(org, two, "inst_a", key=True, findings=("问题丁",))
    for rec in (r1, r3, r4):
        _problems_from(org, rec)
    _doc, issue = _issue_letter(org, one, "county_a")
    issue()
    _issue_letter(org, one, "county_b")  # a draft letter is not 下发
    client = login(org.user("city_a_supervisor"))
    response = client.get(reverse("supervision:campaign_list"))
    sentence = "开展专项督查3次，检查单位3次，重点场所2次，发现问题4个，下发交办函1份"
    assert sentence in response.content.decode()
    rows = {c.theme: c for c in response.context["page_obj"]}
    assert (rows["第一轮督查"].n_records, rows["第一轮督查"].n_units_checked, rows["第一轮督查"].n_key) == (
        3,
        2,
        1,
    )
    assert (rows["第一轮督查"].n_problems, rows["第一轮督查"].n_letters, rows["第一轮督查"].n_targets) == (
        3,
        1,
        3,
    )
    assert (rows["第二轮督查"].n_records, rows["第二轮督查"].n_problems, rows["第二轮督查"].n_letters) == (
        1,
        1,
        0,
    )
    assert rows["尚未开始的督查"].n_records == 0
    # the line follows the filters
    page = client.get(reverse("supervision:campaign_list"), {"kind": "open"}).content.decode()
    assert "开展专项督查1次，检查单位1次，重点场所1次，发现问题1个，下发交办函0份" in page
    # the campaign page shows its own figures, per target too
    response = client.get(one.get_absolute_url())
    assert (
        response.context["stats"]
        .sentence()
        .startswith("开展专项督查1次，检查单位2次，重点场所1次，发现问题3个")
    )
    by_unit = {t.unit.pk: t for t in response.context["targets"]}
    a = by_unit[org.units["county_a"].pk]
    assert (a.records, a.findings, a.problems) == (2, 2, 2)


def test_campaign_export_is_the_list_as_shown(org, login):
    drawn_campaign(org, theme="第一轮督查")
    two = drawn_campaign(org, theme="第二轮督查", kind="open")
    add_record(org, two, "inst_a", key=True)
    client = login(org.user("city_a_supervisor"))
    response = client.get(reverse("supervision:campaign_export"), {"kind": "open"})
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "督查主题", "方式")
    assert rows[1][1] == "第二轮督查" and rows[1][2] == "明查" and rows[1][8:12] == (1, 1, 1, 0)
    assert len([r for r in rows[1:] if r and r[0] and str(r[0]).startswith("DC-")]) == 1
    assert any(r[0] and "开展专项督查1次" in str(r[0]) for r in rows)
    assert AuditEvent.objects.filter(action="supervision.campaign.exported").exists()


def test_record_export_has_the_findings(org, login):
    campaign = drawn_campaign(org)
    add_record(org, campaign, "county_a", findings=("问题甲", "=HYPERLINK(1)"))
    add_record(org, campaign, "county_b", findings=())
    client = login(org.user("city_a_supervisor"))
    response = client.get(reverse("supervision:record_export"), {"campaign": campaign.pk})
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2
    a = next(r for r in rows if r[1] == "甲一县卫健局")
    assert a[6] == 2 and "1. 问题甲（一般）" in a[7] and "2. =HYPERLINK(1)" in a[7]
    assert AuditEvent.objects.filter(action="supervision.record.exported").exists()


def test_nav_shows_supervision_to_those_who_may_see_it(org, login):
    page = login(org.user("city_a_supervisor")).get(reverse("supervision:campaign_list")).content.decode()
    assert f'href="{reverse("supervision:campaign_list")}"' in page and "专项督查" in page
    page = login(org.user("county_a_clerk")).get(reverse("supervision:record_list")).content.decode()
    assert f'href="{reverse("supervision:campaign_list")}"' not in page


# --- query counts --------------------------------------------------------------------------------------------

# session, user, security policy, grants (1), unread count, the user's unit; then the page's own
# queries; the same literal at 5 and 50 rows.
CAMPAIGN_LIST_QUERIES = 12  # + count, 4 statistics, rows with per-row counts as subqueries
RECORD_LIST_QUERIES = 12  # + count, rows, inspectors, findings (with problems), campaign filter options


def _campaigns(org, n):
    for i in range(n):
        c = make_campaign(org, theme=f"督查{i}")
        if i % 2 == 0:
            services.campaign_draw(
                actor=org.user("city_a_supervisor"),
                campaign=c,
                target_count=3,
                inspectors_per_target=1,
                seed="s",
            )


@pytest.mark.parametrize("n", [5, 50])
def test_campaign_list_query_count(org, login, django_assert_num_queries, n):
    _campaigns(org, n)
    client = login(org.user("city_a_supervisor"))
    client.get(reverse("supervision:campaign_list"))  # warm the session
    with django_assert_num_queries(CAMPAIGN_LIST_QUERIES):
        response = client.get(reverse("supervision:campaign_list"), {"per_page": 50, "q": "督查"})
    assert len(response.context["page_obj"]) == n


@pytest.mark.parametrize("n", [5, 50])
def test_record_list_query_count(org, login, django_assert_num_queries, n):
    clock.travel(days=-20)  # a campaign begun 20 days ago: its visits are dated in the past
    campaign = drawn_campaign(org)
    clock.reset()
    for i in range(n):
        add_record(org, campaign, TARGETS[i % 3], key=i % 2 == 0, findings=(f"问题{i}",), day=i % 20)
    client = login(org.user("city_a_supervisor"))
    client.get(reverse("supervision:record_list"))
    with django_assert_num_queries(RECORD_LIST_QUERIES):
        response = client.get(reverse("supervision:record_list"), {"per_page": 50, "campaign": campaign.pk})
    assert len(response.context["page_obj"]) == n
