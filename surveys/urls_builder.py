"""surveys: the builder pages (included by surveys.urls, namespace surveys)."""

from django.urls import path

from surveys import views_builder as v

urlpatterns: list = [
    path("questionnaires/<int:pk>/", v.QuestionnaireDetailView.as_view(), name="questionnaire_detail"),
    path("rounds/<int:pk>/", v.SurveyDetailView.as_view(), name="survey_detail"),
]
