from django import forms

from files.forms import MultipleFileField, files_help
from reporting.services import drop_message


def _plain(value) -> str:
    """90.00 → "90", 72.50 → "72.5"."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class ReportForm(forms.Form):
    """Only progress and work done are required (R-RPT-3); everything else is pre-filled."""

    progress = forms.IntegerField(
        label="进度（%）",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
        error_messages={
            "required": "请填写进度",
            "invalid": "进度须为0到100的整数",
            "min_value": "进度不能小于0",
            "max_value": "进度不能大于100",
        },
    )
    work_done = forms.CharField(
        label="工作进展",
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
        error_messages={"required": "请填写工作进展"},
    )
    difficulties = forms.CharField(
        label="困难问题", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2})
    )
    next_steps = forms.CharField(
        label="下步计划", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2})
    )
    drop_reason = forms.CharField(
        label="进度下降原因",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        error_messages={"max_length": "进度下降原因不能超过%(limit_value)d个字"},
    )
    files = MultipleFileField(label="附件")
    also = forms.ModelMultipleChoiceField(
        label="同时用于本专班的其他任务（本期）",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, indicators=(), siblings=None, last_progress=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = files_help()
        self.last_progress = last_progress
        if last_progress is None:
            del self.fields["drop_reason"]
        else:
            self.fields["drop_reason"].help_text = f"进度低于上次报告（{last_progress}%）时必填，说明原因"
        self.indicator_fields = []
        for ind in indicators:
            name = f"indicator_{ind.pk}"
            label = (
                f"{ind.name}（目标{ind.get_direction_display()}{_plain(ind.target)}{ind.unit_of_measure}）"
            )
            self.fields[name] = forms.DecimalField(
                label=label,
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=_plain(ind.current) if ind.current is not None else None,
                widget=forms.NumberInput(
                    attrs={"class": "form-control", "step": "any", "inputmode": "decimal"}
                ),
                error_messages={"invalid": "请填写数字"},
            )
            self.indicator_fields.append(name)
        if siblings is not None and siblings.exists():
            self.fields["also"].queryset = siblings
            self.fields["also"].label_from_instance = lambda a: (
                f"{a.task.code} {a.task.title}（{a.unit.display_name}）"
            )
        else:
            del self.fields["also"]

    def clean(self):
        data = super().clean()
        progress, last = data.get("progress"), self.last_progress
        if last is not None and progress is not None and progress < last:
            if not (data.get("drop_reason") or "").strip():
                self.add_error("drop_reason", drop_message(last, progress))
        return data

    @property
    def required_count(self) -> int:
        return sum(1 for f in self.fields.values() if f.required)

    def indicator_values(self) -> dict:
        values = {}
        for name in self.indicator_fields:
            value = self.cleaned_data.get(name)
            if value is not None:
                values[name.removeprefix("indicator_")] = str(value)
        return values
