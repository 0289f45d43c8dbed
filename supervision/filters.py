"""Filters of the campaign list and the inspection-record list, shared by each page and its export
(so "export exactly what is shown" holds by construction)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from core import clock
from core.filters import style
from supervision.choices import CampaignKind, CampaignPhase
from supervision.models import Campaign, InspectionRecord
from supervision.phases import phase_q

DATE = {"type": "date"}


class CampaignFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="关键词",
        method="filter_keyword",
        widget=forms.TextInput(attrs={"placeholder": "编号、主题或督查内容"}),
    )
    kind = django_filters.ChoiceFilter(label="方式", choices=CampaignKind.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(
        label="状态", choices=CampaignPhase.choices, empty_label="全部", method="filter_phase"
    )
    period_from = django_filters.DateFilter(
        label="督查期间自",
        field_name="end_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs=DATE),
        help_text="结束日期不早于此日",
    )
    period_to = django_filters.DateFilter(
        label="督查期间至",
        field_name="start_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs=DATE),
        help_text="开始日期不晚于此日",
    )

    class Meta:
        model = Campaign
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        for name in ("period_from", "period_to"):
            self.filters[name].field.error_messages["invalid"] = "请输入正确的日期，如2026-03-05"
        style(self.form)

    def filter_keyword(self, queryset, name, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value) | Q(theme__icontains=value) | Q(description__icontains=value)
        )

    def filter_phase(self, queryset, name, value: str):
        """The status as shown (the step read against the period on the day): supervision.phases."""
        return queryset.filter(phase_q(value, clock.today()))


def campaign_choices(request):
    from supervision.selectors import campaign_options

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Campaign.objects.none()
    return campaign_options(user)


class RecordFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="关键词",
        method="filter_keyword",
        widget=forms.TextInput(attrs={"placeholder": "单位、场所或发现的问题"}),
    )
    campaign = django_filters.ModelChoiceFilter(
        label="专项督查", queryset=campaign_choices, empty_label="全部"
    )
    key_site = django_filters.ChoiceFilter(
        label="场所",
        choices=[("1", "重点场所"), ("0", "一般场所")],
        method="filter_key_site",
        empty_label="全部",
    )
    date_from = django_filters.DateFilter(
        label="检查日期自", field_name="inspected_on", lookup_expr="gte", widget=forms.DateInput(attrs=DATE)
    )
    date_to = django_filters.DateFilter(
        label="检查日期至", field_name="inspected_on", lookup_expr="lte", widget=forms.DateInput(attrs=DATE)
    )

    class Meta:
        model = InspectionRecord
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        for name in ("date_from", "date_to"):
            self.filters[name].field.error_messages["invalid"] = "请输入正确的日期，如2026-03-05"
        self.filters["campaign"].field.error_messages["invalid_choice"] = "请选择您可查看的专项督查"
        style(self.form)

    def filter_keyword(self, queryset, name, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(org_unit__name__icontains=value)
            | Q(org_unit__short_name__icontains=value)
            | Q(site__icontains=value)
            | Q(pk__in=InspectionRecord.objects.filter(findings__description__icontains=value).values("pk"))
        )

    def filter_key_site(self, queryset, name, value: str):
        return queryset.filter(is_key_site=value == "1")
