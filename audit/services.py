"""audit.record() — the only writer of the audit log, called from services inside their transaction."""

import json
import logging
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Value

from audit.actions import ACTIONS
from audit.models import AuditCheckpoint, AuditEvent, AuditHead
from audit.signals import chain_alarm
from core import clock, crypto
from core.middleware import client_ip, current_request

GENESIS = "0" * 64
logger = logging.getLogger("duban.audit")


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


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def _free_seq(head: AuditHead) -> tuple[int, int | None]:
    """The first number above the writer's own head that no entry (nor checkpoint) holds, and the
    first number above the head held by an entry the writer did not write (None if none).
    One indexed range query, which finds nothing unless someone wrote behind the writer's back."""
    above = {"seq__gt": head.count}
    events = (
        AuditEvent.objects.filter(**above).order_by().annotate(entry=Value(1)).values_list("seq", "entry")
    )
    checkpoints = (
        AuditCheckpoint.objects.filter(**above)
        .order_by()
        .annotate(entry=Value(0))
        .values_list("seq", "entry")
    )
    candidate, foreign = head.count + 1, None
    for seq, entry in events.union(checkpoints, all=True).order_by("seq"):
        if entry and foreign is None:
            foreign = seq
        if seq > candidate:
            break
        candidate = seq + 1
    return candidate, foreign


def raise_alarm(head: AuditHead, seq: int | None, message: str) -> None:
    """The chain is broken at `seq`: keep it on the checkpoint (the auditor's pages show it), log
    an error, and tell the apps above (notifications alerts the 审计管理员 and 安全保密管理员).
    Nothing here may make the audited action itself fail."""
    head.alarm_seq, head.alarm, head.alarm_at = seq, message[:300], clock.now()
    head.save(update_fields=["alarm_seq", "alarm", "alarm_at", "updated_at"])
    logger.error("审计链告警：%s", message)
    try:
        with transaction.atomic():
            chain_alarm.send(sender=AuditEvent, seq=seq, message=message)
    except Exception:
        logger.exception("审计链告警通知发送失败")


def _insert_if_free(event: AuditEvent) -> bool:
    """INSERT … ON CONFLICT (seq) DO NOTHING RETURNING id (SQLite ≥ 3.35 and PostgreSQL): a number
    taken by a row written behind the writer's back — even between the look-up and the insert,
    which the head lock cannot stop — is reported, not an error that would abort the transaction."""
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(AuditEvent._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT ({qn('seq')}) DO NOTHING RETURNING {qn('id')}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields])
        row = cur.fetchone()
    if row is None:
        return False
    event.pk = row[0]
    event._state.adding, event._state.db = False, connection.alias
    return True


def _insert(event: AuditEvent, head: AuditHead) -> tuple[AuditEvent, int | None]:
    """Append after the writer's own head, chained to it, with its checkpoint. When the number is
    taken, the next free one is used; returns the entry and the first number found taken by an
    entry the writer did not write (None when nobody wrote behind its back)."""
    seq, foreign = head.count + 1, None
    for _attempt in range(20):
        event.seq, event.prev_digest = seq, head.digest
        event.digest = crypto.sm3_hex(canonical(event))
        if _insert_if_free(event):
            checkpoint = AuditCheckpoint(seq=event.seq, digest=event.digest)
            AuditCheckpoint.objects.bulk_create([checkpoint], ignore_conflicts=True)
            return event, foreign
        seq, found = _free_seq(head)
        foreign = foreign or found or event.seq
    raise RuntimeError("审计日志写入失败：找不到空闲序号")


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
    head = _lock_head()
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    event = AuditEvent(
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
    )
    event, foreign = _insert(event, head)
    head.count = event.seq
    head.digest = event.digest
    head.save(update_fields=["count", "digest", "updated_at"])
    if foreign is not None and foreign != head.alarm_seq:
        raise_alarm(head, foreign, f"第{foreign}条审计记录不是由系统写入的（疑似被插入），审计链已被破坏")
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    message: str = ""


class _Unreadable:
    """An entry whose stored content cannot even be read back (it is named, not a crash)."""

    def __init__(self, seq):
        self.seq = seq


def _events(batch_size: int):
    """Every entry in sequence order; a batch that fails to load is read entry by entry."""
    last = None
    while True:
        qs = AuditEvent.objects.order_by("seq")
        qs = qs.filter(seq__gt=last) if last is not None else qs
        keys = list(qs.values_list("pk", "seq")[:batch_size])
        if not keys:
            return
        try:
            rows = list(AuditEvent.objects.filter(pk__in=[pk for pk, _ in keys]).order_by("seq"))
        except Exception:
            rows = [_read_one(pk, seq) for pk, seq in keys]
        yield from rows
        last = keys[-1][1]


def _read_one(pk, seq):
    try:
        return AuditEvent.objects.get(pk=pk)
    except Exception:
        return _Unreadable(seq)


def _intact(ev, prev: str, checkpoint_digest: str) -> bool:
    if isinstance(ev, _Unreadable):
        return False
    try:
        return ev.prev_digest == prev and ev.digest == checkpoint_digest == crypto.sm3_hex(canonical(ev))
    except Exception:  # content no writer could have stored (e.g. a date that is not one)
        return False


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Recompute every digest in order and compare each entry with the checkpoint's history (the
    (seq, digest) the writer wrote): name the first entry that was inserted, is missing, or whose
    content or digest differs — also when the chain was recomputed after an edit."""
    history = (
        AuditCheckpoint.objects.order_by("seq").values_list("seq", "digest").iterator(chunk_size=batch_size)
    )
    cp = next(history, None)
    prev, checked = GENESIS, 0
    for ev in _events(batch_size):
        if cp is not None and cp[0] < ev.seq:
            return VerifyResult(False, checked, cp[0], f"第{cp[0]}条审计记录缺失（已被删除）")
        if cp is None or cp[0] > ev.seq:
            return VerifyResult(
                False, checked, ev.seq, f"第{ev.seq}条审计记录不是由系统写入的（检查点中没有，疑似被插入）"
            )
        if not _intact(ev, prev, cp[1]):
            return VerifyResult(False, checked, ev.seq, f"第{ev.seq}条审计记录被篡改（摘要不符）")
        prev, checked = ev.digest, checked + 1
        cp = next(history, None)
    if cp is not None:
        return VerifyResult(
            False, checked, cp[0], f"第{cp[0]}条起的审计记录缺失：检查点中有而日志中没有（可能被截断）"
        )
    head = AuditHead.objects.filter(pk=1).first()
    if head and checked and head.digest != prev:
        return VerifyResult(
            False,
            checked,
            head.count,
            f"审计链与检查点不符：检查点的链头为第{head.count}条，日志与检查点的历史止于此前（可能被截断或重建）",
        )
    return VerifyResult(True, checked, None, f"审计链完整，共校验{checked}条记录")


def chain_verify(*, actor=None) -> VerifyResult:
    """Verify the whole chain, then record that it was verified (and what was found)."""
    result = verify_chain()
    with transaction.atomic():
        head = _lock_head()
        if not result.ok and result.first_bad_seq != head.alarm_seq:
            raise_alarm(head, result.first_bad_seq, result.message)
        elif result.ok and head.alarm_seq is not None:
            head.alarm_seq, head.alarm, head.alarm_at = None, "", None
            head.save(update_fields=["alarm_seq", "alarm", "alarm_at", "updated_at"])
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
