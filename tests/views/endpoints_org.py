"""Declarations: accounts and units (org), the audit log, the inbox, the workbench, the API schema."""

import datetime as dt

from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from core import clock
from core.testing import PASSWORD
from core.testing.views import GLOBAL, LISTING, MARK, PUBLIC, SELF, Endpoint, pk, rows, value, workbook
from notifications.models import Message
from org.models import Role, RoleAssignment, SecurityPolicy, Unit, User


def _not_excel(world):
    return {"file": SimpleUploadedFile("名单.txt", b"not a workbook")}


UNIT_HEADER = ["单位编码*", "单位全称*", "简称", "层级类型*", "机构类别", "上级单位编码*", "排序", "发文代字"]
USER_HEADER = ["账号*", "姓名*", "单位编码*", "角色编码", "手机号", "初始密码", "职务", "邮箱"]


def _unit_rows(world):
    row = ["SF-A-1-CDC", "甲一县疾病预防控制中心", None, "机构", None, "SF-A-1", None, None]
    return {"file": workbook(UNIT_HEADER, [row])}


def _user_rows(world):
    return {"file": workbook(USER_HEADER, [["zhou8", "周八", "SF-A-1", None, None, None, None, None]])}


def _locked(world):
    user = world["user"]
    user.failed_logins, user.locked_until = 5, clock.now() + dt.timedelta(minutes=30)
    user.save(update_fields=["failed_logins", "locked_until"])


def _policy(**over):
    def body(world):
        data = {
            "password_min_length": 10,
            "password_expiry_days": 90,
            "lockout_threshold": 5,
            "lockout_minutes": 30,
            "idle_timeout_minutes": 30,
        }
        return {**data, **over}

    return body


def _policy_state(world):
    return tuple(SecurityPolicy.objects.values_list("password_min_length", flat=True))


def _grant(password):
    def body(world):
        role = Role.objects.get(code="unit_head")
        return {"role": role.pk, "unit": world["inst_a"].pk, "password": password}

    return body


def _with_inst_a(world):
    return {"inst_a": Unit.objects.get(code="SF-A-1-H")}


