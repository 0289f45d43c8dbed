from django.contrib.auth.models import AbstractUser, Permission, UserManager
from django.db import models
from django.db.models.functions import Lower

from core import crypto, scoping
from core.models import ClockDateTimeField, ScopedModel, ScopedQuerySet, TimeStampedModel
from core.scoping import PATH_WIDTH  # noqa: F401  (the tree's path format, imported from here)
from org.choices import InstitutionType, UnitKind


class UnitQuerySet(ScopedQuerySet):
    def visible_to(self, user, perm: str = "org.view_unit"):
        return self.filter(scoping.units_q(user, perm))

    def subtree_of(self, unit):
        return self.filter(scoping.subtree_q(unit))


class Unit(TimeStampedModel):
    """A node of the unit tree (R-ORG-1). `path` is the materialized path of fixed-width ids."""

    code = models.CharField("单位编码", max_length=32, unique=True)
    name = models.CharField("单位全称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("层级类型", max_length=16, choices=UnitKind.choices)
    institution_type = models.CharField(
        "机构类别", max_length=16, choices=InstitutionType.choices, blank=True, default=""
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.IntegerField("排序", default=0)
    issuer_code = models.CharField("发文代字", max_length=16, blank=True, help_text="如“示卫督”")

    objects = UnitQuerySet.as_manager()
    scope_unit_fields = ("pk",)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        permissions = [("import_unit", "导入单位")]
        ordering = ["path"]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def org_unit(self):
        return self

    def is_descendant_of(self, other, include_self=True) -> bool:
        if self.pk == other.pk:
            return include_self
        return self.path.startswith(other.path)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids of the units from the root down to this one (itself included), read off the path."""
        return scoping.ancestor_ids(self.path)

    def ancestors(self):
        return Unit.objects.filter(pk__in=self.ancestor_ids).order_by("depth")


class UnitMove(models.Model):
    """History of subtree moves (R-ORG-1: moving a subtree keeps history)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="moves")
    old_parent = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    new_parent = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    old_path = models.CharField(max_length=255)
    moved_at = ClockDateTimeField(auto_now_add=True)
    moved_by = models.ForeignKey("org.User", on_delete=models.PROTECT, null=True, related_name="+")


class DubanUserManager(UserManager.from_queryset(ScopedQuerySet)):
    def get_by_natural_key(self, username):
        return self.get(username__iexact=username)


class User(AbstractUser):
    """An account (R-ORG-2): belongs to a unit, Chinese full name, login by account name."""

    unit = models.ForeignKey(
        Unit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="users", null=True
    )
    full_name = models.CharField("姓名", max_length=40)
    title = models.CharField("职务", max_length=40, blank=True)
    phone_encrypted = models.TextField("手机号（SM4加密）", blank=True, default="")
    must_change_password = models.BooleanField("首次登录须改密", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    failed_logins = models.PositiveSmallIntegerField("连续失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    totp_secret = models.CharField(max_length=64, blank=True, default="")
    previous_password_hashes = models.JSONField(default=list, blank=True)

    objects = DubanUserManager()
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"
        permissions = [("grant_role", "授予角色"), ("unlock_user", "解锁账号"), ("import_user", "导入账号")]
        constraints = [models.UniqueConstraint(Lower("username"), name="org_user_username_ci_unique")]

    def __str__(self):
        return self.full_name or self.username

    @property
    def org_unit(self):
        return self.unit

    scope_unit_fields = ("unit",)

    @property
    def phone(self) -> str:
        return crypto.sm4_decrypt(self.phone_encrypted)

    @property
    def phone_masked(self) -> str:
        return crypto.mask_phone(self.phone) if self.phone_encrypted else ""


class Role(models.Model):
    """A named set of permissions (R-SEC-2: least privilege). Built-in roles are synced from code."""

    code = models.CharField("角色编码", max_length=40, unique=True)
    name = models.CharField("角色名称", max_length=40)
    description = models.CharField("说明", max_length=200, blank=True)
    is_builtin = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    admin_kind = models.CharField(
        max_length=16, blank=True, default="", help_text="三员之一：system/security/audit"
    )
    permissions = models.ManyToManyField(Permission, blank=True)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering = ["id"]

    def __str__(self):
        return self.name


class RoleAssignment(ScopedModel):
    """A role granted to a user at a unit, for that unit alone or its whole subtree (R-ORG-3)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="role_assignments")
    include_descendants = models.BooleanField("含下级单位", default=True)

    scope_unit_fields = ("unit",)

    class Meta:
        verbose_name = "角色授权"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="org_roleassignment_unique")
        ]

    def __str__(self):
        scope = "本单位及下级" if self.include_descendants else "本单位"
        return f"{self.role.name}@{self.unit.display_name}（{scope}）"


class SecurityPolicy(models.Model):
    """Run-time security settings owned by the 安全保密管理员 (one row)."""

    password_min_length = models.PositiveSmallIntegerField("密码最小长度", default=8)
    password_expiry_days = models.PositiveSmallIntegerField("密码有效期（天，0为不过期）", default=90)
    lockout_threshold = models.PositiveSmallIntegerField("连续失败锁定次数", default=5)
    lockout_minutes = models.PositiveSmallIntegerField("锁定时长（分钟）", default=15)
    idle_timeout_minutes = models.PositiveSmallIntegerField("空闲超时（分钟）", default=30)

    class Meta:
        verbose_name = "安全策略"

    @classmethod
    def current(cls) -> "SecurityPolicy":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj
