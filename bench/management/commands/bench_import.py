"""manage.py bench_import — time an account import (R-ORG-4) of 5,000 rows.

    manage.py bench_import               # 5,000 accounts, the production password hasher
    manage.py bench_import --rows 300 --bad-row 250

Runs in a new, throwaway test database (a file in a temporary directory on SQLite, the
test_<name> database on PostgreSQL), never the project's own: it is created and migrated,
the small fixed organisation of `core.testing` is built, and an .xlsx of N accounts is
imported through `org.imports.import_users` as the province 系统管理员 — the same code path
as the import page — with the password hasher the settings name (PBKDF2 unless changed).
With --bad-row the file carries one wrong row there: the time to refuse the whole file.
"""

import io
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment
from openpyxl import Workbook

from core.testing import build_org
from org import imports
from org.models import User

HEADER = ["账号*", "姓名*", "单位编码*", "角色编码", "手机号", "初始密码", "职务", "邮箱"]


def account_file(rows: int, bad_row: int | None) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for i in range(rows):
        phone = "12345" if bad_row is not None and i + 2 == bad_row else f"139{i:08d}"
        ws.append([f"bench{i:05d}", f"测试{i}", "SF-A-1", None, phone, None, "科员", None])
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("accounts.xlsx", buf.getvalue())


class Command(BaseCommand):
    help = "在临时测试数据库中计时导入5000个账号（使用配置中的正式密码算法）"

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=5000, help="账号行数（默认5000）")
        parser.add_argument("--bad-row", type=int, default=None, help="在第几行（表格行号）放一个错误")

    def handle(self, *args, rows, bad_row, **options):
        from django.contrib.auth.hashers import get_hasher

        tmp = tempfile.TemporaryDirectory()
        if connection.vendor == "sqlite":
            connection.settings_dict.setdefault("TEST", {})["NAME"] = str(Path(tmp.name) / "bench_import.db")
        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            self.stdout.write(f"密码算法：{get_hasher().algorithm}（{settings.PASSWORD_HASHERS[0]}）")
            self.measure(rows, bad_row)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()
            tmp.cleanup()

    def measure(self, rows: int, bad_row: int | None) -> None:
        org = build_org()
        upload = account_file(rows, bad_row)
        before = User.objects.count()
        start = time.perf_counter()
        try:
            result = imports.import_users(actor=org.user("sysadmin"), upload=upload)
            outcome = f"导入 {len(result)} 个账号"
        except ValidationError as exc:
            outcome = f"整份拒绝：{'；'.join(exc.messages[:3])}"
        seconds = time.perf_counter() - start
        created = User.objects.count() - before
        self.stdout.write(
            f"{connection.vendor}：{rows} 行，{outcome}，新增账号 {created} 个，耗时 {seconds:.1f} 秒"
        )
