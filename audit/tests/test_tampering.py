"""Rows written behind the writer's back (issue 8): the product keeps working, raises the alarm,
and the verifier names the first bad entry — also when the chain was recomputed after an edit."""

import json
import logging

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from audit import services
from audit.models import AuditEvent, AuditHead
from audit.services import canonical, record, verify_chain
from core import clock, crypto
from core.testing import PASSWORD
from notifications.models import Message

pytestmark = pytest.mark.django_db

COLUMNS = (
    "seq, occurred_at, actor_id, actor_name, actor_unit_id, org_unit_id, ip, request_id, action,"
    " object_type, object_id, object_repr, changes, success, prev_digest, digest"
)


def _some_events(org, n=6):
    for i in range(n):
        record(
            actor=org.user("sysadmin"), action="org.unit.updated", obj=org.units["county_a"], changes={"i": i}
        )


def _forge(seq: int, prev: str, **fields) -> AuditEvent:
    """An entry as an attacker who knows the algorithm would write it: a valid SM3 digest."""
    ev = AuditEvent(
        seq=seq,
        occurred_at=clock.now(),
        actor_name="王系统（sysadmin）",
        action="org.unit.updated",
        object_repr="伪造",
        changes={"name": {"before": "甲", "after": "乙"}},
        success=True,
        prev_digest=prev,
        **fields,
    )
    ev.digest = crypto.sm3_hex(canonical(ev))
    return ev


def _raw_insert(ev: AuditEvent, occurred_at=None):
    jsonb = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    sql = f"INSERT INTO audit_auditevent ({COLUMNS}) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,{jsonb},%s,%s,%s)"
    params = [ev.seq, occurred_at or ev.occurred_at, None, ev.actor_name, None, None, "", "", ev.action]
    params += [
        "",
        "",
        ev.object_repr,
        json.dumps(ev.changes, ensure_ascii=False),
        True,
        ev.prev_digest,
        ev.digest,
    ]
    with connection.cursor() as cur:
        cur.execute(sql, params)


def _raw_update(seq: int, **values):
    """UPDATE behind the application's back (on PostgreSQL with the append-only trigger off)."""
    sets = ", ".join(f"{k} = %s" for k in values)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cur.execute(f"UPDATE audit_auditevent SET {sets} WHERE seq = %s", [*values.values(), seq])
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")


def _insert_at_next_seq(org) -> int:
    _some_events(org)
    last = AuditEvent.objects.latest("seq")
    _raw_insert(_forge(last.seq + 1, last.digest))
    return last.seq + 1


def test_inserted_row_does_not_take_the_product_down(client, org, caplog, capsys):
    inserted = _insert_at_next_seq(org)
    from org import services as org_services

    with caplog.at_level(logging.ERROR, logger="duban.audit"):
        org_services.unit_update(
            actor=org.user("sysadmin"), unit=org.units["county_b"], data={"short_name": "乙县"}
        )
    assert AuditEvent.objects.filter(action="org.unit.updated", object_repr__contains="甲二县").exists()
    assert f"第{inserted}条审计记录不是由系统写入的" in caplog.text
    r = client.post(reverse("org:login"), {"username": "auditor", "password": PASSWORD})
    assert r.status_code == 302, "the auditor's own login must still work"
    assert AuditEvent.objects.filter(action="auth.login", actor=org.user("auditor")).exists()

    result = verify_chain()
    assert not result.ok and result.first_bad_seq == inserted and "疑似被插入" in result.message
    with pytest.raises(SystemExit) as exc:
        call_command("verify_audit")
    assert exc.value.code == 1 and f"first_bad_seq={inserted}" in capsys.readouterr().err
    assert AuditEvent.objects.latest("seq").action == "audit.verified"  # the verdict is itself logged


def test_inserted_row_raises_the_alarm(client, login, org):
    inserted = _insert_at_next_seq(org)
    record(actor=org.user("sysadmin"), action="org.unit.updated", obj=org.units["county_a"], changes={})
    head = AuditHead.objects.get(pk=1)
    assert head.alarm_seq == inserted
    for name in ("auditor", "secadmin"):
        msg = Message.objects.get(recipient=org.user(name), kind=Message.Kind.SYSTEM)
        assert "审计链告警" in msg.title and str(inserted) in msg.body
    assert not Message.objects.filter(recipient=org.user("county_a_clerk"), kind=Message.Kind.SYSTEM).exists()
    record(actor=org.user("sysadmin"), action="org.unit.updated", obj=org.units["county_a"], changes={})
    assert Message.objects.filter(recipient=org.user("auditor"), kind=Message.Kind.SYSTEM).count() == 1
    html = login(org.user("auditor")).get(reverse("audit:event_list")).content.decode()
    assert "审计链告警" in html and f"序号 <strong>{inserted}</strong>" in html
    assert 'class="table-danger"' in html


