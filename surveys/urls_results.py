"""surveys: the results pages (included by surveys.urls, namespace surveys)."""

urlpatterns: list = []
