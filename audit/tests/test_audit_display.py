"""The audit log in the model's words (issue 8, item 10): labels are the verbose names of the
entry's model, values what the pages show — for every caller of audit.record()."""

import ast
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db.models import Field
from django.urls import reverse

from audit import display
from audit.models import AuditEvent
from core import clock
from core.testing import make_task
from tasks import services as task_services

pytestmark = pytest.mark.django_db

LIST = reverse("audit:event_list")
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_task_edits_read_in_the_models_words(login, org):
    task = make_task(org, title="旧任务名", level="general", assign=False, co_units=["county_b"])
    task_services.task_update(
        actor=org.user("prov_supervisor"),
        task=task,
        data={
            "title": "家庭医生签约扩面",
            "level": "major",
            "lead_unit": org.units["county_c"],
            "co_units": [],
        },
    )
    child = task_services.task_create(
        actor=org.user("prov_supervisor"),
        org_unit=org.units["province"],
        title="子任务甲",
        category=task.category,
        lead_unit=org.units["county_c"],
        start_date=task.start_date,
        due_date=task.due_date,
        parent=task,
    )
    html = login(org.user("auditor")).get(LIST, {"action": "tasks.task.updated"}).content.decode()
    assert "<strong>任务名称</strong>：<del>旧任务名</del> → <ins>家庭医生签约扩面</ins>" in html
    assert "<strong>等级</strong>：<del>一般</del> → <ins>重大</ins>" in html
    assert "<strong>牵头单位</strong>：<del>甲一县卫生健康局</del> → <ins>乙三县卫生健康局</ins>" in html
    assert "<strong>配合单位</strong>：<del>甲二县卫生健康局</del> → <ins>（空）</ins>" in html
    html = login(org.user("auditor")).get(LIST, {"action": "tasks.task.created"}).content.decode()
    assert "<strong>等级</strong>：一般" in html and "<strong>任务名称</strong>：子任务甲" in html
    assert f"<strong>上级任务</strong>：{task}" in html and "子任务甲" in html
    assert "任务 #" in html and "tasks.task#" not in html
    for raw in ("lead_unit", "co_units", ">level<", "major", "general", "职务", "上级单位", "<strong>title"):
        assert raw not in html.split("<tbody>")[1], raw
    # the action reads in words; its code is no text a user sees (only a title and option values)
    import re

    text = re.sub(r"<[^>]+>", " ", html)
    assert "新建任务" in text and "tasks.task.created" not in text
    assert child.pk


def test_an_exports_filter_reads_in_words(login, org):
    from tasks.exports import task_export
    from tasks.models import Task

    lead = org.units["county_a"]
    query = f"level=major&light=red&lead_unit={lead.pk}&q=%E5%8C%BB"
    task_export(
        actor=org.user("prov_supervisor"), queryset=Task.objects.none(), today=clock.today(), query=query
    )
    html = login(org.user("auditor")).get(LIST, {"action": "tasks.task.exported"}).content.decode()
    assert (
        f"<strong>筛选条件</strong>：等级：重大；预警灯：红；牵头单位：{lead.display_name}；关键词：医"
        in html
    )
    assert "<strong>行数</strong>：0" in html


def test_every_entry_of_the_demo_reads_in_words(settings, tmp_path):
    """The demo runs (nearly) every service: each label of its whole audit log is Chinese and
    every value of a field with choices is one of its labels (no codes, no ids)."""
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_demo", "--small", stdout=io.StringIO())
    events = list(AuditEvent.objects.all())
    display.annotate(events)
    seen = set()
    for ev in events:
        entry = display._Entry(ev, display.Names())
        keys = list(ev.changes) if isinstance(ev.changes, dict) else []
        for key, (label, before, after, _diff) in zip(keys, ev.change_rows, strict=True):
            assert CJK.search(label), (ev.action, key, label)
            field = display._field(entry.models, key)
            choices = {str(text) for _code, text in getattr(field, "flatchoices", None) or ()}
            if choices and not isinstance(ev.changes[key], (list, dict)):
                assert {before, after} - {""} <= choices, (ev.action, key, before, after)
            seen.add(ev.action)
    assert {"tasks.task.created", "tasks.task.reviewed", "supervision.campaign.drawn"} <= seen
    drawn = next(ev for ev in events if ev.action == "supervision.campaign.drawn")
    shown = dict((label, after) for label, _b, after, _d in drawn.change_rows)
    assert "卫生院" in shown["检查对象库"] and not re.search(r"(^|、)\d+(、|$)", shown["检查对象库"])


def _record_calls():
    """(file, action, key) for every literal key of `changes={…}` in a record() call."""
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "record"):
                continue
            kw = {k.arg: k.value for k in node.keywords}
            action = getattr(kw.get("action"), "value", "")
            if isinstance(kw.get("changes"), ast.Dict):
                for key in kw["changes"].keys:
                    if isinstance(key, ast.Constant):
                        yield path.name, action, key.value


def test_every_key_a_caller_records_has_a_chinese_label():
    """A new caller cannot add a raw key: it must be a field (with a verbose name) of some model,
    or be named in audit.display."""
    named_fields = {
        f.name
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, Field) and display._has_own_name(f) and CJK.search(str(f.verbose_name))
    }
    calls = list(_record_calls())
    assert len(calls) > 50
    missing = [
        (file, action, key)
        for file, action, key in calls
        if key not in display.EXTRA_LABELS
        and key not in named_fields
        and (action, key) not in display.ACTION_LABELS
    ]
    assert not missing
