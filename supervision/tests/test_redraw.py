"""重新抽签 keeps the old draw and needs a reason: refused in Chinese without one (nothing changes),
recorded on the draw, shown on the campaign page and written to the audit log."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from supervision import services
from supervision.models import CampaignInspector, Draw
from supervision.tests.support_views import drawn_campaign, make_campaign

pytestmark = pytest.mark.django_db


def _draw_url(campaign):
    return reverse("supervision:campaign_draw", args=[campaign.pk])


def test_first_draw_asks_no_reason(org, login):
    campaign = make_campaign(org)
    client = login(org.user("city_a_supervisor"))
    assert 'name="reason"' not in client.get(campaign.get_absolute_url()).content.decode()
    response = client.post(_draw_url(campaign), {"target_count": 2, "inspectors_per_target": 1})
    assert response.status_code == 302 and Draw.objects.get().reason == ""


def test_redraw_without_a_reason_is_refused_and_changes_nothing(org, login):
    campaign = drawn_campaign(org)
    before = sorted(CampaignInspector.objects.values_list("target_id", "inspector_id"))
    client = login(org.user("city_a_supervisor"))
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert 'name="reason"' in page and "重新抽签理由" in page
    for reason in ("", "   "):
        response = client.post(
            _draw_url(campaign), {"target_count": 2, "inspectors_per_target": 1, "reason": reason}
        )
        assert response.status_code == 200
        assert "重新抽签须填写理由" in response.content.decode()
    assert Draw.objects.count() == 1
    assert sorted(CampaignInspector.objects.values_list("target_id", "inspector_id")) == before
    assert AuditEvent.objects.filter(action="supervision.campaign.drawn").count() == 1
    with pytest.raises(ValidationError) as exc:  # the service refuses it too
        services.campaign_draw(
            actor=org.user("city_a_supervisor"), campaign=campaign, target_count=2, inspectors_per_target=1
        )
    assert exc.value.message_dict == {"reason": ["重新抽签须填写理由"]}


def test_redraw_with_a_reason_is_recorded_shown_and_audited(org, login):
    campaign = drawn_campaign(org)
    first = Draw.objects.get()
    client = login(org.user("city_a_supervisor"))
    reason = "原抽中的检查人员因公出差，需回避"
    response = client.post(
        _draw_url(campaign), {"target_count": 2, "inspectors_per_target": 1, "reason": f"  {reason} "}
    )
    assert response.status_code == 302
    latest = Draw.objects.order_by("-id").first()
    assert latest.reason == reason and Draw.objects.filter(pk=first.pk, reason="").exists()
    event = AuditEvent.objects.filter(action="supervision.campaign.drawn").order_by("-id").first()
    assert event.changes["reason"] == reason and event.changes["replaced_draw"] == first.pk
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert f'<dd class="col-8 col-md-9" id="draw-reason">{reason}</dd>' in page
    assert "—（首次抽签）" in page  # the history keeps the first draw, without a reason
