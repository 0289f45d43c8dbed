"""Reads of campaigns: statistics computed from records, never typed (R-SUP-5)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from supervision.models import Campaign, InspectionRecord


@dataclass
class CampaignStats:
    rounds: int  # 专项督查次数
    units_checked: int  # 检查单位次数: distinct (campaign, unit) pairs with a record
    key_sites: int  # 重点场所次数: records at key sites
    problems: int  # 发现问题个数
    letters: int  # 下发交办函份数 (issued)

    def sentence(self) -> str:
        return (
            f"开展专项督查{self.rounds}次，检查单位{self.units_checked}次，重点场所{self.key_sites}次，"
            f"发现问题{self.problems}个，下发交办函{self.letters}份"
        )


def campaign_statistics(campaigns) -> CampaignStats:
    """Four aggregate queries whatever the number of campaigns."""
    from documents.models import DocumentKind, IssuedDocument
    from rectification.models import Problem

    ids = campaigns.values("pk")
    records = InspectionRecord.objects.filter(campaign__in=ids)
    pairs = records.values("campaign_id", "org_unit_id").distinct().count()
    key_sites = records.filter(is_key_site=True).count()
    problems = Problem.objects.filter(campaign__in=ids).count()
    letters = IssuedDocument.objects.filter(
        campaign__in=ids, kind=DocumentKind.ASSIGNMENT_LETTER, status=IssuedDocument.Status.ISSUED
    ).count()
    return CampaignStats(campaigns.count(), pairs, key_sites, problems, letters)


def campaigns_visible(user):
    return Campaign.objects.visible_to(user, "supervision.view_campaign")


def campaign_ledger(user):
    return (
        campaigns_visible(user)
        .select_related("org_unit")
        .annotate(
            n_targets=Count("targets", distinct=True),
            n_records=Count("records", distinct=True),
            n_problems=Count("problems", distinct=True),
            n_key=Count("records", filter=Q(records__is_key_site=True), distinct=True),
        )
    )
