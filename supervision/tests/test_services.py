import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import clock
from rectification.models import Problem, ProblemCategory
from rectification.services import problem_from_finding
from supervision import services
from supervision.models import Campaign

pytestmark = pytest.mark.django_db


def make_campaign(org, **kw):
    today = clock.today()
    pool_units = [org.unit(k) for k in ("city_a", "county_a", "county_b", "city_b", "county_c", "inst_a")]
    inspectors = [
        org.user(k)
        for k in ("prov_supervisor", "city_a_supervisor", "county_a_head", "county_b_head", "county_c_clerk")
    ]
    return services.campaign_create(
        actor=org.user("prov_supervisor"),
        org_unit=org.unit("province"),
        theme="基层医疗卫生服务专项督查",
        kind="random",
        start_date=today,
        end_date=today + dt.timedelta(days=30),
        checklist=["家庭医生签约履约", "村卫生室标准化", "基本公卫建档"],
        target_pool=pool_units,
        inspector_pool=inspectors,
        **kw,
    )


def test_draw_is_recorded_repeatable_and_avoids_own_unit(org):
    campaign = make_campaign(org)
    draw = services.campaign_draw(
        actor=org.user("prov_supervisor"), campaign=campaign, target_count=4, inspectors_per_target=2
    )
    assert len(draw.result) == 4 and draw.seed
    same, again = services.draw_verify(draw=draw)
    assert same and again == draw.result
    units = {u.pk: u for u in campaign.target_pool.all()}
    from org.models import User

    for row in draw.result:
        target = units[row["target"]]
        for uid in row["inspectors"]:
            own = User.objects.get(pk=uid).unit
            assert not target.is_descendant_of(own) and not own.is_descendant_of(target)
    # same seed, same pools → same result; another seed → generally another draw
    c2 = make_campaign(org)
    d2 = services.campaign_draw(
        actor=org.user("prov_supervisor"),
        campaign=c2,
        target_count=4,
        inspectors_per_target=2,
        seed=draw.seed,
    )
    assert [r["target"] for r in d2.result] == [r["target"] for r in draw.result]


def test_tampered_draw_record_fails_verification(org):
    campaign = make_campaign(org)
    draw = services.campaign_draw(
        actor=org.user("prov_supervisor"), campaign=campaign, target_count=3, inspectors_per_target=1
    )
    draw.result[0]["inspectors"] = [999999]
    same, _ = services.draw_verify(draw=draw)
    assert not same


def test_draw_needs_permission_and_valid_counts(org):
    campaign = make_campaign(org)
    with pytest.raises(PermissionDenied):
        services.campaign_draw(
            actor=org.user("county_a_clerk"), campaign=campaign, target_count=1, inspectors_per_target=1
        )
    with pytest.raises(ValidationError):
        services.campaign_draw(
            actor=org.user("prov_supervisor"), campaign=campaign, target_count=99, inspectors_per_target=1
        )


def test_finding_becomes_problem_in_one_step(org):
    campaign = make_campaign(org)
    draw = services.campaign_draw(
        actor=org.user("prov_supervisor"), campaign=campaign, target_count=6, inspectors_per_target=1
    )
    target = org.unit("county_a")
    assert target.pk in [r["target"] for r in draw.result]
    item = campaign.checklist.first()
    rec = services.record_create(
        actor=org.user("prov_supervisor"),
        campaign=campaign,
        target=target,
        inspected_on=clock.today(),
        site="甲一县中心卫生院",
        is_key_site=True,
        checks={item.pk: ("problem", "履约率低")},
        findings=[{"description": "抽查12户签约家庭，3户未随访", "item": item.pk}],
    )
    finding = rec.findings.get()
    problem = problem_from_finding(
        actor=org.user("prov_supervisor"),
        finding=finding,
        category=ProblemCategory.objects.get(name="服务群众"),
        deadline=clock.today() + dt.timedelta(days=30),
        requirement="建立履约台账",
    )
    assert problem.campaign == campaign and problem.record == rec and problem.org_unit == target
    assert problem.found_by_unit == org.unit("province") and problem.source == "supervision"
    with pytest.raises(ValidationError):
        problem_from_finding(
            actor=org.user("prov_supervisor"),
            finding=finding,
            category=problem.category,
            deadline=problem.deadline,
        )
    assert Problem.objects.count() == 1
    assert Campaign.objects.get(pk=campaign.pk).status == "active"


def test_record_only_for_drawn_targets(org):
    campaign = make_campaign(org)
    services.campaign_draw(
        actor=org.user("prov_supervisor"),
        campaign=campaign,
        target_count=1,
        inspectors_per_target=1,
        seed="fixed",
    )
    outside = [u for u in campaign.target_pool.all() if not campaign.targets.filter(pk=u.pk).exists()][0]
    with pytest.raises(ValidationError):
        services.record_create(
            actor=org.user("prov_supervisor"), campaign=campaign, target=outside, inspected_on=clock.today()
        )
