from core.views import ScopedDetailView
from supervision.models import Campaign, InspectionRecord


class CampaignDetailView(ScopedDetailView):
    model = Campaign
    permission = "supervision.view_campaign"
    template_name = "supervision/campaign_detail.html"


class RecordDetailView(ScopedDetailView):
    model = InspectionRecord
    permission = "supervision.view_inspectionrecord"
    template_name = "supervision/record_detail.html"
