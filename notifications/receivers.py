"""Receivers of signals sent by the apps below (they never import notifications)."""

from django.dispatch import receiver
from django.urls import reverse

from audit.signals import chain_alarm
from notifications.models import Message
from notifications.services import notify
from org.models import Unit
from org.selectors import users_with_perm_at


@receiver(chain_alarm, dispatch_uid="notifications.audit_chain_alarm")
def alert_on_chain_alarm(*, seq, message, **kwargs):
    """The 审计管理员 (with a link to the verification) and the 安全保密管理员 of the root units."""
    roots = list(Unit.objects.filter(parent__isnull=True))
    title = "审计链告警：审计日志被破坏" + (f"（第{seq}条）" if seq else "")
    for perm, link in (("audit.view_auditevent", reverse("audit:verify")), ("org.change_securitypolicy", "")):
        recipients = [u for root in roots for u in users_with_perm_at(root, perm)]
        notify(
            recipients=recipients,
            kind=Message.Kind.SYSTEM,
            title=title,
            body=message,
            link=link,
            dedupe_key=f"audit-chain-{seq}",
        )
