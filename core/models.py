"""Building blocks shared by every domain app: base model, scoped queryset."""

from django.db import models

from core import clock, scoping


class ClockDateTimeField(models.DateTimeField):
    """auto_now / auto_now_add on the application clock (core.clock), so a record made while the
    clock has moved (the demo's four months of history, the end-to-end walks) is stamped with the
    time it was made in that history, like every other date of it. The column is a plain
    DateTimeField (same migrations)."""

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = clock.now()
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs


class TimeStampedModel(models.Model):
    created_at = ClockDateTimeField("创建时间", auto_now_add=True)
    updated_at = ClockDateTimeField("更新时间", auto_now=True)

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

    def visible_to(self, user, perm: str, *, listing: bool = False):
        """`listing=True` for a query that reads the visible rows as a whole (a list, its counts,
        an export) of a model with several scope fields: the rows are then the UNION of one
        indexed branch per field, read through the primary key (`scoping.ids_q`), where the OR
        across the fields makes PostgreSQL read the whole table."""
        fields = self.model.scope_unit_fields
        if listing and len(fields) > 1:
            grants = scoping.grants_for(user, perm)
            if not grants:
                return self.none()
            manager = self.model._default_manager
            branches = [manager.filter(scoping.unit_q(grants, f)).order_by().values("pk") for f in fields]
            return self.filter(scoping.ids_q(grants, "pk", branches))
        return self.filter(scoping.scope_q(user, perm, fields))


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


class FormSubmission(models.Model):
    """A one-time form token that was used (core.views.SubmitOnceMixin): its unique key makes a
    second POST of the same form wait for the first and then find it, on SQLite and PostgreSQL and
    across processes; `result_url` is where the first one led."""

    token = models.CharField(max_length=32, unique=True)
    user_id = models.PositiveBigIntegerField()
    path = models.CharField(max_length=300)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
