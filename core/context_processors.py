from core import scoping

NAV = [
    # (group label, group icon, [(label, url name, permission or "" for every signed-in user, icon)])
    # A group with one item the user may open is a plain link; with more, a menu opened by click.
    ("工作台", "speedometer2", [("工作台", "dashboards:workbench", "", "speedometer2")]),
    ("驾驶舱", "graph-up", [("驾驶舱", "dashboards:cockpit", "dashboards.view_cockpit", "graph-up")]),
    (
        "任务督办",
        "list-check",
        [
            ("任务台账", "tasks:task_list", "tasks.view_task", "list-check"),
            ("新建任务", "tasks:task_create", "tasks.add_task", "plus-circle"),
            ("上级部署", "tasks:directive_list", "tasks.view_directive", "journal-text"),
            ("迟报缺报", "reporting:late_list", "tasks.view_assignment", "hourglass-split"),
            ("红色任务督办", "escalation:list", "escalation.view_taskescalation", "exclamation-triangle"),
        ],
    ),
    (
        "督查整改",
        "binoculars",
        [
            ("专项督查", "supervision:campaign_list", "supervision.view_campaign", "binoculars"),
            ("问题整改", "rectification:problem_list", "rectification.view_problem", "wrench-adjustable"),
            ("整改统计", "rectification:statistics", "rectification.view_problem", "bar-chart-line"),
            ("公文", "documents:document_list", "documents.view_issueddocument", "file-earmark-text"),
        ],
    ),
    (
        "领导批示",
        "pen",
        [
            ("批示", "instructions:instruction_list", "instructions.view_instruction", "pen"),
            ("调度会", "instructions:meeting_list", "instructions.view_dispatchmeeting", "people"),
        ],
    ),
    (
        "测评",
        "clipboard-check",
        [
            ("满意度测评", "surveys:survey_list", "surveys.view_survey", "clipboard-check"),
            ("问卷", "surveys:questionnaire_list", "surveys.view_questionnaire", "ui-checks"),
            ("人大履职测评", "surveys:evaluation_list", "surveys.view_evaluation", "bank"),
        ],
    ),
    (
        "系统管理",
        "gear",
        [
            ("单位管理", "org:unit_list", "org.view_unit", "diagram-3"),
            ("账号管理", "org:user_list", "org.view_user", "people"),
            ("安全策略", "org:policy", "org.change_securitypolicy", "shield-lock"),
            ("节假日调整", "tasks:workday_list", "tasks.change_workdayoverride", "calendar-week"),
            ("审计日志", "audit:event_list", "audit.view_auditevent", "clipboard-data"),
        ],
    ),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    groups = []
    for group_label, group_icon, entries in NAV:
        items = [
            {"label": label, "url_name": url_name, "icon": icon, "active": url_name == current}
            for label, url_name, perm, icon in entries
            if not perm or scoping.has_any(user, perm)
        ]
        if items:
            groups.append(
                {
                    "label": group_label,
                    "icon": group_icon,
                    "items": items,
                    "active": any(i["active"] for i in items),
                }
            )
    return {"nav_groups": groups}
