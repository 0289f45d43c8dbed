"""What escalation hears from the apps below it: an issued 督办通报 lists red assignments
(documents.signals.document_issued, sent inside the issuing transaction)."""

from __future__ import annotations

from documents.models import DocumentKind
from escalation import services


def on_document_issued(sender, document, **kwargs) -> None:
    if document.kind == DocumentKind.TASK_BULLETIN:
        services.bulletin_issued(document)
