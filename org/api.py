from rest_framework import serializers

from core.api import ScopedReadOnlyViewSet
from org.models import Unit


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
