"""Demo: the red-task ladder's daily scan, run as the queue would while the clock moves.

Every day at 09:50 (offset +0.15) the scan takes the steps the days red call for (提醒, 催办,
督办单, and 列入通报 / 建议问责 once an issued 督办通报 lists an assignment). The 督办单 the ladder
drafts are signed by the assigning unit's leader the next day, except every fifth one, left
待签发 for the leaders to find.
"""

from __future__ import annotations

from collections import Counter

from django.test.utils import override_settings

from core import clock
from documents import services as doc_services
from documents.models import IssuedDocument
from escalation.models import Level, TaskEscalation
from escalation.selectors import current_step_expression
from escalation.services import ladder_scan
from tasks import lights
from tasks.choices import Light
from tasks.models import Assignment

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
FIRST_DAY, LAST_DAY = -125, -1
UNSIGNED_EVERY = 5  # one 督办单 in five stays 待签发


class LadderMixin:
    def plan_ladder(self):
        """The daily scan for days -125 … -1."""
        self.ladder_orders = 0
        self.ladder_waiting: set[int] = set()
        for day in range(FIRST_DAY, LAST_DAY + 1):
            self.at(day + 0.15, self.do_ladder_scan)

    def do_ladder_scan(self):
        started = clock.now()
        counts = ladder_scan(today=clock.today())
        for level, n in counts.items():
            self.counts[f"ladder_{Level(level).name.lower()}"] += n
        if not counts[Level.ORDER]:
            return
        drafted = (
            TaskEscalation.objects.filter(level=Level.ORDER, at__gte=started, document__isnull=False)
            .select_related("document")
            .order_by("pk")
        )
        for step in drafted:
            self.ladder_orders += 1
            issuer = step.document.org_unit_id
            recent = (self.today - clock.today()).days <= 14
            if self.ladder_orders % UNSIGNED_EVERY == 0 or (recent and issuer not in self.ladder_waiting):
                # every issuer keeps one recent 督办单 waiting for its leader's 签发 (their 工作台)
                self.ladder_waiting.add(issuer)
                continue
            leader = self.leader.get(issuer)
            if leader:
                tomorrow = (clock.today() - self.today).days + 1
                self.at(tomorrow + 0.22, self.do_sign_order, step.document_id, leader)

    def do_sign_order(self, document_id: int, leader: str):
        doc = IssuedDocument.objects.get(pk=document_id)
        if doc.status != IssuedDocument.Status.SUBMITTED:
            return
        with override_settings(PASSWORD_HASHERS=FAST_HASHER):
            doc_services.document_issue(actor=self.user(leader), document=doc, password=self.password)
        self.counts["ladder_orders_signed"] += 1


def ladder_counts(today) -> dict:
    """The current step of every red assignment (for the report): {label: count}."""
    steps = Counter(
        Assignment.objects.filter(lights.light_q(Light.RED, today))
        .annotate(step=current_step_expression())
        .values_list("step", flat=True)
    )
    return {(Level(k).label if k else "尚未升级"): v for k, v in sorted(steps.items())}
