"""The view declarations of the questionnaire builder and distribution
(tests/views/endpoints_surveys_builder.py), the outsiders of the scope matrix on these endpoints,
what an evaluated unit may and may not do on a round, and the lists' constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.testing.views import ViewTestCase, outsider_failures
from surveys.choices import SurveyMode, SurveyStatus
from surveys.tests.factories import issue_tokens, open_survey, sample_questionnaire
from tests.test_scope_matrix import snapshot
from tests.views.endpoints_surveys_builder import SURVEYS_BUILDER
from tests.views.world import OUTSIDERS, build_world


class TestSurveysBuilderViews(ViewTestCase):
    endpoints = SURVEYS_BUILDER


@pytest.mark.django_db
@pytest.mark.parametrize("outsider", [*OUTSIDERS, "county_b_leader"])
def test_outsiders_get_nothing(org, client, outsider):
    world = build_world(org)
    failures = [f for e in SURVEYS_BUILDER for f in outsider_failures(client, e, world, outsider, snapshot)]
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.django_db
def test_the_evaluated_unit_sees_its_round_but_not_the_tokens_nor_the_buttons(org, client):
    survey = open_survey(org, mode=SurveyMode.TOKEN, status=SurveyStatus.DRAFT)
    target = survey.targets.get()
    token = issue_tokens(org, target, 2)[0]
    client.force_login(org.user("inst_a_clerk"))
    page = client.get(survey.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert target.slug in body and token.code not in body
    assert reverse("surveys:survey_open", args=[survey.pk]) not in body
    assert reverse("surveys:token_issue", args=[target.pk]) not in body
    assert client.get(reverse("surveys:token_issue", args=[target.pk])).status_code == 403
    assert client.get(reverse("surveys:token_export", args=[target.pk])).status_code == 403
    assert (
        client.post(
            reverse("surveys:survey_open", args=[survey.pk]), {"revision": survey.revision}
        ).status_code
        == 403
    )
    assert client.get(reverse("surveys:target_poster", args=[target.pk])).status_code == 200
    client.force_login(org.user("county_b_head"))
    assert client.get(survey.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_qr_codes_are_png_and_svg_of_the_public_link(org, client):
    survey = open_survey(org)
    target = survey.targets.get()
    client.force_login(org.user("county_a_clerk"))
    png = client.get(reverse("surveys:target_qr", args=[target.pk, "png"]))
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get(reverse("surveys:target_qr", args=[target.pk, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    poster = client.get(reverse("surveys:target_poster", args=[target.pk])).content.decode()
    assert f"/s/{target.slug}/" in poster and "不记名" in poster and "甲一县中心卫生院" in poster


def _count(client, url, make, n):
    for _ in range(n):
        make()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"per_page": 100})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_survey_list_query_count_is_constant(org, client):
    qn = sample_questionnaire(org)
    client.force_login(org.user("prov_supervisor"))
    url = reverse("surveys:survey_list")
    client.get(url)
    assert _count(client, url, lambda: open_survey(org, qn), 2) == _count(
        client, url, lambda: open_survey(org, qn), 20
    )


@pytest.mark.django_db
def test_questionnaire_list_query_count_is_constant(org, client):
    client.force_login(org.user("prov_supervisor"))
    url = reverse("surveys:questionnaire_list")
    client.get(url)
    make = lambda: sample_questionnaire(org)  # noqa: E731
    assert _count(client, url, make, 2) == _count(client, url, make, 20)
