from core.testing.views import ViewTestCase
from tests.views.endpoints_tasks import TASKS


class TestTaskViews(ViewTestCase):
    endpoints = TASKS
