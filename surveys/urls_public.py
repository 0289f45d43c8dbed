"""The public answering pages, under /s/: no account, nothing but the questionnaire."""

from django.urls import path, re_path

from surveys import public

app_name = "survey_public"
urlpatterns = [
    path("<str:slug>/", public.answer, name="answer"),
    path("<str:slug>/thanks/", public.thanks, name="thanks"),
    # anything else under /s/ is the same bare 404 as an unknown link
    re_path(r"^.*$", public.unknown, name="unknown"),
]
