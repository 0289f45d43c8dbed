"""Forms of the builder and distribution pages. They parse what is typed (the options editor's
"非常满意|100" lines, the units picked); every rule is checked by surveys.builder /
surveys.distribution, whose Chinese errors land next to the fields."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from core.filters import LedgerFilterSet, style
from org.models import Unit
from org.selectors import picker_units
from surveys import builder, catalog, distribution, rules
from surveys.choices import (
    CHOICE_TYPES,
    QuestionnaireKind,
    QuestionnaireStatus,
    QuestionType,
    SurveyMode,
    SurveyStatus,
)
from surveys.models import Question, Questionnaire, Survey

DATE = {"type": "date"}


def _unit_choices(user, perm: str, depth: int) -> list[tuple[int, str]]:
    return [(c.pk, f"{c.indent}{c.display_name}") for c in picker_units(user, perm, depth_below=depth)]


def _unit_of(choices, value):
    if not value:
        return None
    if int(value) not in {pk for pk, _ in choices}:
        raise ValidationError("请选择您范围内的单位")
    return Unit.objects.get(pk=value)


class Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            if isinstance(field.widget, forms.SelectMultiple):
                field.widget.attrs.update(size="10")


class RevisionForm(Styled):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MoveForm(RevisionForm):
    direction = forms.ChoiceField(choices=[("up", "上移"), ("down", "下移")], widget=forms.HiddenInput)


class QuestionnaireCreateForm(Styled):
    template = forms.ChoiceField(
        label="从模板新建",
        required=False,
        choices=[("", "空白问卷"), *catalog.template_choices()],
        help_text="模板含常用题目、评分和“不满意→原因”的显示条件，新建后可修改",
    )
    title = forms.CharField(
        label="问卷名称", max_length=120, required=False, help_text="从模板新建时可留空，使用模板名称"
    )
    kind = forms.ChoiceField(label="问卷类型", choices=QuestionnaireKind.choices, required=False)
    org_unit = forms.TypedChoiceField(label="所属单位", coerce=int)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = _unit_choices(user, rules.ADD_QUESTIONNAIRE, 2)
        self.fields["org_unit"].choices = self.units

    def clean_org_unit(self):
        return _unit_of(self.units, self.cleaned_data.get("org_unit"))

    def clean(self):
        data = super().clean()
        if not data.get("template") and not (data.get("title") or "").strip():
            self.add_error("title", "请填写问卷名称，或选择一个模板")
        return data


class QuestionnaireForm(RevisionForm):
    title = forms.CharField(label="问卷名称", max_length=120)
    kind = forms.ChoiceField(label="问卷类型", choices=QuestionnaireKind.choices)
    intro = forms.CharField(
        label="卷首语", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    thanks = forms.CharField(label="结束语", required=False, max_length=200)


class SectionForm(RevisionForm):
    title = forms.CharField(label="分节标题", max_length=120)
    description = forms.CharField(label="说明", required=False, max_length=300)


class QuestionForm(RevisionForm):
    type = forms.ChoiceField(label="题型", choices=QuestionType.choices)
    text = forms.CharField(label="题目", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    help_text = forms.CharField(label="提示", required=False, max_length=200)
    required = forms.BooleanField(label="必答", required=False, initial=True)
    scored = forms.BooleanField(
        label="计入满意度指数", required=False, initial=True, help_text="评分题、矩阵题和有分值的单选题计入"
    )
    options_text = forms.CharField(
        label="选项（单选、多选）",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 6, "placeholder": "非常满意|100\n满意|80\n一般|60\n不满意|20\n非常不满意|0"}
        ),
        help_text="每行一个选项，“文字|分值”，分值0–100；不计分的选项（如“不清楚”）只写文字",
    )
    rows_text = forms.CharField(
        label="矩阵行（矩阵评分）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "挂号\n候诊\n缴费"}),
        help_text="每行一项，每项按1–5分评分",
    )
    show_if_key = forms.ChoiceField(label="显示条件：当前面的题", required=False)
    show_if_values = forms.CharField(
        label="显示条件：选择了以下选项时显示",
        required=False,
        help_text="填写该题选项的文字，多个用“，”分隔，如：不满意，非常不满意",
    )

    def __init__(self, *args, earlier=(), question: Question | None = None, sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.earlier = [q for q in earlier if q.type in CHOICE_TYPES]
        self.question = question
        self.fields["show_if_key"].choices = [("", "（总是显示）")] + [
            (q.key, f"{q.key} {q.text[:30]}") for q in self.earlier
        ]
        if sections:
            self.fields["section"] = forms.TypedChoiceField(
                label="所在分节", coerce=int, choices=[(s.pk, s.title) for s in sections]
            )
            self.sections = {s.pk: s for s in sections}
            style(self)

    @staticmethod
    def initial_for(q: Question) -> dict:
        ref = q.questionnaire.questions.filter(key=q.show_if_key).first() if q.show_if_key else None
        by_key = {o["key"]: o["label"] for o in ref.options} if ref else {}
        return {
            "revision": q.questionnaire.revision,
            "type": q.type,
            "text": q.text,
            "help_text": q.help_text,
            "required": q.required,
            "scored": q.scored,
            "options_text": builder.options_to_text(q.options),
            "rows_text": builder.rows_to_text(q.rows),
            "show_if_key": q.show_if_key,
            "show_if_values": "，".join(by_key.get(v, v) for v in q.show_if_values),
            "section": q.section_id,
        }

    def clean(self):
        data = super().clean()
        qtype = data.get("type")
        existing = self.question.options if self.question else []
        try:
            data["options"] = (
                builder.options_from_text(data.get("options_text", ""), existing)
                if qtype in CHOICE_TYPES
                else []
            )
            rows = self.question.rows if self.question else []
            data["rows"] = (
                builder.rows_from_text(data.get("rows_text", ""), rows)
                if qtype == QuestionType.MATRIX
                else []
            )
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                self.add_error(f"{field}_text", errors)
            return data
        data["show_if_values"] = self._rule_values(data.get("show_if_key"), data.get("show_if_values", ""))
        return data

    def _rule_values(self, key: str, text: str) -> list[str]:
        if not key:
            return []
        ref = next((q for q in self.earlier if q.key == key), None)
        labels = [t.strip() for t in text.replace(",", "，").replace("、", "，").split("，") if t.strip()]
        if ref is None:
            return labels
        by_label = {o["label"]: o["key"] for o in ref.options}
        keys = {o["key"] for o in ref.options}
        unknown = [t for t in labels if t not in by_label and t not in keys]
        if unknown or not labels:
            self.add_error("show_if_values", f"请填写{key}的选项文字（如：{'，'.join(list(by_label)[:2])}）")
        return [by_label.get(t, t) for t in labels]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            f: data.get(f) for f in ("type", "text", "help_text", "required", "scored", "options", "rows")
        }
        fields.update(
            show_if_key=data.get("show_if_key") or "", show_if_values=data.get("show_if_values") or []
        )
        fields["revision"] = data.get("revision")
        if "section" in self.fields and data.get("section"):
            fields["section"] = self.sections.get(data["section"])
        return fields


class SurveyForm(Styled):
    questionnaire = forms.ModelChoiceField(
        label="问卷", queryset=None, help_text="已发布的问卷，使用其最新版本"
    )
    title = forms.CharField(
        label="测评名称", max_length=120, help_text="如：2026年第四季度门诊患者满意度测评"
    )
    mode = forms.ChoiceField(label="发放方式", choices=SurveyMode.choices, initial=SurveyMode.OPEN)
    opens_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    closes_on = forms.DateField(label="截止日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    threshold = forms.DecimalField(
        label="整改阈值（指数）",
        min_value=0,
        max_value=100,
        decimal_places=1,
        initial=80,
        help_text="单项指数低于此值时可一键转为整改问题",
    )
    units = forms.TypedMultipleChoiceField(
        label="被测评单位", coerce=int, help_text="按住Ctrl（手机上点选）可选多个单位"
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = distribution.usable_questionnaires(user)
        self.fields["questionnaire"].label_from_instance = lambda q: f"{q.title}（{q.org_unit.display_name}）"
        self.unit_choices = _unit_choices(user, rules.ADD, 3)
        self.fields["units"].choices = self.unit_choices
        style(self)
        self.fields["units"].widget.attrs.update(size="10")

    def clean_units(self):
        picked = self.cleaned_data.get("units") or []
        allowed = {pk for pk, _ in self.unit_choices}
        if set(picked) - allowed:
            raise ValidationError("请选择您范围内的单位")
        return list(Unit.objects.filter(pk__in=picked).order_by("path"))


class TokenIssueForm(Styled):
    count = forms.IntegerField(label="发放数量", min_value=1, max_value=distribution.MAX_TOKENS, initial=50)
    batch = forms.CharField(
        label="批次", required=False, max_length=40, help_text="如：市人大常委会第三十次会议"
    )


# ---------------------------------------------------------------- list filters

SURVEY_SORTS = {
    "light": ("-opens_on", "-id"),
    "-opens": ("-opens_on", "-id"),
    "closes": ("closes_on", "id"),
    "-created": ("-created_at", "-id"),
}


class SurveyFilterSet(LedgerFilterSet):
    q = django_filters.CharFilter(label="关键词", field_name="title", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label="状态", choices=SurveyStatus.choices, empty_label="全部")
    mode = django_filters.ChoiceFilter(label="发放方式", choices=SurveyMode.choices, empty_label="全部")
    questionnaire = django_filters.ModelChoiceFilter(
        label="问卷",
        queryset=lambda request: Questionnaire.objects.visible_to(request.user, rules.VIEW_QUESTIONNAIRE),
    )
    opens_from = django_filters.DateFilter(
        label="开始日期自", field_name="opens_on", lookup_expr="gte", widget=forms.DateInput(attrs=DATE)
    )
    closes_to = django_filters.DateFilter(
        label="截止日期至", field_name="closes_on", lookup_expr="lte", widget=forms.DateInput(attrs=DATE)
    )
    sort = django_filters.ChoiceFilter(
        label="排序",
        choices=[
            ("-opens", "开始日期（新→旧）"),
            ("closes", "截止日期（近→远）"),
            ("-created", "创建时间（新→旧）"),
        ],
        method="filter_sort",
        empty_label="默认",
    )

    class Meta:
        model = Survey
        fields: list[str] = []

    sorts = SURVEY_SORTS
    lazy_choices = {"questionnaire": Questionnaire}

    def filter_light(self, queryset, name, value):
        return queryset


class QuestionnaireFilterSet(LedgerFilterSet):
    q = django_filters.CharFilter(label="关键词", field_name="title", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(
        label="状态", choices=QuestionnaireStatus.choices, empty_label="全部"
    )
    kind = django_filters.ChoiceFilter(
        label="问卷类型", choices=QuestionnaireKind.choices, empty_label="全部"
    )
    sort = django_filters.ChoiceFilter(
        label="排序",
        choices=[("-created", "创建时间（新→旧）"), ("title", "名称")],
        method="filter_sort",
        empty_label="默认",
    )

    class Meta:
        model = Questionnaire
        fields: list[str] = []

    sorts = {"light": ("-created_at", "-id"), "-created": ("-created_at", "-id"), "title": ("title", "id")}

    def filter_light(self, queryset, name, value):
        return queryset
