"""notify(): inbox messages inside the caller's transaction; outbound copies after commit via the queue."""

from django.conf import settings
from django.db import IntegrityError, transaction

from core import clock
from notifications.models import Delivery, Message


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
        from notifications.tasks import deliver

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
