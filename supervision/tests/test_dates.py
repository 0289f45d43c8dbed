"""Dates no one means on the supervision forms: an inspection dated ahead of today, a 整改时限 of
9999-12-31 when a finding becomes a problem (the campaign period: test_views_create)."""

import datetime as dt

import pytest
from django.urls import reverse

from core import clock
from rectification.models import Problem, ProblemCategory
from supervision.models import InspectionRecord
from supervision.tests.support_views import add_record, drawn_campaign
from supervision.tests.test_views import _record_data

pytestmark = pytest.mark.django_db


def test_record_form_refuses_an_inspection_dated_tomorrow(org, login):
    campaign = drawn_campaign(org)
    client = login(org.user("city_a_supervisor"))
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("supervision:record_create", args=[campaign.pk]),
        _record_data(org, campaign, inspected_on=tomorrow),
    )
    assert response.status_code == 200 and not InspectionRecord.objects.exists()
    assert f"日期{tomorrow}晚于今天" in response.content.decode()


def test_convert_form_refuses_a_deadline_in_9999(org, login):
    campaign = drawn_campaign(org)
    finding = add_record(org, campaign, "county_a").findings.get()
    client = login(org.user("city_a_supervisor"))
    response = client.post(
        reverse("rectification:finding_convert", args=[finding.pk]),
        {
            "category": ProblemCategory.objects.get(name="医疗质量").pk,
            "deadline": "9999-12-31",
            "requirement": "限期整改",
        },
    )
    assert response.status_code == 200 and not Problem.objects.exists()
    assert "日期9999-12-31超出合理范围" in response.content.decode()
