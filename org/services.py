"""Writes for units, accounts, roles and sign-in (R-ORG-1..2, R-SEC-1..2)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from audit.services import record
from core import clock, crypto, scoping
from core.excel import RowErrors
from core.services import model_update, require
from org.models import PATH_WIDTH, Role, RoleAssignment, SecurityPolicy, Unit, UnitMove, User

PHONE_RE = re.compile(r"1\d{10}")


def _check_phone(phone: str) -> None:
    if phone and not PHONE_RE.fullmatch(phone):
        raise ValidationError({"phone": "手机号格式不正确，应为以1开头的11位数字"})


def generate_password(length: int = 12) -> str:
    """A random initial password that satisfies the policy (all four character classes)."""
    pools = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "#@%&*+=?")
    length = max(length, SecurityPolicy.current().password_min_length, 8)
    chars = [secrets.choice(p) for p in pools]
    every = "".join(pools)
    chars += [secrets.choice(every) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _path_for(unit: Unit, parent: Unit | None) -> str:
    own = str(unit.pk).zfill(PATH_WIDTH)
    return (parent.path if parent else "") + own


@transaction.atomic
def unit_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    short_name: str = "",
    institution_type: str = "",
    sort_order: int = 0,
    issuer_code: str = "",
    audit: bool = True,
) -> Unit:
    if actor is not None:
        if parent is None:
            raise PermissionDenied("只能在已有单位下新建单位")
        require(actor, "org.add_unit", parent, "您无权在该单位下新建单位")
    unit = Unit(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        short_name=short_name,
        institution_type=institution_type,
        sort_order=sort_order,
        issuer_code=issuer_code,
    )
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = _path_for(unit, parent)
    unit.depth = (parent.depth + 1) if parent else 0
    unit.save(update_fields=["path", "depth"])
    if audit:
        record(
            actor=actor,
            action="org.unit.created",
            obj=unit,
            changes={"code": code, "name": name, "kind": kind},
        )
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: Unit, data: dict) -> Unit:
    require(actor, "org.change_unit", unit)
    unit, changes = model_update(
        instance=unit,
        fields=["name", "short_name", "kind", "institution_type", "is_active", "sort_order", "issuer_code"],
        data=data,
    )
    if changes:
        record(actor=actor, action="org.unit.updated", obj=unit, changes=changes)
    return unit


@transaction.atomic
def unit_move(*, actor: User, unit: Unit, new_parent: Unit) -> Unit:
    """Move a subtree under a new parent; every descendant's path follows; the move is kept."""
    require(actor, "org.change_unit", unit)
    require(actor, "org.change_unit", new_parent, "您无权迁入目标上级单位")
    if new_parent.path.startswith(unit.path):
        raise ValidationError("不能把单位迁移到其自身或其下级单位之下")
    old_path, old_parent = unit.path, unit.parent
    new_path = new_parent.path + str(unit.pk).zfill(PATH_WIDTH)
    depth_delta = new_parent.depth + 1 - unit.depth
    for u in Unit.objects.subtree_of(unit).select_for_update():
        u.path = new_path + u.path[len(old_path) :]
        u.depth += depth_delta
        if u.pk == unit.pk:
            u.parent = new_parent
        u.save(update_fields=["path", "depth", "parent"])
    UnitMove.objects.create(
        unit=unit, old_parent=old_parent, new_parent=new_parent, old_path=old_path, moved_by=actor
    )
    unit.refresh_from_db()
    record(
        actor=actor,
        action="org.unit.moved",
        obj=unit,
        changes={"parent": {"before": str(old_parent), "after": str(new_parent)}},
    )
    return unit


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    unit: Unit,
    password: str,
    title: str = "",
    phone: str = "",
    email: str = "",
    must_change_password: bool = True,
    audit: bool = True,
) -> User:
    if actor is not None:
        require(actor, "org.add_user", unit, "您无权在该单位下新建账号")
    errors = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = "账号名已存在（不区分大小写）"
    if phone and not PHONE_RE.fullmatch(phone):
        errors["phone"] = "手机号格式不正确，应为以1开头的11位数字"
    if errors:
        raise ValidationError(errors)
    user = User(
        username=username,
        full_name=full_name,
        unit=unit,
        title=title,
        email=email,
        must_change_password=must_change_password,
        phone_encrypted=crypto.sm4_encrypt(phone),
    )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.password_changed_at = clock.now()
    user.full_clean()
    user.save()
    if audit:
        record(
            actor=actor,
            action="org.user.created",
            obj=user,
            changes={"username": username, "full_name": full_name, "unit": str(unit)},
        )
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, data: dict) -> User:
    require(actor, "org.change_user", user.unit)
    if actor.pk == user.pk and data.get("is_active") is False:
        raise ValidationError({"is_active": "不能停用自己的账号"})
    if "phone" in data:
        data = dict(data)
        phone = data.pop("phone")
        _check_phone(phone)
        if phone != user.phone:
            data["phone_encrypted"] = crypto.sm4_encrypt(phone)
    user, changes = model_update(
        instance=user, fields=["full_name", "title", "email", "is_active", "phone_encrypted"], data=data
    )
    if "phone_encrypted" in changes:
        changes["phone_encrypted"] = {"before": "***", "after": "***"}
    if changes:
        record(actor=actor, action="org.user.updated", obj=user, changes=changes)
    return user


