"""The shape the ledgers' filters share (任务台账, 问题台账, 批示落实台账): every filter but the
light gives `counts_queryset` (the light counts are drawn on top of it), then the light, then
the sort; a page size that is not a filter; scoped choice sets built only when a value was sent;
Bootstrap classes on every widget. The same set filters the page and its Excel export."""

from __future__ import annotations

import django_filters
from django import forms

from core import clock
from core.views import PAGE_SIZES


def style(form) -> None:
    """Bootstrap classes on every widget, so templates can render `{{ form.field }}` as is."""
    for field in form.fields.values():
        widget = field.widget
        css = (
            "form-select form-select-sm"
            if isinstance(widget, forms.Select)
            else "form-control form-control-sm"
        )
        widget.attrs.setdefault("class", css)


class LedgerFilterSet(django_filters.FilterSet):
    """A subclass declares its filters, `sorts` ({value: order_by fields}) and the method
    `filter_light(queryset, name, value)`.

    `lazy_choices` ({filter name: model}): the scoped choice sets are only needed to validate a value
    that was sent; building them costs scope subqueries, so a page without that filter skips them.
    A value outside the user's choices (or malformed) matches nothing."""

    not_filters = ("light", "sort", "per_page")
    sorts: dict[str, tuple[str, ...]] = {}
    default_sort = "light"
    lazy_choices: dict = {}

    per_page = django_filters.ChoiceFilter(
        label="每页",
        choices=[(str(n), f"{n}条") for n in PAGE_SIZES],
        method="filter_nothing",
        empty_label=None,
        help_text="页面每页行数（导出与接口不受影响）",
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, today=None):
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        self.counts_queryset = None
        # the day the `light` annotation of `queryset` was computed for
        self.today = today or clock.today()
        for name, model in self.lazy_choices.items():
            if not (self.data or {}).get(name):
                self.filters[name].queryset = model.objects.none()
        style(self.form)

    def filter_sort(self, queryset, name, value: str):
        return queryset.order_by(*self.sorts.get(value, self.sorts[self.default_sort]))

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        # a page size not offered only falls back to the default size (the view reads it); any
        # other value the form refuses matches nothing
        if set(self.form.errors) - {"per_page"}:
            self.counts_queryset = queryset.none()
            return queryset.none()
        data = self.form.cleaned_data
        for name, value in data.items():
            if name not in self.not_filters:
                queryset = self.filters[name].filter(queryset, value)
        self.counts_queryset = queryset
        if data.get("light"):
            queryset = self.filter_light(queryset, "light", data["light"])
        return self.filter_sort(queryset, "sort", data.get("sort") or self.default_sort)
