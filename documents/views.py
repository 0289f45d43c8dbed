from core.views import ScopedDetailView
from documents.models import IssuedDocument


class DocumentDetailView(ScopedDetailView):
    model = IssuedDocument
    permission = "documents.view_issueddocument"
    template_name = "documents/document_detail.html"
