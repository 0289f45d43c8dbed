from rest_framework import serializers

from core.api import ScopedReadOnlyViewSet
from reporting import selectors
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

    def get_queryset(self):
        # the task page's rule: the reports of the assignments the caller may see
        return selectors.reports_visible(self.request.user).order_by("-id")
