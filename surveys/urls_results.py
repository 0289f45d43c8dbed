"""surveys: the results pages (included by surveys.urls, namespace surveys)."""

from django.urls import path

from surveys import views_results as views

urlpatterns = [
    path("results/<int:pk>/", views.SurveyResultsView.as_view(), name="survey_results"),
    path("results/<int:pk>/export/", views.SurveyExportView.as_view(), name="survey_export"),
    path("results/unit/<int:pk>/", views.TargetResultsView.as_view(), name="target_results"),
    path("results/unit/<int:pk>/convert/<str:item>/", views.ItemConvertView.as_view(), name="item_convert"),
    path("responses/", views.ResponseListView.as_view(), name="response_list"),
    path("responses/<int:pk>/", views.ResponseDetailView.as_view(), name="response_detail"),
]