ORG = [
    Endpoint("dashboards:workbench", scope=LISTING, shows=MARK),
    Endpoint(
        "org:login",
        scope=PUBLIC,
        insider=None,
        shows="登录",
        valid=lambda w: {"username": "county_a_clerk", "password": PASSWORD},
        state=value("user", "last_login"),
        invalid=lambda w: {"username": "county_a_clerk", "password": ""},
    ),
    Endpoint(
        "org:logout",
        scope=PUBLIC,
        get=None,
        valid=lambda w: {},
        state=lambda w: Session.objects.count(),
        why="invalid: a button without fields",
    ),
    Endpoint(
        "org:password_change",
        scope=SELF,
        valid=lambda w: {
            "old_password": PASSWORD,
            "new_password": "Xin#2026pass",
            "new_password2": "Xin#2026pass",
        },
        state=value("user", "password"),
        invalid=lambda w: {
            "old_password": PASSWORD,
            "new_password": "Xin#2026pass",
            "new_password2": "Xin#2026abc",
        },
    ),
    Endpoint("org:unit_list", scope=LISTING, insider="sysadmin", shows=lambda w: w["unit"].name),
    Endpoint(
        "org:unit_create",
        scope=LISTING,
        insider="sysadmin",
        valid=lambda w: {
            "parent": w["unit"].pk,
            "code": "SF-A-1-CDC",
            "name": "甲一县疾控中心",
            "kind": "institution",
        },
        state=rows(Unit),
        invalid=lambda w: {"parent": w["unit"].pk, "code": "SF-A-1-CDC", "name": "", "kind": "institution"},
    ),
    Endpoint(
        "org:unit_import",
        scope=LISTING,
        insider="sysadmin",
        valid=_unit_rows,
        state=rows(Unit),
        audits=2,  # the row created, and the import (file, row count) as one entry
        invalid=_not_excel,
    ),
    Endpoint("org:unit_import_template", scope=LISTING, insider="sysadmin"),
    Endpoint("org:unit_detail", pk("unit"), insider="sysadmin", shows=lambda w: w["unit"].name),
    Endpoint(
        "org:unit_update",
        pk("unit"),
        insider="sysadmin",
        shows=lambda w: w["unit"].name,
        valid=lambda w: {"name": "甲一县卫生健康局（新）", "kind": "county"},
        state=value("unit", "name"),
        invalid=lambda w: {"name": "", "kind": "county"},
    ),
    Endpoint(
        "org:unit_move",
        pk("unit"),
        shows=lambda w: w["unit"].name,
        insider="sysadmin",
        prepare=_with_inst_a,
        valid=lambda w: {"new_parent": Unit.objects.get(code="SF-B").pk},
        state=value("unit", "parent_id"),
        invalid=lambda w: {"new_parent": w["inst_a"].pk},  # under its own child
    ),
    Endpoint("org:user_list", scope=LISTING, insider="sysadmin", shows=lambda w: w["user"].full_name),
    Endpoint(
        "org:user_create",
        scope=LISTING,
        insider="sysadmin",
        valid=lambda w: {"unit": w["unit"].pk, "username": "zhangsan", "full_name": "张三"},
        state=rows(User),
        invalid=lambda w: {"unit": w["unit"].pk, "username": "zhangsan", "full_name": ""},
    ),
    Endpoint(
        "org:user_import",
        scope=LISTING,
        insider="sysadmin",
        valid=_user_rows,
        state=rows(User),
        audits=2,  # the row created, and the import (file, row count) as one entry
        invalid=_not_excel,
    ),
    Endpoint("org:user_import_template", scope=LISTING, insider="sysadmin"),
    Endpoint("org:user_detail", pk("user"), insider="sysadmin", shows=lambda w: w["user"].full_name),
    Endpoint(
        "org:user_update",
        pk("user"),
        insider="sysadmin",
        shows=lambda w: w["user"].full_name,
        valid=lambda w: {"full_name": "钱联络员", "is_active": "on"},
        state=value("user", "full_name"),
        invalid=lambda w: {"full_name": "", "is_active": "on", "email": "不是邮箱"},
    ),
    Endpoint(
        "org:user_unlock",
        pk("user"),
        insider="secadmin",
        get=None,
        prepare=_locked,
        valid=lambda w: {},
        state=value("user", "locked_until"),
        why="invalid: a button without fields",
    ),
    Endpoint(
        "org:user_password_reset",
        pk("user"),
        insider="sysadmin",
        get=None,
        valid=lambda w: {},
        state=value("user", "password"),
        why="invalid: a button without fields",
    ),
    Endpoint(
        "org:user_roles",
        pk("user"),
        insider="secadmin",
        shows=lambda w: w["user"].full_name,
        prepare=_with_inst_a,
        valid=_grant(PASSWORD),
        state=rows(RoleAssignment, user=lambda w: w["user"]),
        invalid=_grant(""),
    ),
    Endpoint(
        "org:role_revoke",
        lambda w: {"pk": w["user"].pk, "assignment_pk": w["role_assignment"].pk},
        insider="secadmin",
        get=None,
        valid=lambda w: {},
        state=rows(RoleAssignment, user=lambda w: w["user"]),
        why="invalid: a button without fields",
    ),
    Endpoint(
        "org:policy",
        scope=GLOBAL,
        insider="secadmin",
        editors=frozenset({"city_b_security"}),  # one policy for the installation
        valid=_policy(),
        state=_policy_state,
        invalid=_policy(password_min_length=4),  # below the baseline
    ),
    Endpoint("audit:event_list", scope=LISTING, insider="auditor", shows=MARK),
    Endpoint(
        "audit:verify",
        scope=GLOBAL,
        insider="auditor",
        editors=frozenset({"city_b_auditor"}),  # one chain for the installation
        valid=lambda w: {},
        state=rows(AuditEvent, action="audit.verified"),
        why="invalid: a button without fields",
    ),
    Endpoint("notifications:inbox", scope=LISTING, shows=lambda w: w["message"].title),
    Endpoint(
        "notifications:message_read",
        pk("message"),
        get=None,
        valid=lambda w: {},
        state=value("message", "read_at"),
        audits=0,  # reading one's own inbox is no change of the ledgers: not audited
        why="invalid: a button without fields",
    ),
    Endpoint(
        "notifications:mark_all_read",
        scope=SELF,
        get=None,
        valid=lambda w: {},
        state=rows(Message, read_at__isnull=True),
        audits=0,  # reading one's own inbox is no change of the ledgers: not audited
        why="invalid: a button without fields",
    ),
    Endpoint("api-schema", scope=PUBLIC, insider=None),
]
