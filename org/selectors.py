from django.db.models import Q

from org.models import PATH_WIDTH, Unit, User


def users_with_perm_at(unit: Unit, perm: str):
    """Active users holding `perm` on `unit`: granted at the unit, or at an ancestor with subtree scope."""
    app_label, codename = perm.split(".", 1)
    ancestor_ids = [int(unit.path[i : i + PATH_WIDTH]) for i in range(0, len(unit.path), PATH_WIDTH)]
    return (
        User.objects.filter(
            Q(role_assignments__unit=unit)
            | Q(role_assignments__unit_id__in=ancestor_ids, role_assignments__include_descendants=True),
            is_active=True,
            role_assignments__role__is_active=True,
            role_assignments__role__permissions__codename=codename,
            role_assignments__role__permissions__content_type__app_label=app_label,
        )
        .distinct()
        .order_by("id")
    )


def unit_choices_for(user, perm: str):
    return Unit.objects.visible_to(user, perm).filter(is_active=True).order_by("path")
