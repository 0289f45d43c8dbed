"""Reads of official documents (R-DOC-1..3): the list, one document, and what a draft is built from.

Every selector starts from `visible_to()`: a document is seen by the issuer's side and by the
recipient's side (IssuedDocument.scope_unit_fields), problems and campaigns by their own scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404

from core import scoping
from documents.models import DocumentEvent, DocumentKind, IssuedDocument
from documents.services import to_spec
from org.choices import UnitKind
from org.models import Unit
from rectification.choices import ProblemStatus
from rectification.models import Problem
from supervision.models import Campaign
from tasks.selectors_detail import assignments_visible

VIEW = "documents.view_issueddocument"
ADD = "documents.add_issueddocument"
CHANGE = "documents.change_issueddocument"
ISSUE = "documents.issue_issueddocument"
PROBLEM_VIEW = "rectification.view_problem"


def documents_visible(user, perm: str = VIEW):
    return IssuedDocument.objects.visible_to(user, perm)


def document_ledger(user):
    """The list: one query for the rows (the names shown come along), one for the count."""
    return (
        documents_visible(user)
        .select_related("org_unit", "recipient", "campaign", "created_by", "issued_by", "signer")
        .defer("body", "params", "attachments", "cc")
        .order_by("-created_at", "-id")
    )


def year_choices(user) -> list[int]:
    years = documents_visible(user).order_by("-year").values_list("year", flat=True).distinct()
    return list(years)


def issuer_units(user, perm: str = ADD) -> list[Unit]:
    """Units a user may issue documents for: the 机关 their grants sit on (a department acts for
    the 委 it belongs to, so departments are left out unless nothing else remains)."""

    units = scoping.acting_units(user, perm)
    organs = [u for u in units if u.kind != UnitKind.DEPARTMENT]
    organs.sort(key=lambda u: u.path)
    return organs or units


# --- 签发: what waits for whom ----------------------------------------------------------------

WORKBENCH_ROWS = 8


def awaiting_signoff(user):
    """Documents waiting for this user's 签发: submitted by another, for an issuer the user signs
    for, sent to this user by name or to any leader of an issuer the user is a leader of (a role
    given at that unit: documents.services.eligible_signers)."""
    grants = scoping.grants_for(user, ISSUE)
    if not grants:
        return IssuedDocument.objects.none()
    own_units = user.role_assignments.values("unit")
    return (
        IssuedDocument.objects.filter(status=IssuedDocument.Status.SUBMITTED)
        .filter(scoping.unit_q(grants, "org_unit"))
        .filter(Q(signer=user) | Q(signer__isnull=True, org_unit__in=own_units))
        .exclude(created_by=user)
    )


def returned_to(user):
    """The user's drafts whose last step was a leader's 退回 (to be revised and submitted again)."""
    last = DocumentEvent.objects.filter(document=OuterRef("pk")).order_by("-at", "-id").values("kind")[:1]
    return (
        documents_visible(user, CHANGE)
        .filter(status=IssuedDocument.Status.DRAFT, created_by=user)
        .annotate(last_step=Subquery(last))
        .filter(last_step=DocumentEvent.Kind.RETURNED)
    )


def for_workbench(user, today=None) -> tuple[int, list]:
    """工作台: (how many, the first WORKBENCH_ROWS) documents waiting for this user — to sign, or
    (for a drafter) returned with comments; oldest waiting first. Two queries."""
    ids = scoping.union_of(
        [awaiting_signoff(user).order_by().values("pk"), returned_to(user).order_by().values("pk")]
    )
    qs = (
        IssuedDocument.objects.filter(pk__in=ids)
        .select_related("org_unit", "created_by", "signer")
        .defer("body", "params", "attachments", "cc")
        .order_by("submitted_at", "updated_at", "id")
    )
    total = qs.count()
    return total, list(qs[:WORKBENCH_ROWS]) if total else []


# --- one document ------------------------------------------------------------------------------


@dataclass
class Preview:
    """A draft or issued document as the HTML preview shows it."""

    issuer_mark: str
    doc_number: str
    letter: bool
    blocks: list  # [{"kind": "p"|"h1"|…|"table", "text": …, "rows": […]}]
    signature: str
    date: dt.date
    printer: str
    signer: str = ""  # 上行文: 签发人 on the right of the 发文字号


def document_detail(user, pk: int) -> IssuedDocument:
    return get_object_or_404(
        documents_visible(user).select_related(
            "org_unit", "recipient", "campaign", "created_by", "issued_by", "signer", "created_by__unit"
        ),
        pk=pk,
    )


def document_events(doc: IssuedDocument) -> list:
    """The 签发 history: 起草, 送签, 撤回, 退回 (with the comments), 签发 — oldest first."""
    return list(doc.events.select_related("actor").order_by("at", "id"))


def may_sign_for(user, unit: Unit) -> bool:
    return scoping.unit_in_scope(user, ISSUE, unit)


def preview(doc: IssuedDocument) -> Preview:
    spec = to_spec(doc)
    blocks = []
    for b in spec.body:
        if b.kind == "table":
            blocks.append({"kind": "table", "head": b.rows[0], "rows": b.rows[1:]})
        else:
            blocks.append({"kind": b.kind, "text": b.text})
    return Preview(
        issuer_mark=spec.issuer_mark,
        doc_number=spec.doc_number,
        letter=spec.letter,
        blocks=blocks,
        signature=spec.signature,
        date=spec.date,
        printer=spec.printer,
        signer=spec.signer,
    )


def linked_problems(user, doc: IssuedDocument, limit: int = 50):
    """The problems of a document that the viewer may open (the others are only counted)."""
    qs = doc.problems.all()
    visible = Problem.objects.visible_to(user, PROBLEM_VIEW).filter(pk__in=qs.values("pk"))
    return list(visible.select_related("org_unit").order_by("deadline", "pk")[:limit]), qs.count()


def linked_assignments(user, doc: IssuedDocument, limit: int = 50):
    """The assignments a 督办单 or 督办通报 concerns that the viewer may open (the others only counted)."""
    qs = doc.assignments.all()
    visible = assignments_visible(user).filter(pk__in=qs.values("pk"))
    rows = visible.select_related("task", "unit").order_by("due_date", "pk")[:limit]
    return list(rows), qs.count()


# --- what a draft is built from -----------------------------------------------------------------


def problems_for(user):
    return Problem.objects.visible_to(user, PROBLEM_VIEW)


def campaigns_for(user):
    return Campaign.objects.visible_to(user, "supervision.view_campaign")


def _in_letter():
    return Exists(
        IssuedDocument.problems.through.objects.filter(
            problem=OuterRef("pk"),
            issueddocument__kind=DocumentKind.ASSIGNMENT_LETTER,
            issueddocument__status=IssuedDocument.Status.ISSUED,
        )
    )


def letter_candidates(user, issuer: Unit, recipient: Unit | None = None, campaign=None):
    """Open problems the user may see, in the issuer's subtree, not yet in an issued 交办函."""
    qs = (
        problems_for(user)
        .exclude(status=ProblemStatus.CLOSED)
        .filter(scoping.subtree_q(issuer, "org_unit"))
        .exclude(_in_letter())
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if recipient is not None:
        qs = qs.filter(org_unit=recipient)
    return qs


def letter_recipients(user, issuer: Unit, campaign=None) -> list[tuple[Unit, int]]:
    """Units with problems waiting for a 交办函, with how many (one grouped query + the units)."""
    counts = dict(
        letter_candidates(user, issuer, campaign=campaign)
        .order_by()
        .values_list("org_unit")
        .annotate(n=Count("pk"))
    )
    units = Unit.objects.filter(pk__in=list(counts)).exclude(pk=issuer.pk).order_by("path")
    return [(u, counts[u.pk]) for u in units]


def report_units(user, issuer: Unit) -> list[Unit]:
    """The issuer and its units down two levels (a report is for one of them, with its subtree)."""
    return list(
        Unit.objects.subtree_of(issuer)
        .filter(depth__lte=issuer.depth + 2, is_active=True)
        .filter(Q(kind__in=[UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY]) | Q(pk=issuer.pk))
        .order_by("path")
    )


def assignments_for(user):
    return assignments_visible(user)


def bulletin_assignments(user, issuer: Unit):
    """督办通报: the assignments the user may see whose 承办单位 is in the issuer's subtree."""
    return assignments_visible(user).filter(scoping.subtree_q(issuer, "unit"))


def subtree_problems(user, unit: Unit):
    return problems_for(user).filter(scoping.subtree_q(unit, "org_unit"))
