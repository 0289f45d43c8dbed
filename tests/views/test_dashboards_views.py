from core.testing.views import ViewTestCase
from tests.views.endpoints_dashboards import DASHBOARDS


class TestDashboardsViews(ViewTestCase):
    endpoints = DASHBOARDS
