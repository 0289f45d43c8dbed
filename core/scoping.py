"""Data scope (数据权限, R-ORG-3): the single enforcement point.

A user may do permission P on the units covered by their role assignments that grant P:
the unit alone, or the unit and its whole subtree. The answer is computed once per request
(cached on the user object) and turned into a filter on a model's unit fields. Units form a
tree with a materialized path of fixed-width digits, so a subtree is one indexed range.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q
from django.db.models.lookups import In


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
        # one query: a row per (role assignment, permission of its role), no model objects
        rows = RoleAssignment.objects.filter(
            user=user, role__is_active=True, unit__is_active=True, role__permissions__isnull=False
        ).values_list(
            "unit_id",
            "unit__path",
            "include_descendants",
            "role__permissions__content_type__app_label",
            "role__permissions__codename",
        )
        for unit_id, path, subtree, app_label, codename in rows:
            cache.setdefault(f"{app_label}.{codename}", []).append(Grant(unit_id, path, subtree))
        user._duban_grants = cache
    return cache


def grants_for(user, perm: str) -> list[Grant]:
    if not user or not user.is_authenticated or not user.is_active:
        return []
    return _grants(user).get(perm, [])


def has_any(user, perm: str) -> bool:
    return bool(grants_for(user, perm))


class IndexedIn(In):
    """`column IN (SELECT …)`, written on PostgreSQL as `column = ANY(ARRAY(SELECT …))` (same
    rows): the subquery's ids become one array computed once, which the planner uses as the
    condition of the column's index.

    For `IN (SELECT …)` PostgreSQL estimates the matching rows from the number of distinct values
    in the column, and for a city's subtree (or a user's tasks) it expects most of the table: it
    then reads the rows matching the list's other conditions in the whole province and joins
    (a hash join) instead of reading the city's index ranges. Use it only where the column drives
    the query (one field of a UNION branch, `unit_q`; the ids of a list, `ids_q`): as a filter
    over rows found through another index the array is compared element by element, where `IN`
    is one hash probe; and PostgreSQL cannot narrow the subquery to one id, as it does `IN`'s."""

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        if not rhs_sql.startswith("("):
            rhs_sql = f"({rhs_sql})"
        return f"{lhs_sql} = ANY(ARRAY{rhs_sql})", (*lhs_params, *rhs_params)


def indexed_in(field: str, subquery) -> Q:
    """Q(`field` IN `subquery`) for a query whose rows are found through `field`'s index."""
    return Q(IndexedIn(F(field), subquery.order_by()))


def _grants_q(grants: list[Grant], field: str, subtree_lookup) -> Q:
    from org.models import Unit

    q = Q(pk__in=[])
    single = [g.unit_id for g in grants if not g.subtree]
    if single:
        q |= Q(**{f"{field}__in": single})
    for g in grants:
        if g.subtree:
            lo, hi = subtree_range(g.path)
            units = Unit.objects.filter(path__gte=lo, path__lt=hi).order_by().values("pk")
            q |= Q(subtree_lookup(g)(F(field), units))
    return q


def _covers_all(grant: Grant) -> bool:
    """A grant at the top of the tree covers (nearly) every unit, and so (nearly) every row: there
    reading the table is the right plan, and `IN (SELECT …)` stays (an array of every id would be
    probed id by id through the index)."""
    from org.models import PATH_WIDTH

    return len(grant.path) <= PATH_WIDTH


def unit_q(grants: list[Grant], field: str) -> Q:
    """Q selecting rows whose `field` (a FK to org.Unit) lies inside the grants, for a query (or a
    UNION branch) that this field's index drives (`IndexedIn`, except at the top of the tree)."""
    return _grants_q(grants, field, lambda g: In if _covers_all(g) else IndexedIn)


def ids_q(grants: list[Grant], field: str, branches: list) -> Q:
    """Q(`field` IN the UNION of `branches`, single-column querysets of the ids of the rows
    reached through `grants`, e.g. `unit_q` branches), for a query that reads those rows as a whole
    (a list and its counts). Below the top of the tree they are a small part of the table: read
    through `field`'s index (`IndexedIn`) rather than joined back to the whole table, from a
    `UNION ALL` (the index scan sorts its array and drops duplicates; a UNION would hash them
    first). At the top, `IN (… UNION …)`: reading the table is the right plan there."""
    if any(_covers_all(g) for g in grants):
        return Q(In(F(field), union_of(branches)))
    return Q(IndexedIn(F(field), union_of(branches, keep_duplicates=True)))


def scope_q(user, perm: str, fields: tuple[str, ...]) -> Q:
    """Q selecting the rows whose scope unit fields lie inside the user's grants for `perm` (an OR
    across the fields, each `IN (SELECT …)`)."""
    grants = grants_for(user, perm)
    q = Q(pk__in=[])
    if not grants:
        return q
    for field in fields:
        q |= _grants_q(grants, field, lambda g: In)
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


def union_of(querysets, *, keep_duplicates: bool = False):
    """`qs1 UNION qs2 …` of single-column querysets, for `pk__in=` (each must be unordered);
    `UNION ALL` with `keep_duplicates`."""
    first, *rest = list(querysets)
    return first.union(*rest, all=keep_duplicates) if rest else first


def scope_branches(queryset, user, perm: str) -> list:
    """`queryset.visible_to(user, perm)` split into one queryset per scope unit field of its model
    (`scope_unit_fields`): the rows of the union of the branches are exactly the visible rows.

    A list filters each branch with its own conditions and reads their UNION (`union_of`): each
    branch is then one range of the composite (unit, status, …) index of its field, where an
    OR across the fields can make the database read every row matching the list's conditions in
    the whole province before checking the scope.
    """
    grants = grants_for(user, perm)
    if not grants:
        return [queryset.none()]
    return [queryset.filter(unit_q(grants, field)) for field in queryset.model.scope_unit_fields]


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
