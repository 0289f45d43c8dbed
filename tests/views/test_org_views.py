from core.testing.views import ViewTestCase
from tests.views.endpoints_org import ORG


class TestOrgViews(ViewTestCase):
    endpoints = ORG
