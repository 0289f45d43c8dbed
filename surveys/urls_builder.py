"""surveys: the builder pages (included by surveys.urls, namespace surveys)."""

urlpatterns: list = []
