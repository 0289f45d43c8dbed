"""Demo: 督办通报 of the task ledger drafted by a 督查员, sent for 签发 and signed by the leader —
the province's (sf_duchayuan → sf_lingdao, signed five days ago) and 东湖市's (dhs_duchayuan →
dhs_lingdao, returned once with comments, then signed). The letters and the 督查通报 of the
supervision part go through the same 送签/签发 (demo/supervision.py, sign_off)."""

from __future__ import annotations

import datetime as dt

from django.test.utils import override_settings

from core import clock
from documents import services as doc_services
from documents import task_bulletin
from documents.models import DocumentKind, IssuedDocument
from documents.selectors import bulletin_assignments

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class SignoffMixin:
    def plan_signoff(self):
        """Schedule this part's events (self.at(day_offset, fn, *args))."""
        self.at(
            -9.6,
            self.do_task_bulletin,
            "city_dhs",
            "dhs_duchayuan",
            "dhs_lingdao",
            "请把黑榜单位的逾期原因写具体。",
        )
        self.at(-6.6, self.do_task_bulletin, "province", "sf_duchayuan", "sf_lingdao", "")

    def do_task_bulletin(self, unit_key: str, drafter_name: str, leader_name: str, comment: str):
        """Draft in the morning, 送签 at once; the leader returns it (when `comment`) and signs it
        the next day."""
        issuer = self.units.get(unit_key)
        if issuer is None or drafter_name not in self.users or leader_name not in self.users:
            return
        drafter, leader = self.user(drafter_name), self.user(leader_name)
        today = clock.today()
        start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        qs = bulletin_assignments(drafter, issuer)
        draft = task_bulletin.task_bulletin(
            issuer=issuer, assignments=qs, period_start=start, period_end=today
        )
        doc = doc_services.document_draft(
            actor=drafter,
            kind=DocumentKind.TASK_BULLETIN,
            org_unit=issuer,
            draft=draft,
            assignments=list(qs.filter(pk__in=draft.params["assignments"])),
        )
        doc_services.document_submit(actor=drafter, document=doc, signer=leader)
        if comment:
            doc_services.document_return(actor=leader, document=doc, comment=comment)
            doc_services.document_submit(actor=drafter, document=doc, signer=leader)
        self.at(-5.6 if unit_key == "province" else -8.6, self.do_sign_document, doc.pk, leader_name)
        self.counts["task_bulletins"] += 1

    def do_sign_document(self, doc_pk: int, leader_name: str):
        doc = IssuedDocument.objects.get(pk=doc_pk)
        with override_settings(PASSWORD_HASHERS=FAST_HASHER):
            doc_services.document_issue(actor=self.user(leader_name), document=doc, password=self.password)
