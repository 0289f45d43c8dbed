import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Value

from core import clock, crypto, excel
from core.db import DaysBetween
from core.models import Sequence, next_in_sequence
from tasks.models import Task


def test_sm3_standard_vector():
    # GB/T 32905-2016 example 1
    assert crypto.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm4_roundtrip_and_tamper(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    token = crypto.sm4_encrypt("13812345678")
    assert "13812345678" not in token
    assert crypto.sm4_decrypt(token) == "13812345678"
    raw = bytearray(__import__("base64").b64decode(token))
    raw[14] ^= 1
    with pytest.raises(Exception):  # noqa: B017 — GCM tag failure (InvalidTag)
        crypto.sm4_decrypt(__import__("base64").b64encode(bytes(raw)).decode())


def test_mask_phone():
    assert crypto.mask_phone("13812341234") == "138****1234"


def test_clock_travel():
    before = clock.today()
    clock.travel(days=3)
    assert clock.today() == before + dt.timedelta(days=3)
    clock.reset()
    assert clock.today() == before


@pytest.mark.django_db
def test_days_between_in_database(org):
    from core.testing import make_task

    make_task(org, days=30)
    row = Task.objects.annotate(
        d=DaysBetween("due_date", "start_date"),
        e=DaysBetween(Value(dt.date(2026, 3, 1)), Value(dt.date(2026, 2, 1))),
    ).first()
    assert row.d == 30
    assert row.e == 28


@pytest.mark.django_db(transaction=True)
def test_sequence_has_no_gap_after_rollback():
    with transaction.atomic():
        assert next_in_sequence("t", 2026) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        next_in_sequence("t", 2026)
        raise RuntimeError
    with transaction.atomic():
        assert next_in_sequence("t", 2026) == 2
    assert Sequence.objects.get(name="t", year=2026).value == 2


def test_excel_formula_injection_escaped():
    assert excel.safe_cell("=1+1") == "'=1+1"
    assert excel.safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert excel.safe_cell("正常文本") == "正常文本"


def test_excel_roundtrip_and_errors():
    data = excel.build_workbook(
        title="测试",
        columns=[excel.Column("名称"), excel.Column("日期", date=True)],
        rows=[["甲", dt.date(2026, 3, 5)], ["=cmd", dt.date(2026, 3, 6)]],
    )
    rows = excel.read_sheet(SimpleUploadedFile("a.xlsx", data), required_headers=["名称", "日期"])
    assert [r.number for r in rows] == [2, 3]
    assert rows[0].values["名称"] == "甲"
    assert excel.as_date(rows[0].values["日期"]) == dt.date(2026, 3, 5)
    assert rows[1].values["名称"] == "'=cmd"
    with pytest.raises(ValidationError) as exc:
        excel.read_sheet(SimpleUploadedFile("a.xlsx", data), required_headers=["名称", "单位编码"])
    assert "缺少列：单位编码" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        excel.read_sheet(SimpleUploadedFile("a.xlsx", b"not a zip"), required_headers=["名称"])
    assert excel.as_date("2026年3月5日") == dt.date(2026, 3, 5)
    with pytest.raises(ValueError):
        excel.as_date("三月五日")


def test_client_ip_trusts_only_the_configured_proxies(rf, settings):
    from core.middleware import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.9", REMOTE_ADDR="127.0.0.1")
    settings.DUBAN_TRUSTED_PROXIES = 0
    assert client_ip(request) == "127.0.0.1"  # no proxy configured: the header is the client's word
    settings.DUBAN_TRUSTED_PROXIES = 1
    assert client_ip(request) == "10.0.0.9"  # the address our nginx saw, not the spoofable left part
