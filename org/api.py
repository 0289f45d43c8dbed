from django.db.models import Prefetch
from rest_framework import serializers

from core.api import ScopedReadOnlyViewSet
from org.models import RoleAssignment, Unit, User


class UnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "short_name", "kind", "kind_display", "parent", "is_active"]


class UnitViewSet(ScopedReadOnlyViewSet):
    queryset = Unit.objects.order_by("path")
    serializer_class = UnitSerializer
    permission = "org.view_unit"
    filterset_fields = ["kind", "parent", "is_active"]


class UserSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True, default="")
    phone = serializers.CharField(source="phone_masked", read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "unit",
            "unit_name",
            "title",
            "phone",
            "email",
            "is_active",
            "roles",
        ]

    def get_roles(self, obj) -> list[str]:
        return [f"{ra.role.code}@{ra.unit.code}" for ra in obj.role_assignments.all()]


class UserViewSet(ScopedReadOnlyViewSet):
    """Accounts (read-only); phone numbers are masked (R-SEC-5)."""

    queryset = (
        User.objects.select_related("unit")
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=RoleAssignment.objects.select_related("role", "unit").order_by("id"),
            )
        )
        .order_by("id")
    )
    serializer_class = UserSerializer
    permission = "org.view_user"
    filterset_fields = ["unit", "is_active"]
