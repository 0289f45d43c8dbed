from django.urls import path

from supervision import views

app_name = "supervision"
urlpatterns = [
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("records/<int:pk>/", views.RecordDetailView.as_view(), name="record_detail"),
]
