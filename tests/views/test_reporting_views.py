from core.testing.views import ViewTestCase
from tests.views.endpoints_reporting import REPORTING


class TestReportingViews(ViewTestCase):
    endpoints = REPORTING
