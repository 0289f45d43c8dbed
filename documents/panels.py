"""What documents adds to the pages of the apps below it (core.panels), registered in
DocumentsConfig.ready(): a campaign's 下发交办函 figure, a problem's 相关公文 section and a task's
督办单 section (with 发督办单 for a red assignment)."""

from __future__ import annotations

from core import clock, panels, scoping
from documents.models import DocumentKind, IssuedDocument
from documents.selectors import ADD, documents_visible
from documents.services import order_blocked
from supervision.selectors import CAMPAIGN_FIGURES
from tasks.choices import Light


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


def task_orders(request, detail):
    """督办单 on a task's page (two queries, whatever the rows): the orders of its assignments the
    viewer may see, and the red rows a 督查员 of the assigning unit may send one for (not yet
    sent for this red spell; documents.services.check_task_order is the rule, taken again on POST)."""
    if request is None or not detail.assignments:
        return None
    user = request.user
    by_pk = {row.assignment.pk: row.assignment for row in detail.assignments}
    links = list(
        IssuedDocument.assignments.through.objects.filter(
            assignment_id__in=list(by_pk), issueddocument__kind=DocumentKind.SUPERVISION_ORDER
        ).values_list("assignment_id", "issueddocument_id", "issueddocument__params")
    )
    taken = {(a, (params or {}).get("due_date")) for a, _d, params in links}
    visible = documents_visible(user).filter(pk__in={d for _a, d, _p in links}) if links else []
    orders = list(visible.select_related("org_unit").order_by("-created_at", "-id")) if links else []
    red = [
        row
        for row in detail.assignments
        if row.light.light == Light.RED
        and (row.assignment.pk, row.assignment.due_date.isoformat()) not in taken
        and scoping.unit_in_scope(user, ADD, row.assignment.org_unit)
    ]
    if not orders and not red:
        return None
    return {"task_orders": orders, "order_rows": red}


def register() -> None:
    panels.register(CAMPAIGN_FIGURES, "letters", context=campaign_letters)
    panels.register(
        "rectification.problem_detail",
        "documents",
        template="documents/_problem_documents.html",
        context=problem_documents,
    )
    panels.register(
        "tasks.task_detail",
        "documents",
        template="documents/_task_orders.html",
        context=task_orders,
        order=60,
    )
