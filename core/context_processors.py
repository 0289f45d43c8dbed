from core import scoping

NAV = [
    # (label, url name, permission or "" for every signed-in user, icon)
    ("工作台", "dashboards:workbench", "", "speedometer2"),
    ("任务台账", "tasks:task_list", "tasks.view_task", "list-check"),
    ("上级部署", "tasks:directive_list", "tasks.view_directive", "journal-text"),
    ("单位管理", "org:unit_list", "org.view_unit", "diagram-3"),
    ("账号管理", "org:user_list", "org.view_user", "people"),
    ("安全策略", "org:policy", "org.change_securitypolicy", "shield-lock"),
    ("审计日志", "audit:event_list", "audit.view_auditevent", "clipboard-data"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [
        {"label": label, "url_name": url_name, "icon": icon}
        for label, url_name, perm, icon in NAV
        if not perm or scoping.has_any(user, perm)
    ]
    from notifications.models import Message

    unread = Message.objects.filter(recipient=user, read_at__isnull=True).count()
    return {"nav_items": items, "unread_count": unread}