@transaction.atomic
def role_grant(
    *,
    actor: User | None,
    user: User,
    role: Role,
    unit: Unit,
    include_descendants: bool = True,
    audit: bool = True,
) -> RoleAssignment:
    """Grant a role at a unit. 三权分立: no account holds two of the three admin roles (R-SEC-2)."""
    if actor is not None:
        require(actor, "org.grant_role", unit, "您无权授予该单位的角色")
        if actor.pk == user.pk:
            raise PermissionDenied("不能给自己授予角色")
    if role.admin_kind:
        held = set(
            RoleAssignment.objects.filter(user=user)
            .exclude(role__admin_kind="")
            .values_list("role__admin_kind", flat=True)
        )
        if held - {role.admin_kind}:
            raise ValidationError(
                "三权分立：同一账号不能同时担任系统管理员、安全保密管理员、审计管理员中的两个"
            )
    elif RoleAssignment.objects.filter(user=user).exclude(role__admin_kind="").exists():
        raise ValidationError("三员账号不能兼任业务角色")
    ra, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, unit=unit, defaults={"include_descendants": include_descendants}
    )
    if not created and ra.include_descendants != include_descendants:
        ra.include_descendants = include_descendants
        ra.save(update_fields=["include_descendants", "updated_at"])
    scoping.clear_cache(user)
    if audit:
        record(
            actor=actor,
            action="org.role.granted",
            obj=user,
            unit=unit,
            changes={"role": role.name, "unit": str(unit), "include_descendants": include_descendants},
        )
    return ra


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    require(actor, "org.grant_role", assignment.unit)
    user = assignment.user
    record(
        actor=actor,
        action="org.role.revoked",
        obj=user,
        unit=assignment.unit,
        changes={"role": assignment.role.name, "unit": str(assignment.unit)},
    )
    assignment.delete()
    scoping.clear_cache(user)


# --- sign-in (R-SEC-1) -------------------------------------------------------------------------


class LoginError(Exception):
    pass


# One answer for an unknown account, a wrong password, a locked and a disabled account: the page
# never tells which accounts exist or are locked (no account enumeration). The reason is audited.
LOGIN_REFUSED = "账号或密码错误，或账号暂不可用，请核对后重试或联系本单位系统管理员"


def login_check(*, username: str, password: str) -> User:
    """Verify a login attempt with lockout; every failure and lockout is audited.

    Runs in its own transactions so that a failure counter survives the refused login.
    """
    policy = SecurityPolicy.current()
    user = User.objects.filter(username__iexact=username).select_related("unit").first()
    if user is None:
        make_password(password)  # the same work as a real check: no timing tell either
        record(
            actor=None,
            action="auth.login_failed",
            actor_name=username[:60],
            changes={"reason": "账号不存在"},
            success=False,
        )
        raise LoginError(LOGIN_REFUSED)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        refused = _login_attempt(user, password, policy)
    if refused:
        raise LoginError(LOGIN_REFUSED)
    return user


