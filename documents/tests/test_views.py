"""Documents pages (R-DOC-1..3, R-SUP-4): drafting each kind, preview, edit, 签发 with the
password, download, scope, permissions, query counts."""

import datetime as dt
import io
import re
from urllib.parse import unquote

import docx
import pytest
from django.urls import reverse

from core import clock, crypto
from core.testing import PASSWORD
from documents import builders, services
from documents.models import IssuedDocument
from org import services as org_services
from org.models import Role
from rectification import services as rsvc
from rectification.models import Problem, ProblemCategory

pytestmark = pytest.mark.django_db

LIST = reverse("documents:document_list")


def sign(org, doc, leader="prov_leader", drafter="prov_supervisor"):
    """送签 by the drafter, 签发 by the leader (the drafter never signs)."""
    services.document_submit(actor=org.user(drafter), document=doc)
    return services.document_issue(actor=org.user(leader), document=doc, password=PASSWORD)


def make_problems(org, n=3, unit="county_a", found_by="province", actor="prov_supervisor", days=10):
    out = []
    for i in range(n):
        out.append(
            rsvc.problem_create(
                actor=org.user(actor),
                org_unit=org.unit(unit),
                found_by_unit=org.unit(found_by),
                source="supervision",
                description=f"{org.unit(unit).short_name}第{i + 1}个问题：药品管理不规范",
                category=ProblemCategory.objects.first(),
                deadline=clock.today() + dt.timedelta(days=days + i),
                requirement="建立台账，逐项整改",
            )
        )
    return out


def draft_letter(org, issuer="province", recipient="county_a", actor="prov_supervisor", problems=None):
    problems = (
        problems if problems is not None else make_problems(org, unit=recipient, found_by=issuer, actor=actor)
    )
    qs = Problem.objects.filter(pk__in=[p.pk for p in problems])
    draft = builders.assignment_letter(issuer=org.unit(issuer), recipient=org.unit(recipient), problems=qs)
    return services.document_draft(
        actor=org.user(actor),
        kind="letter",
        org_unit=org.unit(issuer),
        draft=draft,
        recipient=org.unit(recipient),
        problems=problems,
    )


def city_b_supervisor(org):
    user = org_services.user_create(
        actor=None,
        username="city_b_supervisor",
        full_name="乙督查",
        unit=org.unit("city_b"),
        password=PASSWORD,
    )
    org_services.role_grant(
        actor=None,
        user=user,
        role=Role.objects.get(code="supervisor"),
        unit=org.unit("city_b"),
        include_descendants=True,
    )
    return user


# --- access and scope -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,args",
    [
        ("document_list", []),
        ("letter_create", []),
        ("bulletin_create", []),
        ("report_create", []),
        ("order_create", []),
        ("document_detail", [1]),
        ("document_edit", [1]),
        ("document_download", [1]),
    ],
)
def test_anonymous_is_sent_to_login(client, name, args):
    response = client.get(reverse(f"documents:{name}", args=args))
    assert response.status_code == 302 and reverse("org:login") in response["Location"]


def test_accounts_without_permission_get_403(org, login):
    doc = draft_letter(org)
    client = login(org.user("no_role"))
    for url in (LIST, reverse("documents:document_detail", args=[doc.pk])):
        assert client.get(url).status_code == 403
    # a county clerk may read documents but not draft them
    client = login(org.user("county_a_clerk"))
    for name in ("letter_create", "bulletin_create", "report_create"):
        assert client.get(reverse(f"documents:{name}")).status_code == 403
    assert (
        client.post(reverse("documents:document_issue", args=[doc.pk]), {"password": PASSWORD}).status_code
        == 403
    )


def test_other_city_cannot_see_or_download_a_letter_from_city_a_to_its_county(org, login):
    problems = make_problems(org, unit="county_a", found_by="city_a", actor="city_a_supervisor")
    doc = draft_letter(org, issuer="city_a", actor="city_a_supervisor", problems=problems)
    doc = sign(org, doc, leader="city_a_leader", drafter="city_a_supervisor")
    outsider = city_b_supervisor(org)
    other = login(outsider)
    for name in ("document_detail", "document_download", "document_edit"):
        assert other.get(reverse(f"documents:{name}", args=[doc.pk])).status_code == 404, name
    # a 督查员 has no 签发 right (403); a leader outside the issuer's scope finds nothing (404)
    assert other.post(
        reverse("documents:document_issue", args=[doc.pk]), {"password": PASSWORD}
    ).status_code in (
        403,
        404,
    )
    assert doc.doc_number not in other.get(LIST).content.decode()
    assert other.get(LIST).context["paginator"].count == 0
    # a sibling county does not see it either; the recipient county and the issuing city do
    assert (
        login(org.user("county_b_clerk")).get(reverse("documents:document_detail", args=[doc.pk])).status_code
        == 404
    )
    assert (
        login(org.user("county_a_clerk")).get(reverse("documents:document_detail", args=[doc.pk])).status_code
        == 200
    )
    assert (
        login(org.user("city_a_supervisor"))
        .get(reverse("documents:document_detail", args=[doc.pk]))
        .status_code
        == 200
    )
    # the other city cannot draft an order for a problem it cannot see
    other = login(outsider)
    assert other.get(reverse("documents:order_create"), {"problem": problems[0].pk}).status_code == 404


