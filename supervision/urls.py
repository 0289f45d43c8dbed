from django.urls import path

from supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.CampaignListView.as_view(), name="campaign_list"),
    path("export/", views.CampaignExportView.as_view(), name="campaign_export"),
    path("campaigns/new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/draw/", views.CampaignDrawView.as_view(), name="campaign_draw"),
    path("campaigns/<int:pk>/close/", views.CampaignCloseView.as_view(), name="campaign_close"),
    path("campaigns/<int:pk>/records/new/", views.RecordCreateView.as_view(), name="record_create"),
    path("draws/<int:pk>/verify/", views.DrawVerifyView.as_view(), name="draw_verify"),
    path("records/", views.RecordListView.as_view(), name="record_list"),
    path("records/export/", views.RecordExportView.as_view(), name="record_export"),
    path("records/<int:pk>/", views.RecordDetailView.as_view(), name="record_detail"),
    path("records/<int:pk>/findings/new/", views.FindingCreateView.as_view(), name="finding_create"),
]
