from core.testing.views import ViewTestCase
from tests.views.endpoints_surveys_public import SURVEYS_PUBLIC


class TestSurveysPublicViews(ViewTestCase):
    endpoints = SURVEYS_PUBLIC
