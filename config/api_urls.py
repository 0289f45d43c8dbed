"""Versioned REST API (R-API-1): every viewset reads through visible_to() like the pages do."""

from rest_framework.routers import DefaultRouter

from org.api import UnitViewSet, UserViewSet
from reporting.api import ProgressReportViewSet
from tasks.api import AssignmentViewSet, DirectiveViewSet, TaskViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("users", UserViewSet, basename="user")
router.register("tasks", TaskViewSet, basename="task")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("directives", DirectiveViewSet, basename="directive")
router.register("reports", ProgressReportViewSet, basename="report")

app_name = "api"
urlpatterns = router.urls
