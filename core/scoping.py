"""Data scope (数据权限, R-ORG-3): the single enforcement point.

A user may do permission P on the units covered by their role assignments that grant P:
the unit alone, or the unit and its whole subtree. The answer is computed once per request
(cached on the user object) and turned into a filter on a model's unit fields. Units form a
tree with a materialized path of fixed-width digits, so a subtree is one indexed range.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class Grant:
    unit_id: int
    path: str
    subtree: bool


def subtree_range(path: str) -> tuple[str, str]:
    """Paths of a subtree lie in [path, next(path)); paths are digit strings of fixed-width levels."""
    upper = str(int(path) + 1).zfill(len(path))
    return path, upper


def _grants(user) -> dict[str, list[Grant]]:
    cache = getattr(user, "_duban_grants", None)
    if cache is None:
        from org.models import RoleAssignment

        cache = {}
        rows = (
            RoleAssignment.objects.filter(user=user, role__is_active=True, unit__is_active=True)
            .select_related("unit", "role")
            .prefetch_related("role__permissions__content_type")
        )
        for ra in rows:
            grant = Grant(ra.unit_id, ra.unit.path, ra.include_descendants)
            for p in ra.role.permissions.all():
                cache.setdefault(f"{p.content_type.app_label}.{p.codename}", []).append(grant)
        user._duban_grants = cache
    return cache


def grants_for(user, perm: str) -> list[Grant]:
    if not user or not user.is_authenticated or not user.is_active:
        return []
    return _grants(user).get(perm, [])


def has_any(user, perm: str) -> bool:
    return bool(grants_for(user, perm))


def unit_q(grants: list[Grant], field: str) -> Q:
    """Q selecting rows whose `field` (a FK to org.Unit) lies inside the grants."""
    from org.models import Unit

    q = Q(pk__in=[])
    single = [g.unit_id for g in grants if not g.subtree]
    if single:
        q |= Q(**{f"{field}__in": single})
    for g in grants:
        if g.subtree:
            lo, hi = subtree_range(g.path)
            q |= Q(**{f"{field}__in": Unit.objects.filter(path__gte=lo, path__lt=hi).values("pk")})
    return q


def scope_q(user, perm: str, fields: tuple[str, ...]) -> Q:
    grants = grants_for(user, perm)
    q = Q(pk__in=[])
    if not grants:
        return q
    for field in fields:
        q |= unit_q(grants, field)
    return q


def unit_in_scope(user, perm: str, unit) -> bool:
    if unit is None:
        return False
    for g in grants_for(user, perm):
        if g.unit_id == unit.pk:
            return True
        if g.subtree:
            lo, hi = subtree_range(g.path)
            if lo <= unit.path < hi:
                return True
    return False


def obj_in_scope(user, perm: str, obj) -> bool:
    return any(unit_in_scope(user, perm, getattr(obj, f)) for f in obj.scope_unit_fields)


def units_q(user, perm: str) -> Q:
    """Q over org.Unit itself: the units a user may act on with `perm`."""
    return unit_q(grants_for(user, perm), "pk")


def clear_cache(user) -> None:
    if hasattr(user, "_duban_grants"):
        del user._duban_grants


def union_of(querysets):
    """`qs1 UNION qs2 …` of single-column querysets, for `pk__in=` (each must be unordered)."""
    first, *rest = list(querysets)
    return first.union(*rest) if rest else first


def acting_units(user, perm: str) -> list:
    """Units a user may act for with `perm` as a create form's 单位 choice: their own unit when
    in scope, then the units their role grants sit on (not their whole subtree), in tree order."""
    from org.models import Unit

    units = {}
    if user.unit_id and unit_in_scope(user, perm, user.unit):
        units[user.unit_id] = user.unit
    grant_ids = [g.unit_id for g in grants_for(user, perm) if g.unit_id not in units]
    if grant_ids:
        for unit in Unit.objects.filter(pk__in=grant_ids, is_active=True):
            units[unit.pk] = unit
    return sorted(units.values(), key=lambda u: (u.pk != user.unit_id, u.path))
