"""Sign-in, lockout, forced password change, idle timeout, logout (R-SEC-1, R-SEC-6)."""

import re
import time
from html import unescape

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core import clock
from core.testing import PASSWORD
from org import services
from org.models import SecurityPolicy, User

pytestmark = pytest.mark.django_db

LOGIN = reverse("org:login")


def post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_login_page_is_a_plain_chinese_sign_in(client):
    r = client.get(LOGIN)
    html = r.content.decode()
    assert r.status_code == 200
    assert "督办平台" in html and "用户登录" in html
    assert "navbar" not in html  # no navigation before sign-in
    assert "<script>" not in html and "onclick" not in html


def test_login_success_new_session_and_audit(client, org):
    client.get(LOGIN)
    before = client.session.session_key
    r = post_login(client, "COUNTY_A_CLERK", PASSWORD)  # account names are case-insensitive
    assert r.status_code == 302 and r["Location"] == reverse("dashboards:workbench")
    assert client.session.session_key != before
    assert int(client.session["_auth_user_id"]) == org.users["county_a_clerk"].pk
    assert AuditEvent.objects.filter(action="auth.login", actor=org.users["county_a_clerk"]).exists()


def test_login_redirects_to_safe_next_only(client, org):
    r = client.post(LOGIN + "?next=/accounts/units/", {"username": "sysadmin", "password": PASSWORD})
    assert r["Location"] == "/accounts/units/"
    client.logout()
    r = client.post(LOGIN + "?next=https://evil.example/", {"username": "sysadmin", "password": PASSWORD})
    assert r["Location"] == reverse("dashboards:workbench")


def test_login_failure_shows_generic_chinese_error(client, org):
    r = post_login(client, "county_a_clerk", "wrong")
    assert r.status_code == 200
    assert "账号或密码错误" in r.content.decode()
    assert "_auth_user_id" not in client.session
    r = post_login(client, "nobody", "wrong")
    assert "账号或密码错误" in r.content.decode()
    ev = AuditEvent.objects.filter(action="auth.login_failed").order_by("-seq").first()
    assert ev.actor_name == "nobody" and not ev.success


def _error_text(response) -> str:
    """The page's error box, the only thing that differs between refused logins."""
    html = unescape(response.content.decode())
    box = re.search(r'<div class="alert alert-danger"[^>]*>(.*?)\n</div>', html, re.S)
    return " ".join(re.findall(r"<div>(.*?)</div>", box.group(1))) if box else ""


def test_refused_logins_all_read_the_same(client, org):
    """No account enumeration: unknown, wrong password, locked and disabled give one message."""
    unknown = post_login(client, "nobody_here", "wrong")
    wrong = post_login(client, "county_a_clerk", "wrong")
    for i in range(4):
        fifth = post_login(client, "county_a_clerk", f"wrong{i}")  # the 5th failure locks
    locked = post_login(client, "county_a_clerk", PASSWORD)  # locked: the right password is refused
    User.objects.filter(username="county_b_clerk").update(is_active=False)
    disabled = post_login(client, "county_b_clerk", PASSWORD)
    texts = {_error_text(r) for r in (unknown, wrong, fifth, locked, disabled)}
    assert texts == {services.LOGIN_REFUSED}
    assert all(r.status_code == 200 for r in (unknown, wrong, fifth, locked, disabled))

    # the whole page, not only the box: identical but for the CSRF token and the name typed in
    def page(r):
        html = re.sub(r"[A-Za-z0-9]{64}", "", r.content.decode())
        return re.sub(r'name="username" value="[^"]*"', "", html)

    pages = {page(r) for r in (unknown, wrong, fifth, locked, disabled)}
    assert len(pages) == 1
    assert "锁定" not in _error_text(locked) and "停用" not in _error_text(disabled)


def test_lockout_after_five_failures_sixth_refused_with_right_password(client, org):
    for i in range(5):
        r = post_login(client, "county_a_clerk", f"wrong{i}")
        assert services.LOGIN_REFUSED in r.content.decode()
    assert User.objects.get(username="county_a_clerk").locked_until is not None
    r = post_login(client, "county_a_clerk", PASSWORD)  # the 6th attempt, right password
    assert r.status_code == 200 and services.LOGIN_REFUSED in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked").count() == 1
    reasons = list(
        AuditEvent.objects.filter(action="auth.login_failed")
        .order_by("seq")
        .values_list("changes", flat=True)
    )
    assert reasons[-1]["reason"] == "账号已锁定"  # the reason is kept in the audit log, not shown


def test_lockout_expires_after_fifteen_minutes(client, org):
    for i in range(5):
        post_login(client, "county_a_clerk", f"wrong{i}")
    user = User.objects.get(username="county_a_clerk")
    assert 14 * 60 < (user.locked_until - clock.now()).total_seconds() <= 15 * 60
    assert post_login(client, "county_a_clerk", PASSWORD).status_code == 200  # still locked
    clock.travel(hours=1)  # the application clock, which login_check reads
    r = post_login(client, "county_a_clerk", PASSWORD)
    assert r.status_code == 302
    assert User.objects.get(username="county_a_clerk").failed_logins == 0


