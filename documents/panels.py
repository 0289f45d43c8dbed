"""What documents adds to the pages of the apps below it (core.panels), registered in
DocumentsConfig.ready(): a campaign's 下发交办函 figure and a problem's 相关公文 section."""

from __future__ import annotations

from core import clock, panels
from documents.models import DocumentKind, IssuedDocument
from documents.selectors import documents_visible
from documents.services import order_blocked
from supervision.selectors import CAMPAIGN_FIGURES


def campaign_letters():
    """下发交办函: the issued 交办函 of a campaign (supervision.selectors counts them per campaign)."""
    return IssuedDocument.objects.filter(
        kind=DocumentKind.ASSIGNMENT_LETTER, status=IssuedDocument.Status.ISSUED
    )


def problem_documents(request, problem):
    """相关公文 on a problem's page (one query): the documents it is in that the viewer may see,
    and whether a 督办单 may be drafted for it (documents.services.check_order decides)."""
    if request is None:
        return None
    docs = documents_visible(request.user).filter(pk__in=problem.documents.values("pk"))
    return {
        "problem": problem,
        "problem_documents": list(docs.order_by("-created_at", "-id")),
        "order_open": not order_blocked(problem, clock.today()),
    }


def register() -> None:
    panels.register(CAMPAIGN_FIGURES, "letters", context=campaign_letters)
    panels.register(
        "rectification.problem_detail",
        "documents",
        template="documents/_problem_documents.html",
        context=problem_documents,
    )