def _login_attempt(user: User, password: str, policy: SecurityPolicy) -> bool:
    """Check one attempt on the locked row of an existing account; True when it is refused.

    A locked or disabled account is refused whatever the password (checked anyway: the same work
    as every other answer); a wrong password counts towards the lockout; a right one resets it.
    """
    now = clock.now()
    if user.locked_until and user.locked_until > now:
        _login_failed(user, "账号已锁定")
        check_password(password, user.password)  # same work as every other answer
        return True
    if not user.is_active:
        _login_failed(user, "账号已停用")
        check_password(password, user.password)
        return True
    if not check_password(password, user.password):
        _login_wrong_password(user, policy, now)
        return True
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["failed_logins", "locked_until"])
    record(actor=user, action="auth.login", obj=user)
    return False


def _login_failed(user: User, reason: str, **changes) -> None:
    record(
        actor=user,
        action="auth.login_failed",
        obj=user,
        changes={"reason": reason, **changes},
        success=False,
    )


def _login_wrong_password(user: User, policy: SecurityPolicy, now: dt.datetime) -> None:
    """Count the failure; at the policy's threshold lock the account for its minutes."""
    user.failed_logins += 1
    fields = ["failed_logins"]
    _login_failed(user, "密码错误", failed_logins=user.failed_logins)
    if user.failed_logins >= policy.lockout_threshold:
        user.locked_until = now + dt.timedelta(minutes=policy.lockout_minutes)
        user.failed_logins = 0
        fields.append("locked_until")
        record(
            actor=user,
            action="auth.locked",
            obj=user,
            changes={"locked_until": user.locked_until, "minutes": policy.lockout_minutes},
        )
    user.save(update_fields=fields)


def password_expired(user: User) -> bool:
    days = SecurityPolicy.current().password_expiry_days
    if not days or not user.password_changed_at:
        return False
    return clock.now() - user.password_changed_at > dt.timedelta(days=days)


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password):
        raise ValidationError({"old_password": "原密码不正确"})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    history = (list(user.previous_password_hashes or []) + [user.password])[-5:]
    user.previous_password_hashes = history
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = clock.now()
    user.save(
        update_fields=["password", "previous_password_hashes", "must_change_password", "password_changed_at"]
    )
    record(actor=user, action="auth.password_changed", obj=user)
    return user


@transaction.atomic
def user_password_reset(*, actor: User, user: User) -> str:
    """系统管理员 resets a forgotten password: a new random one, shown once, changed at next login."""
    require(actor, "org.change_user", user.unit)
    if actor.pk == user.pk:
        raise PermissionDenied("不能重置自己的密码，请使用“修改密码”")
    password = generate_password()
    history = (list(user.previous_password_hashes or []) + [user.password])[-5:]
    user.previous_password_hashes = history
    user.set_password(password)
    user.must_change_password = True
    user.password_changed_at = clock.now()
    user.save(
        update_fields=["password", "previous_password_hashes", "must_change_password", "password_changed_at"]
    )
    record(actor=actor, action="auth.password_reset", obj=user)
    return password


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> User:
    require(actor, "org.unlock_user", user.unit)
    user.locked_until = None
    user.failed_logins = 0
    user.save(update_fields=["locked_until", "failed_logins"])
    record(actor=actor, action="auth.unlocked", obj=user)
    return user


POLICY_BOUNDS = {
    # field: (min, max, Chinese name) — the baseline of SECURITY.md cannot be weakened
    "password_min_length": (8, 64, "密码最小长度"),
    "password_expiry_days": (0, 365, "密码有效期"),
    "lockout_threshold": (3, 10, "连续失败锁定次数"),
    "lockout_minutes": (5, 1440, "锁定时长"),
    "idle_timeout_minutes": (5, 30, "空闲超时"),
}