# --- draft → edit → issue → download through the web -------------------------------------------------


def test_letter_draft_edit_issue_download_through_the_web(org, login):
    problems = make_problems(org, n=3)
    client = login(org.user("prov_supervisor"))
    url = reverse("documents:letter_create")
    page = client.get(url)
    assert page.status_code == 200
    assert "甲一县卫生健康局（待交办3个）" in page.content.decode()
    province = org.unit("province").pk
    page = client.get(url, {"issuer": province, "recipient": org.unit("county_a").pk})
    body = page.content.decode()
    for p in problems:
        assert p.code in body
    # nothing ticked: error next to the list, the choice kept
    response = client.post(url, {"issuer": province, "recipient": org.unit("county_a").pk})
    assert response.status_code == 200 and "请至少选择一个要交办的问题" in response.content.decode()
    response = client.post(
        url,
        {
            "issuer": province,
            "recipient": org.unit("county_a").pk,
            "problems": [problems[0].pk, problems[1].pk],
        },
    )
    assert response.status_code == 302
    doc = IssuedDocument.objects.get()
    assert response["Location"] == doc.get_absolute_url()
    assert set(doc.problems.values_list("pk", flat=True)) == {problems[0].pk, problems[1].pk}
    assert doc.status == "draft" and doc.recipient == org.unit("county_a")

    detail = client.get(doc.get_absolute_url())
    html = detail.content.decode()
    assert "示范省卫生健康委员会" in html and "甲一县卫生健康局：" in html and problems[0].description in html
    assert "数据截至" in html and 'id="issue"' not in html and 'id="submit"' in html
    # the message after drafting tells the time of the data in local time, as the page does
    from django.contrib.messages import get_messages
    from django.utils import timezone

    shown = f"数据截至{timezone.localtime(doc.data_as_of):%Y-%m-%d %H:%M}"
    assert any(shown in str(m) for m in get_messages(response.wsgi_request))

    # edit: keeps what was typed on error; a stale version is refused
    edit = reverse("documents:document_edit", args=[doc.pk])
    form = client.get(edit).context["form"]
    text = form.initial["body_text"]
    assert "【表1】" in text
    bad = client.post(
        edit,
        {
            "title": "",
            "addressee": doc.addressee,
            "body_text": text,
            "note": "",
            "cc_text": "",
            "version": doc.version,
        },
    )
    assert bad.status_code == 200 and "请填写标题" in bad.content.decode()
    new_text = text + "\n（四）请于10个工作日内报送整改方案。"
    ok = client.post(
        edit,
        {
            "title": "关于交办甲一县药品管理问题的函",
            "addressee": doc.addressee,
            "body_text": new_text,
            "note": "联系人：周督查，电话：0000-1234567",
            "cc_text": "甲市卫生健康委员会",
            "version": doc.version,
        },
    )
    assert ok.status_code == 302
    doc.refresh_from_db()
    assert doc.title == "关于交办甲一县药品管理问题的函" and doc.cc == ["甲市卫生健康委员会"]
    assert ["h2", "（四）请于10个工作日内报送整改方案。"] in doc.body
    stale = client.post(
        edit,
        {
            "title": "又改",
            "addressee": doc.addressee,
            "body_text": new_text,
            "note": "",
            "cc_text": "",
            "version": 1,
        },
    )
    assert "已被他人修改" in stale.content.decode()

    # draft download renders from the text
    draft_file = client.get(reverse("documents:document_download", args=[doc.pk]))
    assert draft_file.status_code == 200
    assert "（草稿）关于交办甲一县药品管理问题的函.docx" in unquote(draft_file["Content-Disposition"])

    # 送签 to the province's leader; the drafter then sees no 签发 and cannot sign
    submit = client.post(reverse("documents:document_submit", args=[doc.pk]), {"signer": ""})
    assert submit.status_code == 302
    doc.refresh_from_db()
    assert doc.status == "submitted"
    assert client.get(edit).status_code == 302  # locked while 待签发
    issue = reverse("documents:document_issue", args=[doc.pk])
    assert client.post(issue, {"password": PASSWORD}).status_code == 403  # a 督查员 has no 签发 right
    client = login(org.user("prov_leader"))
    html = client.get(doc.get_absolute_url()).content.decode()
    assert 'id="issue"' in html and 'id="submit"' not in html and "签发记录" in html

    # 签发: a wrong password is refused and nothing is numbered
    wrong = client.post(issue, {"password": "wrong-password"})
    assert wrong.status_code == 200 and "密码不正确" in wrong.content.decode()
    doc.refresh_from_db()
    assert doc.status == "submitted" and doc.number is None
    done = client.post(issue, {"password": PASSWORD})
    assert done.status_code == 302
    doc.refresh_from_db()
    year = clock.today().year
    assert doc.status == "issued" and doc.doc_number == f"示卫督〔{year}〕1号"
    html = client.get(doc.get_absolute_url()).content.decode()
    assert doc.doc_number in html and doc.sm3 in html and 'id="issue"' not in html
    assert 'id="doc-issued-by"' in html and "陈主任" in html
    client = login(org.user("prov_supervisor"))
    assert "修改文字" not in html

    # download == the stored bytes, with the Chinese file name
    response = client.get(reverse("documents:document_download", args=[doc.pk]))
    data = response.content
    assert crypto.sm3_hex(data) == doc.sm3 and len(data) == doc.size
    assert unquote(response["Content-Disposition"]).endswith(
        f"{doc.doc_number} 关于交办甲一县药品管理问题的函.docx"
    )
    d = docx.Document(io.BytesIO(data))
    texts = [p.text for p in d.paragraphs]
    assert doc.doc_number in texts and "（四）请于10个工作日内报送整改方案。" in texts
    assert "抄送：甲市卫生健康委员会。" in d.element.xml  # the 版记, in its text box at the page foot

    # issued: not editable, issuing again refused
    assert client.get(edit).status_code == 302
    client.post(edit, {"title": "改", "addressee": "x", "body_text": "正文", "version": doc.version})
    doc.refresh_from_db()
    assert doc.title == "关于交办甲一县药品管理问题的函"
    again = login(org.user("prov_leader")).post(issue, {"password": PASSWORD})
    assert "只有送签后待签发的公文可以签发" in again.content.decode()
    client = login(org.user("prov_supervisor"))

    # the letter is counted on the problems: they leave the 待交办 list
    page = client.get(url, {"issuer": province, "recipient": org.unit("county_a").pk})
    assert problems[0].code not in page.content.decode() and problems[2].code in page.content.decode()
    assert problems[0].events.filter(kind="letter").exists()


