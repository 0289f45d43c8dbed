"""manage.py render_samples DIR — one document of each type from the current database.

    manage.py render_samples /tmp/samples
    → 交办函.docx 督办单.docx 督查通报.docx 整改情况报告.docx

Drafts, not issued: the text comes from the builders (the same as the 起草 pages) and is rendered
with the GB/T 9704 renderer from unsaved IssuedDocument instances — nothing is written to the
database. Convert with `soffice --headless --convert-to pdf` and `pdftoppm -png` to look at them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from core import clock, gbt9704
from core.scoping import subtree_q
from documents import builders
from documents.models import DocumentKind, IssuedDocument
from documents.services import to_spec
from org.choices import UnitKind
from org.models import Unit
from rectification.choices import ProblemStatus
from rectification.models import Problem
from supervision.models import Campaign

FILES = {
    DocumentKind.ASSIGNMENT_LETTER: "交办函.docx",
    DocumentKind.SUPERVISION_ORDER: "督办单.docx",
    DocumentKind.BULLETIN: "督查通报.docx",
    DocumentKind.RECTIFICATION_REPORT: "整改情况报告.docx",
}


def unsaved(kind: str, issuer: Unit, draft: builders.Draft, *, cc=(), note="") -> IssuedDocument:
    return IssuedDocument(
        kind=kind,
        org_unit=issuer,
        title=draft.title,
        addressee=draft.addressee,
        body=draft.body,
        attachments=draft.attachments,
        cc=list(cc),
        note=note,
        params=draft.params,
        data_as_of=draft.data_as_of,
        year=clock.today().year,
    )


class Command(BaseCommand):
    help = "从当前数据库（示范数据）生成四类公文样张（草稿，不写数据库）"

    def add_arguments(self, parser):
        parser.add_argument("dir", help="输出目录")

    def handle(self, *args, dir, **options):
        out = Path(dir)
        out.mkdir(parents=True, exist_ok=True)
        issuer = Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("path").first()
        if issuer is None or not Problem.objects.exists():
            raise CommandError("数据库中没有省级单位或问题：请先加载示范数据（manage.py load_demo）")
        with transaction.atomic():  # read-only; rolled back whatever happens
            docs = self.build(issuer)
            transaction.set_rollback(True)
        for kind, doc in docs.items():
            path = out / FILES[kind]
            path.write_bytes(gbt9704.render(to_spec(doc)))
            as_of = timezone.localtime(doc.data_as_of)
            self.stdout.write(f"  {path}  《{doc.title}》（数据截至{as_of:%Y-%m-%d %H:%M}）")
        self.stdout.write(self.style.SUCCESS(f"已生成{len(docs)}份公文样张：{out.resolve()}"))

    def build(self, issuer: Unit) -> dict[str, IssuedDocument]:
        note = "联系人：督查室，电话：0000-12345678"
        problems = Problem.objects.all()
        return {
            DocumentKind.ASSIGNMENT_LETTER: unsaved(
                DocumentKind.ASSIGNMENT_LETTER, issuer, _assignment_letter(issuer, problems), note=note
            ),
            DocumentKind.SUPERVISION_ORDER: unsaved(
                DocumentKind.SUPERVISION_ORDER, issuer, _supervision_order(issuer, problems), note=note
            ),
            DocumentKind.BULLETIN: unsaved(
                DocumentKind.BULLETIN,
                issuer,
                _bulletin(issuer, problems),
                cc=["省委督查室", "省政府督查室"],
                note=note,
            ),
            DocumentKind.RECTIFICATION_REPORT: unsaved(
                DocumentKind.RECTIFICATION_REPORT,
                issuer,
                _report(issuer, problems),
                cc=["驻委纪检监察组"],
                note=note,
            ),
        }


def _assignment_letter(issuer: Unit, problems) -> builders.Draft:
    """交办函: the unit with the most open problems of one campaign."""
    open_ = problems.exclude(status=ProblemStatus.CLOSED)
    top = (
        open_.filter(campaign__isnull=False)
        .values("org_unit", "campaign")
        .annotate(n=Count("pk"))
        .order_by("-n", "org_unit", "campaign")
        .first()
    )
    if top:
        recipient = Unit.objects.get(pk=top["org_unit"])
        chosen = open_.filter(org_unit=recipient, campaign=top["campaign"])
        campaign = chosen.first().campaign
    else:
        first = open_.order_by("org_unit").first() or problems.first()
        recipient, campaign = first.org_unit, None
        chosen = problems.filter(org_unit=recipient)
    return builders.assignment_letter(issuer=issuer, recipient=recipient, problems=chosen, campaign=campaign)


def _supervision_order(issuer: Unit, problems) -> builders.Draft:
    """督办单: the most overdue open problem."""
    open_ = problems.exclude(status=ProblemStatus.CLOSED)
    problem = open_.filter(deadline__lt=clock.today()).order_by("deadline", "pk").first() or open_.first()
    if problem is None:
        problem = problems.first()
    return builders.supervision_order(issuer=issuer, problem=problem)


def _bulletin(issuer: Unit, problems) -> builders.Draft:
    """督查通报: the last three months, the whole province."""
    today = clock.today()
    start = (today.replace(day=1) - dt.timedelta(days=62)).replace(day=1)
    return builders.bulletin(
        issuer=issuer,
        problems=problems,
        campaigns=Campaign.objects.all(),
        period_start=start,
        period_end=today,
    )


def _report(issuer: Unit, problems) -> builders.Draft:
    """整改情况报告: the campaign with the most problems, or the first city."""
    busiest = Campaign.objects.annotate(n=Count("problems")).filter(n__gt=0).order_by("-n", "pk").first()
    if busiest is not None:
        subject, qs, root = f"{busiest.theme}发现问题", problems.filter(campaign=busiest), None
    else:
        root = Unit.objects.filter(kind=UnitKind.CITY).order_by("path").first() or issuer
        subject, qs = f"{root.display_name}问题", problems.filter(subtree_q(root, "org_unit"))
    return builders.rectification_report(
        issuer=issuer, problems=qs, subject=subject, addressee="委党组", root=root
    )
