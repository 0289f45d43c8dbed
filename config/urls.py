from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("", include("dashboards.urls")),
    path("accounts/", include("org.urls")),
    path("audit/", include("audit.urls")),
    path("tasks/", include("tasks.urls")),
    path("reporting/", include("reporting.urls")),
    path("files/", include("files.urls")),
    path("inbox/", include("notifications.urls")),
    path("supervision/", include("supervision.urls")),
    path("rectification/", include("rectification.urls")),
    path("documents/", include("documents.urls")),
    path("instructions/", include("instructions.urls")),
    path("escalation/", include("escalation.urls")),
    path("surveys/", include("surveys.urls")),
    path("s/", include("surveys.urls_public")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(api_version="v1"), name="api-schema"),
]
