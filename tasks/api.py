"""Tasks API (R-API-1): the same scope, filters and light as the ledger page.

TaskViewSet reads through tasks.selectors.ledger_queryset (visible_to + light annotation) and
filters with tasks.filters.TaskFilterSet, so `?light=red&unit=12&sort=due` answers what the
ledger shows for the same query.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import clock
from core.api import ScopedReadOnlyViewSet
from tasks import lights, selectors
from tasks.filters import LIGHT_CHOICES, LIGHT_SLUG_OF, DirectiveFilterSet, TaskFilterSet
from tasks.models import Assignment, Directive, Task


class LightField(serializers.ChoiceField):
    """The annotation's integer shown as its URL value: red / yellow / green / done."""

    def __init__(self, **kwargs):
        super().__init__(choices=LIGHT_CHOICES, read_only=True, **kwargs)

    def to_representation(self, value):
        return LIGHT_SLUG_OF.get(int(value)) if value is not None else None


class TaskSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    lead_unit_name = serializers.CharField(source="lead_unit.display_name", read_only=True)
    light = LightField(help_text="预警灯：red 红 / yellow 黄 / green 绿 / done 已办结")
    light_reason = serializers.SerializerMethodField(help_text="预警原因，如“红：逾期3天”")

    class Meta:
        model = Task
        fields = [
            "id",
            "code",
            "title",
            "category",
            "category_name",
            "level",
            "directive",
            "parent",
            "org_unit",
            "lead_unit",
            "lead_unit_name",
            "start_date",
            "due_date",
            "status",
            "progress",
            "last_report_on",
            "completed_on",
            "cadence",
            "emergency_from",
            "emergency_until",
            "light",
            "light_reason",
        ]

    @extend_schema_field(serializers.CharField())
    def get_light_reason(self, obj) -> str:
        today = self.context.get("today") or clock.today()
        return lights.for_object(obj, today).reason


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
            "cadence",
            "emergency_from",
            "emergency_until",
        ]


class DirectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Directive
        fields = ["id", "kind", "title", "doc_number", "issuer", "issued_on", "text", "org_unit"]


class TaskViewSet(ScopedReadOnlyViewSet):
    """任务台账：与页面相同的数据范围、筛选（含预警灯）和排序。"""

    queryset = Task.objects.all()
    serializer_class = TaskSerializer
    permission = "tasks.view_task"
    filterset_class = TaskFilterSet

    def get_queryset(self):
        self.today = clock.today()
        return selectors.ledger_queryset(
            self.request.user, self.today, self.permission, listing=self.action == "list"
        )

    def get_serializer_context(self):
        ctx = super().get_serializer_context()
        ctx["today"] = getattr(self, "today", None)
        return ctx


class AssignmentViewSet(ScopedReadOnlyViewSet):
    queryset = Assignment.objects.order_by("-id")
    serializer_class = AssignmentSerializer
    permission = "tasks.view_assignment"
    filterset_fields = ["status", "unit", "role"]


class DirectiveViewSet(ScopedReadOnlyViewSet):
    """上级部署：文件、会议、批示、领导交办。"""

    queryset = Directive.objects.order_by("-issued_on", "-id")
    serializer_class = DirectiveSerializer
    permission = "tasks.view_directive"
    filterset_class = DirectiveFilterSet
