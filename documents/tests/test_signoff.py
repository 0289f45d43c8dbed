"""签发: 送签 → 退回 / 签发; the drafter never signs; the 督办单 of a red assignment."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import clock
from core.testing import PASSWORD, make_task
from documents import services
from documents.models import DocumentEvent, DocumentKind, IssuedDocument
from documents.signals import document_issued
from documents.tests.test_documents import letter
from notifications.models import Message

pytestmark = pytest.mark.django_db


def test_submit_return_sign(org):
    doc = letter(org)
    sup, leader = org.user("prov_supervisor"), org.user("prov_leader")
    with pytest.raises(ValidationError):  # only a submitted document is signed
        services.document_issue(actor=leader, document=doc, password=PASSWORD)
    services.document_submit(actor=sup, document=doc, signer=leader)
    doc.refresh_from_db()
    assert doc.status == IssuedDocument.Status.SUBMITTED and doc.signer == leader
    assert Message.objects.filter(recipient=leader, kind=Message.Kind.SIGNOFF).count() == 1
    with pytest.raises(ValidationError):  # the text is locked while 待签发
        services.document_update(actor=sup, document=doc, title="x", addressee="y", body_text="z")
    with pytest.raises(ValidationError):
        services.document_return(actor=leader, document=doc, comment=" ")
    services.document_return(actor=leader, document=doc, comment="请补充整改时限")
    doc.refresh_from_db()
    assert doc.status == IssuedDocument.Status.DRAFT and doc.number is None
    assert Message.objects.filter(recipient=sup, kind=Message.Kind.SIGNOFF).count() == 1
    services.document_submit(actor=sup, document=doc)  # to any leader of the issuer
    received = []

    def listener(sender, document, **kw):
        received.append(document.pk)

    document_issued.connect(listener, weak=False)
    try:
        doc = services.document_issue(actor=leader, document=doc, password=PASSWORD)
    finally:
        document_issued.disconnect(listener)  # the other receivers (the ladder's) stay connected
    assert received == [doc.pk]
    assert doc.status == IssuedDocument.Status.ISSUED and doc.issued_by == leader and doc.doc_number
    kinds = list(doc.events.values_list("kind", "note"))
    assert [k for k, _ in kinds] == ["drafted", "submitted", "returned", "submitted", "issued"]
    assert ("returned", "请补充整改时限") in kinds


def test_drafter_never_signs_own_document(org, login):
    """Even holding the 签发 right, the drafter cannot sign (nor be chosen as signer)."""
    leader = org.user("prov_leader")
    from org import services as org_services
    from org.models import Role

    org_services.role_grant(
        actor=None,
        user=leader,
        role=Role.objects.get(code="supervisor"),
        unit=org.unit("province"),
        include_descendants=True,
    )
    leader = org.user("prov_leader")
    doc = letter(org)
    IssuedDocument.objects.filter(pk=doc.pk).update(created_by=leader)
    doc.refresh_from_db()
    with pytest.raises(ValidationError):
        services.document_submit(actor=org.user("prov_supervisor"), document=doc, signer=leader)
    with pytest.raises(ValidationError):  # no other leader at the province
        services.document_submit(actor=leader, document=doc)
    IssuedDocument.objects.filter(pk=doc.pk).update(status="submitted")
    with pytest.raises(PermissionDenied, match="起草人不能签发"):
        services.document_issue(actor=leader, document=doc, password=PASSWORD)
    with pytest.raises(PermissionDenied):
        services.document_return(actor=leader, document=doc, comment="退回")
    # the page offers no 签发 to the drafter, and says why
    html = login(org.user("prov_leader")).get(doc.get_absolute_url()).content.decode()
    assert 'id="issue"' not in html and 'id="own-draft"' in html


def test_named_signer_only(org):
    doc = letter(org)
    services.document_submit(actor=org.user("prov_supervisor"), document=doc, signer=org.user("prov_leader"))
    with pytest.raises(PermissionDenied):  # the supervisor has no 签发 right
        services.document_issue(actor=org.user("prov_supervisor"), document=doc, password=PASSWORD)
    with pytest.raises(PermissionDenied):  # a city leader does not sign for the province
        services.document_issue(actor=org.user("city_a_leader"), document=doc, password=PASSWORD)
    with pytest.raises(ValidationError):  # a city leader is not a signer of the province
        services.document_withdraw(actor=org.user("prov_supervisor"), document=doc)
        services.document_submit(
            actor=org.user("prov_supervisor"), document=doc, signer=org.user("city_a_leader")
        )


def test_order_for_red_assignment(org):
    task = make_task(org, days=10)
    assignment = task.assignments.get()
    with pytest.raises(ValidationError, match="不是红灯"):
        services.order_for_assignment(assignment=assignment)
    clock.travel(days=13)
    doc = services.order_for_assignment(assignment=assignment)
    assert doc.created_by is None and doc.drafter_name.startswith("系统")
    assert doc.kind == DocumentKind.SUPERVISION_ORDER and doc.status == IssuedDocument.Status.SUBMITTED
    assert doc.org_unit == assignment.org_unit and list(doc.assignments.all()) == [assignment]
    assert "逾期3天" in str(doc.body) and "限5个工作日内报送整改落实情况" in str(doc.body)
    assert Message.objects.filter(recipient=org.user("prov_leader"), kind=Message.Kind.SIGNOFF).exists()
    with pytest.raises(ValidationError, match="不能重复督办"):
        services.order_for_assignment(assignment=assignment)
    doc = services.document_issue(actor=org.user("prov_leader"), document=doc, password=PASSWORD)
    assert doc.events.filter(kind=DocumentEvent.Kind.ISSUED).exists()
    with pytest.raises(ValidationError, match="不能重复督办"):
        services.order_for_assignment(assignment=assignment, actor=org.user("prov_supervisor"))
    # a new red spell (the due date moved, e.g. after an extension) may get its own 督办单
    type(assignment).objects.filter(pk=assignment.pk).update(due_date=clock.today() - dt.timedelta(days=1))
    again = services.order_for_assignment(assignment=assignment, actor=org.user("prov_supervisor"))
    assert again.created_by == org.user("prov_supervisor")


def _report(org):
    from documents import builders
    from documents.tests.test_documents import problems

    draft = builders.rectification_report(
        issuer=org.unit("province"), problems=problems(org), subject="全省问题", addressee="国家卫生健康委"
    )
    return services.document_draft(
        actor=org.user("prov_supervisor"),
        kind=DocumentKind.RECTIFICATION_REPORT,
        org_unit=org.unit("province"),
        draft=draft,
    )


def _number_paragraph(data: bytes, doc_number: str):
    import io

    import docx

    d = docx.Document(io.BytesIO(data))
    return next(p for p in d.paragraphs if p.text.startswith(doc_number))


def test_upward_report_carries_the_signer_in_the_header(org):
    """上行文 (整改情况报告 to the superior): 发文字号 left, 签发人 right on the same line (GB/T 9704
    7.2.4): label 仿宋, name 楷体; a 下行文 (交办函) has no 签发人."""
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.oxml.ns import qn

    doc = _report(org)
    services.document_submit(actor=org.user("prov_supervisor"), document=doc, signer=org.user("prov_leader"))
    doc = services.document_issue(actor=org.user("prov_leader"), document=doc, password=PASSWORD)
    data = services.document_bytes(actor=org.user("prov_leader"), document=doc)
    para = _number_paragraph(data, doc.doc_number)
    assert para.text == f"{doc.doc_number}\t签发人：陈主任"
    fonts = {r.text: r._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in para.runs}
    assert fonts["\t签发人："].startswith("仿宋") and fonts["陈主任"].startswith("楷体")
    assert para.alignment is not None and para.alignment.name == "LEFT"
    stops = list(para.paragraph_format.tab_stops)
    assert [s.alignment for s in stops] == [WD_TAB_ALIGNMENT.RIGHT]
    assert doc.issued_by == org.user("prov_leader")

    letter_doc = letter(org)
    services.document_submit(actor=org.user("prov_supervisor"), document=letter_doc)
    letter_doc = services.document_issue(
        actor=org.user("prov_leader"), document=letter_doc, password=PASSWORD
    )
    data = services.document_bytes(actor=org.user("prov_leader"), document=letter_doc)
    assert "签发人" not in _number_paragraph(data, letter_doc.doc_number).text


def test_workbench_lists_what_waits_for_the_user(org, django_assert_num_queries):
    from documents.selectors import for_workbench

    leader, sup = org.user("prov_leader"), org.user("prov_supervisor")
    a, b, c = letter(org), letter(org), letter(org)
    services.document_submit(actor=sup, document=a, signer=leader)
    services.document_submit(actor=sup, document=b)
    services.document_submit(actor=sup, document=c)
    services.document_return(actor=leader, document=c, comment="重写")
    with django_assert_num_queries(2):
        total, rows = for_workbench(leader, clock.today())
    assert total == 2 and {d.pk for d in rows} == {a.pk, b.pk}
    total, rows = for_workbench(sup, clock.today())
    assert total == 1 and rows[0].pk == c.pk
    # a city leader has nothing of the province's to sign
    assert for_workbench(org.user("city_a_leader"), clock.today())[0] == 0


def test_county_leader_neither_sees_nor_signs_a_sibling_countys_document(org):
    from core.testing import make_task  # noqa: F401  (the org's units)
    from documents import builders
    from documents.selectors import documents_visible
    from documents.tests.test_documents import problems

    qs = problems(org, 1, unit="county_b")
    from org import services as org_services
    from org.models import Role

    org_services.role_grant(
        actor=None,
        user=org.user("county_b_head"),
        role=Role.objects.get(code="supervisor"),
        unit=org.unit("county_b"),
        include_descendants=True,
    )
    drafter = org.user("county_b_head")
    draft = builders.rectification_report(
        issuer=org.unit("county_b"), problems=qs, subject="本县问题", addressee="甲市卫生健康委员会"
    )
    doc = services.document_draft(
        actor=drafter, kind=DocumentKind.RECTIFICATION_REPORT, org_unit=org.unit("county_b"), draft=draft
    )
    services.document_submit(actor=drafter, document=doc)
    sibling = org.user("county_a_leader")
    assert not documents_visible(sibling).filter(pk=doc.pk).exists()
    with pytest.raises(PermissionDenied):
        services.document_issue(actor=sibling, document=doc, password=PASSWORD)
    with pytest.raises(PermissionDenied):
        services.document_return(actor=sibling, document=doc, comment="x")
    own = org.user("county_b_leader")
    assert [u.pk for u in services.eligible_signers(org.unit("county_b"))] == [own.pk]
    doc = services.document_issue(actor=own, document=doc, password=PASSWORD)
    assert doc.status == IssuedDocument.Status.ISSUED


def test_task_page_offers_an_order_for_a_red_assignment(org, login):
    from django.urls import reverse

    task = make_task(org, days=10)
    assignment = task.assignments.get()
    sup = login(org.user("prov_supervisor"))
    assert 'data-action="task_order"' not in sup.get(task.get_absolute_url()).content.decode()
    clock.travel(days=12)
    html = sup.get(task.get_absolute_url()).content.decode()
    assert 'data-action="task_order"' in html
    clerk = login(org.user("county_a_clerk"))
    assert 'data-action="task_order"' not in clerk.get(task.get_absolute_url()).content.decode()
    assert (
        clerk.post(reverse("documents:task_order_create"), {"assignment": assignment.pk}).status_code == 403
    )
    sup = login(org.user("prov_supervisor"))
    response = sup.post(reverse("documents:task_order_create"), {"assignment": assignment.pk})
    doc = IssuedDocument.objects.get(kind=DocumentKind.SUPERVISION_ORDER)
    assert response["Location"] == doc.get_absolute_url() and doc.created_by == org.user("prov_supervisor")
    html = sup.get(task.get_absolute_url()).content.decode()
    assert 'data-action="task_order"' not in html and doc.title in html
    assert task.code in sup.get(doc.get_absolute_url()).content.decode()  # 涉及交办
    again = sup.post(reverse("documents:task_order_create"), {"assignment": assignment.pk}, follow=True)
    assert "不能重复督办" in again.content.decode()
    assert IssuedDocument.objects.count() == 1


def test_order_of_an_issuer_without_a_leader_stays_a_draft(org):
    """乙市 has no leader account: the ladder's 督办单 is drafted and waits to be sent on."""
    task = make_task(org, lead="county_c", org_unit="city_b", days=5)
    clock.travel(days=7)
    doc = services.order_for_assignment(assignment=task.assignments.get())
    assert doc.status == IssuedDocument.Status.DRAFT and doc.org_unit == org.unit("city_b")
    assert "暂无可签发的领导" in doc.events.get().note
