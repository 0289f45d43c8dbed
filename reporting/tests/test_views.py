"""Report form, approval, attachments and the late/burden pages: scope, pre-fill, file checks."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from core import clock
from core.testing import make_task
from files.models import Attachment
from reporting import services
from reporting.models import ProgressReport
from tasks import services as task_services
from tasks.models import Assignment, Indicator

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def png_bytes() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def report_url(a):
    return reverse("reporting:report_create", kwargs={"assignment_pk": a.pk})


def upload_url(a, purpose="evidence"):
    return reverse("reporting:attachment_upload", kwargs={"assignment_pk": a.pk}) + f"?purpose={purpose}"


# --- report form -----------------------------------------------------------------------------------


def test_report_form_prefills_from_last_report_and_shows_required_count(org, signed, login):
    Indicator.objects.create(task=signed.task, name="标准化率", unit_of_measure="%", target=95, current=60)
    services.report_submit(
        actor=org.user("county_a_clerk"),
        assignment=signed,
        progress=35,
        work_done="完成12个村卫生室改造",
        difficulties="资金未全部到位",
        next_steps="推进剩余8个",
    )
    c = login(org.user("county_a_clerk"))
    r = c.get(report_url(signed))
    assert r.status_code == 200
    form = r.context["form"]
    assert form.initial["progress"] == 35
    assert form.initial["work_done"] == "完成12个村卫生室改造"
    assert form.initial["difficulties"] == "资金未全部到位"
    assert form.initial["next_steps"] == "推进剩余8个"
    html = r.content.decode()
    assert "本表必填项：2项" in html
    assert "60" in html and "标准化率" in html  # indicator with its current value
    assert "报告期" in html and 'name="period_start"' not in html  # the period is computed, never asked


def test_report_submit_with_files_and_indicator(org, signed, login):
    ind = Indicator.objects.create(
        task=signed.task, name="标准化率", unit_of_measure="%", target=95, current=60
    )
    c = login(org.user("county_a_clerk"))
    r = c.post(
        report_url(signed),
        {
            "progress": "45",
            "work_done": "完成20个",
            f"indicator_{ind.pk}": "72.5",
            "files": [SimpleUploadedFile("进展照片.png", png_bytes()), SimpleUploadedFile("台账.pdf", PDF)],
        },
    )
    assert r.status_code == 302
    report = ProgressReport.objects.get(assignment=signed)
    assert report.progress == 45 and report.period_start == clock.today()
    assert report.attachments.count() == 2
    ind.refresh_from_db()
    assert float(ind.current) == 72.5
    signed.refresh_from_db()
    assert signed.progress == 45 and signed.status == "in_progress"


def test_report_form_errors_are_chinese_and_keep_input(org, signed, login):
    c = login(org.user("county_a_clerk"))
    r = c.post(report_url(signed), {"progress": "120", "work_done": "", "next_steps": "下周验收"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "进度不能大于100" in html and "请填写工作进展" in html
    assert "下周验收" in html


def test_report_scope_and_membership(org, signed, login, client):
    url = report_url(signed)
    assert client.get(url).status_code == 302 and "/login/" in client.get(url)["Location"]
    assert login(org.user("county_b_clerk")).get(url).status_code == 404
    assert login(org.user("county_c_clerk")).get(url).status_code == 404
    # prov_leader sees the task but is not a reporter: refused
    assert login(org.user("prov_leader")).get(url).status_code == 403
    r = login(org.user("prov_leader")).post(url, {"progress": "10", "work_done": "x"})
    assert r.status_code == 403 and not ProgressReport.objects.exists()


def test_taskforce_member_may_report_and_share_one_report(org, signed, login):
    other_task = make_task(org, title="家庭医生签约", lead="county_a", days=60)
    other = Assignment.objects.get(task=other_task)
    task_services.assignment_sign(actor=org.user("county_a_clerk"), assignment=other)
    member = org.user("county_c_clerk")  # another county, member of both 专班
    for t in (signed.task, other_task):
        task_services.taskforce_set(
            actor=org.user("prov_supervisor"), task=t, members=[member], leader=member
        )
    c = login(member)
    r = c.get(report_url(signed))
    assert r.status_code == 200
    assert "同时用于本专班的其他任务" in r.content.decode()
    r = c.post(report_url(signed), {"progress": "30", "work_done": "专班联合推进", "also": [other.pk]})
    assert r.status_code == 302
    assert ProgressReport.objects.filter(work_done="专班联合推进").count() == 2
    other.refresh_from_db()
    assert other.progress == 30


def test_report_approval_by_unit_head(org, signed, login):
    report = services.report_submit(
        actor=org.user("county_a_clerk"), assignment=signed, progress=10, work_done="x"
    )
    url = reverse("reporting:report_approve", args=[report.pk])
    assert login(org.user("county_b_head")).post(url).status_code == 404
    report.refresh_from_db()
    assert report.status == "submitted"
    assert login(org.user("county_a_head")).post(url).status_code == 302
    report.refresh_from_db()
    assert report.status == "approved" and report.approved_by.username == "county_a_head"


# --- attachments -------------------------------------------------------------------------------------


def test_upload_checks_type_by_content(org, signed, login):
    c = login(org.user("county_a_clerk"))
    r = c.post(
        upload_url(signed), {"purpose": "evidence", "files": [SimpleUploadedFile("验收报告.pdf", EXE)]}
    )
    assert r.status_code == 200 and "不支持的文件类型" in r.content.decode()
    assert not Attachment.objects.exists()

    r = c.post(
        upload_url(signed), {"purpose": "evidence", "files": [SimpleUploadedFile("说明.txt", png_bytes())]}
    )
    assert r.status_code == 302
    att = Attachment.objects.get()
    assert att.content_type == "image/png" and att.original_name == "说明.txt" and att.purpose == "evidence"


def test_upload_size_limit(org, signed, login, settings):
    settings.DUBAN_ATTACHMENT_MAX_BYTES = 1024 * 1024
    c = login(org.user("county_a_clerk"))
    big = PDF + b"0" * (1024 * 1024)
    r = c.post(upload_url(signed), {"purpose": "evidence", "files": [SimpleUploadedFile("大文件.pdf", big)]})
    assert r.status_code == 200 and "超过大小上限1MB" in r.content.decode()
    assert not Attachment.objects.exists()


def test_upload_scope(org, signed, login, client):
    url = upload_url(signed)
    assert "/login/" in client.get(url)["Location"]
    assert login(org.user("county_b_clerk")).get(url).status_code == 404
    r = login(org.user("county_b_clerk")).post(
        url, {"purpose": "evidence", "files": [SimpleUploadedFile("a.pdf", PDF)]}
    )
    assert r.status_code == 404 and not Attachment.objects.exists()


def _stored(org, a, name="整改说明（第一批）.pdf", data=PDF):
    return services.attachment_store(
        actor=org.user("county_a_clerk"),
        upload=SimpleUploadedFile(name, data),
        org_unit=a.unit,
        assignment=a,
        purpose="evidence",
    )


def test_download_headers_and_scope(org, signed, login, client):
    att = _stored(org, signed)
    url = reverse("files:attachment_download", args=[att.pk])
    assert "/login/" in client.get(url)["Location"]
    assert login(org.user("county_b_clerk")).get(url).status_code == 404
    assert login(org.user("county_c_clerk")).get(url).status_code == 404
    r = login(org.user("prov_supervisor")).get(url)
    assert r.status_code == 200
    assert r.content == PDF
    assert r["Content-Type"] == "application/pdf"
    assert r["X-Content-Type-Options"] == "nosniff"
    disposition = r["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E6%95%B4%E6%94%B9" in disposition
    assert AuditEvent.objects.filter(action="reporting.attachment.downloaded").count() == 1


def test_tampered_file_is_refused(org, signed, login, settings):
    from pathlib import Path

    att = _stored(org, signed)
    path = Path(settings.MEDIA_ROOT) / att.storage_name
    path.write_bytes(PDF.replace(b"1.4", b"1.7"))
    r = login(org.user("county_a_clerk")).get(reverse("files:attachment_download", args=[att.pk]))
    assert r.status_code == 409
    assert "SM3" in r.content.decode() and "Content-Disposition" not in r
    assert r["Content-Type"].startswith("text/html")


def test_orphan_sweep(org, signed, settings):
    import os
    import time
    from pathlib import Path

    from files.tasks import sweep_orphans

    att = _stored(org, signed)
    root = Path(settings.MEDIA_ROOT)
    orphan = root / "2020/01/deadbeef"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"x")
    fresh = root / "2020/01/fresh"
    fresh.write_bytes(b"y")
    old = time.time() - 3 * 86400
    os.utime(orphan, (old, old))
    os.utime(root / att.storage_name, (old, old))
    assert sweep_orphans() == 1
    assert not orphan.exists() and fresh.exists() and (root / att.storage_name).exists()


# --- late list and burden meter ------------------------------------------------------------------------


def _late_tasks(org, n, lead="county_a"):
    for i in range(n):
        task = make_task(org, title=f"任务{i}", lead=lead, days=90)
        a = Assignment.objects.get(task=task)
        task_services.assignment_sign(actor=org.user(f"{lead}_clerk"), assignment=a)


def test_late_list_scope(org, login, client):
    _late_tasks(org, 2, "county_a")
    _late_tasks(org, 1, "county_b")
    clock.travel(days=20)
    url = reverse("reporting:late_list")
    assert "/login/" in client.get(url)["Location"]
    r = login(org.user("county_b_clerk")).get(url)
    assert [u["unit_id"] for u in r.context["units"]] == [org.units["county_b"].pk]
    assert all(a.unit_id == org.units["county_b"].pk for a in r.context["assignments"])
    r = login(org.user("city_a_supervisor")).get(url)
    units = {u["unit_id"]: u for u in r.context["units"]}
    assert units[org.units["county_a"].pk]["assignments"] == 2
    assert units[org.units["county_a"].pk]["periods"] == 4  # 2 tasks × 2 missing weeks
    assert "甲一县卫健局" in r.content.decode()
    assert not login(org.user("county_c_clerk")).get(url).context["units"]


@pytest.mark.parametrize("rows", [5, 50])
def test_late_list_constant_queries(org, login, rows, django_assert_num_queries):
    _late_tasks(org, rows)
    clock.travel(days=20)
    c = login(org.user("prov_supervisor"))
    with django_assert_num_queries(12):
        r = c.get(reverse("reporting:late_list"))
    assert len(r.context["assignments"]) == rows


def test_burden_meter(org, login, client):
    _late_tasks(org, 3, "county_a")
    task = make_task(org, title="每日疫情报告", lead="county_a", days=30, cadence="daily")
    url = reverse("reporting:burden")
    assert "/login/" in client.get(url)["Location"]
    r = login(org.user("city_a_supervisor")).get(url)
    row = next(x for x in r.context["rows"] if x["unit_id"] == org.units["county_a"].pk)
    assert row["open_assignments"] == 4
    assert row["reports_per_week"] == 10.0  # 3 weekly + 1 daily
    assert row["fields_per_week"] == 20.0
    assert task.pk
    assert not any(
        x["unit_id"] == org.units["county_a"].pk
        for x in login(org.user("county_b_clerk")).get(url).context["rows"]
    )
