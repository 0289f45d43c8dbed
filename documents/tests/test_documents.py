import datetime as dt
import io

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from core import clock
from core.gbt9704 import chinese_date
from core.testing import PASSWORD
from documents import builders, services
from documents.models import IssuedDocument
from rectification import services as rsvc
from rectification.models import Problem, ProblemCategory

pytestmark = pytest.mark.django_db


def problems(org, n=3, unit="county_a"):
    made = []
    for i in range(n):
        made.append(
            rsvc.problem_create(
                actor=org.user("prov_supervisor"),
                org_unit=org.unit(unit),
                found_by_unit=org.unit("province"),
                source="supervision",
                description=f"第{i + 1}个问题：村卫生室药品管理不规范",
                category=ProblemCategory.objects.first(),
                deadline=clock.today() + dt.timedelta(days=10 + i),
                requirement="建立台账",
            ).pk
        )
    return Problem.objects.filter(pk__in=made)


def letter(org):
    qs = problems(org)
    draft = builders.assignment_letter(
        issuer=org.unit("province"), recipient=org.unit("county_a"), problems=qs
    )
    return services.document_draft(
        actor=org.user("prov_supervisor"),
        kind="letter",
        org_unit=org.unit("province"),
        draft=draft,
        recipient=org.unit("county_a"),
        problems=list(qs),
    )


def sign(org, doc, leader="prov_leader", drafter="prov_supervisor"):
    """送签 by the drafter, 签发 by the leader (the drafter never signs)."""
    services.document_submit(actor=org.user(drafter), document=doc)
    return services.document_issue(actor=org.user(leader), document=doc, password=PASSWORD)


def test_chinese_date_has_no_padding():
    assert chinese_date(dt.date(2026, 3, 5)) == "2026年3月5日"


def test_layout_read_back(org):
    doc = letter(org)
    data = services.document_bytes(actor=org.user("prov_supervisor"), document=doc)
    d = docx.Document(io.BytesIO(data))
    sec = d.sections[0]
    assert abs(sec.page_width - Mm(210)) < Mm(0.1) and abs(sec.page_height - Mm(297)) < Mm(0.1)
    assert abs(sec.left_margin - Mm(28)) < Mm(0.5)
    assert abs(sec.page_width - sec.left_margin - sec.right_margin - Mm(156)) < Mm(0.5)
    # the standard 版心 on every page, also in 信函格式 (whose mark stands above it, 30 mm from the top)
    assert abs(sec.top_margin - Mm(37)) < Mm(0.1)
    assert abs(sec.page_height - sec.top_margin - sec.bottom_margin - Mm(225)) < Mm(0.1)
    texts = [p.text for p in d.paragraphs]
    box = next(
        a
        for a in d.element.body.iter(qn("wp:anchor"))
        if a.find(qn("wp:docPr")).get("name") == "发文机关标志"
    )
    assert box.find(qn("wp:positionV")).get("relativeFrom") == "page"
    assert int(box.find(qn("wp:positionV")).find(qn("wp:posOffset")).text) == 30 * 36000
    mark = Paragraph(next(box.iter(qn("w:p"))), None)
    assert mark.text == "示范省卫生健康委员会"
    run = mark.runs[0]
    assert run.font.color.rgb is not None and str(run.font.color.rgb) == "E60012"
    assert (
        run._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "方正小标宋简体"
    )
    title = next(p for p in d.paragraphs if p.text.startswith("关于"))
    assert title.runs[0].font.size == Pt(22)
    assert "甲一县卫生健康局：" in texts
    h1 = next(p for p in d.paragraphs if p.text == "一、交办问题")
    assert (
        h1.runs[0]._element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "黑体"
    )
    body = next(p for p in d.paragraphs if p.text.startswith("现将你单位"))
    assert body.runs[0].font.size == Pt(16)
    assert chinese_date(clock.today()) in texts
    table = d.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "问题", "整改要求", "整改时限"]
    assert len(table.rows) == 4
    footer_xml = sec.footer._element.xml + sec.even_page_footer._element.xml
    assert "PAGE" in footer_xml and "— " in footer_xml


def test_regenerating_with_unchanged_data_is_identical_and_changes_show(org):
    qs = problems(org)
    a = builders.assignment_letter(issuer=org.unit("province"), recipient=org.unit("county_a"), problems=qs)
    b = builders.assignment_letter(issuer=org.unit("province"), recipient=org.unit("county_a"), problems=qs)
    assert a == b
    clock.travel(hours=1)
    p = qs.first()
    rsvc.problem_start(
        actor=org.user("county_a_head"), problem=p, measures="立即整改", responsible_person="孙"
    )
    c = builders.assignment_letter(issuer=org.unit("province"), recipient=org.unit("county_a"), problems=qs)
    assert c.data_as_of > a.data_as_of


