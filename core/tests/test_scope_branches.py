"""core.scoping's index-driven forms of the scope: the UNION of per-field branches and the
`= ANY(ARRAY(…))` subtree condition on PostgreSQL select exactly the rows `visible_to()` does."""

import pytest

from core import scoping
from core.testing import make_task
from org.models import Unit
from rectification.models import Problem
from rectification.tests.factories import bulk_problems
from tasks.models import Assignment, Task

pytestmark = pytest.mark.django_db

USERS = (
    "prov_supervisor",  # a grant at the top of the tree
    "city_a_supervisor",  # a subtree below it
    "county_a_head",
    "county_a_clerk",  # unit only
    "county_c_clerk",
    "no_role",
)


@pytest.fixture
def world(org):
    for lead, creator, org_unit in (
        ("county_a", "prov_supervisor", "province"),
        ("county_b", "city_a_supervisor", "city_a"),
        ("county_c", "prov_supervisor", "province"),
        ("inst_a", "county_a_head", "county_a"),
    ):
        make_task(org, lead=lead, creator=creator, org_unit=org_unit)
    bulk_problems(org, 2, unit="county_a", found_by="province")
    bulk_problems(org, 1, unit="county_b", found_by="city_a")
    bulk_problems(org, 1, unit="county_c", found_by="city_b")
    bulk_problems(org, 1, unit="inst_a", found_by="county_a")


def pks(qs):
    return set(qs.values_list("pk", flat=True))


def union_pks(branches):
    return set(scoping.union_of([b.order_by().values_list("pk", flat=True) for b in branches]))


@pytest.mark.parametrize("name", USERS)
@pytest.mark.parametrize(
    "model, perm",
    [(Assignment, "tasks.view_assignment"), (Problem, "rectification.view_problem")],
)
def test_union_of_branches_is_visible_to(org, world, name, model, perm):
    user = org.user(name)
    visible = pks(model.objects.visible_to(user, perm))
    branches = scoping.scope_branches(model.objects.all(), user, perm)
    assert union_pks(branches) == visible
    # each branch keeps the list's own conditions
    opened = scoping.scope_branches(model.objects.exclude(status="closed"), user, perm)
    assert union_pks(opened) == pks(model.objects.visible_to(user, perm).exclude(status="closed"))
    if name in ("prov_supervisor", "city_a_supervisor"):
        assert visible  # the comparison is not between two empty sets


@pytest.mark.parametrize("name", USERS)
@pytest.mark.parametrize(
    "model, perm",
    [(Assignment, "tasks.view_assignment"), (Problem, "rectification.view_problem")],
)
def test_listing_form_is_visible_to(org, world, name, model, perm):
    """visible_to(…, listing=True): the per-field branches read through the primary key."""
    user = org.user(name)
    visible = pks(model.objects.visible_to(user, perm))
    assert pks(model.objects.visible_to(user, perm, listing=True)) == visible
    opened = model.objects.exclude(status="closed")
    assert pks(opened.visible_to(user, perm, listing=True)) == pks(opened.visible_to(user, perm))
    if name in ("prov_supervisor", "city_a_supervisor"):
        assert visible
    if name == "no_role":
        assert not pks(model.objects.visible_to(user, perm, listing=True))


@pytest.mark.parametrize("name", USERS)
def test_unit_q_selects_the_units_of_the_grants(org, world, name):
    user = org.user(name)
    grants = scoping.grants_for(user, "tasks.view_task")
    units = [org.unit(key) for key in org.units]
    expected = {u.pk for u in units if any(in_grant(u, g) for g in grants)}
    assert pks(Unit.objects.filter(scoping.unit_q(grants, "pk"))) == expected
    assert pks(Task.objects.filter(scoping.unit_q(grants, "org_unit"))) == pks(
        Task.objects.filter(org_unit__in=expected)
    )


def in_grant(unit, grant) -> bool:
    lo, hi = scoping.subtree_range(grant.path)
    return unit.pk == grant.unit_id or (grant.subtree and lo <= unit.path < hi)


def test_indexed_in_is_in(org, world):
    mine = Task.objects.filter(created_by=org.user("prov_supervisor")).values("pk")
    got = pks(Assignment.objects.filter(scoping.indexed_in("task", mine)))
    assert got == pks(Assignment.objects.filter(task__in=mine))
    assert got and got != pks(Assignment.objects.all())
    assert not Assignment.objects.filter(
        scoping.indexed_in("task", Task.objects.none().values("pk"))
    ).exists()


@pytest.mark.parametrize("name", USERS)
def test_task_listing_form_selects_the_visible_tasks(org, world, name):
    """`visible_to(listing=True)` (ids read through the primary key) and the lookup form
    (`IN (… UNION …)`) are the same rows, also under a list's own filters."""
    user = org.user(name)
    visible = pks(Task.objects.visible_to(user))
    assert pks(Task.objects.visible_to(user, listing=True)) == visible
    assert pks(Task.objects.visible_to(user, listing=True).exclude(status="draft")) == pks(
        Task.objects.visible_to(user).exclude(status="draft")
    )
    if name in ("prov_supervisor", "city_a_supervisor", "county_a_clerk"):
        assert visible
    if name == "city_a_supervisor":  # sees some tasks, not all: the comparison can fail
        assert visible != pks(Task.objects.all())


def test_task_listing_form_reads_ids_through_the_primary_key_below_the_top(org, world):
    from django.db import connection

    city = str(Task.objects.visible_to(org.user("city_a_supervisor"), listing=True).query)
    province = str(Task.objects.visible_to(org.user("prov_supervisor"), listing=True).query)
    lookup = str(Task.objects.visible_to(org.user("city_a_supervisor")).query)
    pk = '"tasks_task"."id"'
    if connection.vendor == "postgresql":
        assert f"{pk} = ANY(ARRAY(" in city and "UNION ALL" in city
    else:
        assert f"{pk} IN (" in city
    # the top of the tree and lookups of one task keep `IN (… UNION …)`
    for sql in (province, lookup):
        assert f"{pk} IN (" in sql and f"{pk} = ANY" not in sql and "UNION ALL" not in sql
