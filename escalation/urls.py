from django.urls import path

from escalation import views

app_name = "escalation"
urlpatterns = [
    path("", views.LadderListView.as_view(), name="list"),
]
