"""surveys: the builder and distribution pages (included by surveys.urls, namespace surveys)."""

from django.urls import path, re_path

from surveys import views_builder as v

urlpatterns: list = [
    path("questionnaires/", v.QuestionnaireListView.as_view(), name="questionnaire_list"),
    path("questionnaires/new/", v.QuestionnaireCreateView.as_view(), name="questionnaire_create"),
    path("questionnaires/<int:pk>/", v.QuestionnaireDetailView.as_view(), name="questionnaire_detail"),
    path("questionnaires/<int:pk>/edit/", v.QuestionnaireEditView.as_view(), name="questionnaire_edit"),
    path(
        "questionnaires/<int:pk>/preview/", v.QuestionnairePreviewView.as_view(), name="questionnaire_preview"
    ),
    path(
        "questionnaires/<int:pk>/publish/", v.QuestionnairePublishView.as_view(), name="questionnaire_publish"
    ),
    path(
        "questionnaires/<int:pk>/archive/", v.QuestionnaireArchiveView.as_view(), name="questionnaire_archive"
    ),
    path(
        "questionnaires/<int:pk>/restore/", v.QuestionnaireRestoreView.as_view(), name="questionnaire_restore"
    ),
    path("questionnaires/<int:pk>/sections/new/", v.SectionAddView.as_view(), name="section_add"),
    path("versions/<int:pk>/", v.VersionDetailView.as_view(), name="version_detail"),
    path("sections/<int:pk>/edit/", v.SectionEditView.as_view(), name="section_edit"),
    path("sections/<int:pk>/delete/", v.SectionDeleteView.as_view(), name="section_delete"),
    path("sections/<int:pk>/move/", v.SectionMoveView.as_view(), name="section_move"),
    path("sections/<int:pk>/questions/new/", v.QuestionAddView.as_view(), name="question_add"),
    path("questions/<int:pk>/edit/", v.QuestionEditView.as_view(), name="question_edit"),
    path("questions/<int:pk>/delete/", v.QuestionDeleteView.as_view(), name="question_delete"),
    path("questions/<int:pk>/move/", v.QuestionMoveView.as_view(), name="question_move"),
    path("rounds/", v.SurveyListView.as_view(), name="survey_list"),
    path("rounds/new/", v.SurveyCreateView.as_view(), name="survey_create"),
    path("rounds/<int:pk>/", v.SurveyDetailView.as_view(), name="survey_detail"),
    path("rounds/<int:pk>/open/", v.SurveyOpenView.as_view(), name="survey_open"),
    path("rounds/<int:pk>/close/", v.SurveyCloseView.as_view(), name="survey_close"),
    re_path(r"^targets/(?P<pk>[0-9]+)/qr\.(?P<fmt>png|svg)$", v.TargetQrView.as_view(), name="target_qr"),
    path("targets/<int:pk>/poster/", v.TargetPosterView.as_view(), name="target_poster"),
    path("targets/<int:pk>/tokens/", v.TokenIssueView.as_view(), name="token_issue"),
    path("targets/<int:pk>/tokens/print/", v.TokenPrintView.as_view(), name="token_print"),
    path("targets/<int:pk>/tokens.xlsx", v.TokenExportView.as_view(), name="token_export"),
    path("tokens/<int:pk>/void/", v.TokenVoidView.as_view(), name="token_void"),
]
