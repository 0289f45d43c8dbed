import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import clock
from rectification import selectors, services
from rectification.choices import ProblemStatus
from rectification.models import Problem, ProblemCategory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF"


def new_problem(org, unit="county_a", days=30, source="self_check"):
    return services.problem_create(
        actor=org.user("prov_supervisor"),
        org_unit=org.unit(unit),
        found_by_unit=org.unit("province"),
        source=source,
        description="村卫生室标准化建设滞后",
        category=ProblemCategory.objects.first(),
        deadline=clock.today() + dt.timedelta(days=days),
    )


def rectify(org, problem, who="county_a_head"):
    services.problem_start(
        actor=org.user(who), problem=problem, measures="制定标准化建设计划", responsible_person="孙局长"
    )
    services.problem_add_evidence(
        actor=org.user(who), problem=problem, upload=SimpleUploadedFile("整改.pdf", PDF)
    )
    return services.problem_submit(
        actor=org.user(who), problem=Problem.objects.get(pk=problem.pk), note="已完成"
    )


def test_lifecycle_close_needs_evidence_and_an_outside_verifier(org):
    p = new_problem(org)
    services.problem_start(
        actor=org.user("county_a_clerk"), problem=p, measures="整改", responsible_person="钱联络"
    )
    with pytest.raises(ValidationError, match="佐证"):
        services.problem_submit(actor=org.user("county_a_clerk"), problem=p, note="完成")
    p = rectify(org, p)
    assert p.status == ProblemStatus.RECTIFIED
    kinds = list(p.events.order_by("id").values_list("kind", flat=True))
    assert kinds[-2:] == ["evidence", "rectified"]  # the upload has its own line on the timeline
    with pytest.raises(PermissionDenied):
        services.problem_verify(actor=org.user("county_a_head"), problem=p, approve=True)
    with pytest.raises(PermissionDenied):  # sibling county has no say
        services.problem_verify(actor=org.user("county_b_head"), problem=p, approve=True)
    p = services.problem_verify(actor=org.user("prov_supervisor"), problem=p, approve=False, note="佐证不全")
    assert p.status == ProblemStatus.IN_PROGRESS and p.return_count == 1
    p = services.problem_submit(actor=org.user("county_a_head"), problem=p, note="已补充")
    p = services.problem_verify(actor=org.user("prov_supervisor"), problem=p, approve=True)
    assert p.status == ProblemStatus.CLOSED and p.verified_by.username == "prov_supervisor"


def test_failed_recheck_reopens_and_counts_regression(org):
    p = rectify(org, new_problem(org))
    p = services.problem_verify(actor=org.user("prov_supervisor"), problem=p, approve=True)
    seed, picked = services.recheck_draw(candidates=Problem.objects.all(), count=5)
    assert picked == [p]
    assert services.recheck_draw(candidates=Problem.objects.all(), count=5, seed=seed)[1] == picked
    services.recheck_record(
        actor=org.user("prov_supervisor"), problem=p, passed=False, note="问题反弹", sampled=True, batch=seed
    )
    p.refresh_from_db()
    assert p.status == ProblemStatus.IN_PROGRESS and p.regressions == 1
    rows, total = selectors.statistics(Problem.objects.all(), by="unit", today=clock.today())
    assert total.regressions == 1 and total.done == 0 and total.in_progress == 1


def test_return_and_failed_recheck_clear_the_rectified_date(org):
    """A returned or reopened item is being rectified again: it has no 整改完成 date (the detail page
    and the export showed the old one); the submission stays on the timeline."""
    p = rectify(org, new_problem(org))
    assert p.rectified_on == clock.today() and p.rectified_at is not None
    p = services.problem_verify(actor=org.user("prov_supervisor"), problem=p, approve=False, note="佐证不全")
    assert p.status == ProblemStatus.IN_PROGRESS
    assert p.rectified_on is None and p.rectified_at is None
    assert p.events.filter(kind="rectified").count() == 1
    clock.travel(days=3)
    p = services.problem_submit(actor=org.user("county_a_head"), problem=p, note="已补充")
    assert p.rectified_on == clock.today()
    p = services.problem_verify(actor=org.user("prov_supervisor"), problem=p, approve=True)
    services.recheck_record(actor=org.user("prov_supervisor"), problem=p, passed=False, note="问题反弹")
    p.refresh_from_db()
    assert p.status == ProblemStatus.IN_PROGRESS and p.rectified_on is None and p.rectified_at is None


def test_escalation_ladder_climbs_with_days_overdue_and_once_each(org):
    p = new_problem(org, days=5)
    assert services.escalation_scan() == 0
    clock.travel(days=6)  # 1 day overdue
    assert services.escalation_scan() == 1
    assert services.escalation_scan() == 0
    clock.travel(days=9)  # 10 days overdue: 催办 and 督办单
    assert services.escalation_scan() == 2
    p.refresh_from_db()
    assert p.escalation == 3
    assert [e.get_level_display() for e in p.escalations.all()] == ["提醒", "催办", "督办单"]
    clock.travel(days=30)
    services.escalation_scan()
    p.refresh_from_db()
    assert p.escalation == 5


def test_statistics_rate_half_up():
    assert selectors.rate(49, 51) == "96.1%"
    assert selectors.rate(1, 8) == "12.5%"
    assert selectors.rate(1, 16) == "6.3%"  # 6.25 → 6.3, half up
    assert selectors.rate(0, 0) == "—"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ops=st.lists(
        st.tuples(st.sampled_from(["new", "start", "submit", "close", "return", "fail"]), st.integers(0, 5)),
        min_size=1,
        max_size=12,
    )
)
def test_statistics_always_reconcile(org, ops):
    Problem.objects.all().delete()
    for op, i in ops:
        problems = list(Problem.objects.order_by("pk"))
        target = problems[i % len(problems)] if problems else None
        try:
            if op == "new" or target is None:
                new_problem(org, unit=["county_a", "county_b", "inst_a"][i % 3], days=i - 2)
            elif op == "start":
                services.problem_start(
                    actor=org.user("prov_supervisor"), problem=target, measures="m", responsible_person="r"
                )
            elif op == "submit":
                services.problem_add_evidence(
                    actor=org.user("prov_supervisor"), problem=target, upload=SimpleUploadedFile("a.pdf", PDF)
                )
                services.problem_submit(actor=org.user("prov_supervisor"), problem=target, note="n")
            elif op in ("close", "return"):
                services.problem_verify(
                    actor=org.user("city_a_supervisor"), problem=target, approve=op == "close", note="n"
                )
            elif op == "fail":
                services.recheck_record(
                    actor=org.user("city_a_supervisor"), problem=target, passed=False, note="n"
                )
        except (ValidationError, PermissionDenied):
            pass
    for by in ("unit", "source", "category"):
        rows, total = selectors.statistics(Problem.objects.all(), by=by, today=clock.today())
        assert all(r.reconciles for r in rows)
        assert total.reconciles and total.total == Problem.objects.count()
        assert total.done == Problem.objects.filter(status="closed").count()
