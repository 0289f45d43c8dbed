"""Forms of the rectification app. Forms check input shape only; rules live in
rectification.rules and are enforced by rectification.services."""

from __future__ import annotations

from django import forms

from core import clock
from core.validators import past_date, sane_date
from files.forms import MultipleFileField
from files.forms import files_help as _files_help
from org.forms import ExcelImportForm, acting_unit_field
from org.models import Unit
from rectification.choices import ProblemSource, Severity
from rectification.models import ProblemCategory
from tasks.forms import IndentedUnitField, StyledForm, _date, _text


def _version():
    return forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
    )


class ProblemForm(StyledForm):
    """登记问题 by hand (R-RCT-1)."""

    found_by_unit = forms.ModelChoiceField(label="发现单位", queryset=None, empty_label=None)
    org_unit = IndentedUnitField(
        label="整改单位",
        queryset=None,
        help_text="须是发现单位本身或其下级单位",
        error_messages={"required": "请选择整改单位", "invalid_choice": "整改单位须在您的管辖范围内"},
    )
    source = forms.ChoiceField(label="问题来源", choices=[("", "请选择"), *ProblemSource.choices])
    source_note = _text("来源说明", required=False, max_length=200)
    category = forms.ModelChoiceField(
        label="问题类别",
        queryset=ProblemCategory.objects.none(),
        error_messages={"required": "请选择问题类别"},
    )
    severity = forms.ChoiceField(label="严重程度", choices=Severity.choices, initial=Severity.GENERAL)
    found_on = _date("发现日期", validators=[past_date])
    description = _text("问题描述", rows=4, max_length=2000)
    requirement = _text("整改要求", required=False, rows=3, max_length=2000)
    deadline = _date("整改时限", validators=[sane_date])

    def __init__(self, *args, found_units=(), target_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["found_by_unit"] = acting_unit_field(found_units, "发现单位")
        self.fields["org_unit"].queryset = target_units if target_units is not None else Unit.objects.none()
        self.fields["category"].queryset = ProblemCategory.objects.filter(is_active=True)
        self.fields["source"].error_messages["required"] = "请选择问题来源"
        self.fields["source_note"].help_text = "如信访件编号、审计报告名称、巡察反馈文号"
        self.fields["found_on"].initial = clock.today()
        self.order_fields(
            [
                "found_by_unit",
                "org_unit",
                "source",
                "source_note",
                "category",
                "severity",
                "found_on",
                "description",
                "requirement",
                "deadline",
            ]
        )


class ProblemImportForm(ExcelImportForm):
    unit_field = "found_by_unit"
    unit_label = "发现单位"


class StartForm(StyledForm):
    measures = _text("整改措施", rows=5, max_length=4000)
    responsible_person = _text("责任人", max_length=40)
    version = _version()


class EvidenceForm(StyledForm):
    files = MultipleFileField(label="佐证文件", required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help()
        self.fields["files"].error_messages["required"] = "请选择要上传的佐证文件"


class SubmitForm(StyledForm):
    note = _text("整改情况", rows=4, max_length=2000)
    version = _version()


class VerifyForm(StyledForm):
    """验收销号 or 退回: which button was pressed decides; 退回 needs a reason (the service says so)."""

    note = _text("验收意见", required=False, rows=3, max_length=1000)
    version = _version()


class RecheckForm(StyledForm):
    passed = forms.TypedChoiceField(
        label="复查结论",
        choices=[("1", "通过（整改成果巩固）"), ("0", "未通过（问题反弹，重新整改）")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择复查结论"},
    )
    note = _text("复查情况", rows=3, max_length=1000)


class EscalateForm(StyledForm):
    note = _text("督办说明", required=False, rows=3, max_length=300)


class RecheckDrawForm(StyledForm):
    """回头看 随机抽取: the same seed over the same pool gives the same pick."""

    count = forms.IntegerField(
        label="抽取数量",
        min_value=1,
        max_value=200,
        initial=5,
        error_messages={
            "required": "请填写抽取数量",
            "min_value": "抽取数量至少为1",
            "max_value": "一次最多抽取200个",
            "invalid": "抽取数量须为整数",
        },
    )
    seed = forms.CharField(
        label="随机种子",
        required=False,
        max_length=40,
        help_text="留空则自动生成；填写上次的种子可复核同一结果",
    )
    unit = forms.ModelChoiceField(
        label="整改单位（含下级）", queryset=Unit.objects.none(), required=False, empty_label="全部"
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class StatisticsFilterForm(StyledForm):
    found_from = _date("发现日期自", required=False)
    found_to = _date("发现日期至", required=False)
    source = forms.ChoiceField(label="来源", choices=[("", "全部"), *ProblemSource.choices], required=False)
    campaign = forms.ModelChoiceField(label="专项督查", queryset=None, required=False, empty_label="全部")

    def __init__(self, *args, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["campaign"].label_from_instance = lambda c: f"{c.code} {c.theme}"

    def clean(self):
        data = super().clean()
        if data.get("found_from") and data.get("found_to") and data["found_from"] > data["found_to"]:
            self.add_error("found_to", "结束日期不能早于开始日期")
        return data


class FindingConvertForm(StyledForm):
    """转为问题: the rest of what a problem found in an inspection needs (category, deadline, requirement)."""

    category = forms.ModelChoiceField(
        label="问题类别",
        queryset=None,
        empty_label="请选择",
        error_messages={"required": "请选择问题类别", "invalid_choice": "请选择问题类别"},
    )
    deadline = _date("整改时限", validators=[sane_date])
    requirement = _text("整改要求", required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ProblemCategory.objects.filter(is_active=True)
