from core.testing.views import ViewTestCase
from tests.views.endpoints_documents import DOCUMENTS


class TestDocumentViews(ViewTestCase):
    endpoints = DOCUMENTS
