"""What documents adds to the pages of the apps below it (core.panels), registered in
DocumentsConfig.ready(): a campaign's 下发交办函 figure and a problem's 相关公文 section."""

from __future__ import annotations

from core import panels
from documents.models import DocumentKind, IssuedDocument
from supervision.selectors import CAMPAIGN_FIGURES


def campaign_letters():
    """下发交办函: the issued 交办函 of a campaign (supervision.selectors counts them per campaign)."""
    return IssuedDocument.objects.filter(
        kind=DocumentKind.ASSIGNMENT_LETTER, status=IssuedDocument.Status.ISSUED
    )


def register() -> None:
    panels.register(CAMPAIGN_FIGURES, "letters", context=campaign_letters)
