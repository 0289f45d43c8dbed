"""surveys: the 人大履职测评 pages (included by surveys.urls, namespace surveys)."""

from django.urls import path

from surveys import views_evaluation as views

urlpatterns: list = [
    path("evaluations/", views.EvaluationListView.as_view(), name="evaluation_list"),
    path("evaluations/new/", views.EvaluationCreateView.as_view(), name="evaluation_create"),
    path("evaluations/<int:pk>/", views.EvaluationDetailView.as_view(), name="evaluation_detail"),
    path("evaluations/<int:pk>/self-report/", views.SelfReportView.as_view(), name="evaluation_self_report"),
    path("evaluations/<int:pk>/survey/", views.SurveyStartView.as_view(), name="evaluation_survey"),
    path("evaluations/<int:pk>/meeting/", views.MeetingView.as_view(), name="evaluation_meeting"),
    path("evaluations/<int:pk>/problems/", views.ProblemsView.as_view(), name="evaluation_problems"),
    path("evaluations/<int:pk>/result/", views.ResultView.as_view(), name="evaluation_result"),
]
