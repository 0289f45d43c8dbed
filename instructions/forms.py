"""Forms of 领导批示: they check the input's shape; the rules are instructions.services'."""

from __future__ import annotations

from django import forms

from files.forms import MultipleFileField, files_help
from org.models import Unit, User
from tasks.forms import StyledForm, _date, _text
from tasks.models import TaskCategory


def _version():
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name}（{obj.unit.display_name}）" if obj.unit_id else obj.full_name


class InstructionForm(StyledForm):
    text = _text(
        "批示内容",
        max_length=2000,
        rows=4,
        help_text="如：请XX同志牵头，本周内拿出方案",
    )
    assignee_unit = UnitChoice(
        label="落实单位",
        queryset=None,
        empty_label="请选择",
        error_messages={
            "required": "请选择落实单位",
            "invalid_choice": "落实单位须是批示对象的单位或其上级单位",
        },
    )
    assignee_person = PersonChoice(
        label="落实责任人",
        queryset=None,
        required=False,
        empty_label="（不指定账号）",
        help_text="落实单位的人员；也可在下面填写姓名",
        error_messages={"invalid_choice": "落实责任人须是落实单位的人员"},
    )
    assignee_name = _text("责任人姓名", required=False, max_length=40)
    due_date = _date("落实时限")

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        unit_ids = [u.pk for u in units]
        self.fields["assignee_unit"].queryset = Unit.objects.filter(pk__in=unit_ids).order_by("path")
        self.fields["assignee_person"].queryset = (
            User.objects.filter(unit_id__in=unit_ids, is_active=True)
            .select_related("unit")
            .order_by("unit__path", "id")
        )


class AnswerForm(StyledForm):
    text = _text("落实情况", max_length=2000, rows=5, help_text="写明已做了什么、结果如何、下一步")
    files = MultipleFileField(label="附件（可不传）")
    version = _version()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = files_help()


class CloseForm(StyledForm):
    text = _text("圈阅意见", required=False, max_length=2000, rows=2, help_text="可不填，默认“已阅”")
    version = _version()


class ReturnForm(StyledForm):
    text = _text("还需落实", max_length=2000, rows=3, help_text="写明还需补充落实什么")
    due_date = _date("新的落实时限", required=False, help_text="不填则沿用原时限")
    version = _version()


# --- 调度会 (R-DEC-6) ------------------------------------------------------------------------------


class MeetingForm(StyledForm):
    org_unit = UnitChoice(
        label="主办单位",
        queryset=None,
        empty_label=None,
        error_messages={"required": "请选择主办单位", "invalid_choice": "您不能以该单位记录调度会"},
    )
    title = _text("会议名称", max_length=120)
    held_on = _date("会议日期")
    host = PersonChoice(
        label="主持领导",
        queryset=None,
        empty_label="请选择",
        error_messages={
            "required": "请选择主持领导",
            "invalid_choice": "主持领导须是主办单位有圈阅批示权限的领导",
        },
    )
    category = forms.ModelChoiceField(
        label="任务类别",
        queryset=None,
        required=False,
        empty_label="全部类别",
        help_text="只调度某一类任务时选择",
        error_messages={"invalid_choice": "请选择列表中的任务类别"},
    )
    attendees = _text(
        "参会人员", required=False, max_length=2000, rows=2, help_text="如：各科室负责人、各县卫健局分管同志"
    )
    notes = _text("会议纪要", required=False, max_length=5000, rows=4)

    def __init__(self, *args, units=(), hosts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")
        self.fields["host"].queryset = hosts if hosts is not None else User.objects.none()
        self.fields["category"].queryset = TaskCategory.objects.order_by("pk")


class FollowupForm(InstructionForm):
    """A follow-up on one item of a 调度会: who (unit, person), what, by when."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        text = self.fields["text"]
        text.label = "跟踪事项"
        text.help_text = "写明要做什么，如：本周内完成设备招标，报调度会"
        text.error_messages["required"] = "请填写跟踪事项"
