from core import scoping

NAV = [
    # (label, url name, permission or "" for every signed-in user, icon)
    ("工作台", "dashboards:workbench", "", "speedometer2"),
    ("任务台账", "tasks:task_list", "tasks.view_task", "list-check"),
    ("新建任务", "tasks:task_create", "tasks.add_task", "plus-circle"),
    ("上级部署", "tasks:directive_list", "tasks.view_directive", "journal-text"),
    ("迟报缺报", "reporting:late_list", "tasks.view_assignment", "hourglass-split"),
    ("单位管理", "org:unit_list", "org.view_unit", "diagram-3"),
    ("账号管理", "org:user_list", "org.view_user", "people"),
    ("安全策略", "org:policy", "org.change_securitypolicy", "shield-lock"),
    ("节假日调整", "tasks:workday_list", "tasks.change_workdayoverride", "calendar-week"),
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
