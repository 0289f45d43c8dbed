from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("", views.DocumentListView.as_view(), name="document_list"),
    path("export/", views.DocumentExportView.as_view(), name="document_export"),
    path("new/letter/", views.LetterCreateView.as_view(), name="letter_create"),
    path("new/order/", views.OrderCreateView.as_view(), name="order_create"),
    path("new/bulletin/", views.BulletinCreateView.as_view(), name="bulletin_create"),
    path("new/task-order/", views.TaskOrderCreateView.as_view(), name="task_order_create"),
    path("new/task-bulletin/", views.TaskBulletinCreateView.as_view(), name="task_bulletin_create"),
    path("new/report/", views.ReportCreateView.as_view(), name="report_create"),
    path("<int:pk>/", views.DocumentDetailView.as_view(), name="document_detail"),
    path("<int:pk>/edit/", views.DocumentEditView.as_view(), name="document_edit"),
    path("<int:pk>/submit/", views.DocumentSubmitView.as_view(), name="document_submit"),
    path("<int:pk>/withdraw/", views.DocumentWithdrawView.as_view(), name="document_withdraw"),
    path("<int:pk>/return/", views.DocumentReturnView.as_view(), name="document_return"),
    path("<int:pk>/issue/", views.DocumentIssueView.as_view(), name="document_issue"),
    path("<int:pk>/download/", views.DocumentDownloadView.as_view(), name="document_download"),
]
