"""Data scope (数据权限, R-ORG-3): the single enforcement point.

A user may do permission P on the units covered by their role assignments that grant P:
the unit alone, or the unit and its whole subtree. The answer is computed once per request
(cached on the user object) and turned into a filter on a model's unit fields. Units form a
tree with a materialized path of fixed-width digits, so a subtree is one indexed range.

This module decides scope and builds its queries; no other module filters by unit path (checked
by tests/test_one_scope_module.py): a list filtered to a unit and below asks `subtree_q`.

Why core, and why a registration: audit sits below org in the layers (org's writes are
audited), and audit's log is scoped too, so the scope rule must sit below both — here, in core,
which imports no app. What it needs from org (the rows of a user's role assignments and the Unit
model, for subqueries over the tree) org hands over in its AppConfig.ready() through `use()`;
until then every scope question raises ImproperlyConfigured. The tree's path format
(`PATH_WIDTH`) is defined here and org.models uses it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, Q
from django.db.models.lookups import In

PATH_WIDTH = 6  # digits per tree level of Unit.path: unit ids up to 999,999

# row: (unit id, unit path, include_descendants, permission app_label, permission codename)
GrantRows = Callable[[object], Iterable[tuple[int, str, bool, str, str]]]
_registered: dict = {}


def use(*, grants: GrantRows, units) -> None:
    """Register org's part (org.apps.OrgConfig.ready): `grants(user)` gives one row per (active role
    assignment at an active unit, permission of its role) in one query; `units` is org.Unit."""
    _registered.update(grants=grants, units=units)


def _org(part: str):
    try:
        return _registered[part]
    except KeyError:
        raise ImproperlyConfigured(
            "core.scoping: nothing registered; org's AppConfig.ready() calls scoping.use()"
        ) from None


@dataclass(frozen=True)
class Grant:
    unit_id: int
    path: str
    subtree: bool


def subtree_range(path: str) -> tuple[str, str]:
    """Paths of a subtree lie in [path, next(path)); paths are digit strings of fixed-width levels."""
    upper = str(int(path) + 1).zfill(len(path))
    return path, upper


def ancestor_ids(path: str) -> list[int]:
    """Ids of the units from the root down to the unit at `path` (itself included)."""
    return [int(path[i : i + PATH_WIDTH]) for i in range(0, len(path), PATH_WIDTH)]


def _grants(user) -> dict[str, list[Grant]]:
    cache = getattr(user, "_duban_grants", None)
    if cache is None:
        cache = {}
        for unit_id, path, subtree, app_label, codename in _org("grants")(user):
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


def subtree_q(unit, field: str = "") -> Q:
    """Q: rows whose unit `field` (a FK to org.Unit; "" for Unit itself) is `unit` or below it —
    a list's 单位 filter (本单位及下级), not a permission: the list is already `visible_to()`."""
    lo, hi = subtree_range(unit.path)
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}path__gte": lo, f"{prefix}path__lt": hi})


def _grants_q(grants: list[Grant], field: str, subtree_lookup) -> Q:
    q = Q(pk__in=[])
    single = [g.unit_id for g in grants if not g.subtree]
    if single:
        q |= Q(**{f"{field}__in": single})
    for g in grants:
        if g.subtree:
            lo, hi = subtree_range(g.path)
            units = _org("units").objects.filter(path__gte=lo, path__lt=hi).order_by().values("pk")
            q |= Q(subtree_lookup(g)(F(field), units))
    return q


def _covers_all(grant: Grant) -> bool:
    """A grant at the top of the tree covers (nearly) every unit, and so (nearly) every row: there
    reading the table is the right plan, and `IN (SELECT …)` stays (an array of every id would be
    probed id by id through the index)."""
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


def scope_q(user, perm: str, fields: tuple[str, ...], *, unitless: str = "") -> Q:
    """Q selecting the rows whose scope unit fields lie inside the user's grants for `perm` (an OR
    across the fields, each `IN (SELECT …)`). `unitless`: a field that may be empty (e.g. an audit
    event of a failed login with an unknown account name); rows without a unit there belong to
    whoever holds `perm` over a whole tree, from its root down."""
    grants = grants_for(user, perm)
    q = Q(pk__in=[])
    if not grants:
        return q
    for field in fields:
        q |= _grants_q(grants, field, lambda g: In)
    if unitless and any(g.subtree and len(g.path) == PATH_WIDTH for g in grants):
        q |= Q(**{f"{unitless}__isnull": True})
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


def holders_q(unit, perm: str, assignments: str = "role_assignments") -> Q:
    """Q over accounts: those who may do `perm` on `unit` (the rule above, asked the other way round,
    for a notice's recipients) — a role granting `perm` assigned at the unit, or at a unit above it
    for its subtree. `assignments`: the accounts' relation to their role assignments."""
    app_label, codename = perm.split(".", 1)
    a = assignments
    at_unit = Q(**{f"{a}__unit": unit})
    above = Q(**{f"{a}__unit_id__in": ancestor_ids(unit.path), f"{a}__include_descendants": True})
    return (at_unit | above) & Q(
        **{
            f"{a}__role__is_active": True,
            f"{a}__role__permissions__codename": codename,
            f"{a}__role__permissions__content_type__app_label": app_label,
        }
    )


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
    units = {}
    if user.unit_id and unit_in_scope(user, perm, user.unit):
        units[user.unit_id] = user.unit
    grant_ids = [g.unit_id for g in grants_for(user, perm) if g.unit_id not in units]
    if grant_ids:
        for unit in _org("units").objects.filter(pk__in=grant_ids, is_active=True):
            units[unit.pk] = unit
    return sorted(units.values(), key=lambda u: (u.pk != user.unit_id, u.path))


def bucket_of(children: list):
    """A function: the path of a unit → the one of `children` (units with a `path`, none inside
    another) whose subtree holds it, or None — a count grouped by unit folded onto the units
    directly below a scope root, each counting its whole subtree (the cockpit's "by unit").
    Paths are fixed-width levels, so a subtree is a path prefix: one dict lookup per depth."""
    by_path = {child.path: child for child in children}
    widths = sorted({len(path) for path in by_path})

    def of(path: str):
        for width in widths:
            child = by_path.get(path[:width])
            if child is not None:
                return child
        return None

    return of


def root_of(user, perm: str):
    """The highest unit the user holds `perm` on (their scope's root; a tie: the lower id), or None."""
    grants = grants_for(user, perm)
    if not grants:
        return None
    best = min(grants, key=lambda g: (len(g.path), g.path))
    return _org("units").objects.get(pk=best.unit_id)


def is_whole_tree(unit) -> bool:
    """`unit` is the only root of the unit tree: `subtree_q(unit, …)` holds for every row, and a
    query may leave it out (one small query)."""
    return (
        unit.parent_id is None
        and not _org("units").objects.filter(parent__isnull=True).exclude(pk=unit.pk).exists()
    )


def sees_whole_tree(user, perm: str) -> bool:
    """The user holds `perm` over the whole tree (a grant for the subtree of its only root): then
    every row is in scope, and `visible_to(user, perm)` may be left out of a query over all rows
    (the province's leader's cockpit) — on PostgreSQL its `IN (… UNION …)` costs more than the
    aggregate itself. One small query, only when a grant sits at a root."""
    tops = [g for g in grants_for(user, perm) if g.subtree and len(g.path) == PATH_WIDTH]
    return any(
        not _org("units").objects.filter(parent__isnull=True).exclude(pk=g.unit_id).exists() for g in tops[:1]
    )
