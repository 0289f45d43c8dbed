"""Excel import of tasks: template, success as drafts, all-or-nothing with row-level Chinese errors."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audit.models import AuditEvent
from tasks.choices import TaskStatus
from tasks.models import Directive, Task
from tasks.services import directive_create

pytestmark = pytest.mark.django_db

URL = reverse("tasks:task_import")
HEADER = [
    "任务名称*",
    "类别*",
    "等级*",
    "牵头单位编码*",
    "配合单位编码",
    "开始日期*",
    "完成时限",
    "工作日数",
    "报告频次",
    "工作目标",
    "上级部署文号",
]


def xlsx(rows, header=HEADER, name="任务.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def row(
    title="疫苗接种率提升",
    category="公共卫生",
    level="重点",
    lead="SF-A-1",
    co="",
    start=None,
    due=None,
    **kw,
):
    start = start or dt.date(2026, 3, 2)
    return [
        title,
        category,
        level,
        lead,
        co,
        start,
        due if due is not None else dt.date(2026, 6, 30),
        kw.get("workdays"),
        kw.get("cadence", "每周"),
        kw.get("goals", ""),
        kw.get("doc", ""),
    ]


def post(client, org, upload, unit="province"):
    return client.post(URL, {"org_unit": org.units[unit].pk, "file": upload})


def test_template_download_has_the_columns(org, login):
    response = login(org.user("prov_supervisor")).get(reverse("tasks:task_import_template"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in ws[1]] == HEADER
    assert ws.freeze_panes == "A2"


def test_import_creates_drafts_with_all_fields(org, login):
    sup = org.user("prov_supervisor")
    directive_create(
        actor=sup,
        org_unit=org.units["province"],
        kind="document",
        title="关于做好2026年疫苗接种工作的通知",
        doc_number="示卫疾控〔2026〕5号",
        issuer="示范省卫生健康委员会",
        issued_on=dt.date(2026, 2, 1),
    )
    upload = xlsx(
        [
            row(co="SF-A-2、SF-B-3", goals="接种率≥95%", doc="示卫疾控〔2026〕5号"),
            row(title="家庭医生签约", level="一般", lead="SF-A-1-H", due="", workdays=10, cadence="每月"),
            row(title="文字日期", start="2026/3/5", due="2026年4月1日"),
        ]
    )
    response = post(login(sup), org, upload)
    assert response.status_code == 302, response.context["form"].errors
    tasks = list(Task.objects.order_by("id"))
    assert len(tasks) == 3
    first, second, third = tasks
    assert all(t.status == TaskStatus.DRAFT for t in tasks)
    assert not first.assignments.exists()
    assert first.org_unit == org.units["province"]
    assert first.level == "key" and first.category.name == "公共卫生"
    assert sorted(u.code for u in first.co_units.all()) == ["SF-A-2", "SF-B-3"]
    assert first.goals == "接种率≥95%"
    assert first.directive == Directive.objects.get()
    assert second.lead_unit == org.units["inst_a"] and second.cadence == "monthly"
    assert second.due_in_workdays == 10 and second.due_date > second.start_date
    assert third.start_date == dt.date(2026, 3, 5) and third.due_date == dt.date(2026, 4, 1)
    event = AuditEvent.objects.get(action="tasks.task.imported")
    assert event.changes["count"] == 3
    assert AuditEvent.objects.filter(action="tasks.task.created").count() == 3
    follow = login(sup).get(response["Location"])
    assert "已导入3项任务" in follow.content.decode()


def test_any_wrong_row_imports_nothing_and_names_every_row(org, login):
    before = Task.objects.count()
    upload = xlsx(
        [
            row(),  # row 2: fine
            row(category="不存在的类别"),  # row 3
            row(lead="SF-B-3"),  # row 4: other city, outside city_a's scope
            row(level="特急", due=""),  # row 5: two problems
            row(title="", start="2026-02-30"),  # row 6: empty title
            row(co="NOPE"),  # row 7: unknown co-unit
            row(start=dt.date(2026, 5, 1), due=dt.date(2026, 4, 1)),  # row 8
            row(workdays="三天", due=""),  # row 9
            row(doc="无此文号"),  # row 10
        ]
    )
    response = post(login(org.user("city_a_supervisor")), org, upload, unit="city_a")
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    html = response.content.decode()
    assert "未导入任何任务" in html
    assert Task.objects.count() == before
    assert any(e.startswith("第3行：类别“不存在的类别”不存在") for e in errors)
    assert "第4行：牵头单位编码“SF-B-3”不在您的数据范围内" in errors
    assert any(e.startswith("第5行：等级“特急”不正确") for e in errors)
    assert "第5行：请填写“完成时限”或“工作日数”" in errors
    assert "第6行：“任务名称”不能为空" in errors
    assert "第7行：配合单位编码“NOPE”不在您的数据范围内" in errors
    assert "第8行：完成时限不能早于开始日期" in errors
    assert "第9行：工作日数“三天”应为1至1000之间的整数" in errors
    assert "第10行：上级部署文号“无此文号”未登记或不在您的数据范围内" in errors
    assert not any(e.startswith("第2行") for e in errors)
    assert "第4行：牵头单位编码“SF-B-3”不在您的数据范围内" in html


def test_error_raised_while_creating_rolls_back_rows_already_created(org, login):
    """Rows 2 and 3 are created, row 4 fails inside task_create (its code is already taken by a
    task that came from elsewhere): the rows created before it are undone as well."""
    from tasks.tests.ledger_factories import bulk_tasks

    bulk_tasks(org, 1, code="DB-2026-0003", title="历史任务")
    response = post(login(org.user("prov_supervisor")), org, xlsx([row(), row(), row()]))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and errors[0].startswith("第4行："), errors
    assert list(Task.objects.values_list("code", flat=True)) == ["DB-2026-0003"]
    assert not AuditEvent.objects.filter(action__in=["tasks.task.created", "tasks.task.imported"]).exists()


def test_wrong_files_are_refused_in_chinese(org, login):
    client = login(org.user("prov_supervisor"))
    response = post(client, org, SimpleUploadedFile("a.xlsx", b"not a zip"))
    assert "请上传 .xlsx 格式的 Excel 文件" in response.content.decode()
    response = post(client, org, xlsx([["x"]], header=["任务名称", "类别"]))
    assert "缺少列" in response.content.decode()
    response = post(client, org, xlsx([]))
    assert "文件中没有任务数据" in response.content.decode()
    response = client.post(URL, {"org_unit": org.units["province"].pk})
    assert "请选择要导入的 Excel 文件" in response.content.decode()
    assert Task.objects.count() == 0


def test_import_needs_the_import_permission_and_a_unit_in_scope(org, client, login):
    assert client.get(URL).status_code == 302
    assert client.get(reverse("tasks:task_import_template")).status_code == 302
    assert login(org.user("county_a_clerk")).get(URL).status_code == 403
    assert login(org.user("county_a_clerk")).get(reverse("tasks:task_import_template")).status_code == 403
    city = login(org.user("city_a_supervisor"))
    page = city.get(URL)
    assert page.status_code == 200
    offered = [value for value, _ in page.context["form"].fields["org_unit"].choices]
    assert offered == [org.units["city_a"].pk]
    response = post(city, org, xlsx([row()]), unit="province")
    assert response.status_code == 200
    assert response.context["form"].errors["org_unit"]
    assert Task.objects.count() == 0
