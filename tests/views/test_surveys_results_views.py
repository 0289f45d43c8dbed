"""The view declarations of 满意度测评 results (tests/views/endpoints_surveys_results.py), the
outsiders of the scope matrix on them, a sibling county seeing nothing of 甲一县's round (pages,
chart data, export, drill-downs) while the organiser's scope and the evaluated unit do, every
kind of number equal to the count of the responses behind it, and flat query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.testing.views import MARK, ViewTestCase, outsider_failures, xlsx_text
from surveys.tests.factories import answer, open_survey, sheet
from tests.test_scope_matrix import snapshot
from tests.views.endpoints_surveys_results import SURVEY_RESULTS, results_round
from tests.views.world import OUTSIDERS, build_world


class TestSurveyResultsViews(ViewTestCase):
    endpoints = SURVEY_RESULTS


@pytest.mark.django_db
@pytest.mark.parametrize("outsider", [*OUTSIDERS, "county_b_leader", "county_b_clerk"])
def test_outsiders_get_nothing(org, client, outsider):
    world = build_world(org)
    failures = [f for e in SURVEY_RESULTS for f in outsider_failures(client, e, world, outsider, snapshot)]
    assert not failures, "\n".join(map(str, failures))


def _pages(world):
    t = world["target"]
    return [
        reverse("surveys:survey_results", args=[world["survey"].pk]),
        reverse("surveys:target_results", args=[t.pk]),
        f"{reverse('surveys:response_list')}?target={t.pk}",
        f"{reverse('surveys:response_list')}?target={t.pk}&word=排队",
        reverse("surveys:response_detail", args=[world["response"].pk]),
    ]


@pytest.mark.django_db
def test_sibling_county_sees_nothing_insiders_see_it(org, client):
    world = results_round({"org": org})
    pages = _pages(world)
    export = reverse("surveys:survey_export", args=[world["survey"].pk])
    for outsider in ("county_b_leader", "county_b_head", "county_c_clerk"):
        client.force_login(org.user(outsider))
        assert [client.get(url).status_code for url in [*pages, export]] in (
            [404] * 6,
            [403] * 6,
            [404] * 5 + [403],
        )
    for insider in ("county_a_clerk", "inst_a_clerk", "county_a_head", "city_a_leader", "prov_supervisor"):
        client.force_login(org.user(insider))
        assert [client.get(url).status_code for url in pages] == [200] * 5, insider
    client.force_login(org.user("county_a_leader"))
    assert MARK in xlsx_text(client.get(export).content)


def _count(client, url) -> int:
    body = client.get(url).content.decode()
    return int(re.search(r'<strong id="total">(\d+)</strong>', body).group(1))


@pytest.mark.django_db
def test_every_number_drills_down_to_as_many_responses(org, client):
    survey = open_survey(org, targets=("inst_a", "county_a"))
    target = survey.targets.get(unit=org.unit("inst_a"))
    for q1, q2, q5, q7 in (
        ("a", 5, ["a"], "排队太久"),
        ("b", 4, ["a", "b"], ""),
        ("x", 2, [], "排队缴费都慢"),
        ("d", 1, ["c"], ""),
    ):
        answer(target, sheet(q1=q1, q2=q2, q5=q5, q7=q7))
    client.force_login(org.user("county_a_clerk"))
    page = client.get(reverse("surveys:target_results", args=[target.pk]))
    ctx = page.context
    assert (
        _count(client, f"{reverse('surveys:response_list')}?target={target.pk}")
        == ctx["result"].responses
        == 4
    )
    for item in ctx["result"].items:  # an item's n
        assert _count(client, item.url) == item.n, item.slug
    q1 = next(i for i in ctx["result"].items if i.question == "q1")
    assert q1.n == 3  # 不清楚 is not counted
    for d in ctx["distributions"]:  # every bar (options, ratings, matrix rows, multiple choice)
        for bar in d.bars + [b for _, _, bars in d.rows for b in bars]:
            assert _count(client, bar.url) == bar.count, (d.question["key"], bar.label)
    for word, n, url in ctx["words"]:  # every word
        assert _count(client, url) == n, word
    assert dict((w, n) for w, n, _ in ctx["words"])["排队"] == 2
    ranked = client.get(reverse("surveys:survey_results", args=[survey.pk])).context["ranked"]
    for r in ranked:  # the ranking's response counts
        assert _count(client, r.responses_url) == r.responses


@pytest.mark.django_db
def test_query_counts_are_flat_in_responses_and_units(org, client):
    client.force_login(org.user("prov_supervisor"))

    def counts(units, responses):
        survey = open_survey(org, targets=units)
        targets = list(survey.targets.all())
        for i in range(responses):
            answer(
                targets[i % len(targets)],
                sheet(q1="abcde"[i % 5], q2=1 + i % 5, q5=["a"], q7=f"意见{i % 7}排队"),
            )
        out = []
        for url in (
            reverse("surveys:survey_results", args=[survey.pk]),
            reverse("surveys:target_results", args=[targets[0].pk]),
            f"{reverse('surveys:response_list')}?target={targets[0].pk}&item=q4.r2",
            reverse("surveys:survey_export", args=[survey.pk]),
        ):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    client.get(reverse("surveys:response_list"))  # the session and the grants, once
    assert counts(("inst_a",), 10) == counts(("inst_a", "county_a", "county_b", "city_a"), 200)
