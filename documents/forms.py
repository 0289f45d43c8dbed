"""Forms of the documents app: input shape only; the rules live in documents.services."""

from __future__ import annotations

import django_filters
from django import forms

from core.views import PAGE_SIZES
from documents.models import DocumentKind, IssuedDocument
from org.forms import unit_list_field
from org.models import Unit
from tasks.forms import StyledForm, _date, _text


def _campaigns(campaigns, label="专项督查", required=False):
    field = forms.ModelChoiceField(
        label=label,
        queryset=campaigns,
        required=required,
        empty_label="（不限）" if not required else "请选择专项督查",
        error_messages={"invalid_choice": "请选择您可以查看的专项督查", "required": "请选择专项督查"},
    )
    return field


class IssuerForm(StyledForm):
    """The 发文机关 of a draft (only asked when the user may issue for more than one)."""

    issuer = forms.ModelChoiceField(label="发文机关", queryset=Unit.objects.none(), empty_label=None)

    def __init__(self, *args, issuers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"] = unit_list_field(issuers, "发文机关", indent=True)


class LetterPickForm(IssuerForm):
    """交办函, step 1 (GET): the issuer, an optional campaign and the recipient unit."""

    campaign = forms.ModelChoiceField(label="专项督查", queryset=None, required=False)
    recipient = forms.ModelChoiceField(label="主送单位", queryset=None, required=False)

    def __init__(self, *args, issuers=(), campaigns=None, recipients=(), **kwargs):
        super().__init__(*args, issuers=issuers, **kwargs)
        self.fields["issuer"].widget.attrs["data-autosubmit"] = "1"
        self.fields["campaign"] = _campaigns(campaigns)
        self.fields["campaign"].widget.attrs.update({"class": "form-select", "data-autosubmit": "1"})
        units = [u for u, _ in recipients]
        counts = {u.pk: n for u, n in recipients}
        field = unit_list_field(
            units,
            "主送单位",
            required=False,
            empty_label="请选择主送单位",
            indent=True,
            note=lambda u: f"（待交办{counts[u.pk]}个）",
        )
        field.widget.attrs["data-autosubmit"] = "1"
        self.fields["recipient"] = field


class LetterCreateForm(forms.Form):
    """交办函, step 2 (POST): the checked problems."""

    issuer = forms.IntegerField(widget=forms.HiddenInput)
    recipient = forms.IntegerField(widget=forms.HiddenInput)
    campaign = forms.IntegerField(widget=forms.HiddenInput, required=False)
    problems = forms.ModelMultipleChoiceField(
        label="交办的问题",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个要交办的问题", "invalid_choice": "所选问题不可交办"},
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problems"].queryset = candidates


class OrderCreateForm(IssuerForm):
    problem = forms.IntegerField(widget=forms.HiddenInput)


class BulletinForm(IssuerForm):
    period_start = _date("统计期间自")
    period_end = _date("统计期间至")
    found_in_period = forms.BooleanField(
        label="只统计期间内发现的问题",
        required=False,
        help_text="不勾选时统计截至今天您数据范围内的全部问题（与“整改统计”页不加筛选时一致）",
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "结束日期不能早于开始日期")
        return data


class TaskBulletinForm(IssuerForm):
    period_start = _date("统计期间自")
    period_end = _date("统计期间至")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "结束日期不能早于开始日期")
        return data


class ReportForm(IssuerForm):
    SUBJECTS = [("unit", "一个单位（含下级）"), ("campaign", "一次专项督查")]
    subject = forms.ChoiceField(label="报告对象", choices=SUBJECTS, widget=forms.RadioSelect, initial="unit")
    unit = forms.ModelChoiceField(label="单位", queryset=None, required=False)
    campaign = forms.ModelChoiceField(label="专项督查", queryset=None, required=False)
    addressee = _text("主送机关", max_length=200)

    def __init__(self, *args, issuers=(), units=(), campaigns=None, **kwargs):
        super().__init__(*args, issuers=issuers, **kwargs)
        self.fields["unit"] = unit_list_field(
            units, "单位", required=False, empty_label="请选择单位", indent=True
        )
        self.fields["campaign"] = _campaigns(campaigns)
        self.fields["campaign"].empty_label = "请选择专项督查"
        self.fields["campaign"].widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        if data.get("subject") == "unit" and not data.get("unit"):
            self.add_error("unit", "请选择单位")
        if data.get("subject") == "campaign" and not data.get("campaign"):
            self.add_error("campaign", "请选择专项督查")
        return data


class DocumentEditForm(StyledForm):
    title = _text("标题", max_length=200)
    addressee = _text("主送机关", max_length=200, help_text="末尾的冒号由系统加上")
    body_text = _text(
        "正文",
        rows=18,
        help_text="每段一行；以“一、”“（一）”“1.”“（1）”开头的行自动成为各级标题；"
        "【表1】【表2】……是由台账生成的表格，可移动或删除，不能改写。",
    )
    note = _text("附注", required=False, max_length=200, help_text="如 联系人：×××，电话：×××（不含括号）")
    cc_text = _text("抄送", required=False, max_length=300, help_text="多个单位用逗号或顿号分隔")
    version = forms.IntegerField(widget=forms.HiddenInput)


class IssueForm(StyledForm):
    password = forms.CharField(
        label="您的登录密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "签发前须输入您的登录密码"},
        help_text="签发后编发文字号、生成文件并计算SM3摘要，公文不能再修改",
    )


# --- list filters -------------------------------------------------------------------------------


class DocumentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="关键词",
        method="filter_keyword",
        widget=forms.TextInput(attrs={"placeholder": "标题、文号或主送机关"}),
    )
    kind = django_filters.ChoiceFilter(label="文种", choices=DocumentKind.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(
        label="状态", choices=IssuedDocument.Status.choices, empty_label="全部"
    )
    todo = django_filters.ChoiceFilter(
        label="待办",
        choices=[("sign", "待我签发"), ("returned", "退回待改")],
        method="filter_todo",
        empty_label="全部",
    )
    year = django_filters.ChoiceFilter(label="年度", field_name="year", choices=[], empty_label="全部")
    campaign = django_filters.NumberFilter(
        label="专项督查", field_name="campaign_id", widget=forms.HiddenInput
    )
    per_page = django_filters.ChoiceFilter(
        label="每页",
        choices=[(str(n), f"{n}条") for n in PAGE_SIZES],
        method="filter_nothing",
        empty_label=None,
    )

    class Meta:
        model = IssuedDocument
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from documents.selectors import year_choices

        user = getattr(self.request, "user", None)
        years = year_choices(user) if user is not None and user.is_authenticated else []
        self.form.fields["year"].choices = [("", "全部")] + [(str(y), f"{y}年") for y in years]
        for field in self.form.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)

    def filter_keyword(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(doc_number__icontains=value) | Q(addressee__icontains=value)
        )

    def filter_todo(self, queryset, name, value):
        from documents.selectors import awaiting_signoff, returned_to

        user = self.request.user
        mine = awaiting_signoff(user) if value == "sign" else returned_to(user)
        return queryset.filter(pk__in=mine.order_by().values("pk"))

    def filter_nothing(self, queryset, name, value):
        return queryset


class SubmitForm(StyledForm):
    """送签: the leader to sign, or any leader of the issuer."""

    signer = forms.ModelChoiceField(
        label="签发人",
        queryset=None,
        required=False,
        empty_label="本机关任一领导",
        error_messages={"invalid_choice": "请在列出的领导中选择签发人"},
        help_text="起草人不能签发自己起草的公文",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, signers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = signers
        self.fields["signer"].label_from_instance = lambda u: f"{u.full_name}（{u.title or '领导'}）"


class ReturnForm(StyledForm):
    comment = _text(
        "退回意见", rows=3, max_length=1000, help_text="退回后公文回到草稿，起草人修改后可再次送签"
    )


class WithdrawForm(forms.Form):
    """撤回 is a button: no fields."""
