from core.views import ScopedDetailView
from tasks.models import Task


class TaskDetailView(ScopedDetailView):
    model = Task
    permission = "tasks.view_task"
    template_name = "tasks/task_detail.html"
