"""What escalation hears from the apps below it: an issued 督办通报 lists red assignments
(documents.signals.document_issued, sent inside the issuing transaction), and a 督办单 for a
red assignment was signed."""

from __future__ import annotations

from documents.models import DocumentKind
from escalation import services


def on_document_issued(sender, document, **kwargs) -> None:
    if document.kind == DocumentKind.TASK_BULLETIN:
        services.bulletin_issued(document)
    elif document.kind == DocumentKind.SUPERVISION_ORDER:
        services.order_issued(document)  # nothing for a problem's 督办单 (no assignments)
