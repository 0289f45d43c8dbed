"""Writes of inspection campaigns (R-SUP-1..3): 双随机 draws that anyone can re-run."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.services import record
from core import clock
from core.models import next_in_sequence
from core.services import require
from org.models import Unit, User
from supervision.choices import CampaignStatus, ItemResult
from supervision.models import (
    Campaign,
    CampaignInspector,
    ChecklistItem,
    Draw,
    Finding,
    InspectionRecord,
    ItemCheck,
)
from supervision.transitions import CAMPAIGN

# --- rules: who may do what to a campaign, right now ------------------------------------------------
# Each check raises PermissionDenied (wrong person) or ValidationError (wrong state) with the Chinese
# reason. The services call them before they write and the pages call the very same checks (through
# `allowed()`) to decide which forms and buttons to show.


def allowed(check, *args, **kwargs) -> bool:
    try:
        check(*args, **kwargs)
    except (PermissionDenied, ValidationError):
        return False
    return True


def check_draw(actor: User, campaign: Campaign) -> None:
    require(actor, "supervision.draw_campaign", campaign.org_unit, "您无权为该督查抽签")
    CAMPAIGN.check("draw", campaign.status)


def check_inspect(actor: User, campaign: Campaign) -> None:
    require(actor, "supervision.inspect_campaign", campaign.org_unit, "您无权录入该督查的检查记录")
    CAMPAIGN.check("inspect", campaign.status)


def check_close(actor: User, campaign: Campaign) -> None:
    require(actor, "supervision.change_campaign", campaign.org_unit, "您无权结束该督查")
    CAMPAIGN.check("close", campaign.status)


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    org_unit: Unit,
    theme: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    description: str = "",
    checklist: list[str] = (),
    target_pool=(),
    inspector_pool=(),
) -> Campaign:
    require(actor, "supervision.add_campaign", org_unit, "您无权以该单位名义组织督查")
    if end_date < start_date:
        raise ValidationError({"end_date": "结束日期不能早于开始日期"})
    year = start_date.year
    campaign = Campaign(
        code=f"DC-{year}-{next_in_sequence('campaign', year):03d}",
        org_unit=org_unit,
        theme=theme,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        description=description,
        created_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    for unit in target_pool:
        if not unit.is_descendant_of(org_unit):
            raise ValidationError({"target_pool": f"检查对象“{unit}”不在组织单位的管辖范围内"})
    campaign.target_pool.set(target_pool)
    campaign.inspector_pool.set(inspector_pool)
    for i, text in enumerate(t.strip() for t in checklist):
        if text:
            ChecklistItem.objects.create(campaign=campaign, text=text, sort_order=i)
    record(
        actor=actor,
        action="supervision.campaign.created",
        obj=campaign,
        changes={
            "theme": theme,
            "kind": kind,
            "period": f"{start_date}~{end_date}",
            "target_pool": len(target_pool),
            "inspector_pool": len(inspector_pool),
        },
    )
    return campaign


def _conflict(inspector_unit: Unit | None, target: Unit) -> bool:
    """An inspector is never drawn for their own unit or its subtree (nor for a unit above their own)."""
    if inspector_unit is None:
        return False
    return target.is_descendant_of(inspector_unit) or inspector_unit.is_descendant_of(target)


def run_draw(
    *,
    seed: str,
    target_pool: list[int],
    inspector_pool: list[int],
    target_count: int,
    inspectors_per_target: int,
) -> list[dict]:
    """The draw itself: a pure function of its recorded inputs, so 复核抽签 gives the same result.

    Targets: `target_count` units sampled from the sorted pool. Inspectors: for each drawn target in
    ascending order, `inspectors_per_target` people sampled from those of the sorted pool without a
    conflict of interest, spreading the load (people with fewer assignments first are not favoured:
    the sample is uniform among eligible inspectors).
    """
    rng = random.Random(seed)
    targets = sorted(rng.sample(sorted(target_pool), target_count))
    units = {u.pk: u for u in Unit.objects.filter(pk__in=targets)}
    inspector_units = dict(User.objects.filter(pk__in=inspector_pool).values_list("pk", "unit_id"))
    unit_objs = {u.pk: u for u in Unit.objects.filter(pk__in=set(inspector_units.values()))}
    result = []
    for target_id in targets:
        eligible = [
            uid
            for uid in sorted(inspector_pool)
            if not _conflict(unit_objs.get(inspector_units.get(uid)), units[target_id])
        ]
        if len(eligible) < inspectors_per_target:
            raise ValidationError(
                f"“{units[target_id]}”可抽取的检查人员不足{inspectors_per_target}人（需回避本单位及上下级）"
            )
        result.append(
            {"target": target_id, "inspectors": sorted(rng.sample(eligible, inspectors_per_target))}
        )
    return result


@transaction.atomic
def campaign_draw(
    *,
    actor: User,
    campaign: Campaign,
    target_count: int,
    inspectors_per_target: int,
    seed: str | None = None,
    reason: str = "",
) -> Draw:
    """双随机 (R-SUP-2): draw targets and inspectors from the pools; seed, pools and result recorded.
    A redraw (重新抽签) replaces the current result, keeps the earlier draws and needs a reason."""
    require(actor, "supervision.draw_campaign", campaign.org_unit, "您无权为该督查抽签")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_draw(actor, campaign)
    previous = campaign.draws.order_by("-drawn_at", "-id").first()
    reason = reason.strip()
    if previous is not None and not reason:
        raise ValidationError({"reason": "重新抽签须填写理由"})
    target_pool, inspector_pool = _draw_pools(campaign, target_count, inspectors_per_target)
    seed = seed or secrets.token_hex(16)
    result = run_draw(
        seed=seed,
        target_pool=target_pool,
        inspector_pool=inspector_pool,
        target_count=target_count,
        inspectors_per_target=inspectors_per_target,
    )
    draw = Draw.objects.create(
        campaign=campaign,
        seed=seed,
        target_pool=target_pool,
        inspector_pool=inspector_pool,
        target_count=target_count,
        inspectors_per_target=inspectors_per_target,
        result=result,
        drawn_by=actor,
        drawn_at=clock.now(),
        reason=reason,
    )
    _draw_apply(campaign, result)
    record(
        actor=actor,
        action="supervision.campaign.drawn",
        obj=campaign,
        changes={
            "seed": seed,
            "target_pool": target_pool,
            "inspector_pool": inspector_pool,
            "result": result,
            **({"reason": reason, "replaced_draw": previous.pk} if previous else {}),
        },
    )
    return draw


def _draw_pools(campaign: Campaign, target_count: int, inspectors_per_target: int) -> tuple[list, list]:
    """The campaign's target and inspector pools (sorted ids), the requested counts checked."""
    target_pool = sorted(campaign.target_pool.values_list("pk", flat=True))
    inspector_pool = sorted(campaign.inspector_pool.values_list("pk", flat=True))
    if target_count < 1 or target_count > len(target_pool):
        raise ValidationError({"target_count": f"抽取对象数须在1到{len(target_pool)}之间"})
    if inspectors_per_target < 1:
        raise ValidationError({"inspectors_per_target": "每个对象至少抽取1名检查人员"})
    return target_pool, inspector_pool


