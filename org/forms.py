"""Forms for sign-in, units, accounts, roles and the security policy. Rules live in org.services."""

from django import forms

from org.choices import InstitutionType, UnitKind
from org.models import Role, SecurityPolicy, Unit
from org.services import POLICY_BOUNDS


class BootstrapMixin:
    """Bootstrap classes on every widget, and aria-invalid on fields with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            w = f.widget
            if isinstance(w, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(w, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            w.attrs["class"] = (w.attrs.get("class", "") + " " + css).strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in list(self.errors):
            if name in self.fields:
                w = self.fields[name].widget
                if "is-invalid" not in w.attrs.get("class", ""):
                    w.attrs["class"] = w.attrs.get("class", "") + " is-invalid"
                    w.attrs["aria-invalid"] = "true"


class SearchableUnits:
    """A unit picker over a whole province (thousands of units) is a select the user can type into:
    static/js/duban.js turns every `select[data-search]` into a search box (Tom Select, from npm)."""

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "data-search": "unit"}


class UnitChoiceField(SearchableUnits, forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", "请选择单位")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return "　" * obj.depth + f"{obj.display_name}（{obj.code}）"


def unit_list_field(
    units,
    label: str,
    *,
    required: bool = True,
    empty_label: str | None = None,
    indent: bool = False,
    note=None,
) -> forms.ModelChoiceField:
    """A choice among a fixed, already scoped list of units (the units a user acts for, issuers,
    recipients): names in the given order, indented by depth below the shallowest when `indent`,
    with `note(unit)` after a name when given."""
    base = min((u.depth for u in units), default=0)

    def text(u):
        return ("　" * max(0, u.depth - base) if indent else "") + u.name + (note(u) if note else "")

    field = forms.ModelChoiceField(
        label=label,
        queryset=Unit.objects.filter(pk__in=[u.pk for u in units]),
        required=required,
        empty_label=empty_label,
        error_messages={"invalid_choice": "请选择您有权限的单位", "required": f"请选择{label}"},
    )
    field.choices = ([("", empty_label)] if empty_label else []) + [(u.pk, text(u)) for u in units]
    field.widget.attrs["class"] = "form-select"
    return field


def acting_unit_field(units, label: str) -> forms.ModelChoiceField:
    """The 单位 a user acts for on a create or import form (scoping.acting_units)."""
    return unit_list_field(units, label)


class ExcelImportForm(forms.Form):
    """The acting unit and the .xlsx file of an import page (core.views.ExcelImportView)."""

    unit_field = "org_unit"
    unit_label = "单位"
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        error_messages={"required": "请选择要导入的 Excel 文件"},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {self.unit_field: acting_unit_field(units, self.unit_label), **self.fields}


# --- sign-in ---------------------------------------------------------------------------------


class LoginForm(BootstrapMixin, forms.Form):
    username = forms.CharField(
        label="账号",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class PasswordChangeForm(BootstrapMixin, forms.Form):
    old_password = forms.CharField(
        label="原密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少8位，包含大写字母、小写字母、数字、特殊符号中的至少三类，不含账号名，不与最近5次相同",
    )
    new_password2 = forms.CharField(
        label="确认新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("new_password")
            and data.get("new_password2")
            and data["new_password"] != data["new_password2"]
        ):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


# --- units -----------------------------------------------------------------------------------


class UnitCreateForm(BootstrapMixin, forms.Form):
    parent = UnitChoiceField(label="上级单位", queryset=Unit.objects.none())
    code = forms.CharField(label="单位编码", max_length=32, help_text="全省唯一，如 SF-A-1")
    name = forms.CharField(label="单位全称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=40, required=False)
    kind = forms.ChoiceField(label="层级类型", choices=UnitKind.choices)
    institution_type = forms.ChoiceField(label="机构类别", choices=InstitutionType.choices, required=False)
    sort_order = forms.IntegerField(label="排序", initial=0, required=False)
    issuer_code = forms.CharField(label="发文代字", max_length=16, required=False, help_text="如“示卫督”")

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents if parents is not None else Unit.objects.none()

    def clean_sort_order(self):
        return self.cleaned_data.get("sort_order") or 0


class UnitUpdateForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="单位全称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=40, required=False)
    kind = forms.ChoiceField(label="层级类型", choices=UnitKind.choices)
    institution_type = forms.ChoiceField(label="机构类别", choices=InstitutionType.choices, required=False)
    is_active = forms.BooleanField(label="启用", required=False)
    sort_order = forms.IntegerField(label="排序", required=False)
    issuer_code = forms.CharField(label="发文代字", max_length=16, required=False)

    def clean_sort_order(self):
        return self.cleaned_data.get("sort_order") or 0


class UnitMoveForm(BootstrapMixin, forms.Form):
    new_parent = UnitChoiceField(label="新的上级单位", queryset=Unit.objects.none())

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents if parents is not None else Unit.objects.none()


# --- accounts --------------------------------------------------------------------------------


class UserCreateForm(BootstrapMixin, forms.Form):
    unit = UnitChoiceField(label="所属单位", queryset=Unit.objects.none())
    username = forms.CharField(label="账号", max_length=150, help_text="登录用，不区分大小写")
    full_name = forms.CharField(label="姓名", max_length=40)
    title = forms.CharField(label="职务", max_length=40, required=False)
    phone = forms.CharField(label="手机号", max_length=11, required=False, help_text="11位，加密存储")
    email = forms.EmailField(label="邮箱", required=False)
    password = forms.CharField(
        label="初始密码",
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="留空则由系统生成，仅显示一次；首次登录须修改",
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()


class UserUpdateForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(label="姓名", max_length=40)
    title = forms.CharField(label="职务", max_length=40, required=False)
    phone = forms.CharField(label="手机号", max_length=11, required=False, help_text="11位，加密存储")
    email = forms.EmailField(label="邮箱", required=False)
    is_active = forms.BooleanField(label="启用", required=False, help_text="停用的账号不能登录")


class RoleGrantForm(BootstrapMixin, forms.Form):
    role = forms.ModelChoiceField(
        label="角色", queryset=Role.objects.filter(is_active=True).order_by("id"), empty_label="请选择角色"
    )
    unit = UnitChoiceField(label="授权单位", queryset=Unit.objects.none())
    include_descendants = forms.BooleanField(label="含下级单位（本单位及下级）", required=False, initial=True)
    password = forms.CharField(
        label="您的登录密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="授予角色前须再次验证身份",
    )

    def __init__(self, *args, actor=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()

    def clean_password(self):
        password = self.cleaned_data["password"]
        if self.actor is None or not self.actor.check_password(password):
            raise forms.ValidationError("密码不正确，未授予角色")
        return password


class PolicyForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = list(POLICY_BOUNDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (lo, hi, _) in POLICY_BOUNDS.items():
            self.fields[name].widget.attrs.update({"min": lo, "max": hi})
            self.fields[name].help_text = f"允许范围 {lo}–{hi}"
        self.fields["password_expiry_days"].help_text += "；0 表示永不过期"


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )
