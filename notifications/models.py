from django.conf import settings
from django.db import models

from core.models import ClockDateTimeField


class Message(models.Model):
    """In-app inbox message (R-WRN-3: the inbox always works, whatever else is configured)."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "交办"
        REMINDER = "reminder", "提醒"
        RED = "red", "逾期"
        REPORT = "report", "报告"
        COMPLETION = "completion", "办结"
        EXTENSION = "extension", "延期"
        RETURNED = "returned", "退回"
        SYSTEM = "system", "系统"
        INSTRUCTION = "instruction", "批示"
        SIGNOFF = "signoff", "签发"
        URGE = "urge", "催办"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notifications_message_dedupe",
            )
        ]

    def __str__(self):
        return self.title


class Delivery(models.Model):
    """An outbound copy of a message to the webhook named by DUBAN_WEBHOOK_URL (the intranet's own
    messaging gateway), retried by the queue and logged. (No e-mail channel: nothing sends mail.)"""

    class Channel(models.TextChoices):
        WEBHOOK = "webhook", "Webhook"

    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    target = models.CharField(max_length=300)
    payload = models.JSONField(default=dict)
    attempts = models.PositiveSmallIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = ClockDateTimeField(auto_now_add=True)


class ReminderLog(models.Model):
    """One row per reminder or light change sent by the scan (R-WRN-1b), keyed like
    "remind:42:2026-05-01:7": the scan runs every 10 minutes and sends each one exactly once."""

    key = models.CharField(max_length=120, unique=True)
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "提醒记录"
        default_permissions = ()

    def __str__(self):
        return self.key
