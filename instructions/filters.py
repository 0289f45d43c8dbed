"""Filters of the 批示落实台账, shared by the page and its Excel export ("export exactly what is
shown"). The light filter and sort run on the `light` annotation (instructions.lights)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from core import scoping
from core.filters import LedgerFilterSet, style
from instructions import lights, selectors
from instructions.models import DispatchMeeting, Instruction, InstructionStatus, TargetKind
from org.models import Unit
from tasks.choices import Light
from tasks.filters import LIGHT_CHOICES, LIGHT_SLUGS

OPEN = "open"
STATUS_CHOICES = [(OPEN, "未圈阅（全部）"), *InstructionStatus.choices]
SORTS = {
    "light": ("-light", "due_date", "id"),
    "due": ("due_date", "id"),
    "-due": ("-due_date", "-id"),
    "-created": ("-created_at", "-id"),
}
SORT_CHOICES = [
    ("light", "预警（红灯在前）"),
    ("due", "落实时限（近→远）"),
    ("-due", "落实时限（远→近）"),
    ("-created", "批示时间（新→旧）"),
]
DATE = {"type": "date"}


def unit_options(request):
    return selectors.unit_options(getattr(request, "user", None))


class InstructionFilterSet(LedgerFilterSet):
    q = django_filters.CharFilter(
        label="关键词",
        method="filter_keyword",
        widget=forms.TextInput(attrs={"placeholder": "批示内容、批示对象或责任人"}),
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=STATUS_CHOICES, method="filter_status", empty_label="全部"
    )
    light = django_filters.ChoiceFilter(
        label="预警", choices=LIGHT_CHOICES, method="filter_light", empty_label="全部"
    )
    assignee_unit = django_filters.ModelChoiceFilter(
        label="落实单位（含下级）", queryset=unit_options, method="filter_unit", empty_label="全部"
    )
    target_kind = django_filters.ChoiceFilter(
        label="批示对象", choices=TargetKind.choices, empty_label="全部"
    )
    due_from = django_filters.DateFilter(
        label="落实时限自", field_name="due_date", lookup_expr="gte", widget=forms.DateInput(attrs=DATE)
    )
    due_to = django_filters.DateFilter(
        label="落实时限至", field_name="due_date", lookup_expr="lte", widget=forms.DateInput(attrs=DATE)
    )
    sort = django_filters.ChoiceFilter(
        label="排序", choices=SORT_CHOICES, method="filter_sort", empty_label="预警（默认）"
    )
    # a 调度会's follow-ups (?meeting=<id>): the meeting page links here
    meeting = django_filters.NumberFilter(label="调度会", field_name="meeting_id", widget=forms.HiddenInput)

    class Meta:
        model = Instruction
        fields: list[str] = []

    sorts = SORTS
    lazy_choices = {"assignee_unit": Unit}

    def filter_keyword(self, queryset, name, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(text__icontains=value)
            | Q(target_label__icontains=value)
            | Q(assignee_name__icontains=value)
            | Q(assignee_person__full_name__icontains=value)
        )

    def filter_status(self, queryset, name, value: str):
        if value == OPEN:
            return queryset.exclude(status=InstructionStatus.CLOSED)
        return queryset.filter(status=value)

    def filter_unit(self, queryset, name, unit):
        return queryset.filter(scoping.subtree_q(unit, "assignee_unit"))

    def filter_light(self, queryset, name, value: str):
        light = LIGHT_SLUGS[value]
        if light == Light.DONE:
            return queryset.filter(lights.DONE)
        if light == Light.RED:
            return queryset.filter(lights.overdue_q(self.today))
        return queryset.filter(light=int(light))


class MeetingFilterSet(django_filters.FilterSet):
    """The 调度会 list: by date and by words of the title."""

    q = django_filters.CharFilter(
        label="关键词",
        field_name="title",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"placeholder": "会议名称"}),
    )
    held_from = django_filters.DateFilter(
        label="会议日期自", field_name="held_on", lookup_expr="gte", widget=forms.DateInput(attrs=DATE)
    )
    held_to = django_filters.DateFilter(
        label="会议日期至", field_name="held_on", lookup_expr="lte", widget=forms.DateInput(attrs=DATE)
    )

    class Meta:
        model = DispatchMeeting
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self.form)
