"""The form of the results pages: a low item turned into a problem (its shape only; the rules are
surveys.conversion's)."""

from __future__ import annotations

from django import forms

from core.validators import sane_date
from rectification.choices import Severity
from rectification.models import ProblemCategory
from tasks.forms import StyledForm, _date, _text


class ItemConvertForm(StyledForm):
    """转为整改问题: what the problem needs beyond the item (category, severity, deadline, 整改要求)."""

    category = forms.ModelChoiceField(
        label="问题类别",
        queryset=None,
        empty_label="请选择",
        error_messages={"required": "请选择问题类别", "invalid_choice": "请选择问题类别"},
    )
    severity = forms.ChoiceField(
        label="严重程度",
        choices=Severity.choices,
        initial=Severity.GENERAL,
        error_messages={"invalid_choice": "请选择严重程度"},
    )
    deadline = _date("整改时限", validators=[sane_date])
    requirement = _text("整改要求", required=False, rows=3, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ProblemCategory.objects.filter(is_active=True)
