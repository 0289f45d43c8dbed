from django.contrib.auth.models import Permission

from org.roles import BUILTIN_ROLES


def test_every_builtin_permission_exists(db):
    existing = {
        f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")
    }
    missing = {p for rd in BUILTIN_ROLES for p in rd.permissions} - existing
    assert not missing, f"roles name permissions that do not exist: {sorted(missing)}"


def test_admin_roles_hold_no_business_permissions():
    business = ("tasks.", "reporting.", "rectification.", "supervision.", "documents.")
    for rd in BUILTIN_ROLES:
        if rd.admin_kind:
            assert not [p for p in rd.permissions if p.startswith(business) and "workday" not in p], rd.code


def test_only_auditor_reads_the_audit_log():
    readers = [rd.code for rd in BUILTIN_ROLES if "audit.view_auditevent" in rd.permissions]
    assert readers == ["auditor"]
