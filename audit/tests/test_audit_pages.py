"""The auditor's pages (R-SEC-3): only 审计管理员 reads the log; filters; constant queries."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import record
from core import clock

pytestmark = pytest.mark.django_db

LIST = reverse("audit:event_list")
VERIFY = reverse("audit:verify")


def test_only_the_auditor_reads_the_log(client, login, org):
    for url in (LIST, VERIFY):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith(reverse("org:login"))
    for name in ("sysadmin", "secadmin", "prov_leader", "prov_supervisor", "county_a_clerk", "no_role"):
        c = login(org.user(name))
        assert c.get(LIST).status_code == 403, name
        assert c.get(VERIFY).status_code == 403, name
        assert c.post(VERIFY).status_code == 403, name
    c = login(org.user("auditor"))
    assert c.get(LIST).status_code == 200
    assert c.get(VERIFY).status_code == 200


def test_event_list_shows_labels_actor_unit_ip_and_changes(login, org, client):
    client.post(
        reverse("org:login"), {"username": "county_a_clerk", "password": "bad"}, REMOTE_ADDR="10.1.2.3"
    )
    record(
        actor=org.user("sysadmin"),
        action="org.unit.updated",
        obj=org.units["county_b"],
        changes={"name": {"before": "甲二县卫生健康局", "after": "甲二县卫健局（新）"}},
    )
    c = login(org.user("auditor"))
    html = c.get(LIST).content.decode()
    assert "登录失败" in html and "10.1.2.3" in html and "钱联络（county_a_clerk）" in html
    assert "修改单位" in html and "王系统（sysadmin）" in html and "省卫健委" in html
    assert "<strong>单位全称</strong>：<del>甲二县卫生健康局</del> → <ins>甲二县卫健局（新）</ins>" in html


def test_event_list_filters(login, org):
    admin = org.user("sysadmin")
    record(actor=admin, action="org.unit.updated", obj=org.units["county_a"], changes={})
    clock.travel(days=3)
    record(actor=org.user("secadmin"), action="org.policy.updated", changes={})
    c = login(org.user("auditor"))

    def seqs(**params):
        r = c.get(LIST, params)
        return [ev.seq for ev in r.context["object_list"]]

    by_action = seqs(action="org.unit.updated")
    assert by_action and all(AuditEvent.objects.get(seq=s).action == "org.unit.updated" for s in by_action)
    by_actor = seqs(actor="李安全")
    assert by_actor and all("李安全" in AuditEvent.objects.get(seq=s).actor_name for s in by_actor)
    by_object = seqs(obj="甲一县卫生健康局")
    assert by_object and all("甲一县" in AuditEvent.objects.get(seq=s).object_repr for s in by_object)
    today = clock.today()
    recent = seqs(date_from=today.isoformat())
    assert recent and all(
        AuditEvent.objects.get(seq=s).occurred_at.date() >= today - dt.timedelta(days=1) for s in recent
    )
    assert set(recent).isdisjoint(by_action)
    earlier = seqs(date_to=(today - dt.timedelta(days=1)).isoformat())
    assert set(by_action) <= set(earlier)
    r = c.get(LIST, {"date_from": today.isoformat(), "date_to": (today - dt.timedelta(days=2)).isoformat()})
    assert "截止日期不能早于起始日期" in r.content.decode()
    failures = seqs(success="0")
    assert all(not AuditEvent.objects.get(seq=s).success for s in failures)


def test_city_auditor_sees_only_its_subtree(login, org):
    from org import services
    from org.models import Role

    auditor_b = services.user_create(
        actor=None,
        username="aud_b",
        full_name="乙审计",
        unit=org.units["city_b"],
        password="Duban#2026test",
        must_change_password=False,
    )
    services.role_grant(
        actor=None, user=auditor_b, role=Role.objects.get(code="auditor"), unit=org.units["city_b"]
    )
    record(actor=org.user("sysadmin"), action="org.unit.updated", obj=org.units["county_a"], changes={})
    record(actor=org.user("sysadmin"), action="org.unit.updated", obj=org.units["county_c"], changes={})
    record(actor=None, action="auth.login_failed", actor_name="ghost", changes={}, success=False)
    c = login(auditor_b)
    events = list(c.get(LIST).context["object_list"])
    assert events and all(
        ev.org_unit_id in {org.units["city_b"].pk, org.units["county_c"].pk} for ev in events
    )
    assert not any(ev.actor_name == "ghost" for ev in events)
    c = login(org.user("auditor"))  # the province auditor also sees events tied to no unit
    assert any(ev.actor_name == "ghost" for ev in c.get(LIST).context["object_list"])


@pytest.mark.parametrize("n", [5, 50])
def test_event_list_query_count_constant(login, org, n, django_assert_num_queries):
    admin = org.user("sysadmin")
    for i in range(n):
        record(
            actor=admin,
            action="tasks.filter.saved",
            obj=org.units["county_a"],
            changes={"name": {"before": "", "after": f"筛选{i}"}},
        )
    c = login(org.user("auditor"))
    with django_assert_num_queries(12):  # + the chain alarm on the checkpoint
        r = c.get(LIST, {"action": "tasks.filter.saved"})
    assert len(r.context["object_list"]) == n


def test_changes_shown_in_words(login, org):
    record(
        actor=org.user("secadmin"),
        action="org.role.granted",
        obj=org.users["county_a_clerk"],
        changes={"role": "联络员", "include_descendants": False, "codes": ["A", "B"], "x": None},
    )
    html = login(org.user("auditor")).get(LIST).content.decode()
    assert "<strong>含下级</strong>：否" in html
    assert "<strong>编码</strong>：A、B" in html
    assert "None" not in html and "False" not in html
