"""Forms of 人大履职测评: they check the input's shape; the rules are surveys.evaluation's."""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When

from core import clock
from core.filters import LedgerFilterSet
from files.forms import MultipleFileField, files_help
from org.choices import UnitKind
from org.models import Unit
from rectification.models import ProblemCategory
from surveys import rules
from surveys.choices import EvaluationStage, QuestionnaireKind, QuestionnaireStatus
from surveys.models import Evaluation, Questionnaire
from tasks.forms import StyledForm, _date, _text

MAX_PROBLEMS = 50
DEPARTMENT_KINDS = (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY, UnitKind.DEPARTMENT)


def _revision():
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class EvaluationForm(StyledForm):
    title = _text("测评名称", max_length=120, help_text="如：2026年度市卫健委履职测评")
    congress = _text("测评机关", max_length=60, help_text="如：青山市人大常委会")
    year = forms.IntegerField(
        label="年度", error_messages={"required": "请填写年度", "invalid": "年度须是数字，如2026"}
    )
    org_unit = UnitChoice(
        label="组织单位",
        queryset=None,
        empty_label="请选择",
        error_messages={"required": "请选择组织单位", "invalid_choice": "组织单位不在您的管辖范围内"},
    )
    department = UnitChoice(
        label="被测评部门",
        queryset=None,
        empty_label="请选择",
        error_messages={"required": "请选择被测评部门", "invalid_choice": "被测评部门不在您的管辖范围内"},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year
        scope = Unit.objects.visible_to(user, rules.ADD_EVALUATION).filter(is_active=True).order_by("path")
        self.fields["org_unit"].queryset = scope.exclude(kind=UnitKind.INSTITUTION)
        self.fields["department"].queryset = scope.filter(kind__in=DEPARTMENT_KINDS)
        for name in ("org_unit", "department"):  # a searchable picker (static/js/duban.js)
            self.fields[name].widget.attrs["data-search"] = ""


class SelfReportForm(StyledForm):
    text = _text("自查报告", max_length=20000, rows=10, help_text="履职情况、主要成效、存在问题和下一步打算")
    files = MultipleFileField(label="附件（可不传）")
    revision = _revision()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = files_help()


class SurveyStartForm(StyledForm):
    questionnaire = forms.ModelChoiceField(
        label="测评问卷",
        queryset=None,
        required=False,
        empty_label="按“人大代表履职测评”模板新建并发布",
        error_messages={"invalid_choice": "请选择已发布的问卷"},
    )
    tokens = forms.IntegerField(
        label="答题码数量",
        min_value=1,
        max_value=500,
        initial=60,
        help_text="每位代表一个，一码只能答一次",
        error_messages={
            "required": "请填写答题码数量",
            "invalid": "答题码数量须是数字",
            "min_value": "答题码数量须在1至500个之间",
            "max_value": "答题码数量须在1至500个之间",
        },
    )
    closes_on = _date("截止日期")
    revision = _revision()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closes_on"].initial = clock.today() + dt.timedelta(days=14)
        # the published questionnaires in scope, the 人大代表履职测评 ones first
        npc_first = Case(When(kind=QuestionnaireKind.NPC, then=Value(0)), default=Value(1))
        self.fields["questionnaire"].queryset = (
            Questionnaire.objects.visible_to(user, rules.VIEW_QUESTIONNAIRE)
            .filter(status=QuestionnaireStatus.PUBLISHED)
            .order_by(npc_first, "-id")
        )


class MeetingForm(StyledForm):
    held_on = _date("会议日期")
    title = _text("会议名称", max_length=120, help_text="如：市人大常委会履职测评评议会")
    place = _text("地点", required=False, max_length=120)
    attendees = _text("参会人员", required=False, max_length=2000, rows=2)
    minutes = _text("会议纪要", max_length=5000, rows=6)
    files = MultipleFileField(label="附件（可不传）")
    revision = _revision()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = clock.today()
        self.fields["files"].help_text = files_help()


LINE_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


class ProblemsForm(StyledForm):
    """Several problems at once: one a line, "问题描述｜整改要求｜整改时限" (the last two may be left
    out: the common ones below apply)."""

    lines = _text(
        "问题清单",
        max_length=20000,
        rows=8,
        help_text="每行一个问题；可写成“问题描述｜整改要求｜2026-06-30”，未写的用下面的统一要求和时限",
    )
    category = forms.ModelChoiceField(
        label="问题类别",
        queryset=ProblemCategory.objects.filter(is_active=True).order_by("sort_order", "name"),
        empty_label="请选择",
        error_messages={"required": "请选择问题类别", "invalid_choice": "请选择问题类别"},
    )
    requirement = _text("统一整改要求", required=False, max_length=500, rows=2)
    deadline = _date("统一整改时限")
    revision = _revision()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].initial = clock.today() + dt.timedelta(days=90)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        items = []
        for n, raw in enumerate(data["lines"].splitlines(), start=1):
            parts = [p.strip() for p in re.split(r"[｜|]", raw)]
            if not parts[0]:
                continue
            deadline = data["deadline"]
            if len(parts) > 2 and parts[2]:
                if not LINE_DATE.match(parts[2]):
                    raise ValidationError({"lines": f"第{n}行的整改时限应写成2026-06-30"})
                try:
                    deadline = dt.date.fromisoformat("-".join(f"{int(x):02d}" for x in parts[2].split("-")))
                except ValueError:
                    raise ValidationError({"lines": f"第{n}行的整改时限不是有效日期"}) from None
            items.append(
                {
                    "description": parts[0][:1000],
                    "requirement": (
                        parts[1] if len(parts) > 1 and parts[1] else data.get("requirement") or ""
                    ),
                    "deadline": deadline,
                    "category": data["category"],
                }
            )
        if not items:
            raise ValidationError({"lines": "请至少填写一个问题"})
        if len(items) > MAX_PROBLEMS:
            raise ValidationError({"lines": f"一次最多{MAX_PROBLEMS}个问题"})
        data["items"] = items
        return data


class ResultForm(StyledForm):
    revision = _revision()


class EvaluationFilterSet(LedgerFilterSet):
    q = django_filters.CharFilter(
        label="关键词",
        method="filter_keyword",
        widget=forms.TextInput(attrs={"placeholder": "测评名称、测评机关或被测评部门"}),
    )
    stage = django_filters.ChoiceFilter(label="环节", choices=EvaluationStage.choices, empty_label="全部")
    year = django_filters.NumberFilter(label="年度", field_name="year")
    sort = django_filters.ChoiceFilter(
        label="排序",
        choices=[("-year", "年度（新→旧）"), ("year", "年度（旧→新）")],
        method="filter_sort",
        empty_label="年度（默认）",
    )

    class Meta:
        model = Evaluation
        fields: list[str] = []

    sorts = {"-year": ("-year", "-id"), "year": ("year", "id")}
    default_sort = "-year"

    def filter_keyword(self, queryset, name, value: str):
        from django.db.models import Q

        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(congress__icontains=value)
            | Q(department__name__icontains=value)
            | Q(department__short_name__icontains=value)
        )

    def filter_light(self, queryset, name, value):
        return queryset
