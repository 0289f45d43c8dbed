"""R-ORG-3: the one scope function — subtree vs unit-only grants, siblings see nothing."""

import pytest

from core import scoping
from org import services as org_services
from org.models import Role, Unit
from tasks.models import Task

pytestmark = pytest.mark.django_db


def test_subtree_range_covers_exactly_the_subtree(org):
    city_a = org.unit("city_a")
    lo, hi = scoping.subtree_range(city_a.path)
    inside = set(Unit.objects.filter(path__gte=lo, path__lt=hi).values_list("code", flat=True))
    assert inside == {"SF-A", "SF-A-1", "SF-A-1-H", "SF-A-2"}


def test_unit_only_grant_excludes_children(org):
    clerk = org.user("county_a_clerk")  # clerk at county_a, unit only
    assert scoping.unit_in_scope(clerk, "tasks.view_task", org.unit("county_a"))
    assert not scoping.unit_in_scope(clerk, "tasks.view_task", org.unit("inst_a"))
    head = org.user("county_a_head")  # head at county_a with subtree
    assert scoping.unit_in_scope(head, "tasks.view_task", org.unit("inst_a"))


def test_sibling_county_sees_nothing(org):
    for user in ("county_b_clerk", "county_b_head", "county_c_clerk"):
        u = org.user(user)
        assert not scoping.unit_in_scope(u, "tasks.view_task", org.unit("county_a"))
        assert not Unit.objects.visible_to(u).filter(code="SF-A-1").exists()


def test_user_without_roles_has_no_scope(org):
    u = org.user("no_role")
    assert not scoping.has_any(u, "tasks.view_task")
    assert not Task.objects.visible_to(u).exists()
    assert not Unit.objects.visible_to(u).exists()


def test_permission_not_granted_by_role_gives_nothing(org):
    clerk = org.user("county_a_clerk")
    assert not scoping.has_any(clerk, "tasks.verify_assignment")
    assert not scoping.unit_in_scope(clerk, "org.add_unit", org.unit("county_a"))


def test_inactive_unit_grants_nothing(org):
    org_services.unit_update(actor=org.user("sysadmin"), unit=org.unit("county_a"), data={"is_active": False})
    assert not scoping.has_any(org.user("county_a_clerk"), "tasks.view_task")


def test_moving_a_subtree_moves_scope(org):
    org_services.unit_move(
        actor=org.user("sysadmin"), unit=org.unit("county_b"), new_parent=org.unit("city_b")
    )
    assert not scoping.unit_in_scope(org.user("city_a_supervisor"), "tasks.view_task", org.unit("county_b"))
    city_b_sup = org_services.user_create(
        actor=None,
        username="city_b_sup",
        full_name="乙督查",
        unit=org.unit("city_b"),
        password="Duban#2026x",
    )
    org_services.role_grant(
        actor=None, user=city_b_sup, role=Role.objects.get(code="supervisor"), unit=org.unit("city_b")
    )
    assert scoping.unit_in_scope(city_b_sup, "tasks.view_task", org.unit("county_b"))
    moved = org.unit("county_b")
    assert moved.path.startswith(org.unit("city_b").path) and moved.depth == 2
    assert moved.moves.count() == 1


def test_scope_is_computed_once_per_user_object(org, django_assert_num_queries):
    u = org.user("county_a_head")
    with django_assert_num_queries(1):  # role assignments with their roles' permissions, one query
        scoping.grants_for(u, "tasks.view_task")
    with django_assert_num_queries(0):
        scoping.grants_for(u, "tasks.add_task")
        scoping.unit_in_scope(u, "tasks.view_task", org.units["inst_a"])