def test_security_admin_unlocks(client, org, login):
    for i in range(5):
        post_login(client, "county_a_clerk", f"wrong{i}")
    target = org.users["county_a_clerk"]
    c = login(org.user("secadmin"))
    r = c.post(reverse("org:user_unlock", args=[target.pk]))
    assert r.status_code == 302
    c.logout()
    assert post_login(client, "county_a_clerk", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="auth.unlocked").exists()


def test_disabled_account_cannot_log_in(client, org):
    User.objects.filter(username="county_a_clerk").update(is_active=False)
    r = post_login(client, "county_a_clerk", PASSWORD)
    assert r.status_code == 200 and services.LOGIN_REFUSED in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login_failed").last().changes["reason"] == "账号已停用"


def test_rate_limit_per_ip(client, org, settings):
    from org import views

    for _ in range(views.LOGIN_RATE_PER_MINUTE):
        post_login(client, "nobody", "x", REMOTE_ADDR="10.0.0.9")
    r = post_login(client, "sysadmin", PASSWORD, REMOTE_ADDR="10.0.0.9")
    assert r.status_code == 429
    assert "登录尝试过于频繁" in r.content.decode()
    # another address is not affected
    assert post_login(client, "sysadmin", PASSWORD, REMOTE_ADDR="10.0.0.10").status_code == 302


def test_first_login_forces_password_change(client, org):
    services.user_create(
        actor=None, username="newbie", full_name="新人", unit=org.units["county_a"], password=PASSWORD
    )
    r = post_login(client, "newbie", PASSWORD)
    assert r["Location"] == reverse("org:password_change")
    assert client.session["must_change_password"] is True
    # every other page sends the user back to the password form
    r = client.get(reverse("org:unit_list"))
    assert r.status_code == 302 and r["Location"] == reverse("org:password_change")
    r = client.get(reverse("org:password_change"))
    assert "首次登录" in r.content.decode()
    r = client.post(
        reverse("org:password_change"),
        {"old_password": PASSWORD, "new_password": "Xin#mima2026", "new_password2": "Xin#mima2026"},
    )
    assert r.status_code == 302
    assert "must_change_password" not in client.session
    assert "_auth_user_id" in client.session  # still signed in after the change
    assert not User.objects.get(username="newbie").must_change_password


def test_expired_password_forces_change(client, org):
    clock.travel(days=SecurityPolicy.current().password_expiry_days + 1)
    r = post_login(client, "county_a_clerk", PASSWORD)
    assert r["Location"] == reverse("org:password_change")
    assert "密码已过期" in client.get(reverse("org:password_change")).content.decode()


@pytest.mark.parametrize(
    "new, message",
    [
        ("Ab1#", "密码长度不能少于8位"),
        ("abcdefgh12", "至少三类"),
        ("County_A_Clerk#1", "密码不能包含账号名"),
        (PASSWORD, "不能使用最近5次用过的密码"),
    ],
)
def test_password_policy_messages(login, org, new, message):
    c = login(org.user("county_a_clerk"))
    r = c.post(
        reverse("org:password_change"), {"old_password": PASSWORD, "new_password": new, "new_password2": new}
    )
    assert r.status_code == 200
    assert message in r.content.decode()


def test_password_change_wrong_old_and_mismatch(login, org):
    c = login(org.user("county_a_clerk"))
    r = c.post(
        reverse("org:password_change"),
        {"old_password": "nope", "new_password": "Xin#mima2026", "new_password2": "Xin#mima2026"},
    )
    assert "原密码不正确" in r.content.decode()
    r = c.post(
        reverse("org:password_change"),
        {"old_password": PASSWORD, "new_password": "Xin#mima2026", "new_password2": "Xin#mima2027"},
    )
    html = r.content.decode()
    assert "两次输入的新密码不一致" in html
    assert 'value="Xin#mima2026"' not in html  # passwords are never echoed back


def test_idle_timeout(client, org):
    post_login(client, "sysadmin", PASSWORD)
    assert client.get(reverse("org:unit_list")).status_code == 200
    session = client.session
    session["last_activity"] = time.time() - 31 * 60
    session.save()
    r = client.get(reverse("org:unit_list"))
    assert r.status_code == 302 and r["Location"] == reverse("org:login") + "?expired=1"
    r = client.get(r["Location"])
    assert "会话已超时，请重新登录" in r.content.decode()
    assert client.get(reverse("org:unit_list")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.session_expired").exists()


def test_activity_keeps_the_session_alive_without_a_write_per_request(client, org):
    post_login(client, "sysadmin", PASSWORD)
    session = client.session
    session["last_activity"] = time.time() - 29 * 60  # idle 29 minutes: still in
    session.save()
    assert client.get(reverse("org:unit_list")).status_code == 200
    renewed = client.session["last_activity"]
    assert time.time() - renewed < 5  # the activity was recorded
    assert client.get(reverse("org:unit_list")).status_code == 200
    assert client.session["last_activity"] == renewed  # seconds later: not written again


def test_logout_is_post_only_and_destroys_the_session(client, org):
    post_login(client, "sysadmin", PASSWORD)
    cookie = client.cookies["sessionid"].value
    assert client.get(reverse("org:logout")).status_code == 405
    r = client.post(reverse("org:logout"))
    assert r.status_code == 302 and r["Location"] == reverse("org:login")
    assert AuditEvent.objects.filter(action="auth.logout").exists()
    # replay the old cookie: the server no longer knows that session
    client.cookies["sessionid"] = cookie
    r = client.get(reverse("org:unit_list"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("org:login"))
