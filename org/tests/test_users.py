"""账号管理, role grants, unlock and the security policy (R-ORG-2, R-SEC-1, R-SEC-2, R-SEC-5)."""

import re
from html import unescape

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core import clock
from core.testing import PASSWORD
from org import services
from org.models import Role, RoleAssignment, SecurityPolicy, User

pytestmark = pytest.mark.django_db


def test_user_list_masks_phone_and_is_scoped(login, org, city_b_admins):
    c = login(org.user("sysadmin"))
    html = c.get(reverse("org:user_list")).content.decode()
    assert "138****8000" in html and "13800138000" not in html
    assert "county_a_clerk" in html and "county_c_clerk" in html
    c = login(city_b_admins["city_b_sys"])
    html = c.get(reverse("org:user_list")).content.decode()
    assert "county_c_clerk" in html and "county_a_clerk" not in html


def test_user_list_filters(login, org):
    c = login(org.user("sysadmin"))
    html = c.get(reverse("org:user_list"), {"unit": org.units["city_a"].pk}).content.decode()
    assert "county_a_clerk" in html and "inst_a_clerk" in html and "county_c_clerk" not in html
    html = c.get(reverse("org:user_list"), {"q": "钱联络"}).content.decode()
    assert "county_a_clerk" in html and "county_b_clerk" not in html


def test_user_pages_permissions(client, org, login):
    target = org.users["county_a_clerk"]
    urls = [
        reverse("org:user_list"),
        reverse("org:user_create"),
        reverse("org:user_detail", args=[target.pk]),
        reverse("org:user_update", args=[target.pk]),
        reverse("org:user_roles", args=[target.pk]),
        reverse("org:user_import"),
        reverse("org:policy"),
    ]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith(reverse("org:login")), url
    c = login(org.user("county_a_head"))
    for url in urls:
        assert c.get(url).status_code == 403, url
    assert c.post(reverse("org:user_unlock", args=[target.pk])).status_code == 403
    # 审计管理员 has nothing here; 系统管理员 cannot grant roles nor set the policy
    c = login(org.user("auditor"))
    assert c.get(reverse("org:user_list")).status_code == 403
    c = login(org.user("sysadmin"))
    assert c.get(reverse("org:user_roles", args=[target.pk])).status_code == 403
    assert c.get(reverse("org:policy")).status_code == 403
    assert c.post(reverse("org:user_unlock", args=[target.pk])).status_code == 403
    # 安全保密管理员 cannot create or edit accounts
    c = login(org.user("secadmin"))
    assert c.get(reverse("org:user_create")).status_code == 403
    assert c.get(reverse("org:user_update", args=[target.pk])).status_code == 403


def test_out_of_scope_account_is_404(login, org, city_b_admins):
    target = org.users["county_a_clerk"]
    c = login(city_b_admins["city_b_sys"])
    for name in ("user_detail", "user_update"):
        assert c.get(reverse(f"org:{name}", args=[target.pk])).status_code == 404
    r = c.post(reverse("org:user_update", args=[target.pk]), {"full_name": "改名", "is_active": "on"})
    assert r.status_code == 404
    assert User.objects.get(pk=target.pk).full_name == "钱联络"
    c = login(city_b_admins["city_b_sec"])
    assert c.get(reverse("org:user_roles", args=[target.pk])).status_code == 404
    assert c.post(reverse("org:user_unlock", args=[target.pk])).status_code == 404
    ra = RoleAssignment.objects.get(user=target)
    r = c.post(reverse("org:role_revoke", args=[target.pk, ra.pk]))
    assert r.status_code == 404 and RoleAssignment.objects.filter(pk=ra.pk).exists()


def test_create_user_with_generated_password_shown_once(login, org):
    c = login(org.user("sysadmin"))
    r = c.post(
        reverse("org:user_create"),
        {
            "unit": org.units["county_a"].pk,
            "username": "zhangsan",
            "full_name": "张三",
            "phone": "13912345678",
        },
    )
    html = r.content.decode()
    assert r.status_code == 200 and "初始密码仅显示这一次" in html
    user = User.objects.get(username="zhangsan")
    assert user.must_change_password and user.phone == "13912345678"
    assert "13912345678" not in user.phone_encrypted
    password = re.search(r'<code class="fs-5 user-select-all">([^<]+)</code>', html).group(1)
    assert user.check_password(unescape(password))
    # not shown anywhere afterwards
    assert unescape(password) not in c.get(reverse("org:user_detail", args=[user.pk])).content.decode()


