from django.urls import path

from rectification import views

app_name = "rectification"
urlpatterns = [
    path("", views.ProblemListView.as_view(), name="problem_list"),
    path("export/", views.ProblemExportView.as_view(), name="problem_export"),
    path("export/docx/", views.ProblemDocxView.as_view(), name="problem_docx"),
    path("new/", views.ProblemCreateView.as_view(), name="problem_create"),
    path("import/", views.ProblemImportView.as_view(), name="problem_import"),
    path("import/template/", views.ProblemImportTemplateView.as_view(), name="problem_import_template"),
    path("problems/<int:pk>/", views.ProblemDetailView.as_view(), name="problem_detail"),
    path("problems/<int:pk>/start/", views.ProblemStartView.as_view(), name="problem_start"),
    path("problems/<int:pk>/evidence/", views.ProblemEvidenceView.as_view(), name="problem_evidence"),
    path("problems/<int:pk>/submit/", views.ProblemSubmitView.as_view(), name="problem_submit"),
    path("problems/<int:pk>/verify/", views.ProblemVerifyView.as_view(), name="problem_verify"),
    path("problems/<int:pk>/recheck/", views.ProblemRecheckView.as_view(), name="problem_recheck"),
    path("problems/<int:pk>/escalate/", views.ProblemEscalateView.as_view(), name="problem_escalate"),
    path("recheck/", views.RecheckView.as_view(), name="recheck"),
    path("findings/<int:pk>/problem/", views.FindingConvertView.as_view(), name="finding_convert"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("statistics/export/", views.StatisticsExportView.as_view(), name="statistics_export"),
]
