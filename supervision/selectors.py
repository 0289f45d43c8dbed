"""Reads of campaigns: statistics computed from records, never typed (R-SUP-5).

Every selector takes the user and starts from `visible_to()`. Per-row counts are correlated
subqueries (one per column) rather than COUNT(DISTINCT …) over joined targets × records ×
problems, whose row product grows with the size of each campaign.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce

from core import panels, scoping
from org.choices import UnitKind
from org.models import Unit, User
from supervision.models import Campaign, CampaignInspector, Draw, Finding, InspectionRecord

# Figures a higher app counts for campaigns, registered through core.panels in its AppConfig.ready()
# (supervision cannot import them): rectification's "problems" (发现问题), documents' "letters"
# (下发交办函). A registration's `context()` returns the rows to count — a queryset with a `campaign`
# foreign key (and, for TARGET_FIGURES — counted by target on a campaign's page — an `org_unit`).
# The name is the field of CampaignStats / TargetRow, and `n_<name>` the list's per-campaign column.
CAMPAIGN_FIGURES = "supervision.campaign_figures"
TARGET_FIGURES = "supervision.campaign_target_figures"


def _figures(page: str):
    return [(f.name, f.context()) for f in panels.contributions(page)]


@dataclass
class CampaignStats:
    rounds: int  # 专项督查次数
    units_checked: int  # 检查单位次数: distinct (campaign, unit) pairs with a record
    key_sites: int  # 重点场所次数: records at key sites
    problems: int = 0  # 发现问题个数 (a figure of rectification)
    letters: int = 0  # 下发交办函份数 (issued; a figure of documents)

    def sentence(self) -> str:
        return (
            f"开展专项督查{self.rounds}次，检查单位{self.units_checked}次，重点场所{self.key_sites}次，"
            f"发现问题{self.problems}个，下发交办函{self.letters}份"
        )


def campaign_statistics(campaigns, rounds: int | None = None) -> CampaignStats:
    """Five aggregate queries whatever the number of campaigns (four when the caller already
    counted them, e.g. a list page's paginator): one per figure, contributed ones included."""
    ids = campaigns.order_by().values("pk")
    records = InspectionRecord.objects.filter(campaign__in=ids)
    pairs = records.values("campaign_id", "org_unit_id").distinct().count()
    key_sites = records.filter(is_key_site=True).count()
    figures = {name: rows.filter(campaign__in=ids).count() for name, rows in _figures(CAMPAIGN_FIGURES)}
    if rounds is None:
        rounds = campaigns.count()
    return CampaignStats(rounds, pairs, key_sites, **figures)


def campaigns_visible(user, perm: str = "supervision.view_campaign"):
    return Campaign.objects.visible_to(user, perm)


def _count(queryset, column: str = "campaign_id", distinct_of: str = "pk"):
    """A correlated COUNT subquery of `queryset` rows whose `column` is the outer campaign."""
    sub = (
        queryset.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(n=Count(distinct_of, distinct=distinct_of != "pk"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def with_counts(campaigns):
    """Per-campaign statistics: the same five figures as the statistics line, plus targets/findings."""
    targets = Campaign.targets.through.objects
    contributed = {f"n_{name}": _count(rows) for name, rows in _figures(CAMPAIGN_FIGURES)}
    return campaigns.annotate(
        n_targets=_count(targets.all()),
        n_records=_count(InspectionRecord.objects.all()),
        n_units_checked=_count(InspectionRecord.objects.all(), distinct_of="org_unit_id"),
        n_key=_count(InspectionRecord.objects.filter(is_key_site=True)),
        n_findings=_count(Finding.objects.all(), column="record__campaign_id"),
        **contributed,
    )


def campaign_ledger(user, perm: str = "supervision.view_campaign"):
    """The campaigns `user` may see, each with its counts (per-row statistics of the list)."""
    return with_counts(campaigns_visible(user, perm).select_related("org_unit"))


# --- one campaign ---------------------------------------------------------------------------------


@dataclass
class DrawRow:
    target: Unit | None
    target_id: int
    inspectors: list[User]


@dataclass
class DrawView:
    draw: Draw
    rows: list[DrawRow]
    target_pool: list[Unit]
    inspector_pool: list[User]
    verified: bool | None = None  # None: not re-run on this page
    again: list[DrawRow] = field(default_factory=list)


@dataclass
class TargetRow:
    unit: Unit
    inspectors: list[User]
    records: int = 0
    findings: int = 0
    problems: int = 0


def _names(unit_ids, user_ids):
    units = Unit.objects.in_bulk(set(unit_ids))
    users = User.objects.select_related("unit").in_bulk(set(user_ids))
    return units, users


def draw_rows(result: list[dict], units, users) -> list[DrawRow]:
    return [
        DrawRow(
            target=units.get(r["target"]),
            target_id=r["target"],
            inspectors=[users[i] for i in r["inspectors"] if i in users],
        )
        for r in result
    ]


def draw_view(draw: Draw, again: list[dict] | None = None) -> DrawView:
    """A draw with names for every id it recorded (two queries), and optionally a re-run to compare."""
    unit_ids = list(draw.target_pool)
    user_ids = list(draw.inspector_pool)
    for r in (*draw.result, *(again or ())):
        unit_ids.append(r["target"])
        user_ids.extend(r["inspectors"])
    units, users = _names(unit_ids, user_ids)
    view = DrawView(
        draw=draw,
        rows=draw_rows(draw.result, units, users),
        target_pool=sorted((units[i] for i in draw.target_pool if i in units), key=lambda u: u.path),
        inspector_pool=[users[i] for i in draw.inspector_pool if i in users],
    )
    if again is not None:
        view.verified = again == draw.result
        view.again = draw_rows(again, units, users)
    return view


def campaign_targets(campaign: Campaign) -> list[TargetRow]:
    """The campaign's targets with their drawn inspectors and record/finding/problem counts (5 queries:
    the problems are TARGET_FIGURES' contribution)."""
    rows = {u.pk: TargetRow(unit=u, inspectors=[]) for u in campaign.targets.order_by("path")}
    for ci in (
        CampaignInspector.objects.filter(campaign=campaign)
        .select_related("inspector__unit")
        .order_by("target_id", "inspector_id")
    ):
        if ci.target_id in rows:
            rows[ci.target_id].inspectors.append(ci.inspector)
    counts = (
        (InspectionRecord.objects.filter(campaign=campaign), "org_unit_id", "records"),
        (Finding.objects.filter(record__campaign=campaign), "record__org_unit_id", "findings"),
        *((rows.filter(campaign=campaign), "org_unit_id", name) for name, rows in _figures(TARGET_FIGURES)),
    )
    for qs, column, attr in counts:
        for row in qs.order_by().values(column).annotate(n=Count("pk")):
            if row[column] in rows:
                setattr(rows[row[column]], attr, row["n"])
    return list(rows.values())


def drawn_inspectors(campaign: Campaign, target: Unit | None) -> list[int]:
    if target is None:
        return []
    return list(
        CampaignInspector.objects.filter(campaign=campaign, target=target)
        .order_by("inspector_id")
        .values_list("inspector_id", flat=True)
    )


# --- inspection records -----------------------------------------------------------------------------


def records_visible(user, perm: str = "supervision.view_inspectionrecord"):
    return InspectionRecord.objects.visible_to(user, perm)


def record_ledger(user, perm: str = "supervision.view_inspectionrecord"):
    """Records `user` may see (the inspected unit's side sees its own), with names and findings
    loaded in a constant number of queries (two prefetches)."""
    return (
        records_visible(user, perm)
        .select_related("campaign", "org_unit")
        .prefetch_related(
            Prefetch("inspectors", queryset=User.objects.order_by("id")),
            Prefetch("findings", queryset=Finding.objects.select_related("problem").order_by("id")),
        )
        .order_by("-inspected_on", "-id")
    )


def record_detail(user, pk: int) -> InspectionRecord:
    """One record with its checks, findings (and the problems they became) and inspectors."""
    from django.shortcuts import get_object_or_404

    from supervision.models import ItemCheck

    return get_object_or_404(
        records_visible(user)
        .select_related("campaign__org_unit", "org_unit", "recorded_by")
        .prefetch_related(
            Prefetch("inspectors", queryset=User.objects.select_related("unit").order_by("id")),
            Prefetch(
                "checks",
                queryset=ItemCheck.objects.select_related("item").order_by("item__sort_order", "item_id"),
            ),
            Prefetch("findings", queryset=Finding.objects.select_related("item", "problem").order_by("id")),
        ),
        pk=pk,
    )


def campaign_options(user):
    """Campaigns offered in the record list's campaign filter."""
    return campaigns_visible(user).order_by("-start_date", "-id")


def can_view_campaign(user, campaign: Campaign) -> bool:
    return scoping.unit_in_scope(user, "supervision.view_campaign", campaign.org_unit)


def inspector_options(user, perm: str = "supervision.add_campaign"):
    """People who may be put in an inspector pool: active accounts of units in the user's scope."""
    return (
        User.objects.filter(is_active=True, unit__in=Unit.objects.filter(scoping.units_q(user, perm)))
        .select_related("unit")
        .order_by("unit__path", "id")
    )


def default_organiser(user, org_units: list[Unit]) -> Unit | None:
    """The 组织单位 a new campaign starts with: the commission (卫健委/卫健局) the user works for —
    a department (处室/科室, e.g. 督查室) acts for its commission, its nearest ancestor that is not
    a department — when the user may organise for it; else the first unit the user may act for."""
    by_id = {u.pk: u for u in org_units}
    if user.unit_id:
        for unit in reversed(list(user.unit.ancestors())):  # the user's unit first, then upwards
            if unit.kind != UnitKind.DEPARTMENT:
                if unit.pk in by_id:
                    return by_id[unit.pk]
                break
    return org_units[0] if org_units else None


def target_options(user, perm: str = "supervision.add_campaign"):
    """Units that may be put in a target pool: active units in the user's scope, in tree order."""
    return Unit.objects.filter(scoping.units_q(user, perm), is_active=True).order_by("path")
