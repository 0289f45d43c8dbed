"""Helpers of the supervision page tests: campaigns built through the services."""

from __future__ import annotations

import datetime as dt

from core import clock
from core.testing import PASSWORD
from org import services as org_services
from org.models import Role, User
from supervision import services


def city_b_supervisor(org):
    """A 督查员 of 乙市: may see campaigns, but only those organised inside 乙市."""
    user = org_services.user_create(
        actor=None,
        username="city_b_supervisor",
        full_name="乙督查",
        unit=org.units["city_b"],
        password=PASSWORD,
        must_change_password=False,
        phone="13800138000",
    )
    org_services.role_grant(
        actor=None,
        user=user,
        role=Role.objects.get(code="supervisor"),
        unit=org.units["city_b"],
        include_descendants=True,
    )
    return User.objects.get(pk=user.pk)


TARGETS = ("county_a", "county_b", "inst_a")
INSPECTORS = ("county_a_head", "county_b_head", "county_b_clerk", "inst_a_clerk")


def make_campaign(org, *, theme="基层医疗卫生机构服务专项督查", kind="random", days=30, checklist=None):
    """A campaign of 甲市 (city_a_supervisor) with three targets in its pool."""
    today = clock.today()
    return services.campaign_create(
        actor=org.user("city_a_supervisor"),
        org_unit=org.unit("city_a"),
        theme=theme,
        kind=kind,
        start_date=today,
        end_date=today + dt.timedelta(days=days),
        description="检查家庭医生签约服务和基本公共卫生服务落实情况",
        checklist=checklist if checklist is not None else ["家庭医生签约履约", "基本公卫建档", "药品管理"],
        target_pool=[org.unit(k) for k in TARGETS],
        inspector_pool=[org.user(k) for k in INSPECTORS],
    )


def drawn_campaign(org, **kw):
    campaign = make_campaign(org, **kw)
    services.campaign_draw(
        actor=org.user("city_a_supervisor"),
        campaign=campaign,
        target_count=len(TARGETS),
        inspectors_per_target=1,
        seed="fixed-seed",
    )
    campaign.refresh_from_db()
    return campaign


def add_record(org, campaign, unit="county_a", *, key=False, findings=("药房过期药品未及时清理",), day=0):
    return services.record_create(
        actor=org.user("city_a_supervisor"),
        campaign=campaign,
        target=org.unit(unit),
        inspected_on=campaign.start_date + dt.timedelta(days=day),
        site="中心卫生院" if key else "村卫生室",
        is_key_site=key,
        findings=[{"description": d} for d in findings],
    )
