"""The auditor's pages (R-SEC-3): the event list and the chain verification. Only 审计管理员."""

from django.views.generic import TemplateView

from audit import selectors, services
from audit.forms import AuditEventFilterForm
from core.views import PermissionRequiredMixin, ScopedListView


class AuditEventListView(ScopedListView):
    permission = "audit.view_auditevent"
    template_name = "audit/event_list.html"
    paginate_by = 50

    def base_queryset(self):
        self.form = AuditEventFilterForm(self.request.GET or None)
        filters = self.form.cleaned_data if self.form.is_valid() else {}
        return selectors.event_list(self.request.user, **{k: v for k, v in filters.items() if v})

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = self.form
        ctx["chain_alarm"] = selectors.chain_alarm()
        for ev in ctx["object_list"]:
            ev.change_rows = _change_rows(ev.changes)
        return ctx


KEY_LABELS = {
    "code": "编码",
    "name": "名称",
    "short_name": "简称",
    "kind": "层级类型",
    "is_active": "启用",
    "parent": "上级单位",
    "username": "账号",
    "full_name": "姓名",
    "unit": "单位",
    "title": "职务",
    "email": "邮箱",
    "phone_encrypted": "手机号",
    "role": "角色",
    "include_descendants": "含下级",
    "reason": "原因",
    "failed_logins": "连续失败次数",
    "locked_until": "锁定至",
    "minutes": "分钟",
    "count": "数量",
    "ok": "校验通过",
    "checked": "已校验条数",
    "first_bad_seq": "首条异常序号",
    "message": "结果",
    "password_min_length": "密码最小长度",
    "password_expiry_days": "密码有效期",
    "lockout_threshold": "锁定次数",
    "lockout_minutes": "锁定时长",
    "idle_timeout_minutes": "空闲超时",
}


def _show(value) -> str:
    """A stored JSON value as a reader sees it: 是/否, lists joined with 、, nothing as empty."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_show(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{_show(v)}" for k, v in value.items())
    return str(value)


def _change_rows(changes) -> list[tuple[str, str, str, bool]]:
    """(field, before, after, is_diff) rows for display; plain values show as after only."""
    rows = []
    if not isinstance(changes, dict):
        return [("", "", _show(changes), False)]
    for key, value in changes.items():
        if isinstance(value, dict) and set(value) == {"before", "after"}:
            rows.append((KEY_LABELS.get(key, key), _show(value["before"]), _show(value["after"]), True))
        else:
            rows.append((KEY_LABELS.get(key, key), "", _show(value), False))
    return rows


class AuditVerifyView(PermissionRequiredMixin, TemplateView):
    permission = "audit.verify_chain"
    template_name = "audit/verify.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["chain_alarm"] = selectors.chain_alarm()
        return ctx

    def post(self, request):
        result = services.chain_verify(actor=request.user)
        return self.render_to_response(self.get_context_data(result=result))