@transaction.atomic
def policy_update(*, actor: User, data: dict) -> SecurityPolicy:
    if not scoping.has_any(actor, "org.change_securitypolicy"):
        raise PermissionDenied("只有安全保密管理员可以修改安全策略")
    errors = {}
    for field, value in data.items():
        if field in POLICY_BOUNDS and value is not None:
            lo, hi, name = POLICY_BOUNDS[field]
            if not lo <= value <= hi:
                errors[field] = f"{name}应在{lo}到{hi}之间"
    if errors:
        raise ValidationError(errors)
    policy, changes = model_update(
        instance=SecurityPolicy.current(),
        fields=[
            "password_min_length",
            "password_expiry_days",
            "lockout_threshold",
            "lockout_minutes",
            "idle_timeout_minutes",
        ],
        data=data,
    )
    if changes:
        record(actor=actor, action="org.policy.updated", obj=policy, changes=changes)
    return policy


def session_logout(*, user: User) -> None:
    """Record a sign-out; the view then destroys the server-side session."""
    record(actor=user, action="auth.logout", obj=user)


# --- Excel import (R-ORG-4): all-or-nothing, row-level Chinese errors ---------------------------

FIELD_LABELS = {
    "code": "单位编码",
    "name": "单位全称",
    "short_name": "简称",
    "kind": "层级类型",
    "institution_type": "机构类别",
    "issuer_code": "发文代字",
    "username": "账号",
    "full_name": "姓名",
    "password": "初始密码",
    "phone": "手机号",
    "email": "邮箱",
    "title": "职务",
    "unit": "单位",
}


def _row_messages(exc: Exception) -> list[str]:
    if isinstance(exc, PermissionDenied):
        return [str(exc) or "无权操作"]
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        out = []
        for field, errs in exc.error_dict.items():
            label = FIELD_LABELS.get(field, "")
            for e in errs:
                for m in e.messages:
                    out.append(f"{label}：{m}" if label else m)
        return out
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    raise exc


def _sort_by_row(errors: RowErrors) -> None:
    def key(message: str) -> int:
        m = re.match(r"第(\d+)行", message)
        return int(m.group(1)) if m else 0

    errors.errors.sort(key=key)


@transaction.atomic
def unit_import(*, actor: User, rows: list, errors=None) -> list[Unit]:
    """Create units from parsed rows (org.imports.UnitRow) as `actor`, in one transaction.

    A parent is an existing unit or a unit on an earlier row. Any error anywhere and nothing is
    written: the errors come back together, each naming its spreadsheet row.
    """
    if not scoping.has_any(actor, "org.import_unit"):
        raise PermissionDenied("您没有导入单位的权限")
    errors = errors if errors is not None else RowErrors()
    created: dict[str, Unit] = {}
    failed: set[str] = set()
    codes = [r.code for r in rows if r.code]
    existing = set(Unit.objects.filter(code__in=codes).values_list("code", flat=True))
    parents = {
        u.code: u for u in Unit.objects.filter(code__in=[r.parent_code for r in rows if r.parent_code])
    }
    seen: set[str] = set()
    for row in rows:
        parent = created.get(row.parent_code) or parents.get(row.parent_code)
        _unit_row_check(row, errors, seen=seen, existing=existing, failed=failed, parent=parent)
        unit = _unit_row_create(actor, row, parent, errors) if row.ok else None
        if unit is None:
            failed.add(row.code)
        else:
            created[row.code] = unit
    if not rows and not errors.errors:
        errors.errors.append("文件中没有数据行")
    _sort_by_row(errors)
    errors.raise_if_any()
    record(
        actor=actor,
        action="org.unit.imported",
        unit=actor.unit,
        changes={"count": len(created), "codes": list(created)[:200]},
    )
    return list(created.values())


