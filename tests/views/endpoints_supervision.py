"""Declarations: 专项督查 (campaigns, draws, inspection records, findings)."""

import datetime as dt

from core import clock
from core.testing.views import LISTING, MARK, Endpoint, pk, rows, value
from org.models import Unit, User
from supervision import services as ssvc
from supervision.models import Campaign, Draw, Finding, InspectionRecord

SUP = "city_a_supervisor"  # the world's campaign is 甲市's, inspecting 甲一县


def _day(n=0):
    return (clock.today() + dt.timedelta(days=n)).isoformat()


def _campaign_body(world, **over):
    data = {
        "org_unit": Unit.objects.get(code="SF-A").pk,
        "theme": "基层医疗卫生机构服务专项督查",
        "kind": "open",
        "start_date": _day(),
        "end_date": _day(20),
        "checklist": "台账",
        "target_pool": [world["unit"].pk],
        "inspector_pool": [User.objects.get(username="county_b_head").pk],
    }
    return {**data, **over}


def _record_body(world, **over):
    item = world["campaign"].checklist.get()
    data = {
        f"check_{item.pk}": "ok",
        "target": world["unit"].pk,
        "inspected_on": _day(),
        "site": "甲一县村卫生室",
        "inspectors": [User.objects.get(username="county_b_head").pk],
    }
    return {**data, **over}


def _undrawn(world):
    """prepare: a campaign of 甲市 starting tomorrow, not drawn yet."""
    org = world["org"]
    campaign = ssvc.campaign_create(
        actor=org.user(SUP),
        org_unit=Unit.objects.get(code="SF-A"),
        theme=f"{MARK}新督查",
        kind="random",
        start_date=clock.today() + dt.timedelta(days=1),
        end_date=clock.today() + dt.timedelta(days=20),
        checklist=["台账"],
        target_pool=[world["unit"]],
        inspector_pool=[User.objects.get(username="county_b_head")],
    )
    return {"undrawn": campaign}


SUPERVISION = [
    Endpoint("supervision:campaign_list", scope=LISTING, insider=SUP, shows=f"{MARK}督查"),
    Endpoint("supervision:campaign_export", scope=LISTING, insider=SUP),
    Endpoint(
        "supervision:campaign_create",
        scope=LISTING,
        insider=SUP,
        valid=_campaign_body,
        state=rows(Campaign),
        invalid=lambda w: _campaign_body(w, end_date=_day(-5)),  # ends before it starts
    ),
    Endpoint("supervision:campaign_detail", pk("campaign"), insider=SUP, shows=f"{MARK}督查"),
    Endpoint(
        "supervision:campaign_draw",
        pk("undrawn"),
        insider=SUP,
        prepare=_undrawn,
        shows=f"{MARK}新督查",
        valid=lambda w: {"target_count": 1, "inspectors_per_target": 1},
        state=rows(Draw),
        invalid=lambda w: {"target_count": 5, "inspectors_per_target": 1},  # more than the pool holds
    ),
    Endpoint(
        "supervision:campaign_close",
        pk("campaign"),
        insider=SUP,
        get=None,
        valid=lambda w: {},
        state=value("campaign", "status"),
        why="invalid: a button without fields",
    ),
    Endpoint(
        "supervision:record_create",
        pk("campaign"),
        shows=f"{MARK}督查",
        insider=SUP,
        valid=_record_body,
        state=rows(InspectionRecord),
        invalid=lambda w: _record_body(w, inspected_on="2026-02-30"),
    ),
    Endpoint(
        "supervision:draw_verify",
        lambda w: {"pk": w["campaign"].draws.get().pk},
        insider=SUP,
        get=None,
        valid=lambda w: {},
        # a re-run of the recorded draw changes no record (no state): its audit entry is the evidence
        why="invalid: a button without fields",
    ),
    Endpoint("supervision:record_list", scope=LISTING, insider=SUP, shows=f"{MARK}卫生院"),
    Endpoint("supervision:record_export", scope=LISTING, insider=SUP),
    Endpoint("supervision:record_detail", pk("record"), insider=SUP, shows=f"{MARK}卫生院"),
    Endpoint(
        "supervision:finding_create",
        pk("record"),
        shows=f"{MARK}督查",
        insider=SUP,
        valid=lambda w: {"description": "医疗废物暂存点无警示标识", "severity": "general", "item": ""},
        state=rows(Finding),
        invalid=lambda w: {"description": "  ", "severity": "general", "item": ""},
    ),
]
