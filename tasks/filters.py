"""Filters of the task ledger (R-TSK-7), shared by the page, the Excel export and the API.

One FilterSet serves all three so "export exactly what is shown" and "the API filters like the
ledger" hold by construction. Light filtering and sorting use the `light` annotation added by
tasks.selectors.ledger_queryset, i.e. they run in the database.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core import scoping
from core.filters import LedgerFilterSet, style
from org.models import Unit
from tasks import lights
from tasks.choices import Light, TaskLevel, TaskStatus
from tasks.models import Directive, Task, TaskCategory

# URL values of the light filter (readable in saved filters and API calls) → annotation value.
LIGHT_SLUGS = {"red": Light.RED, "yellow": Light.YELLOW, "green": Light.GREEN, "done": Light.DONE}
LIGHT_SLUG_OF = {int(v): k for k, v in LIGHT_SLUGS.items()}
LIGHT_CHOICES = [(slug, light.label) for slug, light in LIGHT_SLUGS.items()]

OPEN = "open"
ISSUED = "issued"  # every task but drafts: the cockpit's 任务总数
STATUS_CHOICES = [(OPEN, "未办结（全部在办）"), (ISSUED, "全部（不含草稿）"), *TaskStatus.choices]
# 办结是否按期 (completed_on against due_date) and 报告 (迟报 / 缺报), the cockpit's drill-downs
ON_TIME, LATE = "on_time", "late"
TIMELINESS_CHOICES = [(ON_TIME, "按期办结"), (LATE, "逾期办结")]
REPORT_LATE, REPORT_MISSING = "late", "missing"
REPORT_CHOICES = [(REPORT_LATE, "迟报（超期未报，此前报过）"), (REPORT_MISSING, "缺报（超期仍未报过）")]
REPORTING = (TaskStatus.ASSIGNED, TaskStatus.SIGNED, TaskStatus.IN_PROGRESS)


def timeliness_q(value: str) -> Q:
    """按期办结: completed by its due date; 逾期办结: completed after it (the cockpit's 按期率)."""
    on_time = Q(status=TaskStatus.COMPLETED, completed_on__lte=F("due_date"))
    if value == ON_TIME:
        return on_time
    return Q(status=TaskStatus.COMPLETED) & ~on_time


def report_q(value: str, today) -> Q:
    """迟报: a reporting task whose next report is past its day (tasks.lights.report_late_q) and which
    has reported before; 缺报: the same, never reported."""
    late = Q(status__in=REPORTING) & lights.report_late_q(today)
    return late & Q(last_report_on__isnull=(value == REPORT_MISSING))


SORTS = {
    "light": ("-light", "due_date", "id"),
    "due": ("due_date", "id"),
    "-due": ("-due_date", "-id"),
    "progress": ("progress", "due_date", "id"),
    "-progress": ("-progress", "due_date", "id"),
    "code": ("code",),
    "-code": ("-code",),
}
SORT_CHOICES = [
    ("light", "预警（红灯在前）"),
    ("due", "完成时限（近→远）"),
    ("-due", "完成时限（远→近）"),
    ("-progress", "进度（高→低）"),
    ("progress", "进度（低→高）"),
    ("code", "编号（小→大）"),
    ("-code", "编号（大→小）"),
]


def _user(request):
    return getattr(request, "user", None)


def directive_options(request):
    """Directives the user may see, plus those cited by tasks the user may see."""
    user = _user(request)
    if user is None or not user.is_authenticated:
        return Directive.objects.none()
    visible_tasks = Task.objects.visible_to(user, "tasks.view_task", listing=True).values("directive_id")
    return Directive.objects.filter(
        scoping.scope_q(user, "tasks.view_directive", Directive.scope_unit_fields) | Q(pk__in=visible_tasks)
    )


def unit_options(request):
    user = _user(request)
    if user is None or not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(scoping.units_q(user, "tasks.view_task"))


class TaskFilterSet(LedgerFilterSet):
    q = django_filters.CharFilter(
        label="关键词",
        method="filter_keyword",
        widget=forms.TextInput(attrs={"placeholder": "编号或任务名称"}),
    )
    directive = django_filters.ModelChoiceFilter(
        label="上级部署", queryset=directive_options, empty_label="全部"
    )
    category = django_filters.ModelChoiceFilter(
        label="类别", queryset=TaskCategory.objects.all(), empty_label="全部"
    )
    level = django_filters.ChoiceFilter(label="等级", choices=TaskLevel.choices, empty_label="全部")
    unit = extend_schema_field(OpenApiTypes.INT)(
        django_filters.ModelChoiceFilter(
            label="牵头单位（含下级）",
            queryset=unit_options,
            method="filter_unit",
            empty_label="全部",
            help_text="牵头单位为该单位或其任一下级单位的任务",
        )
    )
    lead_unit = extend_schema_field(OpenApiTypes.INT)(
        django_filters.ModelChoiceFilter(
            label="牵头单位（本级）",
            queryset=unit_options,
            field_name="lead_unit",
            widget=forms.HiddenInput,
            help_text="只看该单位本级牵头的任务（驾驶舱按单位下钻时使用）",
        )
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=STATUS_CHOICES, method="filter_status", empty_label="全部"
    )
    light = django_filters.ChoiceFilter(
        label="预警", choices=LIGHT_CHOICES, method="filter_light", empty_label="全部"
    )
    timeliness = django_filters.ChoiceFilter(
        label="办结时效",
        choices=TIMELINESS_CHOICES,
        method="filter_timeliness",
        empty_label="全部",
        widget=forms.HiddenInput,
    )
    report = django_filters.ChoiceFilter(
        label="报告情况",
        choices=REPORT_CHOICES,
        method="filter_report",
        empty_label="全部",
        widget=forms.HiddenInput,
    )
    due_from = django_filters.DateFilter(
        label="完成时限自",
        field_name="due_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    due_to = django_filters.DateFilter(
        label="完成时限至",
        field_name="due_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.ChoiceFilter(
        label="排序", choices=SORT_CHOICES, method="filter_sort", empty_label="预警（默认）"
    )

    class Meta:
        model = Task
        fields: list[str] = []

    sorts = SORTS
    lazy_choices = {"directive": Directive, "unit": Unit, "lead_unit": Unit}

    # -- filter methods --------------------------------------------------------------------------

    def filter_keyword(self, queryset, name, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value))

    def filter_unit(self, queryset, name, unit):
        return queryset.filter(scoping.subtree_q(unit, "lead_unit"))

    def filter_status(self, queryset, name, value: str):
        if value == OPEN:
            return queryset.exclude(status__in=(TaskStatus.DRAFT, TaskStatus.COMPLETED))
        if value == ISSUED:
            return queryset.exclude(status=TaskStatus.DRAFT)
        return queryset.filter(status=value)

    def filter_timeliness(self, queryset, name, value: str):
        return queryset.filter(timeliness_q(value))

    def filter_report(self, queryset, name, value: str):
        return queryset.filter(report_q(value, self.today))

    def filter_light(self, queryset, name, value: str):
        light = int(LIGHT_SLUGS[value])
        plain = lights.light_q(light, self.today)
        return queryset.filter(plain) if plain is not None else queryset.filter(light=light)


class DirectiveFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="关键词",
        method="filter_keyword",
        widget=forms.TextInput(attrs={"placeholder": "标题、文号或部署机关"}),
    )
    kind = django_filters.ChoiceFilter(
        label="类型", choices=Directive._meta.get_field("kind").choices, empty_label="全部"
    )

    class Meta:
        model = Directive
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        style(self.form)

    def filter_keyword(self, queryset, name, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(doc_number__icontains=value) | Q(issuer__icontains=value)
        )
