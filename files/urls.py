from django.urls import path

from files import views

app_name = "files"
urlpatterns = [
    path(
        "attachments/<int:pk>/download/", views.AttachmentDownloadView.as_view(), name="attachment_download"
    ),
]
