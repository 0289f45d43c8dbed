"""The ledger's reference data: directives (上级部署), workday overrides (R-TSK-1b), saved filters."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.services import record
from core.services import require
from org.models import Unit, User
from tasks.models import (
    Directive,
    SavedFilter,
    WorkdayOverride,
)


@transaction.atomic
def directive_create(*, actor: User, org_unit: Unit, **data) -> Directive:
    require(actor, "tasks.add_directive", org_unit, "您无权在该单位登记上级部署")
    directive = Directive(org_unit=org_unit, **data)
    directive.full_clean()
    directive.save()
    record(actor=actor, action="tasks.directive.created", obj=directive, changes=data)
    return directive


def _calendar_unit(actor: User) -> Unit:
    """The national/provincial calendar is edited at the root of the actor's unit tree."""
    if actor.unit_id is None:
        raise ValidationError("账号未归属单位")
    return actor.unit.ancestors().first() or actor.unit


@transaction.atomic
def workday_override_set(*, actor: User, date: dt.date, is_workday: bool, note: str = "") -> WorkdayOverride:
    unit = _calendar_unit(actor)
    require(actor, "tasks.change_workdayoverride", unit, "您无权维护节假日调整")
    override, created = WorkdayOverride.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "note": note}
    )
    override.full_clean()
    record(
        actor=actor,
        action="tasks.workday.set",
        obj=override,
        unit=unit,
        changes={"date": date, "is_workday": is_workday, "note": note, "created": created},
    )
    return override


@transaction.atomic
def workday_override_delete(*, actor: User, override: WorkdayOverride) -> None:
    unit = _calendar_unit(actor)
    require(actor, "tasks.change_workdayoverride", unit, "您无权维护节假日调整")
    record(
        actor=actor,
        action="tasks.workday.deleted",
        obj=override,
        unit=unit,
        changes={"date": override.date, "is_workday": override.is_workday, "note": override.note},
    )
    override.delete()


@transaction.atomic
def saved_filter_save(*, actor: User, name: str, query: str) -> SavedFilter:
    if not name.strip():
        raise ValidationError({"name": "请填写筛选名称"})
    sf, _ = SavedFilter.objects.update_or_create(
        user=actor, name=name.strip(), defaults={"query": query[:1000]}
    )
    return sf


@transaction.atomic
def saved_filter_delete(*, actor: User, saved_filter: SavedFilter) -> None:
    """A user deletes one of their own saved ledger filters (others' filters do not exist for them)."""
    if saved_filter.user_id != actor.pk:
        raise PermissionDenied("只能删除自己保存的筛选")
    saved_filter.delete()
