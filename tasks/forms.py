"""Forms of the tasks app. Forms validate input shape only; rules live in tasks.services."""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from core import scoping
from core.validators import sane_date
from org.forms import ExcelImportForm, SearchableUnits, acting_unit_field
from org.models import Unit
from tasks.choices import Cadence, ReviewConclusion, ReviewMeetingKind, TaskLevel
from tasks.filters import TaskFilterSet
from tasks.models import Directive, Indicator, TaskCategory
from tasks.selectors import nameable_users

# --- ledger: saved filters, import, directives (R-TSK-7, R-DEC-1) ----------------------------------


class SavedFilterForm(forms.Form):
    name = forms.CharField(label="筛选名称", max_length=40, error_messages={"required": "请填写筛选名称"})
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def clean_query(self):
        """Keep only the ledger's own parameters (never a page number)."""
        allowed = set(TaskFilterSet.base_filters) - {"page"}
        raw = QueryDict(self.cleaned_data.get("query") or "")
        clean = QueryDict(mutable=True)
        for key in raw:
            if key in allowed:
                values = [v for v in raw.getlist(key) if v]
                if values:
                    clean.setlist(key, values)
        return clean.urlencode()


class TaskImportForm(ExcelImportForm):
    unit_label = "创建单位"


class DirectiveForm(forms.ModelForm):
    class Meta:
        model = Directive
        fields = ["kind", "title", "doc_number", "issuer", "issued_on", "text"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"org_unit": acting_unit_field(units, "登记单位"), **self.fields}
        self.fields["kind"].choices = [("", "请选择"), *Directive._meta.get_field("kind").choices]
        for name in ("title", "issuer", "issued_on", "kind"):
            self.fields[name].error_messages["required"] = f"请填写{self.fields[name].label}"


# --- task detail actions: create, edit, review, decompose, lifecycle (R-TSK-1..6, R-DEC-4) ------

DATE_WIDGET = {"type": "date"}


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, and aria-invalid on fields with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs  # a hidden widget (version) has no class
                attrs["aria-invalid"] = "true"
                attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()


def _date(label, required=True, **kwargs):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        error_messages={"required": f"请填写{label}", "invalid": "请输入正确的日期，如2026-03-05"},
        **kwargs,
    )


def _text(label, required=True, max_length=None, rows=None, **kwargs):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=widget,
        error_messages={"required": f"请填写{label}", "max_length": f"{label}不能超过%(limit_value)d个字"},
        **kwargs,
    )


