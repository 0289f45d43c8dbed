"""Building blocks shared by every domain app: base model, scoped queryset."""

from django.db import models

from core import scoping


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class ScopedQuerySet(models.QuerySet):
    """`visible_to(user, perm)` is the only way a list, detail, export or API reads scoped rows.

    A model declares which of its unit fields put a row in a user's scope through
    `scope_unit_fields` (the owning `org_unit` first; e.g. an assignment is also in the
    scope of the unit it was sent to). Each unit field leads a composite index (unit, status,
    due date) so an OR across fields is answered index by index (SQLite's MULTI-INDEX OR,
    PostgreSQL's BitmapOr) together with the list's own filters.
    """

    def visible_to(self, user, perm: str):
        return self.filter(scoping.scope_q(user, perm, self.model.scope_unit_fields))


class ScopedModel(TimeStampedModel):
    scope_unit_fields: tuple[str, ...] = ("org_unit",)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class Sequence(models.Model):
    """Gap-free counters (task codes DB-2026-0042, 发文字号 〔2026〕12号), one row per name and year."""

    name = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="core_sequence_unique")]
        default_permissions = ()


def next_in_sequence(name: str, year: int) -> int:
    """Next number; call inside the transaction that uses it so a rollback leaves no gap."""
    Sequence.objects.get_or_create(name=name, year=year)
    seq = Sequence.objects.select_for_update().get(name=name, year=year)
    seq.value += 1
    seq.save(update_fields=["value"])
    return seq.value
