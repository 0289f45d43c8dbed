"""登记问题 by hand and Excel import of problems (R-RCT-1): forms keep input on error; the import is
all or nothing with row-level Chinese errors."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audit.models import AuditEvent
from core import clock
from notifications.models import Message
from rectification.models import Problem
from rectification.tests.factories import category

pytestmark = pytest.mark.django_db

CREATE = reverse("rectification:problem_create")
IMPORT = reverse("rectification:problem_import")
TEMPLATE = reverse("rectification:problem_import_template")


def form_data(org, **over):
    data = {
        "found_by_unit": org.units["province"].pk,
        "org_unit": org.units["county_a"].pk,
        "source": "petition",
        "source_note": "信访件2026-031",
        "category": category().pk,
        "severity": "serious",
        "found_on": clock.today().isoformat(),
        "description": "群众反映乡镇卫生院夜间无人值班",
        "requirement": "建立夜间值班制度",
        "deadline": "2030-06-30",
    }
    data.update(over)
    return data


def test_create_by_hand_notifies_and_audits(org, login):
    client = login(org.user("prov_supervisor"))
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, form_data(org))
    p = Problem.objects.get()
    assert response.status_code == 302 and response["Location"] == p.get_absolute_url()
    assert p.source == "petition" and p.severity == "serious" and p.org_unit == org.units["county_a"]
    assert AuditEvent.objects.filter(action="rectification.problem.created", object_id=str(p.pk)).exists()
    assert Message.objects.filter(recipient__username="county_a_clerk", title__contains=p.code).exists()


def test_create_keeps_input_and_shows_chinese_errors_next_to_fields(org, login):
    client = login(org.user("prov_supervisor"))
    response = client.post(CREATE, form_data(org, deadline="2000-01-01", description="保留我写的描述"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "整改时限不能早于发现日期" in html and "保留我写的描述" in html
    response = client.post(CREATE, form_data(org, description="", source=""))
    html = response.content.decode()
    assert "请填写问题描述" in html and "请选择问题来源" in html
    assert not Problem.objects.exists()


def test_a_county_registers_for_itself_and_below_but_not_for_a_sibling(org, login):
    client = login(org.user("county_a_head"))
    data = form_data(org, found_by_unit=org.units["county_a"].pk, org_unit=org.units["inst_a"].pk)
    assert client.post(CREATE, data).status_code == 302
    response = client.post(CREATE, {**data, "org_unit": org.units["county_b"].pk})
    assert response.status_code == 200 and "整改单位须在您的管辖范围内" in response.content.decode()
    response = client.post(CREATE, {**data, "found_by_unit": org.units["province"].pk})
    assert "请选择您有权限的单位" in response.content.decode()
    assert Problem.objects.count() == 1


# --- import ------------------------------------------------------------------------------------------


def workbook(rows, header=None):
    wb = Workbook()
    ws = wb.active
    ws.append(
        header
        or [
            "整改单位编码*",
            "问题来源*",
            "来源说明",
            "问题类别*",
            "严重程度",
            "发现日期",
            "问题描述*",
            "整改要求",
            "整改时限*",
        ]
    )
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("问题.xlsx", buf.getvalue())


GOOD = [
    "SF-A-1",
    "审计",
    "审计报告第3号",
    "医疗质量",
    "较重",
    "2026-01-05",
    "药品采购未按规定公开",
    "立行立改",
    "2030-03-31",
]


def test_template_download_has_the_headers(org, login):
    response = login(org.user("prov_supervisor")).get(TEMPLATE)
    assert response.status_code == 200
    header = [c.value for c in load_workbook(io.BytesIO(response.content)).active[1]]
    assert header[0] == "整改单位编码*" and "问题描述*" in header and "整改时限*" in header


def test_import_creates_every_row(org, login):
    client = login(org.user("prov_supervisor"))
    rows = [GOOD, ["SF-B-3", "巡察", "", "安全生产", "", "", "消防通道堵塞", "", "2030-04-30"]]
    response = client.post(IMPORT, {"found_by_unit": org.units["province"].pk, "file": workbook(rows)})
    assert response.status_code == 302
    problems = list(Problem.objects.order_by("code"))
    assert [p.org_unit.code for p in problems] == ["SF-A-1", "SF-B-3"]
    assert problems[0].source == "audit" and problems[0].severity == "serious"
    assert problems[1].found_on == clock.today() and problems[1].severity == "general"
    event = AuditEvent.objects.get(action="rectification.problem.imported")
    assert event.changes["count"] == 2


def test_import_is_all_or_nothing_with_row_level_chinese_errors(org, login):
    client = login(org.user("prov_supervisor"))
    rows = [
        GOOD,
        ["NOPE", "审计", "", "医疗质量", "", "", "单位不存在", "", "2030-03-31"],
        ["SF-A-1", "小道消息", "", "没有的类别", "特别严重", "", "来源类别都不对", "", "2030-03-31"],
        ["SF-A-1", "审计", "", "医疗质量", "", "2026-05-01", "时限早于发现", "", "2026-04-01"],
        ["SF-A-1", "审计", "", "医疗质量", "", "", "", "", "明天"],
    ]
    response = client.post(IMPORT, {"found_by_unit": org.units["province"].pk, "file": workbook(rows)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "未导入任何问题" in html
    assert "第3行：整改单位编码“NOPE”不在您的数据范围内" in html
    assert "第4行：问题来源“小道消息”不正确" in html
    assert "第4行：问题类别“没有的类别”不存在" in html
    assert "第4行：严重程度“特别严重”不正确" in html
    assert "第5行：整改时限不能早于发现日期" in html
    assert "第6行：“问题描述”不能为空" in html
    assert not Problem.objects.exists()
    assert not AuditEvent.objects.filter(action="rectification.problem.created").exists()


def test_import_refuses_units_outside_the_scope_or_not_below_the_found_unit(org, login):
    client = login(org.user("city_a_supervisor"))
    rows = [["SF-B-3", "审计", "", "医疗质量", "", "", "乙市的单位", "", "2030-03-31"]]  # other city
    response = client.post(IMPORT, {"found_by_unit": org.units["city_a"].pk, "file": workbook(rows)})
    assert "第2行：整改单位编码“SF-B-3”不在您的数据范围内" in response.content.decode()
    assert not Problem.objects.exists()


def test_import_of_a_non_excel_file_says_so(org, login):
    client = login(org.user("prov_supervisor"))
    bad = SimpleUploadedFile("问题.xlsx", b"not a zip")
    response = client.post(IMPORT, {"found_by_unit": org.units["province"].pk, "file": bad})
    assert "请上传 .xlsx 格式的 Excel 文件" in response.content.decode()
