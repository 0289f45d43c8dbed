"""Excel import of units and accounts (R-ORG-4): all-or-nothing, row-level Chinese errors."""

import io
import re
from html import unescape

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audit.models import AuditEvent
from core.testing import PASSWORD
from org import services
from org.models import Role, RoleAssignment, Unit, User

pytestmark = pytest.mark.django_db

UNIT_HEADER = ["单位编码*", "单位全称*", "简称", "层级类型*", "机构类别", "上级单位编码*", "排序", "发文代字"]
USER_HEADER = ["账号*", "姓名*", "单位编码*", "角色编码", "手机号", "初始密码", "职务", "邮箱"]


def xlsx(header, rows, name="import.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def counts():
    return (
        Unit.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
        AuditEvent.objects.count(),
    )


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting every password it hashes."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher


def test_templates_download(login, org):
    c = login(org.user("sysadmin"))
    for name, header in (
        ("org:unit_import_template", UNIT_HEADER),
        ("org:user_import_template", USER_HEADER),
    ):
        r = c.get(reverse(name))
        assert r.status_code == 200
        assert r["Content-Type"].startswith("application/vnd.openxmlformats")
        wb = load_workbook(io.BytesIO(r.content))
        assert [c.value for c in wb.worksheets[0][1]] == header
        assert wb.worksheets[0].freeze_panes == "A2"
        assert wb.sheetnames[1] == "填写说明"


def test_import_units_parent_on_earlier_row(login, org):
    c = login(org.user("sysadmin"))
    upload = xlsx(
        UNIT_HEADER,
        [
            ["SF-A-3", "甲三县卫生健康局", "甲三县卫健局", "县", None, "SF-A", 3, None],
            ["SF-A-3-H", "甲三县人民医院", None, "机构", "医院", "SF-A-3", None, None],
            ["SF-A-3-YZ", "甲三县卫健局医政股", None, "科室", None, "SF-A-3", None, None],
            [1001, "数字编码的卫生院", None, "institution", "township", "SF-A-3", None, None],
        ],
    )
    r = c.post(reverse("org:unit_import"), {"file": upload})
    assert r.status_code == 302 and r["Location"] == reverse("org:unit_list")
    county = Unit.objects.get(code="SF-A-3")
    hospital = Unit.objects.get(code="SF-A-3-H")
    assert county.parent == org.units["city_a"] and hospital.parent == county
    assert hospital.path.startswith(county.path) and hospital.depth == county.depth + 1
    assert hospital.institution_type == "hospital"
    assert Unit.objects.get(code="SF-A-3-YZ").kind == "department"
    assert Unit.objects.get(code="1001").parent == county
    assert AuditEvent.objects.filter(action="org.unit.created").count() >= 4
    assert AuditEvent.objects.get(action="org.unit.imported").changes["count"] == 4


def test_import_units_errors_write_nothing(login, org):
    c = login(org.user("sysadmin"))
    before = counts()
    upload = xlsx(
        UNIT_HEADER,
        [
            ["SF-A-4", "甲四县卫生健康局", None, "县", None, "SF-A", None, None],  # row 2: fine
            ["SF-A-5", "甲五县卫生健康局", None, "县", None, "X", None, None],  # row 3: unknown parent
            ["SF-A-6", "甲六县卫生健康局", None, "乡", None, "SF-A", None, None],  # row 4: bad kind
            ["SF-A-1", "重复的县", None, "县", None, "SF-A", None, None],  # row 5: code exists
            [
                "SF-A-7-H",
                "先出现的医院",
                None,
                "机构",
                None,
                "SF-A-7",
                None,
                None,
            ],  # row 6: parent comes later
            ["SF-A-7", "甲七县卫生健康局", None, "县", None, "SF-A", "abc", None],  # row 7: bad sort
            ["SF-A-4", "又一个甲四县", None, "县", None, "SF-A", None, None],  # row 8: duplicate in file
            [None, "没有编码的单位", None, "县", None, "SF-A", None, None],  # row 9: missing code
            ["SF-A-5-H", "甲五县医院", None, "机构", None, "SF-A-5", None, None],  # row 10: parent row failed
        ],
    )
    r = c.post(reverse("org:unit_import"), {"file": upload})
    html = unescape(r.content.decode())
    assert r.status_code == 200
    assert "导入失败，未写入任何数据" in html
    assert "第3行：上级单位编码“X”不存在" in html
    assert "第4行：层级类型“乡”无效" in html
    assert "第5行：单位编码“SF-A-1”已存在" in html
    assert "第6行：上级单位编码“SF-A-7”不存在" in html
    assert "第7行：排序“abc”应为整数" in html
    assert "第8行：单位编码“SF-A-4”在文件中重复" in html
    assert "第9行：单位编码不能为空" in html
    assert "第10行：上级单位编码“SF-A-5”所在行有错误" in html
    assert "第2行" not in html
    # errors are listed in row order
    rows = [int(n) for n in re.findall(r"第(\d+)行：", html)]
    assert rows == sorted(rows)
    assert counts() == before
    assert not Unit.objects.filter(code="SF-A-4").exists()


def test_import_units_scope_checked(login, org, city_b_admins):
    c = login(city_b_admins["city_b_sys"])
    before = counts()
    upload = xlsx(
        UNIT_HEADER,
        [
            ["SF-B-4", "乙四县卫生健康局", None, "县", None, "SF-B", None, None],
            ["SF-A-9", "越权的县", None, "县", None, "SF-A", None, None],
        ],
    )
    r = c.post(reverse("org:unit_import"), {"file": upload})
    html = unescape(r.content.decode())
    assert "第3行：您无权在该单位下新建单位" in html
    assert counts() == before


def test_import_rejects_non_excel_and_wrong_headers(login, org):
    c = login(org.user("sysadmin"))
    r = c.post(reverse("org:unit_import"), {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert "请上传 .xlsx 格式的 Excel 文件" in r.content.decode()
    r = c.post(reverse("org:unit_import"), {"file": xlsx(["名称"], [["x"]])})
    assert "缺少列：单位编码、单位全称、层级类型、上级单位编码" in unescape(r.content.decode())
    r = c.post(reverse("org:unit_import"), {"file": xlsx(UNIT_HEADER, [])})
    assert "文件中没有数据行" in r.content.decode()


def test_import_users_generated_and_given_passwords(login, org):
    c = login(org.user("sysadmin"))
    upload = xlsx(
        USER_HEADER,
        [
            ["zhao1", "赵一", "SF-A-1", None, 13912345678, None, "科员", None],
            ["qian2", "钱二", "SF-A-1-H", None, None, "Qian#2026go", None, "qian2@example.cn"],
        ],
    )
    r = c.post(reverse("org:user_import"), {"file": upload})
    html = r.content.decode()
    assert r.status_code == 200 and "账号导入完成：共 2 个" in html
    zhao = User.objects.get(username="zhao1")
    assert zhao.unit == org.units["county_a"] and zhao.phone == "13912345678" and zhao.must_change_password
    generated = unescape(re.search(r"<td>zhao1</td>.*?<code>([^<]+)</code>", html, re.S).group(1))
    assert zhao.check_password(generated)
    assert User.objects.get(username="qian2").check_password("Qian#2026go")
    assert "Qian#2026go" not in html  # a password from the file is not echoed
    assert AuditEvent.objects.get(action="org.user.imported").changes["count"] == 2


def test_import_users_errors_write_nothing(login, org, counting_hasher):
    c = login(org.user("sysadmin"))
    before = counts()
    upload = xlsx(
        USER_HEADER,
        [
            ["ok1", "正常", "SF-A-1", None, None, None, None, None],  # row 2
            ["COUNTY_A_CLERK", "重名", "SF-A-1", None, None, None, None, None],  # row 3
            ["ok2", "单位不存在", "NOPE", None, None, None, None, None],  # row 4
            ["ok3", "坏手机号", "SF-A-1", None, "12345", None, None, None],  # row 5
            ["ok4", "弱密码", "SF-A-1", None, None, "abc", None, None],  # row 6
            ["OK1", "文件内重复", "SF-A-1", None, None, None, None, None],  # row 7
            ["ok5", None, "SF-A-1", None, None, None, None, None],  # row 8
            ["ok6", "未知角色", "SF-A-1", "boss", None, None, None, None],  # row 9
        ],
    )
    r = c.post(reverse("org:user_import"), {"file": upload})
    html = unescape(r.content.decode())
    assert "第3行：账号“COUNTY_A_CLERK”已存在" in html
    assert "第4行：单位编码“NOPE”不存在" in html
    assert "第5行：手机号：手机号格式不正确" in html
    assert "第6行：初始密码：密码长度不能少于8位" in html
    assert "第7行：账号“OK1”在文件中重复" in html
    assert "第8行：姓名不能为空" in html
    assert "第9行：角色编码“boss”不存在" in html
    assert counts() == before
    assert counting_hasher.calls == 0  # not even row 2, which was right


def test_import_users_roles_need_grant_permission(login, org):
    """三权分立: 系统管理员 creates accounts but cannot grant roles, not even through a file."""
    c = login(org.user("sysadmin"))
    before = counts()
    r = c.post(
        reverse("org:user_import"),
        {"file": xlsx(USER_HEADER, [["sun7", "孙七", "SF-A-1", "clerk", None, None, None, None]])},
    )
    assert "第2行：您没有授予角色的权限（三权分立" in unescape(r.content.decode())
    assert counts() == before


def test_import_users_with_roles_granted_with_subtree_scope(login, org):
    role = Role.objects.create(code="onboarding", name="开通专员")
    role.permissions.set(
        Permission.objects.filter(codename__in=["add_user", "import_user", "grant_role", "view_user"])
    )
    actor = services.user_create(
        actor=None,
        username="onboard",
        full_name="开通员",
        unit=org.units["city_a"],
        password=PASSWORD,
        must_change_password=False,
    )
    services.role_grant(actor=None, user=actor, role=role, unit=org.units["city_a"])
    c = login(actor)
    r = c.post(
        reverse("org:user_import"),
        {"file": xlsx(USER_HEADER, [["sun7", "孙七", "SF-A-1", "clerk、unit_head", None, None, None, None]])},
    )
    assert "账号导入完成：共 1 个" in r.content.decode()
    ras = RoleAssignment.objects.filter(user__username="sun7").select_related("role", "unit")
    assert {ra.role.code for ra in ras} == {"clerk", "unit_head"}
    assert all(ra.include_descendants and ra.unit == org.units["county_a"] for ra in ras)
    # and out of its scope: nothing
    before = counts()
    r = c.post(
        reverse("org:user_import"),
        {"file": xlsx(USER_HEADER, [["zhou8", "周八", "SF-B-3", None, None, None, None, None]])},
    )
    assert "第2行：您无权在该单位下新建账号" in unescape(r.content.decode())
    assert counts() == before


def test_import_permissions(login, org):
    for name in ("secadmin", "county_a_head"):
        c = login(org.user(name))
        assert c.get(reverse("org:unit_import")).status_code == 403
        assert c.post(reverse("org:user_import"), {}).status_code == 403


def _account_rows(n, unit_code="SF-A-1"):
    return [[f"bulk{i:04d}", f"批量{i}", unit_code, None, None, None, None, None] for i in range(n)]


def test_import_300_accounts_one_bad_row_writes_and_hashes_nothing(login, org, counting_hasher):
    """A bad row late in a long file: nothing created, that row named, not one password hashed."""
    c = login(org.user("sysadmin"))
    before = counts()
    rows = _account_rows(300)
    rows[287][4] = "12345"  # spreadsheet row 289: a phone number that is no phone number
    r = c.post(reverse("org:user_import"), {"file": xlsx(USER_HEADER, rows)})
    html = unescape(r.content.decode())
    assert r.status_code == 200 and "导入失败，未写入任何数据" in html
    assert re.findall(r"第(\d+)行：", html) == ["289"]
    assert "第289行：手机号：手机号格式不正确" in html
    assert counts() == before
    assert counting_hasher.calls == 0


def test_import_checks_every_row_before_writing(login, org, counting_hasher):
    """Scope, 三权分立 and the password policy are found for every row at once, nothing written."""
    role = Role.objects.create(code="onboarding2", name="开通专员")
    role.permissions.set(
        Permission.objects.filter(codename__in=["add_user", "import_user", "grant_role", "view_user"])
    )
    actor = services.user_create(
        actor=None, username="onboard2", full_name="开通员", unit=org.units["city_a"], password=PASSWORD
    )
    services.role_grant(actor=None, user=actor, role=role, unit=org.units["city_a"])
    admin_code = Role.objects.exclude(admin_kind="").values_list("code", flat=True).first()
    c = login(actor)
    before = counts()
    counting_hasher.calls = 0
    rows = [
        ["good1", "正常", "SF-A-1", "clerk", None, "Good#2026ok", None, None],  # row 2
        ["far1", "越权", "SF-B-3", None, None, None, None, None],  # row 3
        ["mix1", "兼任", "SF-A-1", f"clerk、{admin_code}", None, None, None, None],  # row 4
        ["weak1", "弱密码", "SF-A-1", None, None, "weak1weak1", None, None],  # row 5
        ["mail1", "坏邮箱", "SF-A-1", None, None, None, None, "not-an-email"],  # row 6
    ]
    r = c.post(reverse("org:user_import"), {"file": xlsx(USER_HEADER, rows)})
    html = unescape(r.content.decode())
    assert "第3行：您无权在该单位下新建账号" in html
    assert "第4行：三员账号不能兼任业务角色" in html
    assert "第5行：初始密码：" in html and "第6行：邮箱：" in html
    assert "第2行" not in html
    assert counts() == before and counting_hasher.calls == 0


def test_import_5000_accounts(login, org, counting_hasher):
    """The largest file allowed imports whole; the accounts left without a password in the file
    get a generated password each, to be changed at first login; a given one is kept."""
    c = login(org.user("sysadmin"))
    rows = _account_rows(5000)
    rows[0][5] = "Own#2026pass"
    r = c.post(reverse("org:user_import"), {"file": xlsx(USER_HEADER, rows)})
    html = r.content.decode()
    assert r.status_code == 200 and "账号导入完成：共 5000 个" in html
    assert User.objects.filter(username__startswith="bulk").count() == 5000
    assert counting_hasher.calls == 5000  # the given password and 4,999 generated ones
    first, last = User.objects.get(username="bulk0000"), User.objects.get(username="bulk4999")
    shown = [unescape(c) for c in re.findall(r"<code>([^<]+)</code>", html)]
    assert len(shown) == 4999 and len(set(shown)) == 4999  # nobody can sign in as a colleague
    assert first.check_password("Own#2026pass") and last.must_change_password
    generated = unescape(re.search(r"<td>bulk4999</td>.*?<code>([^<]+)</code>", html, re.S).group(1))
    assert last.check_password(generated) and last.unit == org.units["county_a"]
    assert AuditEvent.objects.filter(action="org.user.created").count() >= 5000
    assert AuditEvent.objects.get(action="org.user.imported").changes["count"] == 5000
    # the import page logs in: the imported account must change its password first
    r = c.post(reverse("org:logout"))
    r = c.post(reverse("org:login"), {"username": "bulk4999", "password": generated})
    assert r.status_code == 302 and r["Location"] == reverse("org:password_change")


def test_generated_initial_passwords_use_the_initial_hasher_where_configured(settings, org):
    """Production lists InitialPasswordHasher: a generated password is hashed with it, verifies,
    and a login re-hashes it with the default hasher (then the forced change replaces it)."""
    from org.passwords import InitialPasswordHasher, hash_initial_password

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "org.passwords.InitialPasswordHasher",
    ]
    encoded = hash_initial_password("Xy3#abcdefgh")
    assert encoded.startswith(f"{InitialPasswordHasher.algorithm}$10000$")
    user = org.user("sysadmin")
    user.password = encoded
    assert user.check_password("Xy3#abcdefgh") and user.password.startswith("pbkdf2_sha256$")
