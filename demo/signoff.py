"""Demo: 督办通报 of the task ledger drafted by a 督查员, sent for 签发 and signed by the leader —
the province's (sf_duchayuan → sf_lingdao, signed five days ago) and 东湖市's (dhs_duchayuan →
dhs_lingdao, returned once with comments, then signed); 整改情况报告 to the superior (上行文, the
签发人 in the 版头): the province's to the national commission signed by sf_lingdao, and one each of
the province and 东湖市 returned with comments, waiting on the drafter's 工作台, and 城关区卫健局's
to 东湖市, drafted by its 督查员 and waiting for its leader's 签发. The letters and the
督查通报 of the supervision part go through the same 送签/签发 (demo/supervision.py, sign_off)."""

from __future__ import annotations

import datetime as dt

from django.test.utils import override_settings

from core import clock
from documents import builders as doc_builders
from documents import services as doc_services
from documents import task_bulletin
from documents.models import DocumentKind, IssuedDocument
from documents.selectors import bulletin_assignments, subtree_problems

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# 整改情况报告 to the superior: (day, issuer, drafter, leader, 主送, outcome) — outcome SIGN (signed
# the same afternoon), PENDING (left 待签发 for the leader) or the leader's comments (returned, left
# for the drafter to revise)
SIGN, PENDING = "sign", "pending"
REPORTS = [
    (-3.6, "province", "sf_duchayuan", "sf_lingdao", "国家卫生健康委员会", SIGN),
    (-1.6, "province", "sf_duchayuan", "sf_lingdao", "省委督查室", "请补充逾期问题的原因分析。"),
    (-0.6, "province", "sf_duchayuan", "sf_lingdao", "省人民政府办公厅", PENDING),
    (-1.4, "city_dhs", "dhs_duchayuan", "dhs_lingdao", "示范省卫生健康委员会", "数字请与问题台账核对。"),
    (-0.5, "city_dhs", "dhs_duchayuan", "dhs_lingdao", "东湖市人民政府办公室", PENDING),
    # None: the drafter's own unit (城关区卫健局, reporting up to its city)
    (-0.45, None, "dhs_cg_duchayuan", "dhs_cg_lingdao", "东湖市卫生健康委员会", PENDING),
]


class SignoffMixin:
    def plan_signoff(self):
        """Schedule this part's events (self.at(day_offset, fn, *args))."""
        comment = "请把黑榜单位的逾期原因写具体。"
        self.at(-9.6, self.do_signoff_task_bulletin, "city_dhs", "dhs_duchayuan", "dhs_lingdao", comment)
        self.at(-6.6, self.do_signoff_task_bulletin, "province", "sf_duchayuan", "sf_lingdao", "")
        for day, unit, drafter, leader, addressee, outcome in REPORTS:
            self.at(day, self.do_signoff_report, unit, drafter, leader, addressee, outcome)

    def do_signoff_task_bulletin(self, unit_key: str, drafter_name: str, leader_name: str, comment: str):
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
        self.at(-5.6 if unit_key == "province" else -8.6, self.do_signoff_sign, doc.pk, leader_name)
        self.counts["task_bulletins"] += 1

    def do_signoff_report(
        self, unit_key: str | None, drafter_name: str, leader_name: str, addressee: str, outcome: str
    ):
        """整改情况报告 of the issuer's subtree to its superior, sent to the leader (REPORTS)."""
        if drafter_name not in self.users or leader_name not in self.users:
            return
        drafter, leader = self.user(drafter_name), self.user(leader_name)
        issuer = drafter.unit if unit_key is None else self.units.get(unit_key)
        if issuer is None:
            return
        problems = subtree_problems(drafter, issuer)
        draft = doc_builders.rectification_report(
            issuer=issuer,
            problems=problems,
            subject=f"{issuer.display_name}督查发现问题",
            addressee=addressee,
            root=issuer,
        )
        doc = doc_services.document_draft(
            actor=drafter, kind=DocumentKind.RECTIFICATION_REPORT, org_unit=issuer, draft=draft
        )
        doc_services.document_submit(actor=drafter, document=doc, signer=leader)
        if outcome == SIGN:
            self.at((clock.today() - self.today).days + 0.7, self.do_signoff_sign, doc.pk, leader_name)
        elif outcome != PENDING:
            doc_services.document_return(actor=leader, document=doc, comment=outcome)

    def do_signoff_sign(self, doc_pk: int, leader_name: str):
        doc = IssuedDocument.objects.get(pk=doc_pk)
        with override_settings(PASSWORD_HASHERS=FAST_HASHER):
            doc_services.document_issue(actor=self.user(leader_name), document=doc, password=self.password)
