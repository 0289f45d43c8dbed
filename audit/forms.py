from django import forms

from audit.actions import ACTIONS


def _action_choices():
    groups: dict[str, list] = {}
    names = {
        "auth": "登录与会话",
        "org": "组织与账号",
        "audit": "审计",
        "tasks": "任务",
        "reporting": "报告",
        "supervision": "专项督查",
        "rectification": "问题整改",
        "documents": "公文",
        "escalation": "红色任务督办",
        "surveys": "满意度测评与履职测评",
        "notifications": "消息",
        "demo": "演示数据",
    }
    for code, label in ACTIONS.items():
        prefix = code.split(".", 1)[0]
        groups.setdefault(names.get(prefix, "其他"), []).append(
            (code, label)
        )  # users read the label; the code stays the value
    return [("", "全部动作")] + [(g, items) for g, items in groups.items()]


class AuditEventFilterForm(forms.Form):
    action = forms.ChoiceField(label="动作", required=False)
    actor = forms.CharField(label="操作人", required=False, max_length=60)
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    obj = forms.CharField(label="对象", required=False, max_length=100)
    success = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), ("1", "成功"), ("0", "失败")]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = _action_choices()
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select" if isinstance(f.widget, forms.Select) else "form-control"

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "截止日期不能早于起始日期")
        return data
