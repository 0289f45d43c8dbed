from rest_framework import serializers

from core.api import ScopedReadOnlyViewSet
from tasks.models import Assignment, Task


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = [
            "id",
            "code",
            "title",
            "category",
            "level",
            "directive",
            "parent",
            "org_unit",
            "lead_unit",
            "start_date",
            "due_date",
            "status",
            "progress",
            "last_report_on",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assignment
        fields = [
            "id",
            "task",
            "org_unit",
            "unit",
            "role",
            "status",
            "start_date",
            "due_date",
            "progress",
            "last_report_on",
            "assigned_at",
            "signed_at",
            "completed_at",
        ]


class TaskViewSet(ScopedReadOnlyViewSet):
    queryset = Task.objects.select_related("category").order_by("-id")
    serializer_class = TaskSerializer
    permission = "tasks.view_task"
    filterset_fields = ["status", "level", "category", "lead_unit"]


class AssignmentViewSet(ScopedReadOnlyViewSet):
    queryset = Assignment.objects.order_by("-id")
    serializer_class = AssignmentSerializer
    permission = "tasks.view_assignment"
    filterset_fields = ["status", "unit", "role"]
