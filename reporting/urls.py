from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("assignments/<int:assignment_pk>/report/", views.ReportCreateView.as_view(), name="report_create"),
    path("reports/<int:pk>/approve/", views.ReportApproveView.as_view(), name="report_approve"),
    path(
        "assignments/<int:assignment_pk>/attachments/",
        views.AttachmentUploadView.as_view(),
        name="attachment_upload",
    ),
    path("late/", views.LateListView.as_view(), name="late_list"),
    path("burden/", views.BurdenView.as_view(), name="burden"),
]
