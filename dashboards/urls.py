from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.WorkbenchView.as_view(), name="workbench"),
    path("cockpit/", views.CockpitView.as_view(), name="cockpit"),
    path("cockpit/screen/", views.CockpitView.as_view(screen=True), name="cockpit_screen"),
]
