"""The view declarations of 人大履职测评 (tests/views/endpoints_surveys_evaluation.py), the outsiders
of the scope matrix on these endpoints, a sibling county seeing nothing of 甲一县's evaluation, the
list's filters and its constant query count, the detail page's stage bar, forms and timeline."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock
from core.testing.views import MARK, ViewTestCase, outsider_failures
from surveys import evaluation as svc
from surveys import evaluation_timeline as timeline
from surveys.models import Evaluation
from tests.test_scope_matrix import snapshot
from tests.views.endpoints_surveys_evaluation import SURVEYS_EVALUATION, _listed, _started
from tests.views.world import OUTSIDERS, build_world


class TestSurveysEvaluationViews(ViewTestCase):
    endpoints = SURVEYS_EVALUATION


@pytest.mark.django_db
@pytest.mark.parametrize("outsider", [*OUTSIDERS, "county_b_leader"])
def test_outsiders_get_nothing(org, client, outsider):
    world = build_world(org)
    failures = [
        f for e in SURVEYS_EVALUATION for f in outsider_failures(client, e, world, outsider, snapshot)
    ]
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.django_db
def test_sibling_county_sees_nothing_insiders_see_it(org, client):
    ev = _started({"org": org})["evaluation"]
    pages = [reverse("surveys:evaluation_list"), ev.get_absolute_url()]
    for outsider in ("county_b_head", "county_b_leader", "county_c_clerk"):
        client.force_login(org.user(outsider))
        listing, detail = (client.get(url) for url in pages)
        assert MARK not in listing.content.decode(), outsider
        assert detail.status_code in (403, 404), outsider
    for insider in ("county_a_clerk", "county_a_head", "city_a_supervisor", "city_a_leader", "prov_leader"):
        client.force_login(org.user(insider))
        assert f"{MARK}履职测评" in client.get(pages[0]).content.decode(), insider
        assert client.get(pages[1]).status_code == 200, insider


def _make(org, n, start=0):
    for i in range(n):
        svc.evaluation_create(
            actor=org.user("city_a_supervisor"),
            org_unit=org.unit("city_a"),
            department=org.unit("county_a" if i % 2 else "county_b"),
            title=f"测评{start + i}",
            congress="甲市人大常委会",
            year=2025 + i % 2,
        )


@pytest.mark.django_db
def test_list_query_count_is_constant(org, client):
    client.force_login(org.user("prov_leader"))
    url = reverse("surveys:evaluation_list")
    client.get(url)

    def count(n, start):
        _make(org, n, start)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"per_page": 100}).status_code == 200
        return len(ctx.captured_queries)

    assert count(2, 0) == count(30, 10)


@pytest.mark.django_db
def test_list_filters_by_stage_and_year(org, client):
    _make(org, 4)
    ev = Evaluation.objects.get(title="测评1")
    svc.self_report_submit(actor=org.user("county_a_clerk"), evaluation=ev, text="自查")
    client.force_login(org.user("city_a_supervisor"))
    url = reverse("surveys:evaluation_list")
    page = client.get(url, {"stage": "survey"}).content.decode()
    assert "测评1" in page and "测评0" not in page and "测评2" not in page
    page = client.get(url, {"year": 2025}).content.decode()
    assert "测评0" in page and "测评2" in page and "测评1" not in page
    assert "测评3" in client.get(url, {"q": "测评3"}).content.decode()
    assert "没有符合条件" in client.get(url, {"stage": "nonsense"}).content.decode()


@pytest.mark.django_db
def test_detail_shows_the_bar_the_allowed_forms_and_the_timeline(org, client):
    ev = _listed({"org": org})["evaluation"]
    client.force_login(org.user("city_a_supervisor"))
    page = client.get(ev.get_absolute_url()).content.decode()
    assert page.count('data-state="done"') == 4 and page.count('data-state="current"') == 1
    assert reverse("surveys:evaluation_result", args=[ev.pk]) in page
    assert reverse("surveys:evaluation_meeting", args=[ev.pk]) not in page
    for text in (
        "启动测评",
        "提交自查报告",
        "发起代表测评",
        "评议会议：评议会",
        "形成问题清单",
        "基层人才短缺",
    ):
        assert text in page, text
    problem = ev.problems.get()
    assert problem.get_absolute_url() in page and timeline.survey_url(ev) in page
    client.force_login(org.user("county_a_clerk"))
    page = client.get(ev.get_absolute_url()).content.decode()
    assert reverse("surveys:evaluation_result", args=[ev.pk]) not in page
    assert "由甲市卫健委督查员形成结果报告" in page


@pytest.mark.django_db
def test_wrong_stage_goes_back_with_the_reason(org, client):
    ev = _started({"org": org})["evaluation"]
    client.force_login(org.user("city_a_supervisor"))
    response = client.get(reverse("surveys:evaluation_meeting", args=[ev.pk]), follow=True)
    assert "只有代表测评发起后才能记录评议会议" in response.content.decode()
    client.force_login(org.user("county_a_clerk"))
    assert client.get(reverse("surveys:evaluation_meeting", args=[ev.pk])).status_code == 403
    assert clock.today()
