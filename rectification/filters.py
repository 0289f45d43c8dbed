"""Filters of the problem ledger (问题台账, R-RCT-1..5), shared by the page, the Excel and .docx
exports and the statistics drill-down links, so "export exactly what is shown" and "each number
opens the ledger showing those problems" hold by construction.

Light filtering and sorting use the `light` annotation of rectification.selectors.problem_ledger,
i.e. they run in the database.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from core import scoping
from core.filters import LedgerFilterSet
from org.models import Unit
from rectification import lights, selectors
from rectification.choices import EscalationLevel, ProblemSource, ProblemStatus, Severity
from rectification.models import Problem, ProblemCategory
from supervision.models import Campaign
from tasks.choices import Light
from tasks.filters import LIGHT_CHOICES, LIGHT_SLUGS

OPEN = "open"
IN_WORK = "in_work"  # 正在整改 of the statistics: 整改中 + 已整改(待验收)
STATUS_CHOICES = [
    (OPEN, "未销号（全部）"),
    (IN_WORK, "正在整改（整改中＋待验收）"),
    *ProblemStatus.choices,
]

SORTS = {
    "light": ("-light", "deadline", "id"),
    "deadline": ("deadline", "id"),
    "-deadline": ("-deadline", "-id"),
    "-found": ("-found_on", "-id"),
    "found": ("found_on", "id"),
    "code": ("code",),
    "-code": ("-code",),
    "-escalation": ("-escalation", "deadline", "id"),
}
SORT_CHOICES = [
    ("light", "预警（红灯在前）"),
    ("deadline", "整改时限（近→远）"),
    ("-deadline", "整改时限（远→近）"),
    ("-found", "发现日期（新→旧）"),
    ("found", "发现日期（旧→新）"),
    ("-escalation", "督办级别（高→低）"),
    ("code", "编号（小→大）"),
    ("-code", "编号（大→小）"),
]
DATE = {"type": "date"}


def _user(request):
    return getattr(request, "user", None)


def unit_options(request):
    return selectors.unit_options(_user(request))


def campaign_options(request):
    return selectors.campaign_options(_user(request))


class ProblemFilterSet(LedgerFilterSet):
    q = django_filters.CharFilter(
        label="关键词",
        method="filter_keyword",
        widget=forms.TextInput(attrs={"placeholder": "编号、问题描述或来源说明"}),
    )
    unit = django_filters.ModelChoiceFilter(
        label="整改单位（含下级）", queryset=unit_options, method="filter_unit", empty_label="全部"
    )
    org_unit = django_filters.ModelChoiceFilter(
        label="整改单位（本级）",
        queryset=unit_options,
        field_name="org_unit",
        widget=forms.HiddenInput,
        help_text="只看该单位本级的问题（统计表按单位下钻时使用）",
    )
    source = django_filters.ChoiceFilter(label="来源", choices=ProblemSource.choices, empty_label="全部")
    category = django_filters.ModelChoiceFilter(
        label="类别", queryset=ProblemCategory.objects.all(), empty_label="全部"
    )
    severity = django_filters.ChoiceFilter(label="严重程度", choices=Severity.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(
        label="状态", choices=STATUS_CHOICES, method="filter_status", empty_label="全部"
    )
    light = django_filters.ChoiceFilter(
        label="预警", choices=LIGHT_CHOICES, method="filter_light", empty_label="全部"
    )
    campaign = django_filters.ModelChoiceFilter(
        label="专项督查", queryset=campaign_options, empty_label="全部"
    )
    escalation = django_filters.ChoiceFilter(
        label="督办级别",
        choices=[(str(v), label) for v, label in EscalationLevel.choices if v],
        method="filter_escalation",
        empty_label="全部",
    )
    deadline_from = django_filters.DateFilter(
        label="整改时限自", field_name="deadline", lookup_expr="gte", widget=forms.DateInput(attrs=DATE)
    )
    deadline_to = django_filters.DateFilter(
        label="整改时限至", field_name="deadline", lookup_expr="lte", widget=forms.DateInput(attrs=DATE)
    )
    found_from = django_filters.DateFilter(
        label="发现日期自", field_name="found_on", lookup_expr="gte", widget=forms.DateInput(attrs=DATE)
    )
    found_to = django_filters.DateFilter(
        label="发现日期至", field_name="found_on", lookup_expr="lte", widget=forms.DateInput(attrs=DATE)
    )
    overdue = django_filters.BooleanFilter(
        label="只看逾期", method="filter_overdue", widget=forms.CheckboxInput
    )
    regressions = django_filters.BooleanFilter(
        label="只看回头看反弹", method="filter_regressions", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        label="排序", choices=SORT_CHOICES, method="filter_sort", empty_label="预警（默认）"
    )

    class Meta:
        model = Problem
        fields: list[str] = []

    sorts = SORTS
    lazy_choices = {"unit": Unit, "org_unit": Unit, "campaign": Campaign}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("overdue", "regressions"):
            self.form.fields[name].widget.attrs["class"] = "form-check-input"

    # -- filter methods --------------------------------------------------------------------------

    def filter_keyword(self, queryset, name, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value) | Q(description__icontains=value) | Q(source_note__icontains=value)
        )

    def filter_unit(self, queryset, name, unit):
        return queryset.filter(scoping.subtree_q(unit, "org_unit"))

    def filter_status(self, queryset, name, value: str):
        if value == OPEN:
            return queryset.exclude(status=ProblemStatus.CLOSED)
        if value == IN_WORK:
            return queryset.filter(selectors.IN_PROGRESS)
        return queryset.filter(status=value)

    def filter_light(self, queryset, name, value: str):
        light = LIGHT_SLUGS[value]
        if light == Light.DONE:
            return queryset.filter(lights.DONE)
        if light == Light.RED:  # plain range condition on deadline, no CASE over every row
            return queryset.filter(lights.overdue_q(self.today))
        return queryset.filter(light=int(light))

    def filter_escalation(self, queryset, name, value: str):
        return queryset.filter(escalation=int(value))

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(lights.overdue_q(self.today)) if value else queryset

    def filter_regressions(self, queryset, name, value):
        return queryset.filter(regressions__gt=0) if value else queryset
