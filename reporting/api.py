from rest_framework import serializers

from core.api import ScopedReadOnlyViewSet
from reporting.models import ProgressReport


class ProgressReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "assignment",
            "org_unit",
            "period_start",
            "period_end",
            "progress",
            "work_done",
            "difficulties",
            "next_steps",
            "status",
            "submitted_at",
        ]


class ProgressReportViewSet(ScopedReadOnlyViewSet):
    queryset = ProgressReport.objects.order_by("-id")
    serializer_class = ProgressReportSerializer
    permission = "reporting.view_progressreport"
    filterset_fields = ["assignment", "status"]
