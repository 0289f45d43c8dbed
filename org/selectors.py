from dataclasses import dataclass

from django.db.models.functions import Length

from core import scoping
from org.models import PATH_WIDTH, RoleAssignment, Unit, User


def grant_rows(user):
    """The rows core.scoping reads a user's grants from (registered in org.apps): one query, a row
    per (role assignment of an active role at an active unit, permission of the role), no objects."""
    return RoleAssignment.objects.filter(
        user=user, role__is_active=True, unit__is_active=True, role__permissions__isnull=False
    ).values_list(
        "unit_id",
        "unit__path",
        "include_descendants",
        "role__permissions__content_type__app_label",
        "role__permissions__codename",
    )


def users_with_perm_at(unit: Unit, perm: str):
    """Active users holding `perm` on `unit`: granted at the unit, or at an ancestor with subtree scope."""
    return User.objects.filter(scoping.holders_q(unit, perm), is_active=True).distinct().order_by("id")


def unit_choices_for(user, perm: str):
    return Unit.objects.visible_to(user, perm).filter(is_active=True).order_by("path")


@dataclass(frozen=True)
class UnitChoice:
    pk: int
    indent: str  # full-width spaces, one per level below the top of the list
    display_name: str


def picker_units(user, perm: str, selected: Unit | None = None, depth_below: int = 2) -> list[UnitChoice]:
    """Units offered in a list's 单位 picker (任务台账, 问题台账): the units `user` may see with `perm`
    down to `depth_below` levels under the top of their grants (province → cities → counties), in
    tree order, plus the selected one. Deeper units still filter when given by id (the filter
    validates against the whole scope). Plain values, no model objects: hundreds per page."""
    grants = scoping.grants_for(user, perm)
    if not grants:
        return []
    max_path = min(len(g.path) for g in grants) + depth_below * PATH_WIDTH
    rows = list(
        Unit.objects.annotate(path_len=Length("path"))
        .filter(scoping.units_q(user, perm), is_active=True, path_len__lte=max_path)
        .order_by("path")
        .values_list("id", "name", "short_name", "depth")
    )
    if selected is not None and all(r[0] != selected.pk for r in rows):
        rows.append((selected.pk, selected.name, selected.short_name, selected.depth))
    top = min((r[3] for r in rows), default=0)
    return [UnitChoice(pk, "　" * max(0, depth - top), short or name) for pk, name, short, depth in rows]
