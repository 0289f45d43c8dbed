"""Forms of the supervision pages. Forms check the shape of the input; the rules (who, which state,
which unit is a target, dates inside the period) live in supervision.services."""

from __future__ import annotations

from django import forms

from core.validators import past_date, sane_date
from org.models import Unit
from supervision.choices import CampaignKind, ItemResult
from supervision.models import Finding
from tasks.forms import IndentedUnitMultipleField, StyledForm, _date, _text

SEVERITY_CHOICES = Finding._meta.get_field("severity").choices
FINDING_ROWS = 5  # blank finding rows on the record form
QUICK_PICKS = {"county": ("全部县级", "county"), "institution": ("全部机构", "institution")}
# a list of hundreds of accounts is a search box, like the unit pickers (static/js/duban.js, Tom Select)
PERSON_SEARCH = {
    "data-search": "person",
    "data-placeholder": "输入姓名或单位搜索",
    "data-empty": "没有匹配的人员",
}


class UnitLabelField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PersonMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        unit = obj.unit.display_name if obj.unit_id else "无单位"
        return f"{obj.full_name}（{unit}）"


def _int(label, min_value=1, max_value=None, **kwargs):
    messages = {
        "required": f"请填写{label}",
        "invalid": "请填写整数",
        "min_value": f"{label}至少为{min_value}",
    }
    if max_value is not None:
        messages["max_value"] = f"{label}不能超过{max_value}"
    return forms.IntegerField(
        label=label, min_value=min_value, max_value=max_value, error_messages=messages, **kwargs
    )


class CampaignForm(StyledForm):
    org_unit = UnitLabelField(
        label="组织单位",
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": "请选择您有权限的单位"},
    )
    theme = _text("督查主题", max_length=200)
    kind = forms.ChoiceField(
        label="方式",
        choices=[("", "请选择"), *CampaignKind.choices],
        error_messages={"required": "请选择方式"},
    )
    start_date = _date("开始日期", validators=[sane_date])
    end_date = _date("结束日期", validators=[sane_date])
    description = _text("督查内容", required=False, rows=3)
    checklist = _text(
        "检查事项",
        required=False,
        rows=5,
        help_text="每行一项，如“家庭医生签约履约情况”",
    )
    target_pool = IndentedUnitMultipleField(
        label="检查对象库",
        queryset=None,
        required=False,
        help_text="抽签从中抽取检查对象；输入名称搜索，可多选，或用下方按钮一次选中同一层级的全部单位",
        widget=forms.SelectMultiple(attrs={"size": 10}),
        error_messages={"invalid_choice": "检查对象须在您的管辖范围内", "invalid_pk_value": "检查对象无效"},
    )
    inspector_pool = PersonMultipleField(
        label="检查人员库",
        queryset=None,
        required=False,
        help_text="抽签从中抽取检查人员（自动回避本单位及上下级）；输入姓名或单位名称搜索，可多选",
        widget=forms.SelectMultiple(attrs=PERSON_SEARCH),
        error_messages={"invalid_choice": "检查人员须在您的管辖范围内", "invalid_pk_value": "检查人员无效"},
    )

    def __init__(self, *args, org_units=(), target_units=None, inspectors=None, **kwargs):
        super().__init__(*args, **kwargs)
        f = self.fields
        f["org_unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in org_units])
        f["org_unit"].choices = [(u.pk, u.name) for u in org_units]
        f["target_pool"].queryset = target_units
        f["inspector_pool"].queryset = inspectors

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "结束日期不能早于开始日期")
        return data

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            "org_unit": d["org_unit"],
            "theme": d["theme"].strip(),
            "kind": d["kind"],
            "start_date": d["start_date"],
            "end_date": d["end_date"],
            "description": d["description"],
            "checklist": [line.strip() for line in d["checklist"].splitlines() if line.strip()],
            "target_pool": list(d["target_pool"]),
            "inspector_pool": list(d["inspector_pool"]),
        }


