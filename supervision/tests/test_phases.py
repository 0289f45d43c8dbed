"""The status a campaign shows follows its period (supervision.phases): 检查中 only while today is
inside the period; after it, 检查期已过，待结束 until someone presses 结束督查 — on the list, the
detail page, the 状态 filter and the export, the database condition agreeing with the Python rule."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from core import clock
from supervision import services
from supervision.choices import CampaignPhase, CampaignStatus
from supervision.models import Campaign
from supervision.phases import phase_of, phase_q
from supervision.tests.support_views import add_record, drawn_campaign, make_campaign

pytestmark = pytest.mark.django_db

LIST = reverse("supervision:campaign_list")


def test_a_campaign_whose_period_ended_weeks_ago_no_longer_says_checking(org, login):
    campaign = drawn_campaign(org, theme="上月的督查", days=10)
    add_record(org, campaign)  # stored status: 检查中
    assert Campaign.objects.get().status == CampaignStatus.ACTIVE
    client = login(org.user("city_a_supervisor"))
    assert "检查中" in client.get(campaign.get_absolute_url()).content.decode()
    clock.travel(days=31)  # three weeks after the end
    detail = client.get(campaign.get_absolute_url()).content.decode()
    assert 'id="campaign-status">检查期已过，待结束</span>' in detail
    assert "督查期间已于" in detail and "请点“结束督查”" in detail
    listing = client.get(LIST)
    assert [c.phase for c in listing.context["page_obj"]] == [CampaignPhase.ENDED]
    assert '<span class="badge text-bg-warning">检查期已过，待结束</span>' in listing.content.decode()
    assert '<span class="badge text-bg-primary">检查中</span>' not in listing.content.decode()
    # the 状态 filter and the export say the same
    assert [c.pk for c in client.get(LIST, {"status": "ended"}).context["page_obj"]] == [campaign.pk]
    assert not client.get(LIST, {"status": "active"}).context["page_obj"]
    sheet = load_workbook(io.BytesIO(client.get(reverse("supervision:campaign_export")).content)).active
    assert "检查期已过，待结束" in [c.value for row in sheet.iter_rows() for c in row]
    services.campaign_close(actor=org.user("city_a_supervisor"), campaign=campaign)
    assert 'id="campaign-status">已结束</span>' in client.get(campaign.get_absolute_url()).content.decode()


def test_drawn_campaign_before_its_period_is_not_checking_yet(org):
    campaign = drawn_campaign(org)
    Campaign.objects.filter(pk=campaign.pk).update(
        start_date=clock.today() + dt.timedelta(days=3), end_date=clock.today() + dt.timedelta(days=9)
    )
    campaign.refresh_from_db()
    assert campaign.phase == CampaignPhase.DRAWN and campaign.phase.label == "已抽签，未开始"
    assert make_campaign(org, theme="未抽签").phase == CampaignPhase.DRAFT


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    items=st.lists(
        st.tuples(st.sampled_from(CampaignStatus.values), st.integers(-10, 10), st.integers(0, 10)),
        min_size=1,
        max_size=10,
    )
)
def test_phase_q_agrees_with_phase_of(org, items):
    Campaign.objects.all().delete()
    today = clock.today()
    for i, (status, start, length) in enumerate(items):
        Campaign.objects.create(
            org_unit=org.units["city_a"],
            code=f"DC-T-{i:03d}",
            theme="生成的督查",
            kind="open",
            start_date=today + dt.timedelta(days=start),
            end_date=today + dt.timedelta(days=start + length),
            status=status,
            created_by=org.users["city_a_supervisor"],
        )
    campaigns = list(Campaign.objects.all())
    for phase in CampaignPhase.values:
        want = {c.pk for c in campaigns if phase_of(c, today) == phase}
        assert set(Campaign.objects.filter(phase_q(phase, today)).values_list("pk", flat=True)) == want
