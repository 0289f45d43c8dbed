"""manage.py render_samples DIR: four valid .docx files from the current data, nothing written."""

import datetime as dt
import io
import re

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx.shared import Mm, Pt

from audit.models import AuditEvent
from core import clock
from core.gbt9704 import column_widths
from documents.models import IssuedDocument
from rectification import services as rsvc
from rectification.models import Problem, ProblemCategory, ProblemEvent
from supervision import services as ssvc

pytestmark = pytest.mark.django_db
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def some_data(org):
    sup = org.user("prov_supervisor")
    campaign = ssvc.campaign_create(
        actor=sup,
        org_unit=org.unit("province"),
        theme="医疗机构依法执业专项督查",
        kind="open",
        start_date=clock.today(),
        end_date=clock.today() + dt.timedelta(days=5),
        checklist=["执业资质", "病历管理"],
        target_pool=[org.unit("county_a"), org.unit("county_b")],
        inspector_pool=[org.user("city_a_supervisor"), sup],
    )
    ssvc.campaign_draw(actor=sup, campaign=campaign, target_count=1, inspectors_per_target=1, seed="s")
    target = campaign.targets.get()
    rec = ssvc.record_create(
        actor=sup,
        campaign=campaign,
        target=target,
        inspected_on=clock.today(),
        findings=[{"description": "运行病历未按时完成"}, {"description": "危急值登记不完整"}],
    )
    for f in rec.findings.all():
        rsvc.problem_from_finding(
            actor=sup,
            finding=f,
            category=ProblemCategory.objects.first(),
            deadline=clock.today() + dt.timedelta(days=3),
        )
    clock.travel(days=10)


def test_render_samples_writes_four_valid_documents(org, tmp_path):
    some_data(org)
    events = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("render_samples", str(tmp_path), stdout=out)
    names = sorted(p.name for p in tmp_path.iterdir())
    # the time of the data is printed in local time (it printed UTC, 8 hours early)
    from django.utils import timezone

    stamps = re.findall(r"数据截至(\d{4}-\d\d-\d\d \d\d:\d\d)", out.getvalue())
    assert len(stamps) == 4
    newest = timezone.localtime(max(e.at for e in ProblemEvent.objects.all()))
    assert f"{newest:%Y-%m-%d %H:%M}" in stamps
    assert names == sorted(["交办函.docx", "督办单.docx", "督查通报.docx", "整改情况报告.docx"])
    for name in names:
        d = docx.Document(str(tmp_path / name))
        sec = d.sections[0]
        assert abs(sec.page_width - Mm(210)) < Mm(0.1) and abs(sec.page_height - Mm(297)) < Mm(0.1)
        title = next(p for p in d.paragraphs if p.runs and p.runs[0].font.size == Pt(22))
        assert title.runs[0]._element.rPr.rFonts.get(f"{W}eastAsia") == "方正小标宋简体"
        # the issuer's mark comes first (in 信函格式 from a box anchored to the page)
        first_text = next(t.text for t in d.element.body.iter(f"{W}t") if t.text.strip())
        assert first_text.startswith("示范省卫生健康委员会")
    assert any(p.text.endswith("的督办单") for p in docx.Document(str(tmp_path / "督办单.docx")).paragraphs)
    # no database writes: no document, no audit line
    assert IssuedDocument.objects.count() == 0 and AuditEvent.objects.count() == events
    assert Problem.objects.count() == 2


def test_render_samples_needs_data(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("render_samples", str(tmp_path), stdout=io.StringIO())


def test_column_widths_fill_the_text_block_and_keep_dates_whole():
    rows = [
        ["序号", "问题", "整改时限"],
        ["1", "村卫生室药品管理不规范，部分药品超过有效期仍在架销售" * 2, "2026年10月25日"],
    ]
    widths = column_widths(rows)
    assert abs(sum(widths) - 156) < 0.01
    assert widths[2] > 38  # 2026年10月25日 on one line
    short = column_widths([["单位", "应整改"], ["甲市", "3"]])
    assert abs(sum(short) - 156) < 0.01