class DrawForm(StyledForm):
    target_count = _int("抽取对象数", max_value=999)
    inspectors_per_target = _int("每个对象检查人数", max_value=20, initial=2)
    seed = forms.CharField(
        label="随机种子",
        required=False,
        max_length=64,
        help_text="留空则由系统生成；填写同一种子可复现抽签",
        error_messages={"max_length": "随机种子不能超过64个字符"},
    )
    reason = _text(
        "重新抽签理由",
        max_length=300,
        rows=2,
        help_text="重新抽签将替换当前的检查对象和检查人员（原抽签记录保留），须说明理由，如“检查人员因公出差，需回避”",
    )

    def __init__(self, *args, redraw: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if redraw:
            self.fields["reason"].error_messages.update(
                required="重新抽签须填写理由", max_length="重新抽签理由不能超过300字"
            )
        else:  # the first draw needs no reason
            del self.fields["reason"]


class RecordForm(StyledForm):
    """One visit to one target: fixed fields, then per checklist item a result and a note, then
    up to FINDING_ROWS findings (rows left blank are ignored)."""

    target = forms.IntegerField(
        label="被检查单位",
        widget=forms.Select,
        error_messages={"required": "请选择被检查单位", "invalid": "请选择被检查单位"},
    )
    inspected_on = _date("检查日期", validators=[past_date])
    site = _text("检查场所", required=False, max_length=100)
    is_key_site = forms.BooleanField(label="重点场所", required=False)
    inspectors = PersonMultipleField(
        label="检查人员",
        queryset=None,
        error_messages={"required": "请选择检查人员", "invalid_choice": "检查人员须在本次督查的人员库中"},
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text="默认为该对象抽中的检查人员；按住 Ctrl 多选",
    )
    summary = _text("检查情况", required=False, rows=3)

    def __init__(self, *args, campaign, targets, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.items = list(campaign.checklist.all())
        f = self.fields
        f["target"].widget.choices = [("", "请选择"), *((u.pk, u.name) for u in targets)]
        f["inspectors"].queryset = people
        for item in self.items:
            f[f"check_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=ItemResult.choices,
                initial=ItemResult.OK,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": "请选择检查结果", "invalid_choice": "请选择检查结果"},
            )
            f[f"note_{item.pk}"] = _text("说明", required=False, max_length=300)
            f[f"note_{item.pk}"].widget.attrs.update(
                {"class": "form-control form-control-sm", "placeholder": "说明（可选）"}
            )
        item_choices = [("", "（不对应具体事项）"), *((i.pk, i.text) for i in self.items)]
        for n in range(1, FINDING_ROWS + 1):
            f[f"f{n}_description"] = _text(f"问题{n}", required=False, rows=2)
            f[f"f{n}_severity"] = forms.ChoiceField(
                label="严重程度", choices=SEVERITY_CHOICES, initial="general", required=False
            )
            f[f"f{n}_item"] = forms.TypedChoiceField(
                label="对应检查事项", choices=item_choices, coerce=int, required=False, empty_value=None
            )
            for name in (f"f{n}_severity", f"f{n}_item"):
                f[name].widget.attrs["class"] = "form-select form-select-sm"
            f[f"f{n}_description"].widget.attrs["class"] = "form-control form-control-sm"

    # -- for the template ----------------------------------------------------------------------------

    def check_rows(self):
        return [(i, self[f"check_{i.pk}"], self[f"note_{i.pk}"]) for i in self.items]

    def finding_rows(self):
        return [
            (n, self[f"f{n}_description"], self[f"f{n}_severity"], self[f"f{n}_item"])
            for n in range(1, FINDING_ROWS + 1)
        ]

    def main_fields(self):
        return [self[n] for n in ("target", "inspected_on", "site", "is_key_site", "inspectors", "summary")]

    # -- validation ------------------------------------------------------------------------------------

    def clean_target(self):
        unit = Unit.objects.filter(pk=self.cleaned_data["target"]).first()
        if unit is None:
            raise forms.ValidationError("请选择被检查单位")
        return unit

    def service_data(self) -> dict:
        d = self.cleaned_data
        checks = {i.pk: (d[f"check_{i.pk}"], d[f"note_{i.pk}"].strip()) for i in self.items}
        findings = []
        for n in range(1, FINDING_ROWS + 1):
            text = (d.get(f"f{n}_description") or "").strip()
            if text:
                findings.append(
                    {
                        "description": text,
                        "severity": d.get(f"f{n}_severity") or "general",
                        "item": d.get(f"f{n}_item"),
                    }
                )
        return {
            "target": d["target"],
            "inspected_on": d["inspected_on"],
            "site": d["site"].strip(),
            "is_key_site": d["is_key_site"],
            "summary": d["summary"].strip(),
            "inspectors": list(d["inspectors"]),
            "checks": checks,
            "findings": findings,
        }


class FindingForm(StyledForm):
    description = _text("问题描述", rows=3)
    severity = forms.ChoiceField(label="严重程度", choices=SEVERITY_CHOICES, initial="general")
    item = forms.TypedChoiceField(label="对应检查事项", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {i.pk: i for i in record.campaign.checklist.all()}
        self.fields["item"].choices = [
            ("", "（不对应具体事项）"),
            *((pk, i.text) for pk, i in self.items.items()),
        ]
        self.fields["item"].error_messages["invalid_choice"] = "请选择本次督查的检查事项"

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            "description": d["description"],
            "severity": d["severity"],
            "item": self.items.get(d["item"]) if d["item"] else None,
        }