def test_create_user_errors_in_chinese_next_to_fields(login, org):
    c = login(org.user("sysadmin"))
    r = c.post(
        reverse("org:user_create"),
        {
            "unit": org.units["county_a"].pk,
            "username": "County_A_Clerk",
            "full_name": "重名",
            "phone": "12345",
            "password": "weak",
        },
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert "手机号格式不正确" in html
    assert 'value="重名"' in html
    r = c.post(
        reverse("org:user_create"),
        {"unit": org.units["county_a"].pk, "username": "County_A_Clerk", "full_name": "重名"},
    )
    assert "账号名已存在" in r.content.decode()
    r = c.post(
        reverse("org:user_create"),
        {"unit": org.units["county_a"].pk, "username": "lisi", "full_name": "李四", "password": "weak"},
    )
    assert "密码长度不能少于8位" in r.content.decode()


def test_edit_user(login, org):
    c = login(org.user("sysadmin"))
    target = org.users["county_a_clerk"]
    r = c.get(reverse("org:user_update", args=[target.pk]))
    assert 'value="13800138000"' in r.content.decode()  # the editor sees the full number in the form
    r = c.post(
        reverse("org:user_update", args=[target.pk]),
        {"full_name": "钱联络员", "title": "科员", "phone": "13600000000", "is_active": "on"},
    )
    assert r.status_code == 302
    target.refresh_from_db()
    assert target.full_name == "钱联络员" and target.phone == "13600000000"
    ev = AuditEvent.objects.filter(action="org.user.updated").latest("seq")
    assert ev.changes["phone_encrypted"] == {"before": "***", "after": "***"}
    # cannot disable oneself
    me = org.users["sysadmin"]
    r = c.post(reverse("org:user_update", args=[me.pk]), {"full_name": "王系统"})
    assert "不能停用自己的账号" in r.content.decode()


def test_role_grant_requires_password_and_respects_separation(login, org):
    c = login(org.user("secadmin"))
    target = org.users["county_b_clerk"]
    url = reverse("org:user_roles", args=[target.pk])
    head = Role.objects.get(code="unit_head")
    r = c.post(
        url, {"role": head.pk, "unit": org.units["county_b"].pk, "include_descendants": "on", "password": "x"}
    )
    assert "密码不正确，未授予角色" in r.content.decode()
    assert not RoleAssignment.objects.filter(user=target, role=head).exists()
    r = c.post(
        url,
        {
            "role": head.pk,
            "unit": org.units["county_b"].pk,
            "include_descendants": "on",
            "password": PASSWORD,
        },
    )
    assert r.status_code == 302
    assert RoleAssignment.objects.get(user=target, role=head).include_descendants
    assert AuditEvent.objects.filter(action="org.role.granted", object_id=str(target.pk)).exists()
    # 三权分立: the auditor cannot also become 系统管理员
    auditor = org.users["auditor"]
    r = c.post(
        reverse("org:user_roles", args=[auditor.pk]),
        {
            "role": Role.objects.get(code="sysadmin").pk,
            "unit": org.units["province"].pk,
            "password": PASSWORD,
        },
    )
    assert "三权分立" in r.content.decode()
    assert not RoleAssignment.objects.filter(user=auditor, role__code="sysadmin").exists()
    # a business user cannot be given an admin role on top either, and vice versa
    r = c.post(
        reverse("org:user_roles", args=[auditor.pk]),
        {"role": head.pk, "unit": org.units["province"].pk, "password": PASSWORD},
    )
    assert "三员账号不能兼任业务角色" in r.content.decode()


def test_cannot_grant_to_self(login, org):
    me = org.user("secadmin")
    c = login(me)
    url = reverse("org:user_roles", args=[me.pk])
    assert "不能给自己授予角色" in c.get(url).content.decode()
    r = c.post(
        url,
        {"role": Role.objects.get(code="auditor").pk, "unit": org.units["province"].pk, "password": PASSWORD},
    )
    assert "不能给自己授予角色" in r.content.decode()
    assert RoleAssignment.objects.filter(user=me).count() == 1


def test_revoke_role(login, org):
    c = login(org.user("secadmin"))
    target = org.users["county_b_clerk"]
    ra = RoleAssignment.objects.get(user=target)
    r = c.post(reverse("org:role_revoke", args=[target.pk, ra.pk]))
    assert r.status_code == 302 and not RoleAssignment.objects.filter(pk=ra.pk).exists()
    assert AuditEvent.objects.filter(action="org.role.revoked").exists()
    assert c.get(reverse("org:role_revoke", args=[target.pk, ra.pk])).status_code == 405


def test_policy_page(login, org):
    c = login(org.user("secadmin"))
    r = c.get(reverse("org:policy"))
    assert r.status_code == 200 and "连续失败锁定次数" in r.content.decode()
    data = {
        "password_min_length": 12,
        "password_expiry_days": 60,
        "lockout_threshold": 5,
        "lockout_minutes": 30,
        "idle_timeout_minutes": 20,
    }
    assert c.post(reverse("org:policy"), data).status_code == 302
    p = SecurityPolicy.current()
    assert (p.password_min_length, p.lockout_minutes, p.idle_timeout_minutes) == (12, 30, 20)
    assert AuditEvent.objects.filter(action="org.policy.updated").exists()
    r = c.post(reverse("org:policy"), {**data, "password_min_length": 6, "idle_timeout_minutes": 120})
    html = r.content.decode()
    assert "密码最小长度应在8到64之间" in html and "空闲超时应在5到30之间" in html
    assert SecurityPolicy.current().password_min_length == 12


def test_policy_drives_lockout(client, org):
    services.policy_update(actor=org.user("secadmin"), data={"lockout_threshold": 3, "lockout_minutes": 60})
    for i in range(3):
        r = client.post(reverse("org:login"), {"username": "county_a_clerk", "password": f"bad{i}"})
    assert services.LOGIN_REFUSED in r.content.decode()
    user = User.objects.get(username="county_a_clerk")
    assert 59 * 60 < (user.locked_until - clock.now()).total_seconds() <= 60 * 60


def _make_users(org, n):
    role = Role.objects.get(code="clerk")
    for i in range(n):
        u = services.user_create(
            actor=None,
            username=f"qc{i:03d}",
            full_name=f"测试员{i}",
            unit=org.units["county_a"],
            password=PASSWORD,
            phone="13700000000",
            audit=False,
        )
        services.role_grant(actor=None, user=u, role=role, unit=org.units["county_a"], audit=False)


@pytest.mark.parametrize("n", [5, 50])
def test_user_list_query_count_constant(login, org, n, django_assert_num_queries):
    _make_users(org, n)
    c = login(org.user("sysadmin"))
    with django_assert_num_queries(13):
        r = c.get(reverse("org:user_list"), {"q": "qc"})
    assert r.content.decode().count("测试员") == n


def test_sysadmin_resets_a_forgotten_password(login, org, client):
    target = org.users["county_a_clerk"]
    c = login(org.user("sysadmin"))
    assert c.get(reverse("org:user_password_reset", args=[target.pk])).status_code == 405
    r = c.post(reverse("org:user_password_reset", args=[target.pk]))
    html = r.content.decode()
    assert r.status_code == 200 and "密码已重置" in html
    password = unescape(re.search(r'<code class="fs-5 user-select-all">([^<]+)</code>', html).group(1))
    target.refresh_from_db()
    assert target.check_password(password) and target.must_change_password
    assert AuditEvent.objects.filter(action="auth.password_reset", object_id=str(target.pk)).exists()
    # the account must change it at the next sign-in
    c.logout()
    r = client.post(reverse("org:login"), {"username": "county_a_clerk", "password": password})
    assert r["Location"] == reverse("org:password_change")
    # the security officer cannot reset passwords; out of scope is 404
    c = login(org.user("secadmin"))
    assert c.post(reverse("org:user_password_reset", args=[target.pk])).status_code == 403


def test_password_reset_out_of_scope_404(login, org, city_b_admins):
    c = login(city_b_admins["city_b_sys"])
    target = org.users["county_a_clerk"]
    assert c.post(reverse("org:user_password_reset", args=[target.pk])).status_code == 404
