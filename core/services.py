"""Helpers every service uses: model_update() returns before/after for audit, permission checks."""

from django.core.exceptions import PermissionDenied
from django.db import models

from core import scoping


def model_update(*, instance: models.Model, fields: list[str], data: dict) -> tuple[models.Model, dict]:
    """Set `fields` from `data`, validate, save only what changed; return (instance, changes)."""
    changes = {}
    m2m = {}
    for field in fields:
        if field not in data:
            continue
        model_field = instance._meta.get_field(field)
        if model_field.many_to_many:
            m2m[field] = data[field]
            continue
        old = getattr(instance, field)
        new = data[field]
        if old != new:
            changes[field] = {"before": _plain(old), "after": _plain(new)}
            setattr(instance, field, new)
    if changes:
        instance.full_clean()
        instance.save(
            update_fields=[*changes.keys(), *(["updated_at"] if hasattr(instance, "updated_at") else [])]
        )
    for field, values in m2m.items():
        manager = getattr(instance, field)
        before = sorted(str(v) for v in manager.all())
        manager.set(values)
        after = sorted(str(v) for v in manager.all())
        if before != after:
            changes[field] = {"before": before, "after": after}
    return instance, changes


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    return value


def require(user, perm: str, unit, message: str = "您没有权限执行此操作") -> None:
    """Raise PermissionDenied unless `user` holds `perm` on `unit` (through the one scope function)."""
    if not scoping.unit_in_scope(user, perm, unit):
        raise PermissionDenied(message)


def require_any(user, perm: str, units, message: str = "您没有权限执行此操作") -> None:
    if not any(scoping.unit_in_scope(user, perm, u) for u in units if u is not None):
        raise PermissionDenied(message)
