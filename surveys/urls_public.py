"""The public answering pages, under /s/: no account, nothing but the questionnaire."""

app_name = "survey_public"
urlpatterns: list = []
