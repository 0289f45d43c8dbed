from core.testing.views import ViewTestCase
from tests.views.endpoints_rectification import RECTIFICATION


class TestRectificationViews(ViewTestCase):
    endpoints = RECTIFICATION
