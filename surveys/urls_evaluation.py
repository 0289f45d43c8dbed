"""surveys: the evaluation pages (included by surveys.urls, namespace surveys)."""

urlpatterns: list = []
