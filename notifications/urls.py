from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("<int:pk>/read/", views.MessageReadView.as_view(), name="message_read"),
    path("read-all/", views.MarkAllReadView.as_view(), name="mark_all_read"),
]
