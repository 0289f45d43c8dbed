from django.urls import path

from tasks import views

app_name = "tasks"
urlpatterns = [
    path("<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
]