def test_numbers_per_issuer_without_gaps_through_the_web(org, login):
    client = login(org.user("prov_leader"))
    docs = [draft_letter(org) for _ in range(3)]
    for d in docs:
        services.document_submit(actor=org.user("prov_supervisor"), document=d)
    client.post(reverse("documents:document_issue", args=[docs[1].pk]), {"password": "nope"})
    for d in docs:
        assert (
            client.post(reverse("documents:document_issue", args=[d.pk]), {"password": PASSWORD}).status_code
            == 302
        )
    numbers = sorted(IssuedDocument.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3]


def test_a_problem_is_not_assigned_twice(org, login):
    problems = make_problems(org, n=1)
    first = draft_letter(org, problems=problems)
    second = draft_letter(org, problems=problems)
    services.document_submit(actor=org.user("prov_supervisor"), document=second)
    sign(org, first)
    client = login(org.user("prov_leader"))
    response = client.post(reverse("documents:document_issue", args=[second.pk]), {"password": PASSWORD})
    assert "不能重复交办" in response.content.decode()
    second.refresh_from_db()
    assert second.status == "submitted"


def test_order_for_an_overdue_problem_only(org, login):
    problem = make_problems(org, n=1, days=5)[0]
    client = login(org.user("prov_supervisor"))
    url = reverse("documents:order_create")
    page = client.get(url, {"problem": problem.pk})
    assert "尚未逾期" in page.content.decode()
    refused = client.post(url, {"problem": problem.pk, "issuer": org.unit("province").pk})
    assert refused.status_code == 200 and not IssuedDocument.objects.exists()
    clock.travel(days=9)
    page = client.get(url, {"problem": problem.pk})
    assert "已逾期4天" in page.content.decode()
    response = client.post(url, {"problem": problem.pk, "issuer": org.unit("province").pk})
    assert response.status_code == 302
    doc = IssuedDocument.objects.get(kind="order")
    assert doc.recipient == problem.org_unit and list(doc.problems.all()) == [problem]
    assert "已逾期4天" in services.body_to_text(doc.body)
    assert client.get(doc.get_absolute_url()).status_code == 200
    sign(org, doc)
    assert problem.events.filter(kind="escalated", note__contains="督办单").exists()
    assert client.get(url, {"problem": 99999}).status_code == 404
    assert client.get(url).status_code == 302  # no problem named: back to the problem ledger


