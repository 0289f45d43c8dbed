"""audit.record() — the only writer of the audit log, called from services inside their transaction."""

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from audit.actions import ACTIONS
from audit.models import AuditEvent, AuditHead
from core import clock, crypto
from core.middleware import client_ip, current_request

GENESIS = "0" * 64


def _normalize(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def canonical(event: AuditEvent) -> bytes:
    body = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "actor_unit_id": event.actor_unit_id,
        "org_unit_id": event.org_unit_id,
        "ip": event.ip,
        "request_id": event.request_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "changes": event.changes,
        "success": event.success,
        "prev": event.prev_digest,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _unit_of(obj):
    if obj is None:
        return None
    for attr in ("org_unit", "unit"):
        unit = getattr(obj, attr, None)
        if unit is not None and unit.__class__.__name__ == "Unit":
            return unit
    return None


@transaction.atomic
def record(
    *,
    actor,
    action: str,
    obj=None,
    changes: dict | None = None,
    unit=None,
    success: bool = True,
    actor_name: str = "",
) -> AuditEvent:
    if action not in ACTIONS:
        raise ValueError(f"unregistered audit action {action!r}")
    request = current_request()
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    event = AuditEvent(
        seq=head.count + 1,
        occurred_at=clock.now(),
        actor=actor_obj,
        actor_name=actor_name or (f"{actor_obj.full_name}（{actor_obj.username}）" if actor_obj else "系统"),
        actor_unit=getattr(actor_obj, "unit", None),
        org_unit=unit or _unit_of(obj) or getattr(actor_obj, "unit", None),
        ip=client_ip(request),
        request_id=getattr(request, "request_id", "") if request else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=_normalize(changes or {}),
        success=success,
        prev_digest=head.digest,
    )
    event.digest = crypto.sm3_hex(canonical(event))
    event.save(force_insert=True)
    head.count = event.seq
    head.digest = event.digest
    head.save(update_fields=["count", "digest", "updated_at"])
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    message: str = ""


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Recompute every digest in order; name the first broken entry; compare with the checkpoint."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    qs = AuditEvent.objects.order_by("seq")
    last_seq = 0
    while True:
        rows = list(qs.filter(seq__gt=last_seq)[:batch_size])
        if not rows:
            break
        for ev in rows:
            if ev.seq != expected_seq:
                return VerifyResult(False, checked, expected_seq, f"第{expected_seq}条审计记录缺失")
            if ev.prev_digest != prev or crypto.sm3_hex(canonical(ev)) != ev.digest:
                return VerifyResult(False, checked, ev.seq, f"第{ev.seq}条审计记录被篡改（摘要不符）")
            prev = ev.digest
            expected_seq += 1
            checked += 1
            last_seq = ev.seq
    head = AuditHead.objects.filter(pk=1).first()
    if head and (head.count != checked or head.digest != prev):
        return VerifyResult(
            False,
            checked,
            checked + 1 if head.count > checked else checked,
            f"审计链与检查点不符：检查点记录{head.count}条，实际{checked}条（可能被截断或重建）",
        )
    return VerifyResult(True, checked, None, f"审计链完整，共校验{checked}条记录")


def chain_verify(*, actor=None) -> VerifyResult:
    """Verify the whole chain, then record that it was verified (and what was found)."""
    result = verify_chain()
    record(
        actor=actor,
        action="audit.verified",
        changes={
            "ok": result.ok,
            "checked": result.checked,
            "first_bad_seq": result.first_bad_seq,
            "message": result.message,
        },
        success=result.ok,
    )
    return result
