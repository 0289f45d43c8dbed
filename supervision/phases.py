"""The status a campaign shows (R-SUP-1) — the one place it is written, twice: as a plain condition
for lists (`phase_q`, the 状态 filter of the campaign list and its export) and in Python for one
campaign (`phase_of`, every page and the export's column). A property test proves they agree.

The stored status records the steps people took (筹备中 → 已抽签 → 检查中 → 已结束, the last by
结束督查); what a campaign shows also depends on the day T and its period [S, E]:

1. 已结束 (closed by 结束督查)         → 已结束
2. E < T                              → 检查期已过，待结束 (the period is over, nobody closed it)
3. not yet drawn                      → 筹备中
4. T < S                              → 已抽签，未开始
5. otherwise (S ≤ T ≤ E, drawn)       → 检查中
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from supervision.choices import CampaignPhase, CampaignStatus

CSS = {
    CampaignPhase.DRAFT: "text-bg-light border",
    CampaignPhase.DRAWN: "text-bg-info",
    CampaignPhase.ACTIVE: "text-bg-primary",
    CampaignPhase.ENDED: "text-bg-warning",
    CampaignPhase.CLOSED: "text-bg-secondary",
}


def phase_of(campaign, today: dt.date) -> CampaignPhase:
    if campaign.status == CampaignStatus.CLOSED:
        return CampaignPhase.CLOSED
    if campaign.end_date < today:
        return CampaignPhase.ENDED
    if campaign.status == CampaignStatus.DRAFT:
        return CampaignPhase.DRAFT
    if today < campaign.start_date:
        return CampaignPhase.DRAWN
    return CampaignPhase.ACTIVE


def phase_q(phase: str, today: dt.date) -> Q:
    """Campaigns showing `phase` on `today`, as a condition on status and period."""
    closed = Q(status=CampaignStatus.CLOSED)
    if phase == CampaignPhase.CLOSED:
        return closed
    running = ~closed & Q(end_date__gte=today)
    if phase == CampaignPhase.ENDED:
        return ~closed & Q(end_date__lt=today)
    if phase == CampaignPhase.DRAFT:
        return running & Q(status=CampaignStatus.DRAFT)
    drawn = running & ~Q(status=CampaignStatus.DRAFT)
    if phase == CampaignPhase.DRAWN:
        return drawn & Q(start_date__gt=today)
    if phase == CampaignPhase.ACTIVE:
        return drawn & Q(start_date__lte=today)
    return Q(pk__in=[])