def test_bulletin_numbers_match_the_statistics_page(org, login):
    make_problems(org, n=2, unit="county_a")
    make_problems(org, n=1, unit="county_b")
    make_problems(org, n=1, unit="county_c", days=3)
    clock.travel(days=5)
    client = login(org.user("prov_supervisor"))
    stats = client.get(reverse("rectification:statistics"))
    total = stats.context["total"]
    today = clock.today()
    response = client.post(
        reverse("documents:bulletin_create"),
        {
            "issuer": org.unit("province").pk,
            "period_start": (today - dt.timedelta(days=60)).isoformat(),
            "period_end": today.isoformat(),
        },
    )
    assert response.status_code == 302
    doc = IssuedDocument.objects.get(kind="bulletin")
    assert doc.params["totals"] == [4, 0, 0, 4, 1]
    assert doc.params["totals"] == [
        total.total,
        total.done,
        total.in_progress,
        total.not_started,
        total.overdue,
    ]
    text = services.body_to_text(doc.body)
    assert f"需要整改4条，已整改0条，正在整改0条，未启动4条，整改率{total.rate}，逾期1条" in text
    table = next(c for k, c in doc.body if k == "table")
    assert [r[0] for r in table[1:]] == ["甲市卫健委", "乙市卫健委", "合计"]  # summed to the cities
    assert table[-1][1:] == [4, 0, 0, 4, 1, total.rate]
    # an end before the start is refused next to the field, what was typed is kept
    bad = client.post(
        reverse("documents:bulletin_create"),
        {"issuer": org.unit("province").pk, "period_start": today.isoformat(), "period_end": "2020-01-01"},
    )
    assert bad.status_code == 200 and "结束日期不能早于开始日期" in bad.content.decode()
    assert 'value="2020-01-01"' in bad.content.decode()


def test_report_for_a_unit_subtree(org, login):
    make_problems(org, n=2, unit="county_a")
    make_problems(org, n=1, unit="county_c")
    client = login(org.user("prov_supervisor"))
    page = client.get(reverse("documents:report_create"), {"unit": org.unit("city_a").pk})
    assert page.status_code == 200
    response = client.post(
        reverse("documents:report_create"),
        {
            "issuer": org.unit("province").pk,
            "subject": "unit",
            "unit": org.unit("city_a").pk,
            "addressee": "委党组",
        },
    )
    assert response.status_code == 302
    doc = IssuedDocument.objects.get(kind="rect_report")
    assert doc.params["totals"][0] == 2
    assert doc.title == "关于甲市卫健委及所属单位问题整改情况的报告"
    missing = client.post(
        reverse("documents:report_create"),
        {"issuer": org.unit("province").pk, "subject": "campaign", "addressee": "委党组"},
    )
    assert missing.status_code == 200 and "请选择专项督查" in missing.content.decode()


# --- the list ---------------------------------------------------------------------------------------


def test_list_filters_by_kind_status_year(org, login):
    a = draft_letter(org)
    b = draft_letter(org)
    b = sign(org, b)
    client = login(org.user("prov_supervisor"))
    ids = lambda r: [d.pk for d in r.context["page_obj"]]  # noqa: E731
    assert set(ids(client.get(LIST))) == {a.pk, b.pk}
    assert ids(client.get(LIST, {"status": "issued"})) == [b.pk]
    assert ids(client.get(LIST, {"status": "draft", "kind": "letter"})) == [a.pk]
    assert ids(client.get(LIST, {"kind": "bulletin"})) == []
    year = clock.today().year
    assert set(ids(client.get(LIST, {"year": year}))) == {a.pk, b.pk}
    assert ids(client.get(LIST, {"q": b.doc_number})) == [b.pk]


