from django import forms
from django.conf import settings

from files.filetypes import ALLOWED_TEXT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); type and size are checked by the
    service, by content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = [d for d in (data if isinstance(data, (list, tuple)) else [data]) if d]
        if not items:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        single = super().clean
        return [single(d, initial) for d in items]


def files_help() -> str:
    return f"可多选。允许：{ALLOWED_TEXT}；单个文件不超过{settings.DUBAN_ATTACHMENT_MAX_BYTES // (1024 * 1024)}MB"


class AttachmentForm(forms.Form):
    purpose = forms.ChoiceField(
        label="用途",
        choices=[("evidence", "办结佐证"), ("report", "报告附件")],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    files = MultipleFileField(label="文件", required=True, error_messages={"required": "请选择文件"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = files_help()
