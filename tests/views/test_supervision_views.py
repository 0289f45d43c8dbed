from core.testing.views import ViewTestCase
from tests.views.endpoints_supervision import SUPERVISION


class TestSupervisionViews(ViewTestCase):
    endpoints = SUPERVISION
