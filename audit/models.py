from django.conf import settings
from django.db import models

from core.models import ScopedQuerySet


class AuditEvent(models.Model):
    """One append-only audit entry (R-SEC-3), chained to the previous one by an SM3 digest."""

    seq = models.BigIntegerField("序号", unique=True)
    occurred_at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("操作人", max_length=80, blank=True)
    actor_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ip = models.CharField("IP", max_length=64, blank=True)
    request_id = models.CharField("请求号", max_length=64, blank=True)
    action = models.CharField("动作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更", default=dict, blank=True)
    success = models.BooleanField("成功", default=True)
    prev_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)

    objects = ScopedQuerySet.as_manager()
    scope_unit_fields = ("org_unit",)

    class Meta:
        verbose_name = "审计日志"
        ordering = ["-seq"]
        permissions = [("verify_chain", "校验审计链")]
        default_permissions = ("view",)

    def __str__(self):
        return f"#{self.seq} {self.action}"

    @property
    def action_label(self):
        from audit.actions import label

        return label(self.action)


class AuditHead(models.Model):
    """The checkpoint (count + head digest), kept apart so truncation or a rebuilt chain is caught.

    `count` is the sequence number of the last entry the writer wrote (not a row count: the writer
    skips numbers taken by rows it did not write). The alarm fields hold the last break found (by
    the writer or the verifier) until a verification passes; the auditor's pages show it."""

    count = models.BigIntegerField(default=0)
    digest = models.CharField(max_length=64, default="0" * 64)
    updated_at = models.DateTimeField(auto_now=True)
    alarm_seq = models.BigIntegerField("异常记录序号", null=True, blank=True)
    alarm = models.CharField("审计链告警", max_length=300, blank=True, default="")
    alarm_at = models.DateTimeField("告警时间", null=True, blank=True)

    class Meta:
        default_permissions = ()


class AuditCheckpoint(models.Model):
    """The checkpoint's history: (seq, digest) of every entry the writer wrote, in another table
    (append-only on PostgreSQL too). The verifier compares the log against it, so an entry that
    was inserted behind the writer's back, or edited and the chain recomputed from there on, is
    named exactly — not only "the head differs"."""

    seq = models.BigIntegerField("序号", primary_key=True)
    digest = models.CharField(max_length=64)

    class Meta:
        default_permissions = ()