def _unit_row_check(row, errors: RowErrors, *, seen: set, existing: set, failed: set, parent) -> None:
    """Mark the row wrong (row.ok = False, with its message) for a code repeated in the file or
    already taken, or a parent code that is unknown or whose own row failed."""
    if row.code in seen:
        errors.add(row.number, f"单位编码“{row.code}”在文件中重复")
        row.ok = False
    elif row.code in existing:
        errors.add(row.number, f"单位编码“{row.code}”已存在")
        row.ok = False
    if row.code:
        seen.add(row.code)
    if row.parent_code and parent is None:
        if row.parent_code in failed:
            errors.add(row.number, f"上级单位编码“{row.parent_code}”所在行有错误")
        else:
            errors.add(row.number, f"上级单位编码“{row.parent_code}”不存在")
        row.ok = False


def _unit_row_create(actor: User, row, parent: Unit | None, errors: RowErrors) -> Unit | None:
    """The unit of one checked row through unit_create; None (with the row's messages) if refused."""
    try:
        return unit_create(
            actor=actor,
            code=row.code,
            name=row.name,
            kind=row.kind,
            parent=parent,
            short_name=row.short_name,
            institution_type=row.institution_type,
            sort_order=row.sort_order,
            issuer_code=row.issuer_code,
        )
    except (ValidationError, PermissionDenied) as exc:
        for message in _row_messages(exc):
            errors.add(row.number, message)
        return None


@dataclass
class ImportedUser:
    user: User
    password: str  # the generated initial password, "" when the file gave one
    roles: list[str]


@dataclass
class _PlannedUser:
    row: object  # org.imports.UserRow
    user: User  # not saved yet
    roles: list[Role]


@transaction.atomic
def user_import(*, actor: User, rows: list, errors=None) -> list[ImportedUser]:
    """Create accounts (and optional roles, subtree scope) from parsed rows, all or nothing.

    Every row is checked first — formats, duplicates in the file and against the database,
    units, roles, scope, the password policy — and nothing is written (nor any password hashed)
    unless the whole file is right. Then the accounts are written in bulk: a row that leaves
    初始密码 empty gets a generated password of its own, hashed with the cheaper hasher for
    one-time initial passwords (a first login must change it), and each distinct password the
    file gives is hashed once — so 5,000 rows take seconds, not the half hour of one slow hash
    per row.
    """
    if not scoping.has_any(actor, "org.import_user"):
        raise PermissionDenied("您没有导入账号的权限")
    errors = errors if errors is not None else RowErrors()
    planned = _user_import_plan(actor=actor, rows=rows, errors=errors)
    if not rows and not errors.errors:
        errors.errors.append("文件中没有数据行")
    _sort_by_row(errors)
    errors.raise_if_any()
    out = _user_import_write(actor=actor, planned=planned)
    record(
        actor=actor,
        action="org.user.imported",
        unit=actor.unit,
        changes={"count": len(out), "usernames": [i.user.username for i in out][:200]},
    )
    return out


def _user_import_plan(*, actor: User, rows: list, errors: RowErrors) -> list[_PlannedUser]:
    """Check every row without writing; returns the accounts to create when all rows are right."""
    units = {u.code: u for u in Unit.objects.filter(code__in=[r.unit_code for r in rows if r.unit_code])}
    roles = {r.code: r for r in Role.objects.filter(is_active=True)}
    lowered = [r.username.lower() for r in rows if r.username]
    taken = set(
        User.objects.annotate(lname=Lower("username"))
        .filter(lname__in=lowered)
        .values_list("lname", flat=True)
    )
    may_grant = scoping.has_any(actor, "org.grant_role")
    allowed: dict[tuple[str, int], str] = {}  # (perm, unit id) → "" or the refusal
    seen: set[str] = set()
    planned: list[_PlannedUser] = []
    for row in rows:
        key = row.username.lower()
        if key and key in seen:
            errors.add(row.number, f"账号“{row.username}”在文件中重复")
            row.ok = False
        elif key in taken:
            errors.add(row.number, f"账号“{row.username}”已存在")
            row.ok = False
        if key:
            seen.add(key)
        unit = units.get(row.unit_code)
        if row.unit_code and unit is None:
            errors.add(row.number, f"单位编码“{row.unit_code}”不存在")
            row.ok = False
        for code in row.role_codes:
            if code not in roles:
                errors.add(row.number, f"角色编码“{code}”不存在")
                row.ok = False
        if row.role_codes and not may_grant:
            errors.add(
                row.number,
                "您没有授予角色的权限（三权分立：角色由安全保密管理员授予），请清空“角色编码”列",
            )
            row.ok = False
        if not row.ok:
            continue
        messages = _user_row_messages(actor, row, unit, [roles[c] for c in row.role_codes], allowed)
        for message in messages:
            errors.add(row.number, message)
        if not messages:
            planned.append(
                _PlannedUser(row, _user_row_account(row, unit), [roles[c] for c in row.role_codes])
            )
    return planned