class IndentedUnitMultipleField(SearchableUnits, forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return "　" * obj.depth + obj.name


class IndentedUnitField(SearchableUnits, forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * obj.depth + obj.name


class PersonsField(forms.CharField):
    """责任人: names or account names separated by commas/spaces. The field cleans to the typed
    names; `resolve(names, users)` finds them among the accounts the form may name (so a name
    outside them reads "找不到账号" whether or not such an account exists elsewhere)."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "，".join(getattr(u, "full_name", None) or str(u) for u in value)
        return value

    def clean(self, value):
        value = super().clean(value)
        return [t for t in re.split(r"[,，、;；\s]+", value or "") if t]

    @staticmethod
    def resolve(tokens, users):
        found, missing, ambiguous = [], [], []
        for token in tokens:
            matches = list(users.filter(Q(username__iexact=token) | Q(full_name=token))[:2])
            if not matches:
                missing.append(token)
            elif len(matches) > 1 and not any(m.username.lower() == token.lower() for m in matches):
                ambiguous.append(token)
            else:
                exact = [m for m in matches if m.username.lower() == token.lower()]
                found.append(exact[0] if exact else matches[0])
        errors = []
        if missing:
            errors.append("找不到账号：" + "、".join(missing))
        if ambiguous:
            errors.append("有同名账号，请改填账号名：" + "、".join(ambiguous))
        if errors:
            raise forms.ValidationError("；".join(errors))
        return list({u.pk: u for u in found}.values())


class TaskForm(StyledForm):
    """Create (with the creating unit) or edit (with the version seen, R-NF-5) a task."""

    org_unit = forms.ModelChoiceField(label="创建单位", queryset=None, empty_label=None)
    title = _text("任务名称", max_length=200)
    category = forms.ModelChoiceField(label="类别", queryset=None, error_messages={"required": "请选择类别"})
    level = forms.ChoiceField(label="等级")
    directive = forms.ModelChoiceField(label="上级部署", queryset=None, required=False, empty_label="（无）")
    lead_unit = IndentedUnitField(
        label="牵头单位",
        queryset=None,
        error_messages={"required": "请选择牵头单位", "invalid_choice": "牵头单位须在您的管辖范围内"},
    )
    co_units = IndentedUnitMultipleField(
        label="配合单位",
        queryset=None,
        required=False,
        help_text="可选任何在用单位（跨单位协同）；输入名称搜索，可多选",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    responsible_persons = PersonsField(
        label="责任人", required=False, help_text="填写姓名或账号，多人用逗号分隔"
    )
    start_date = _date("开始日期", validators=[sane_date])
    due_date = _date("完成时限", required=False, validators=[sane_date])
    due_in_workdays = forms.IntegerField(
        label="或：N个工作日内",
        required=False,
        min_value=1,
        max_value=366,
        help_text="按国家法定节假日和调休安排计算，从开始日期次日起算",
        error_messages={
            "min_value": "工作日数至少为1",
            "max_value": "工作日数不能超过366",
            "invalid": "请填写整数",
        },
    )
    cadence = forms.ChoiceField(label="报告频次")
    goals = _text("工作目标", required=False, rows=3)
    description = _text("任务描述", required=False, rows=3)
    weight = forms.IntegerField(
        label="权重", min_value=1, max_value=100, initial=1, help_text="在上级任务进度中的权重"
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, org_units=(), instance=None, **kwargs):
        self.instance = instance
        if instance is not None and not kwargs.get("initial"):
            kwargs["initial"] = self._initial(instance)
        super().__init__(*args, **kwargs)
        f = self.fields
        if instance is None:
            f["org_unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in org_units])
            f["org_unit"].choices = [(u.pk, u.name) for u in org_units]
            del f["weight"]
        else:
            del f["org_unit"]
            if instance.parent_id is None:
                del f["weight"]
        self._set_choices(user, instance)
        self._set_messages_and_widgets()

    @staticmethod
    def _initial(instance) -> dict:
        """The edit form's values: the task as stored, with the version seen (R-NF-5)."""
        return {
            "org_unit": instance.org_unit_id,
            "title": instance.title,
            "category": instance.category_id,
            "level": instance.level,
            "directive": instance.directive_id,
            "lead_unit": instance.lead_unit_id,
            "co_units": [u.pk for u in instance.co_units.all()],
            "responsible_persons": list(instance.responsible_persons.all()),
            "start_date": instance.start_date,
            "due_date": instance.due_date,
            "due_in_workdays": instance.due_in_workdays,
            "cadence": instance.cadence,
            "goals": instance.goals,
            "description": instance.description,
            "weight": instance.weight,
            "version": instance.version,
        }

    def _set_choices(self, user, instance) -> None:
        """Categories, levels, cadences, the directives the user sees, and the lead units: the
        parent task's subtree for a sub-task, else the units where the user may create tasks."""
        f = self.fields
        f["category"].queryset = TaskCategory.objects.filter(is_active=True)
        f["level"].choices = TaskLevel.choices
        f["cadence"].choices = Cadence.choices
        f["level"].initial, f["cadence"].initial = TaskLevel.GENERAL, Cadence.WEEKLY
        f["directive"].queryset = Directive.objects.visible_to(user, "tasks.view_directive")
        if instance is not None and instance.parent_id:
            lead_qs = Unit.objects.subtree_of(instance.org_unit)
        else:
            lead_qs = Unit.objects.filter(scoping.units_q(user, "tasks.add_task"))
        f["lead_unit"].queryset = lead_qs.filter(is_active=True).order_by("path")
        f["co_units"].queryset = Unit.objects.filter(is_active=True).order_by("path")

    def _set_messages_and_widgets(self) -> None:
        """Chinese messages, and the HTMX preview of a due date counted in workdays."""
        f = self.fields
        for name in ("level", "cadence"):
            f[name].error_messages["required"] = f"请选择{f[name].label}"
        compute = {
            "hx-get": reverse("tasks:workday_compute"),
            "hx-include": "[name=start_date],[name=due_in_workdays]",
            "hx-target": "#computed-due",
            "hx-trigger": "change, input changed delay:400ms",
        }
        f["due_in_workdays"].widget.attrs.update(compute)
        f["start_date"].widget.attrs.update(compute)
        if "weight" in f:
            f["weight"].error_messages.update({"min_value": "权重至少为1", "max_value": "权重不能超过100"})

    def clean(self):
        data = super().clean()
        start, due, n = data.get("start_date"), data.get("due_date"), data.get("due_in_workdays")
        if start and not due and not n and "due_date" not in self.errors:
            self.add_error("due_date", "请填写完成时限，或填写工作日数")
        if start and due and not n and due < start:
            self.add_error("due_date", "完成时限不能早于开始日期")
        if "responsible_persons" in data:
            try:
                data["responsible_persons"] = PersonsField.resolve(
                    data["responsible_persons"], self._nameable_users(data)
                )
            except forms.ValidationError as exc:
                self.add_error("responsible_persons", exc)
        return data

    def _nameable_users(self, data):
        org_unit = data.get("org_unit") or (self.instance.org_unit if self.instance else None)
        return nameable_users([org_unit, data.get("lead_unit"), *(data.get("co_units") or [])])

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("org_unit", None)
        if data.get("due_in_workdays"):
            data["due_date"] = None
        return data


class PartyReviewForm(StyledForm):
    meeting_kind = forms.ChoiceField(label="会议类型")
    meeting_date = _date("会议日期")  # the service says "不能晚于今天"; the model refuses < 2000
    meeting_title = _text("会议名称", required=False, max_length=100)
    conclusion = forms.ChoiceField(label="审议结论", widget=forms.RadioSelect)
    notes = _text("审议意见", required=False, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting_kind"].choices = ReviewMeetingKind.choices
        self.fields["conclusion"].choices = ReviewConclusion.choices
        self.fields["meeting_kind"].error_messages["required"] = "请选择会议类型"
        self.fields["conclusion"].error_messages["required"] = "请选择审议结论"


class DecomposeRowForm(StyledForm):
    title = _text("子任务名称", required=False, max_length=200)
    lead_unit = IndentedUnitField(
        label="牵头单位",
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "只能分解到本单位或下级单位"},
    )
    due_date = _date("完成时限", required=False, validators=[sane_date])
    weight = forms.IntegerField(
        label="权重",
        required=False,
        min_value=1,
        max_value=100,
        error_messages={"min_value": "权重至少为1", "max_value": "权重不能超过100", "invalid": "请填写整数"},
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units

    def clean(self):
        data = super().clean()
        filled = bool(data.get("title") or data.get("lead_unit") or "title" in self.errors)
        if filled:
            if not data.get("title") and "title" not in self.errors:
                self.add_error("title", "请填写子任务名称")
            if not data.get("lead_unit") and "lead_unit" not in self.errors:
                self.add_error("lead_unit", "请选择牵头单位")
        data["filled"] = filled
        return data


DecomposeFormSet = forms.formset_factory(DecomposeRowForm, extra=0, min_num=1, max_num=30, validate_max=True)


class DecomposeForm(StyledForm):
    org_unit = forms.ModelChoiceField(label="分解单位", queryset=None, empty_label=None)
    assign = forms.BooleanField(label="立即交办子任务", required=False, initial=True)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        self.fields["org_unit"].choices = [(u.pk, u.name) for u in units]


class TaskAssignForm(StyledForm):
    """交办 to units of the user's choosing: any unit in scope, every level (越级交办)."""

    lead_unit = IndentedUnitField(
        label="牵头单位",
        queryset=None,
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": "牵头单位须在您的管辖范围内"},
    )
    units = IndentedUnitMultipleField(
        label="增加承办单位（配合）",
        queryset=None,
        required=False,
        help_text="可选您管辖范围内任意层级的单位，如直接选两个县（越级交办）；输入名称搜索，可多选",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"invalid_choice": "所选单位不在您的管辖范围内"},
    )

    def __init__(self, *args, units=None, lead_fixed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        if lead_fixed:
            del self.fields["lead_unit"]
        else:
            self.fields["lead_unit"].queryset = units


class ReasonForm(StyledForm):
    reason = _text("理由", rows=3, max_length=1000)

    def __init__(self, *args, label="理由", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = f"请填写{label}"


class ExtensionRequestForm(StyledForm):
    new_due_date = _date("申请延至", validators=[sane_date])
    reason = _text("延期理由", rows=3, max_length=1000)


class DecisionForm(StyledForm):
    """Approve or send back (审核办结 / 审批延期): which button was pressed decides."""

    note = _text("意见", required=False, rows=3, max_length=200)

    def __init__(self, *args, note_label="意见", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = note_label


class CompletionRequestForm(StyledForm):
    note = _text("办结说明", rows=4, max_length=2000)
    reuse = forms.ModelMultipleChoiceField(
        label="沿用已报送的材料作佐证",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="本单位在进展报告中已上传的文件，勾选即作为办结佐证，无需重复上传",
        error_messages={"invalid_choice": "所选文件不是本单位为该任务报送的材料，请重新选择"},
    )

    def __init__(self, *args, reusable=None, **kwargs):
        super().__init__(*args, **kwargs)
        if reusable is None or not reusable.exists():
            del self.fields["reuse"]
            return
        self.fields["reuse"].queryset = reusable
        self.fields["reuse"].label_from_instance = lambda att: (
            f"{att.original_name}（{timezone.localtime(att.uploaded_at):%Y-%m-%d}随进展报告上传）"
        )


class MilestoneForm(StyledForm):
    title = _text("节点名称", max_length=120)
    due_date = _date("节点时限", validators=[sane_date])


class EmergencyForm(StyledForm):
    """应急 (R-RPT-1): a date range in which the task is reported daily."""

    start = _date("起始日期", validators=[sane_date])
    end = _date("结束日期", validators=[sane_date])
    reason = _text("应急事由", max_length=200, help_text="如：突发公共卫生事件应急响应期间")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class MilestoneCompleteForm(StyledForm):
    files = MultipleFileField(label="佐证材料", required=False, help_text="PDF、图片、Office 文档")
    note = _text("完成说明", required=False, max_length=200)


class IndicatorForm(StyledForm):
    name = _text("指标名称", max_length=80)
    direction = forms.ChoiceField(label="方向")
    target = forms.DecimalField(
        label="目标值", max_digits=14, decimal_places=2, error_messages={"required": "请填写目标值"}
    )
    unit_of_measure = _text("计量单位", required=False, max_length=20)
    baseline = forms.DecimalField(label="基期值", max_digits=14, decimal_places=2, required=False)
    current = forms.DecimalField(label="当前值", max_digits=14, decimal_places=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = Indicator.Direction.choices
        for name in ("target", "baseline", "current"):
            self.fields[name].error_messages.update(
                {"invalid": "请填写数字", "max_decimal_places": "最多两位小数", "max_digits": "数值过大"}
            )


class TaskForceForm(StyledForm):
    members = PersonsField(
        label="专班成员", required=False, help_text="填写姓名或账号，多人用逗号分隔；可来自多个单位"
    )
    leader = PersonsField(label="专班负责人", required=False, help_text="一人")

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.users = users

    def clean_members(self):
        return PersonsField.resolve(self.cleaned_data.get("members") or [], self.users)

    def clean_leader(self):
        leaders = PersonsField.resolve(self.cleaned_data.get("leader") or [], self.users)
        if len(leaders) > 1:
            raise forms.ValidationError("专班负责人只能填写一人")
        return leaders[0] if leaders else None


class WorkdayOverrideForm(StyledForm):
    date = _date("日期")
    is_workday = forms.TypedChoiceField(
        label="调整为",
        choices=[("0", "休息日（放假）"), ("1", "工作日（调休上班）")],
        coerce=lambda v: v == "1",
        error_messages={"required": "请选择调整为工作日还是休息日"},
    )
    note = _text("说明", required=False, max_length=40)