def _draw_apply(campaign: Campaign, result: list[dict]) -> None:
    """Make a draw's result the campaign's: its targets and their inspectors replace the earlier
    ones (with any inspection records of an earlier draw), and the campaign is 已抽签."""
    campaign.inspections.all().delete()
    campaign.targets.set([r["target"] for r in result])
    CampaignInspector.objects.bulk_create(
        CampaignInspector(campaign=campaign, target_id=r["target"], inspector_id=i)
        for r in result
        for i in r["inspectors"]
    )
    campaign.status = CAMPAIGN.target("draw")
    campaign.save(update_fields=["status", "updated_at"])


def draw_verify(*, draw: Draw) -> tuple[bool, list[dict]]:
    """复核抽签: re-run the draw from its record and compare with what was recorded."""
    again = run_draw(
        seed=draw.seed,
        target_pool=draw.target_pool,
        inspector_pool=draw.inspector_pool,
        target_count=draw.target_count,
        inspectors_per_target=draw.inspectors_per_target,
    )
    return again == draw.result, again


@transaction.atomic
def draw_check(*, actor: User, draw: Draw) -> tuple[bool, list[dict]]:
    """复核抽签 by a person: the same re-run, and a line in the audit log saying who checked and what came out."""
    same, again = draw_verify(draw=draw)
    record(
        actor=actor,
        action="supervision.draw.verified",
        obj=draw.campaign,
        changes={"draw": draw.pk, "seed": draw.seed, "same": same},
    )
    return same, again


