"""notify(): inbox messages inside the caller's transaction; outbound copies after commit via the queue."""

from django.conf import settings
from django.db import IntegrityError, transaction

from core import clock, scoping
from notifications.models import Delivery, Message, ReminderLog
from notifications.tasks import deliver
from org.selectors import users_with_perm_at


def notify(
    *, recipients, kind: str, title: str, body: str = "", link: str = "", dedupe_key: str = ""
) -> list[Message]:
    created = []
    now = clock.now()
    for user in {u.pk: u for u in recipients}.values():
        if dedupe_key and Message.objects.filter(recipient=user, dedupe_key=dedupe_key).exists():
            continue
        try:
            with transaction.atomic():
                msg = Message.objects.create(
                    recipient=user,
                    kind=kind,
                    title=title,
                    body=body,
                    link=link,
                    dedupe_key=dedupe_key,
                    created_at=now,
                )
        except IntegrityError:  # a concurrent scan wrote the same reminder
            continue
        created.append(msg)
    webhook = getattr(settings, "DUBAN_WEBHOOK_URL", "")
    if created and webhook:
        payload = {
            "msgtype": "text",
            "text": {"content": f"{title}\n{body}".strip()},
            "kind": kind,
            "link": link,
        }
        delivery = Delivery.objects.create(
            message=created[0], channel=Delivery.Channel.WEBHOOK, target=webhook, payload=payload
        )
        transaction.on_commit(lambda: deliver(delivery.pk))
    return created


@transaction.atomic
def message_mark_read(*, user, message: Message) -> Message:
    if message.recipient_id != user.pk:
        raise Message.DoesNotExist
    if message.read_at is None:
        message.read_at = clock.now()
        message.save(update_fields=["read_at"])
    return message


@transaction.atomic
def message_mark_all_read(*, user) -> int:
    return Message.objects.filter(recipient=user, read_at__isnull=True).update(read_at=clock.now())


# --- reminders: sent once (the scans that decide them live with their data: tasks.reminders) -----


def unit_people(unit, perm: str) -> list:
    """Holders of `perm` at `unit` who belong to that unit or below (not every supervisor above)."""
    return list(users_with_perm_at(unit, perm).filter(scoping.subtree_q(unit, "unit")))


def send_once(*, key: str, recipients, kind: str, title: str, body: str, link: str, after) -> bool:
    """Write the ReminderLog row, the inbox messages and what `after(number of recipients)` writes
    (a timeline entry, an audit record) together, once: False when `key` was sent already."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(key=key, sent_at=clock.now(), recipients=len(recipients))
            notify(recipients=recipients, kind=kind, title=title, body=body, link=link, dedupe_key=key)
            after(len(recipients))
    except IntegrityError:  # another scan sent it a moment ago
        return False
    return True