def test_export_holds_exactly_the_filtered_rows_and_is_audited(org, login):
    from openpyxl import load_workbook

    from audit.models import AuditEvent

    a = draft_letter(org)
    b = sign(org, draft_letter(org))
    client = login(org.user("prov_supervisor"))
    page = client.get(LIST, {"status": "issued"})
    assert reverse("documents:document_export") + "?status=issued" in page.content.decode()
    response = client.get(reverse("documents:document_export"), {"status": "issued"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if any(r)]
    assert [r[0] for r in rows] == [b.doc_number]
    assert rows[0][6] == "已签发" and rows[0][10] == b.sm3
    event = AuditEvent.objects.filter(action="documents.document.exported").latest("id")
    assert event.changes["rows"] == 1 and "status=issued" in event.changes["query"]
    # all of them without a filter; nothing for another city's supervisor
    ws = load_workbook(io.BytesIO(client.get(reverse("documents:document_export")).content)).active
    assert {r[2] for r in ws.iter_rows(min_row=2, values_only=True) if any(r)} == {a.title, b.title}
    outsider = login(city_b_supervisor(org))
    ws = load_workbook(io.BytesIO(outsider.get(reverse("documents:document_export")).content)).active
    assert [r for r in ws.iter_rows(min_row=2, values_only=True) if any(r)] == []


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_is_constant(org, login, django_assert_num_queries, rows):
    problems = make_problems(org, n=1)
    issuer = org.unit("province")
    draft = builders.assignment_letter(
        issuer=issuer, recipient=org.unit("county_a"), problems=Problem.objects.filter(pk=problems[0].pk)
    )
    for i in range(rows):
        doc = services.document_draft(
            actor=org.user("prov_supervisor"),
            kind="letter",
            org_unit=issuer,
            draft=draft,
            recipient=org.unit("county_a"),
            problems=problems,
        )
        if i % 2:  # every other one 待签发, sent to the leader by name (the row shows drafter → signer)
            services.document_submit(
                actor=org.user("prov_supervisor"), document=doc, signer=org.user("prov_leader")
            )
    client = login(org.user("prov_supervisor"))
    client.get(LIST)  # session, grants warm
    with django_assert_num_queries(9):
        response = client.get(LIST, {"per_page": 50})
    assert len(response.context["page_obj"]) == rows
    leader = login(org.user("prov_leader"))
    leader.get(LIST)
    with django_assert_num_queries(9):
        mine = leader.get(LIST, {"per_page": 50, "todo": "sign"})
    assert len(mine.context["page_obj"]) == rows // 2
    client = login(org.user("prov_supervisor"))
    assert len(re.findall(r'href="/documents/\d+/"', response.content.decode())) == rows


def test_no_order_for_a_problem_reported_rectified(org, login):
    """Reported 已整改(待验收) after its deadline: not overdue any more (its clock stopped), no 督办单."""
    from rectification.models import Problem

    problem = make_problems(org, n=1, days=5)[0]
    clock.travel(days=9)
    Problem.objects.filter(pk=problem.pk).update(status="rectified", rectified_on=clock.today())
    client = login(org.user("prov_supervisor"))
    url = reverse("documents:order_create")
    assert "已报告整改完成，待验收，无需督办" in client.get(url, {"problem": problem.pk}).content.decode()
    refused = client.post(url, {"problem": problem.pk, "issuer": org.unit("province").pk})
    assert refused.status_code == 200 and not IssuedDocument.objects.exists()


def test_problem_page_lists_its_documents_and_offers_an_order_when_overdue(org, login):
    """相关公文 on the problem page is documents' section (core.panels): the documents the viewer
    may see, and 起草督办单 only while documents.services.check_order allows one (逾期, 红)."""
    problem = make_problems(org, n=1, days=5)[0]
    letter = draft_letter(org, problems=[problem])
    client = login(org.user("prov_supervisor"))
    page = client.get(problem.get_absolute_url()).content.decode()
    assert "相关公文（1）" in page and letter.title in page and "草稿" in page
    assert 'data-action="order"' not in page  # not overdue yet
    clock.travel(days=9)
    page = client.get(problem.get_absolute_url()).content.decode()
    assert 'data-action="order"' in page
    outsider = login(org.user("county_b_clerk"))
    assert outsider.get(problem.get_absolute_url()).status_code == 404
    clerk = login(org.user("county_a_clerk"))  # the recipient's side: the letter, no 督办单 to draft
    page = clerk.get(problem.get_absolute_url()).content.decode()
    assert "相关公文（1）" in page and 'data-action="order"' not in page
