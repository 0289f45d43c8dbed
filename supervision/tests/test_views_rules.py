"""The rules the pages and the services share (supervision.services.check_*)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import clock
from supervision import services
from supervision.tests.support_views import add_record, drawn_campaign, make_campaign

pytestmark = pytest.mark.django_db


def test_rules_follow_the_campaign_state(org):
    boss = org.user("city_a_supervisor")
    campaign = make_campaign(org)
    assert services.allowed(services.check_draw, boss, campaign)
    assert not services.allowed(services.check_draw, org.user("prov_leader"), campaign)
    campaign = drawn_campaign(org)
    rec = add_record(org, campaign)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="检查已开始"):
        services.check_draw(boss, campaign)
    services.campaign_close(actor=boss, campaign=campaign)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="督查已结束"):
        services.campaign_close(actor=boss, campaign=campaign)
    with pytest.raises(ValidationError, match="督查已结束"):
        services.finding_add(actor=boss, record_=rec, description="补录")
    with pytest.raises(ValidationError, match="督查已结束"):
        services.record_create(
            actor=boss, campaign=campaign, target=org.unit("county_b"), inspected_on=clock.today()
        )
    with pytest.raises(PermissionDenied):
        services.check_close(org.user("county_a_head"), campaign)


def test_period_order_is_checked_in_chinese(org):
    with pytest.raises(ValidationError) as exc:
        services.campaign_create(
            actor=org.user("city_a_supervisor"),
            org_unit=org.unit("city_a"),
            theme="倒置的期间",
            kind="open",
            start_date=clock.today(),
            end_date=clock.today() - dt.timedelta(days=1),
        )
    assert exc.value.message_dict == {"end_date": ["结束日期不能早于开始日期"]}


def test_draw_check_is_audited(org):
    from audit.models import AuditEvent

    campaign = drawn_campaign(org)
    same, again = services.draw_check(actor=org.user("prov_leader"), draw=campaign.draws.get())
    assert same and again == campaign.draws.get().result
    event = AuditEvent.objects.get(action="supervision.draw.verified")
    assert event.actor == org.user("prov_leader") and event.changes["same"] is True