@transaction.atomic
def record_create(
    *,
    actor: User,
    campaign: Campaign,
    target: Unit,
    inspected_on: dt.date,
    site: str = "",
    is_key_site: bool = False,
    summary: str = "",
    inspectors=(),
    checks: dict | None = None,
    findings: list[dict] = (),
) -> InspectionRecord:
    """检查记录 (R-SUP-3) for one target: checked items and findings."""
    campaign = Campaign.objects.select_related("org_unit").get(pk=campaign.pk)  # the status as of now
    check_inspect(actor, campaign)
    if not campaign.targets.filter(pk=target.pk).exists():
        raise ValidationError({"target": "该单位不是本次督查的检查对象"})
    if not campaign.start_date <= inspected_on <= max(campaign.end_date, campaign.start_date):
        raise ValidationError({"inspected_on": "检查日期须在督查期间内"})
    rec = InspectionRecord(
        campaign=campaign,
        org_unit=target,
        site=site,
        is_key_site=is_key_site,
        inspected_on=inspected_on,
        summary=summary,
        recorded_by=actor,
    )
    rec.full_clean()
    rec.save()
    rec.inspectors.set(inspectors or [actor])
    items = {i.pk: i for i in campaign.checklist.all()}
    for item_id, (result, note) in (checks or {}).items():
        if int(item_id) not in items:
            raise ValidationError("检查事项不属于本次督查")
        ItemCheck.objects.create(record=rec, item=items[int(item_id)], result=result, note=note)
    for f in findings:
        finding_add(
            actor=actor,
            record_=rec,
            description=f["description"],
            severity=f.get("severity", "general"),
            item=items.get(f.get("item")) if f.get("item") else None,
            audit=False,
        )
    _inspected(campaign)
    record(
        actor=actor,
        action="supervision.record.created",
        obj=rec,
        changes={
            "site": site,
            "key_site": is_key_site,
            "findings": len(findings),
            "problems": sum(1 for r, _ in (checks or {}).values() if r == ItemResult.PROBLEM),
        },
    )
    return rec


@transaction.atomic
def finding_add(
    *,
    actor: User,
    record_: InspectionRecord,
    description: str,
    severity: str = "general",
    item: ChecklistItem | None = None,
    audit: bool = True,
) -> Finding:
    require(actor, "supervision.inspect_campaign", record_.campaign.org_unit, "您无权录入该督查的发现")
    if Campaign.objects.filter(pk=record_.campaign_id, status=CampaignStatus.CLOSED).exists():
        raise ValidationError("督查已结束，不能再登记发现")
    if not description.strip():
        raise ValidationError({"description": "请填写发现的问题"})
    finding = Finding.objects.create(
        record=record_, item=item, description=description.strip(), severity=severity
    )
    if audit:
        record(
            actor=actor,
            action="supervision.finding.created",
            obj=record_,
            changes={"description": description[:200]},
        )
    return finding


def _inspected(campaign: Campaign) -> None:
    """A record moves a campaign on as the table says (已抽签 → 检查中; other states stay)."""
    drawn = CampaignStatus.DRAWN
    Campaign.objects.filter(pk=campaign.pk, status=drawn).update(
        status=CAMPAIGN.target("inspect", state=drawn)
    )


@transaction.atomic
def campaign_close(*, actor: User, campaign: Campaign) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_close(actor, campaign)
    campaign.status = CAMPAIGN.target("close")
    campaign.save(update_fields=["status", "updated_at"])
    record(actor=actor, action="supervision.campaign.closed", obj=campaign)
    return campaign
