"""Built-in roles, defined in code and synced after every migrate (R-SEC-2).

Each role is a named set of permission codenames. The three admin roles (三员) are mutually
exclusive for one account; 系统管理员 cannot read the audit log nor grant roles.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class RoleDef:
    code: str
    name: str
    description: str
    permissions: tuple[str, ...]
    admin_kind: str = ""


TASK_READ = (
    "org.view_unit",
    "tasks.view_directive",
    "tasks.view_task",
    "tasks.view_assignment",
    "reporting.view_progressreport",
    "files.view_attachment",
)

SUPERVISION_READ = (
    "supervision.view_campaign",
    "supervision.view_inspectionrecord",
    "rectification.view_problem",
    "documents.view_issueddocument",
)
UNIT_RECTIFY = (
    "supervision.view_inspectionrecord",
    "rectification.view_problem",
    "rectification.rectify_problem",
    "rectification.export_problem",
    "documents.view_issueddocument",
)
SUPERVISOR_EXTRA = SUPERVISION_READ + (
    "supervision.add_campaign",
    "supervision.change_campaign",
    "supervision.draw_campaign",
    "supervision.inspect_campaign",
    "rectification.add_problem",
    "rectification.change_problem",
    "rectification.verify_problem",
    "rectification.recheck_problem",
    "rectification.import_problem",
    "rectification.export_problem",
    "rectification.escalate_problem",
    "documents.add_issueddocument",
    "documents.change_issueddocument",
)
# 批示 and the red-task ladder: who reads them (each rule's writer is named in its app)
INSTRUCTION_READ = (
    "instructions.view_instruction",
    "instructions.view_dispatchmeeting",
    "escalation.view_taskescalation",
)
# 调度会 (R-DEC-6): the leader holds it, the 督查室 records it; its follow-ups are 批示-like items
DISPATCH_RUN = ("instructions.add_dispatchmeeting", "instructions.change_dispatchmeeting")
INSTRUCTION_ANSWER = INSTRUCTION_READ + ("instructions.answer_instruction",)
# surveys (issue 13): the 督查室 builds questionnaires and runs rounds and 履职测评; an evaluated
# unit reads its own results and answers a 履职测评 with its self-report
SURVEY_READ = ("surveys.view_questionnaire", "surveys.view_survey", "surveys.view_evaluation")
SURVEY_RUN = SURVEY_READ + (
    "surveys.add_questionnaire",
    "surveys.change_questionnaire",
    "surveys.publish_questionnaire",
    "surveys.add_survey",
    "surveys.change_survey",
    "surveys.issue_token",
    "surveys.export_survey",
    "surveys.convert_survey",
    "surveys.add_evaluation",
    "surveys.change_evaluation",
)
SURVEY_EVALUATED = ("surveys.view_survey", "surveys.view_evaluation", "surveys.report_evaluation")

BUILTIN_ROLES: tuple[RoleDef, ...] = (
    RoleDef(
        "sysadmin",
        "系统管理员",
        "单位、账号、备份；不处理业务数据，不授予角色，不读审计日志",
        (
            "org.view_unit",
            "org.add_unit",
            "org.change_unit",
            "org.import_unit",
            "org.view_user",
            "org.add_user",
            "org.change_user",
            "org.import_user",
            "tasks.view_workdayoverride",
            "tasks.change_workdayoverride",
        ),
        admin_kind="system",
    ),
    RoleDef(
        "security",
        "安全保密管理员",
        "安全策略、会话、授予角色、解锁账号",
        ("org.view_unit", "org.view_user", "org.grant_role", "org.unlock_user", "org.change_securitypolicy"),
        admin_kind="security",
    ),
    RoleDef(
        "auditor",
        "审计管理员",
        "查阅并校验审计日志，其他一概不能",
        ("audit.view_auditevent", "audit.verify_chain"),
        admin_kind="audit",
    ),
    RoleDef(
        "leader",
        "领导",
        "驾驶舱、审议重大任务、批示、签发公文",
        TASK_READ
        + SUPERVISION_READ
        + INSTRUCTION_READ
        + (
            "tasks.review_task",
            "dashboards.view_cockpit",
            "documents.issue_issueddocument",
            "instructions.add_instruction",
            "instructions.close_instruction",
            "instructions.export_instruction",
            "surveys.export_survey",
        )
        + SURVEY_READ
        + DISPATCH_RUN,
    ),
    RoleDef(
        "supervisor",
        "督查员",
        "创建和交办任务、审核办结、审批延期、起草公文",
        TASK_READ
        + (
            "tasks.add_directive",
            "tasks.change_directive",
            "tasks.add_task",
            "tasks.change_task",
            "tasks.assign_task",
            "tasks.import_task",
            "tasks.export_task",
            "tasks.verify_assignment",
            "tasks.decide_extension",
            "tasks.review_task",
            "tasks.sign_assignment",
            "reporting.add_progressreport",
            "tasks.request_completion",
            "dashboards.view_cockpit",
            "instructions.export_instruction",
        )
        + SUPERVISOR_EXTRA
        + INSTRUCTION_READ
        + SURVEY_RUN
        + DISPATCH_RUN,
    ),
    RoleDef(
        "unit_head",
        "单位负责人",
        "签收、向下分解交办、审核本单位报告",
        TASK_READ
        + (
            "tasks.sign_assignment",
            "tasks.add_task",
            "tasks.assign_task",
            "tasks.export_task",
            "tasks.request_completion",
            "tasks.request_extension",
            "tasks.verify_assignment",
            "tasks.decide_extension",
            "reporting.add_progressreport",
            "reporting.approve_progressreport",
            "rectification.add_problem",
        )
        + UNIT_RECTIFY
        + INSTRUCTION_ANSWER
        + SURVEY_EVALUATED,
    ),
    RoleDef(
        "clerk",
        "联络员",
        "签收、填报进展、上传佐证、申请办结",
        TASK_READ
        + (
            "tasks.sign_assignment",
            "reporting.add_progressreport",
            "tasks.request_completion",
            "tasks.request_extension",
            "tasks.export_task",
        )
        + UNIT_RECTIFY
        + INSTRUCTION_ANSWER
        + SURVEY_EVALUATED,
    ),
    RoleDef("discipline", "纪检监察", "问责案件、四种形态", TASK_READ + SUPERVISION_READ + INSTRUCTION_READ),
    RoleDef("personnel", "组织人事", "阅看考核结果", ("org.view_unit",)),
)

ADMIN_KINDS = {r.code: r.admin_kind for r in BUILTIN_ROLES if r.admin_kind}


def sync_builtin_roles(**kwargs):
    from django.contrib.auth.models import Permission

    from org.models import Role

    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for rd in BUILTIN_ROLES:
        role, _ = Role.objects.update_or_create(
            code=rd.code,
            defaults={
                "name": rd.name,
                "description": rd.description,
                "is_builtin": True,
                "admin_kind": rd.admin_kind,
            },
        )
        role.permissions.set([perms[p] for p in rd.permissions if p in perms])