def test_writer_survives_a_row_inserted_between_lookup_and_insert(org, monkeypatch):
    """Concurrency: a raw INSERT takes the number after the writer chose it (the head lock does not
    stop it) — the next free number is used, the chain still links to the writer's head."""
    _some_events(org, 2)
    real = services._insert_if_free
    taken = []

    def racing(event):
        if not taken:
            _raw_insert(_forge(event.seq, event.prev_digest))
            taken.append(event.seq)
        return real(event)

    monkeypatch.setattr(services, "_insert_if_free", racing)
    ev = record(actor=org.user("sysadmin"), action="org.unit.updated", obj=org.units["county_a"], changes={})
    assert ev.seq == taken[0] + 1 and ev.prev_digest == AuditEvent.objects.get(seq=taken[0] - 1).digest
    assert AuditEvent.objects.get(pk=ev.pk).digest == ev.digest
    assert AuditHead.objects.get(pk=1).alarm_seq == taken[0]
    assert verify_chain().first_bad_seq == taken[0]


def test_row_far_ahead_and_unreadable_row_named(org):
    _some_events(org, 3)
    last = AuditEvent.objects.latest("seq")
    _raw_insert(_forge(2**62, last.digest))
    record(actor=org.user("sysadmin"), action="org.unit.updated", obj=org.units["county_a"], changes={})
    assert (
        AuditEvent.objects.latest("seq").seq == 2**62 and AuditEvent.objects.filter(seq=last.seq + 1).exists()
    )
    result = verify_chain()
    assert result.first_bad_seq == 2**62
    if connection.vendor == "sqlite":  # SQLite stores whatever text it is given as a date
        _raw_update(2, occurred_at="不是时间")
        result = verify_chain()
        assert not result.ok and result.first_bad_seq == 2


@pytest.mark.parametrize("move_head", [False, True])
def test_edited_and_recomputed_chain_names_the_first_edited_entry(org, move_head):
    _some_events(org, 8)
    events = list(AuditEvent.objects.order_by("seq"))
    edited = events[3].seq
    prev = events[2].digest
    for ev in events[3:]:  # edit one entry and re-chain every digest after it
        if ev.seq == edited:
            ev.object_repr = "改过的"
        ev.prev_digest = prev
        ev.digest = crypto.sm3_hex(canonical(ev))
        _raw_update(ev.seq, object_repr=ev.object_repr, prev_digest=ev.prev_digest, digest=ev.digest)
        prev = ev.digest
    if move_head:  # the attacker also moved the checkpoint's head to the new chain
        AuditHead.objects.filter(pk=1).update(digest=prev)
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == edited and "篡改" in result.message


def test_checkpoint_history_is_append_only_on_postgresql(org):
    _some_events(org, 2)
    if connection.vendor != "postgresql":
        pytest.skip("the append-only triggers are PostgreSQL's")
    from django.db import DatabaseError, transaction

    for sql in ("UPDATE audit_auditcheckpoint SET digest = 'x'", "DELETE FROM audit_auditcheckpoint"):
        with pytest.raises(DatabaseError, match="审计日志只允许追加"), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql)
    assert verify_chain().ok


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="real concurrent writers need PostgreSQL's row locks; SQLite serializes writers (BEGIN IMMEDIATE)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_a_raw_inserter_on_postgresql(org):
    """Four application writers and one attacker inserting at the next free number, at once:
    every application entry is written, none is lost to a conflict, the verifier names the first
    inserted row."""
    import threading

    from django.db import connections

    admin, unit = org.user("sysadmin"), org.units["county_a"]
    start = AuditEvent.objects.count()
    errors, inserted = [], []

    def writer():
        try:
            for _ in range(10):
                record(actor=admin, action="org.unit.updated", obj=unit, changes={})
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    def attacker():
        try:
            for _ in range(200):
                if len(inserted) >= 3:
                    break
                head = AuditHead.objects.get(pk=1)
                try:
                    from django.db import transaction

                    with transaction.atomic():
                        _raw_insert(_forge(head.count + 1, head.digest))
                    inserted.append(head.count + 1)
                except Exception:  # noqa: BLE001 — the number was taken first: try again
                    pass
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(4)] + [threading.Thread(target=attacker)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.objects.filter(actor=admin, action="org.unit.updated").count() >= 40
    assert AuditEvent.objects.count() == start + 40 + len(inserted)
    result = verify_chain()
    assert inserted and not result.ok and result.first_bad_seq == min(inserted)
