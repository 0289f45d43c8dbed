from django.urls import path

from tasks import views
from tasks import views_actions as actions

app_name = "tasks"
urlpatterns = [
    path("<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    # task detail actions (R-TSK-1..6, R-DEC-4, R-TSK-1b): tasks/views_actions.py
    path("new/", actions.TaskCreateView.as_view(), name="task_create"),
    path("<int:pk>/edit/", actions.TaskUpdateView.as_view(), name="task_update"),
    path("<int:pk>/review/", actions.TaskReviewView.as_view(), name="task_review"),
    path("<int:pk>/assign/", actions.TaskAssignView.as_view(), name="task_assign"),
    path("<int:pk>/decompose/", actions.TaskDecomposeView.as_view(), name="task_decompose"),
    path("<int:pk>/milestones/new/", actions.MilestoneCreateView.as_view(), name="milestone_create"),
    path("<int:pk>/indicators/new/", actions.IndicatorCreateView.as_view(), name="indicator_create"),
    path("<int:pk>/taskforce/", actions.TaskForceView.as_view(), name="taskforce_edit"),
    path("<int:pk>/emergency/", actions.TaskEmergencyView.as_view(), name="task_emergency"),
    path("<int:pk>/emergency/end/", actions.TaskEmergencyEndView.as_view(), name="task_emergency_end"),
    path("milestones/<int:pk>/complete/", actions.MilestoneCompleteView.as_view(), name="milestone_complete"),
    path("assignments/<int:pk>/sign/", actions.AssignmentSignView.as_view(), name="assignment_sign"),
    path("assignments/<int:pk>/return/", actions.AssignmentReturnView.as_view(), name="assignment_return"),
    path("assignments/<int:pk>/extension/", actions.ExtensionRequestView.as_view(), name="extension_request"),
    path(
        "assignments/<int:pk>/completion/",
        actions.CompletionRequestView.as_view(),
        name="assignment_request_completion",
    ),
    path("assignments/<int:pk>/verify/", actions.AssignmentVerifyView.as_view(), name="assignment_verify"),
    path("extensions/<int:pk>/decide/", actions.ExtensionDecideView.as_view(), name="extension_decide"),
    path("workdays/", actions.WorkdayListView.as_view(), name="workday_list"),
    path("workdays/<int:pk>/delete/", actions.WorkdayDeleteView.as_view(), name="workday_delete"),
    path("workdays/compute/", actions.WorkdayComputeView.as_view(), name="workday_compute"),
    path("", views.TaskListView.as_view(), name="task_list"),
    path("export/", views.TaskExportView.as_view(), name="task_export"),
    path("import/", views.TaskImportView.as_view(), name="task_import"),
    path("import/template/", views.TaskImportTemplateView.as_view(), name="task_import_template"),
    path("filters/save/", views.SavedFilterSaveView.as_view(), name="saved_filter_save"),
    path("filters/<int:pk>/delete/", views.SavedFilterDeleteView.as_view(), name="saved_filter_delete"),
    path("directives/", views.DirectiveListView.as_view(), name="directive_list"),
    path("directives/new/", views.DirectiveCreateView.as_view(), name="directive_create"),
    path("directives/<int:pk>/", views.DirectiveDetailView.as_view(), name="directive_detail"),
]
