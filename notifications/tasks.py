"""Queue tasks for outbound delivery: retried with back-off, every failure logged on the Delivery."""

import json
import urllib.request

from huey.contrib.djhuey import db_task

from core import clock
from notifications.models import Delivery


@db_task(retries=5, retry_delay=60)
def deliver(delivery_id: int):
    delivery = Delivery.objects.get(pk=delivery_id)
    if delivery.delivered_at:
        return
    delivery.attempts += 1
    try:
        req = urllib.request.Request(
            delivery.target,
            data=json.dumps(delivery.payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 — configured intranet URL
            resp.read()
        delivery.delivered_at = clock.now()
        delivery.last_error = ""
    except Exception as exc:
        delivery.last_error = str(exc)[:1000]
        delivery.save(update_fields=["attempts", "last_error"])
        raise
    delivery.save(update_fields=["attempts", "delivered_at", "last_error"])