def _user_row_account(row, unit: Unit) -> User:
    return User(
        username=row.username,
        full_name=row.full_name,
        unit=unit,
        title=row.title,
        email=row.email,
        must_change_password=True,
        phone_encrypted=crypto.sm4_encrypt(row.phone),
    )


def _allowed(actor: User, perm: str, unit: Unit, message: str, cache: dict) -> str:
    key = (perm, unit.pk)
    if key not in cache:
        try:
            require(actor, perm, unit, message)
            cache[key] = ""
        except PermissionDenied as exc:
            cache[key] = str(exc) or message
    return cache[key]


def _user_row_messages(actor: User, row, unit: Unit, roles: list[Role], cache: dict) -> list[str]:
    """What `user_create` and `role_grant` would refuse for this row, checked without writing."""
    out = []
    refused = _allowed(actor, "org.add_user", unit, "您无权在该单位下新建账号", cache)
    if refused:
        return [refused]
    if roles:
        refused = _allowed(actor, "org.grant_role", unit, "您无权授予该单位的角色", cache)
        if refused:
            return [refused]
        kinds = {r.admin_kind for r in roles if r.admin_kind}
        if len(kinds) > 1:
            out.append("三权分立：同一账号不能同时担任系统管理员、安全保密管理员、审计管理员中的两个")
        elif kinds and len(kinds) < len(roles):
            out.append("三员账号不能兼任业务角色")
    if row.phone and not PHONE_RE.fullmatch(row.phone):
        out.append(f"{FIELD_LABELS['phone']}：手机号格式不正确，应为以1开头的11位数字")
    user = User(username=row.username, full_name=row.full_name, unit=unit, title=row.title, email=row.email)
    try:
        user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        out += _row_messages(exc)
    if row.password:
        try:
            password_validation.validate_password(row.password, user)
        except ValidationError as exc:
            out += [f"{FIELD_LABELS['password']}：{m}" for m in exc.messages]
    return out


def _user_import_write(*, actor: User, planned: list[_PlannedUser]) -> list[ImportedUser]:
    """Write the checked accounts in bulk. A password the file gives is hashed once per distinct
    value with the default hasher; a blank one becomes a generated password of that account alone,
    hashed with the cheaper hasher for one-time initial passwords (org.passwords)."""
    from org.passwords import hash_initial_password

    hashes: dict[str, str] = {}
    generated: dict[int, str] = {}
    now = clock.now()
    for i, p in enumerate(planned):
        if p.row.password:
            if p.row.password not in hashes:
                hashes[p.row.password] = make_password(p.row.password)
            p.user.password = hashes[p.row.password]
        else:
            generated[i] = generate_password()
            p.user.password = hash_initial_password(generated[i])
        p.user.password_changed_at = now
    User.objects.bulk_create([p.user for p in planned], batch_size=500)
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=p.user, role=role, unit=p.user.unit, include_descendants=True)
            for p in planned
            for role in p.roles
        ],
        batch_size=500,
    )
    for p in planned:
        user = p.user
        record(
            actor=actor,
            action="org.user.created",
            obj=user,
            changes={"username": user.username, "full_name": user.full_name, "unit": str(user.unit)},
        )
        for role in p.roles:
            record(
                actor=actor,
                action="org.role.granted",
                obj=user,
                unit=user.unit,
                changes={"role": role.name, "unit": str(user.unit), "include_descendants": True},
            )
    return [
        ImportedUser(p.user, generated.get(i, ""), [r.name for r in p.roles]) for i, p in enumerate(planned)
    ]