def test_numbers_per_issuer_and_year_without_gaps_and_frozen(org):
    d1, d2 = letter(org), letter(org)
    services.document_submit(actor=org.user("prov_supervisor"), document=d1)
    with pytest.raises(PermissionDenied):
        services.document_issue(actor=org.user("prov_leader"), document=d1, password="wrong")
    with pytest.raises(PermissionDenied):  # the drafter (a 督查员) has no 签发 right
        services.document_issue(actor=org.user("prov_supervisor"), document=d1, password=PASSWORD)
    d1 = services.document_issue(actor=org.user("prov_leader"), document=d1, password=PASSWORD)
    d2 = sign(org, d2)
    y = clock.today().year
    assert (d1.doc_number, d2.doc_number) == (f"示卫督〔{y}〕1号", f"示卫督〔{y}〕2号")
    with pytest.raises(ValidationError):
        services.document_update(
            actor=org.user("prov_supervisor"), document=d1, title="改", addressee="x", body_text="正文"
        )
    first = services.document_bytes(actor=org.user("prov_supervisor"), document=d1)
    assert services.document_bytes(actor=org.user("prov_supervisor"), document=d1) == first
    assert d1.problems.first().events.filter(kind="letter").exists()


def test_tampered_issued_file_is_refused(org, settings):
    doc = sign(org, letter(org))
    path = settings.MEDIA_ROOT / "documents" / doc.storage_name
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(ValidationError, match="SM3"):
        services.document_bytes(actor=org.user("prov_supervisor"), document=doc)


def test_text_edit_keeps_tables_and_detects_headings(org):
    doc = letter(org)
    text = services.body_to_text(doc.body)
    assert "【表1】" in text
    new = text.replace("二、工作要求", "二、工作要求（修改）") + "\n（四）补充一条要求。\n请认真落实。"
    doc = services.document_update(
        actor=org.user("prov_supervisor"),
        document=doc,
        title=doc.title,
        addressee=doc.addressee,
        body_text=new,
        version=doc.version,
    )
    kinds = [k for k, _ in doc.body]
    assert (
        "table" in kinds
        and ["h1", "二、工作要求（修改）"] in doc.body
        and ["h2", "（四）补充一条要求。"] in doc.body
    )
    with pytest.raises(ValidationError):
        services.document_update(
            actor=org.user("prov_supervisor"),
            document=doc,
            title=doc.title,
            addressee=doc.addressee,
            body_text="【表9】",
        )


def test_bulletin_numbers_reconcile_with_statistics(org):
    from rectification.selectors import statistics
    from supervision.models import Campaign

    qs = problems(org, 2, "county_a") | problems(org, 1, "county_b")
    clock.travel(days=30)
    draft = builders.bulletin(
        issuer=org.unit("province"),
        problems=Problem.objects.all(),
        campaigns=Campaign.objects.all(),
        period_start=clock.today() - dt.timedelta(days=60),
        period_end=clock.today(),
    )
    _, total = statistics(qs, by="unit", today=clock.today())
    assert draft.params["totals"] == [
        total.total,
        total.done,
        total.in_progress,
        total.not_started,
        total.overdue,
    ]
    text = services.body_to_text(draft.body)
    assert f"需要整改{total.total}条" in text and "黑榜" in text
    assert IssuedDocument.objects.count() == 0


def test_data_time_in_the_file_is_local_time_and_the_core_dates_utc(org, settings):
    """数据截至 in the document properties is the reader's (local) time, as on the page; the core
    created/modified dates stay UTC as OOXML requires. It printed the UTC time (8 hours early)."""
    from django.utils import timezone

    settings.TIME_ZONE = "Asia/Shanghai"
    doc = letter(org)
    local = timezone.localtime(doc.data_as_of)
    assert local.utcoffset() == dt.timedelta(hours=8)
    data = services.document_bytes(actor=org.user("prov_supervisor"), document=doc)
    props = docx.Document(io.BytesIO(data)).core_properties
    assert props.comments == f"数据截至{local:%Y-%m-%d %H:%M:%S}"
    assert props.created == doc.data_as_of.astimezone(dt.UTC).replace(microsecond=0)
