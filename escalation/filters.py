"""Filters of the ladder list (红色任务督办): step, unit (含下级), light."""

from __future__ import annotations

import django_filters

from core import clock, scoping
from core.views import PAGE_SIZES
from escalation.models import Level
from org.models import Unit
from tasks import lights
from tasks.choices import Light
from tasks.models import Assignment

LIGHT_SLUGS = {"red": Light.RED, "yellow": Light.YELLOW, "green": Light.GREEN, "done": Light.DONE}
STEP_CHOICES = [("0", "尚未升级"), *[(str(v), label) for v, label in Level.choices]]


def unit_options(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(scoping.units_q(user, "tasks.view_assignment"))


class LadderFilterSet(django_filters.FilterSet):
    step = django_filters.ChoiceFilter(
        label="当前环节", choices=STEP_CHOICES, method="filter_step", empty_label="全部"
    )
    unit = django_filters.ModelChoiceFilter(
        label="承办单位（含下级）", queryset=unit_options, method="filter_unit", empty_label="全部"
    )
    light = django_filters.ChoiceFilter(
        label="预警",
        choices=[(slug, light.label) for slug, light in LIGHT_SLUGS.items()],
        method="filter_light",
        empty_label="全部",
    )
    per_page = django_filters.ChoiceFilter(
        label="每页",
        choices=[(str(n), f"{n}条") for n in PAGE_SIZES],
        method="filter_nothing",
        empty_label=None,
    )

    class Meta:
        model = Assignment
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, today=None):
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        self.today = today or clock.today()
        if not (self.data or {}).get("unit"):
            self.filters["unit"].queryset = Unit.objects.none()
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")

    def filter_step(self, queryset, name, value: str):
        """A step is current only while the assignment is red in that spell."""
        return queryset.filter(lights.light_q(Light.RED, self.today), step=int(value))

    def filter_unit(self, queryset, name, unit):
        return queryset.filter(scoping.subtree_q(unit, "unit"))

    def filter_light(self, queryset, name, value: str):
        light = int(LIGHT_SLUGS[value])
        plain = lights.light_q(light, self.today)
        return queryset.filter(plain) if plain is not None else queryset.filter(light=light)

    def filter_nothing(self, queryset, name, value):
        return queryset
