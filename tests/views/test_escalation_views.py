from core.testing.views import ViewTestCase
from tests.views.endpoints_escalation import ESCALATION


class TestEscalationViews(ViewTestCase):
    endpoints = ESCALATION
