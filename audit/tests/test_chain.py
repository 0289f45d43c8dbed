"""Chain verification (R-SEC-3): tampering and truncation are caught and the first bad entry named."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import record, verify_chain

pytestmark = pytest.mark.django_db


def _some_events(org, n=6):
    admin = org.user("sysadmin")
    for i in range(n):
        record(actor=admin, action="org.unit.updated", obj=org.units["county_a"], changes={"i": i})


def _raw(sql, params=()):
    """Run raw SQL behind the application's back (on PostgreSQL with the append-only trigger off)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER TABLE
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")


def test_intact_chain_page_and_command(login, org, capsys):
    _some_events(org)
    c = login(org.user("auditor"))
    r = c.post(reverse("audit:verify"))
    html = r.content.decode()
    assert r.status_code == 200 and "审计链完整" in html
    ev = AuditEvent.objects.latest("seq")
    assert ev.action == "audit.verified" and ev.actor_id == org.users["auditor"].pk and ev.success
    assert ev.changes["ok"] is True
    call_command("verify_audit")
    assert "审计链完整" in capsys.readouterr().out
    assert verify_chain().ok  # the verifications themselves are chained too


def test_tampered_row_named(login, org, capsys):
    _some_events(org)
    target = AuditEvent.objects.filter(action="org.unit.updated").order_by("seq")[2]
    _raw("UPDATE audit_auditevent SET object_repr = %s WHERE seq = %s", ["改过的", target.seq])
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == target.seq
    c = login(org.user("auditor"))
    html = c.post(reverse("audit:verify")).content.decode()
    assert "审计链校验未通过" in html and f"序号 <strong>{target.seq}</strong>" in html
    assert f"第{target.seq}条审计记录被篡改" in html
    ev = AuditEvent.objects.latest("seq")
    assert ev.action == "audit.verified" and not ev.success and ev.changes["first_bad_seq"] == target.seq
    with pytest.raises(SystemExit) as exc:
        call_command("verify_audit")
    assert exc.value.code == 1
    assert f"first_bad_seq={target.seq}" in capsys.readouterr().err


def test_deleted_last_row_caught_by_checkpoint(org, capsys):
    _some_events(org)
    last = AuditEvent.objects.latest("seq").seq
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [last])
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == last
    assert "检查点" in result.message
    with pytest.raises(SystemExit) as exc:
        call_command("verify_audit")
    assert exc.value.code == 1
    assert f"first_bad_seq={last}" in capsys.readouterr().err


def test_deleted_middle_row_named(org):
    _some_events(org)
    seq = AuditEvent.objects.order_by("seq")[3].seq
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [seq])
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == seq and "缺失" in result.message


def test_database_refuses_changes_on_postgresql(org):
    _some_events(org, 2)
    if connection.vendor == "postgresql":
        for sql in ("UPDATE audit_auditevent SET ip = 'x'", "DELETE FROM audit_auditevent"):
            with pytest.raises(DatabaseError, match="审计日志只允许追加"), transaction.atomic():
                with connection.cursor() as cur:
                    cur.execute(sql)
        assert verify_chain().ok
    else:
        # SQLite has no such trigger: a raw UPDATE goes through, and verification catches it
        with connection.cursor() as cur:
            cur.execute("UPDATE audit_auditevent SET ip = 'x' WHERE seq = 1")
        assert verify_chain().first_bad_seq == 1
