"""The problem detail page and its actions through the web (R-RCT-2, R-RCT-3, R-WRN-2): each action
audited, the verifier rule, evidence required, and the buttons shown == the actions the services
accept (both ask rectification.rules)."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from audit.models import AuditEvent
from core import clock
from rectification import services
from rectification.choices import ProblemStatus
from rectification.models import Problem
from rectification.tests.factories import bulk_problems, close, new_problem, pdf, rectify

pytestmark = pytest.mark.django_db


def detail(client, problem):
    response = client.get(reverse("rectification:problem_detail", args=[problem.pk]))
    assert response.status_code == 200
    return response


def buttons(response) -> set[str]:
    """The action buttons of the problem's header (other links elsewhere on the page, such as a
    document to draft, are not rectification actions)."""
    html = response.content.decode()
    block = re.search(r'<div class="[^"]*problem-actions">(.*?)</div>', html, re.S)
    return set(re.findall(r'data-action="([a-z_]+)"', block.group(1))) if block else set()


def audited(action, problem) -> bool:
    return AuditEvent.objects.filter(action=action, object_id=str(problem.pk)).exists()


def url(name, problem):
    return reverse(f"rectification:problem_{name}", args=[problem.pk])


# --- the whole lifecycle through the web ---------------------------------------------------------


def test_lifecycle_through_the_web_with_audit_events(org, login):
    p = new_problem(org, unit="county_a", days=20)
    head = login(org.user("county_a_head"))
    assert buttons(detail(head, p)) == {"start", "evidence"}

    response = head.post(
        url("start", p), {"measures": "建立处方点评制度", "responsible_person": "孙局长", "version": 1}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == ProblemStatus.IN_PROGRESS and audited("rectification.problem.started", p)

    page = detail(head, p)
    assert "提交验收须上传整改佐证材料" in page.content.decode()  # why 提交验收 is not offered yet
    assert "submit" not in buttons(page)

    response = head.post(url("evidence", p), {"files": [pdf("制度文件.pdf"), pdf("会议纪要.pdf")]})
    assert response.status_code == 302
    assert p.evidence.count() == 2 and audited("reporting.attachment.uploaded", p.evidence.first())
    page = detail(head, p)
    assert "制度文件.pdf" in page.content.decode() and "submit" in buttons(page)

    response = head.post(url("submit", p), {"note": "已整改完毕", "version": p.version})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == ProblemStatus.RECTIFIED and audited("rectification.problem.rectified", p)

    sup = login(org.user("prov_supervisor"))
    assert "verify" in buttons(detail(sup, p))
    verify_page = sup.get(url("verify", p))
    assert "制度文件.pdf" in verify_page.content.decode()
    # 退回 needs a reason: the form says so and keeps the page
    response = sup.post(url("verify", p), {"decision": "return", "note": "", "version": p.version})
    assert response.status_code == 200 and "退回须填写理由" in response.content.decode()
    response = sup.post(url("verify", p), {"decision": "return", "note": "佐证不充分", "version": p.version})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == ProblemStatus.IN_PROGRESS and p.return_count == 1
    assert audited("rectification.problem.returned", p)

    head = login(org.user("county_a_head"))
    head.post(url("submit", p), {"note": "已补充佐证", "version": p.version})
    p.refresh_from_db()
    sup = login(org.user("prov_supervisor"))
    response = sup.post(url("verify", p), {"decision": "approve", "note": "同意销号", "version": p.version})
    p.refresh_from_db()
    assert p.status == ProblemStatus.CLOSED and p.verified_by.username == "prov_supervisor"
    assert audited("rectification.problem.closed", p)
    page = detail(sup, p).content.decode()
    for text in ("登记问题", "开始整改", "提交整改结果", "验收退回", "验收销号", "佐证不充分"):
        assert text in page  # the timeline

    response = sup.post(url("recheck", p), {"passed": "0", "note": "问题反弹"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == ProblemStatus.IN_PROGRESS and p.regressions == 1
    assert audited("rectification.problem.rechecked", p)
    assert "回头看未通过" in detail(sup, p).content.decode()


def test_stale_version_is_refused_with_the_input_kept(org, login):
    p = new_problem(org)
    head = login(org.user("county_a_head"))
    response = head.post(
        url("start", p), {"measures": "我写的措施", "responsible_person": "孙局长", "version": 99}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已被他人修改" in html and "我写的措施" in html


# --- who may act ---------------------------------------------------------------------------------------


def test_the_rectifying_unit_cannot_close_its_own_problem(org, login):
    # found by 甲市 and rectified by 甲市 itself: 甲市's own supervisor may not verify it
    p = new_problem(org, unit="city_a", found_by="city_a", actor="city_a_supervisor")
    rectify(org, p, who="city_a_head")
    own = login(org.user("city_a_supervisor"))
    assert "verify" not in buttons(detail(own, p))
    assert own.get(url("verify", p)).status_code == 403
    response = own.post(url("verify", p), {"decision": "approve", "note": "", "version": 4})
    assert "整改单位的人员不能验收销号本单位的整改" in response.content.decode()
    p.refresh_from_db()
    assert p.status == ProblemStatus.RECTIFIED
    # the province, outside 甲市, may
    assert "verify" in buttons(detail(login(org.user("prov_supervisor")), p))


def test_sibling_county_gets_404_on_every_action(org, login):
    p = rectify(org, new_problem(org, unit="county_a"))
    client = login(org.user("county_b_head"))
    for name in ("detail", "start", "evidence", "submit", "verify", "recheck", "escalate"):
        assert client.get(url(name, p)).status_code == 404, name
        if name != "detail":
            assert client.post(url(name, p), {"note": "x"}).status_code == 404, name


def test_wrong_state_sends_back_to_the_problem_with_the_reason(org, login):
    p = new_problem(org)
    head = login(org.user("county_a_head"))
    response = head.get(url("submit", p), follow=True)
    assert "须先制定整改措施" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(url("detail", p))


def test_submit_without_evidence_is_refused_through_the_web(org, login):
    p = new_problem(org)
    services.problem_start(actor=org.user("county_a_clerk"), problem=p, measures="m", responsible_person="r")
    p.refresh_from_db()
    clerk = login(org.user("county_a_clerk"))
    response = clerk.post(url("submit", p), {"note": "完成了", "version": p.version})
    assert response.status_code == 200
    assert "提交验收须上传整改佐证材料" in response.content.decode()
    p.refresh_from_db()
    assert p.status == ProblemStatus.IN_PROGRESS


def test_evidence_upload_rejects_a_disguised_file_and_saves_nothing(org, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    p = new_problem(org)
    clerk = login(org.user("county_a_clerk"))
    bad = SimpleUploadedFile("假的.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = clerk.post(url("evidence", p), {"files": [pdf("好的.pdf"), bad]})
    assert response.status_code == 200
    assert p.evidence.count() == 0  # all or nothing


# --- buttons shown == actions the services accept ------------------------------------------------------


class _Rollback(Exception):
    pass


def accepted(action, user, problem) -> bool:
    calls = {
        "start": lambda: services.problem_start(
            actor=user, problem=problem, measures="m", responsible_person="r"
        ),
        "evidence": lambda: services.problem_add_evidence(actor=user, problem=problem, upload=pdf()),
        "submit": lambda: services.problem_submit(actor=user, problem=problem, note="n"),
        "verify": lambda: services.problem_verify(actor=user, problem=problem, approve=False, note="n"),
        "recheck": lambda: services.recheck_record(actor=user, problem=problem, passed=True, note="n"),
        "escalate": lambda: services.problem_escalate(
            actor=user, problem=problem, level=problem.escalation + 1, note="n"
        ),
    }
    try:
        with transaction.atomic():
            calls[action]()
            raise _Rollback
    except _Rollback:
        return True
    except (PermissionDenied, ValidationError):
        return False


def test_buttons_shown_are_exactly_the_actions_the_services_accept(org, login):
    pending = new_problem(org, days=10)
    started = new_problem(org, days=10)
    services.problem_start(
        actor=org.user("county_a_clerk"), problem=started, measures="m", responsible_person="r"
    )
    with_evidence = new_problem(org, days=10)
    services.problem_start(
        actor=org.user("county_a_clerk"), problem=with_evidence, measures="m", responsible_person="r"
    )
    services.problem_add_evidence(actor=org.user("county_a_clerk"), problem=with_evidence, upload=pdf())
    submitted = rectify(org, new_problem(org, days=10))
    closed = close(org, new_problem(org, days=10))
    overdue = new_problem(org, days=1)
    own_city = rectify(
        org, new_problem(org, unit="city_a", found_by="city_a", actor="city_a_supervisor"), "city_a_head"
    )
    clock.travel(days=3)
    problems = [pending, started, with_evidence, submitted, closed, overdue, own_city]
    users = [
        "county_a_head",
        "county_a_clerk",
        "prov_supervisor",
        "city_a_supervisor",
        "city_a_head",
        "prov_leader",
    ]
    checked = 0
    for name in users:
        user = org.user(name)
        client = login(user)
        for p in problems:
            p = Problem.objects.get(pk=p.pk)
            response = client.get(url("detail", p))
            if response.status_code == 404:
                continue
            shown = buttons(response)
            allowed = {
                a
                for a in ("start", "evidence", "submit", "verify", "recheck", "escalate")
                if accepted(a, org.user(name), p)
            }
            assert shown == allowed, (name, p.code, p.status)
            checked += 1
    assert checked >= 30


# --- escalation ladder (R-WRN-2) -----------------------------------------------------------------------


def test_manual_escalation_and_the_ladder_on_the_page(org, login):
    p = new_problem(org, days=2)
    sup = login(org.user("prov_supervisor"))
    assert "escalate" not in buttons(detail(sup, p))  # not overdue yet
    clock.travel(days=3)
    page = detail(sup, p)
    assert "escalate" in buttons(page)
    html = page.content.decode()
    for label in ("提醒", "催办", "督办单", "列入通报", "建议问责"):
        assert label in html
    response = sup.post(url("escalate", p), {"note": "请立即整改"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.escalation == 1 and audited("rectification.problem.escalated", p)
    html = detail(sup, p).content.decode()
    assert "已执行" in html and "请立即整改" in html and "周督查" in html
    # the rectifying unit may not escalate
    assert login(org.user("county_a_head")).get(url("escalate", p)).status_code == 403


def test_the_daily_job_climbs_the_ladder_and_the_page_shows_when(org, login):
    from huey.contrib.djhuey import HUEY

    from rectification.tasks import escalation_periodic, run_escalation

    p = new_problem(org, days=1)
    clock.travel(days=9)  # 8 days overdue: 提醒, 催办, 督办单
    assert run_escalation() == 3
    assert run_escalation() == 0  # each step once
    p.refresh_from_db()
    assert p.escalation == 3
    html = detail(login(org.user("county_a_clerk")), p).content.decode()
    assert html.count("已执行") == 3 and "系统自动" in html
    # registered as a daily periodic task at 08:05
    task = escalation_periodic.task_class()
    assert task.validate_datetime(dt.datetime(2026, 3, 5, 8, 5))
    assert not task.validate_datetime(dt.datetime(2026, 3, 5, 9, 5))
    due = [t.name for t in HUEY.read_periodic(dt.datetime(2026, 3, 5, 8, 5))]
    assert any(name.endswith("run_escalation") for name in due)


# --- detail content --------------------------------------------------------------------------------------


def test_detail_shows_source_campaign_and_documents_it_appears_in(org, login):
    from documents import builders
    from documents import services as doc_services
    from supervision import services as sup

    campaign = sup.campaign_create(
        actor=org.user("prov_supervisor"),
        org_unit=org.unit("province"),
        theme="基层医疗卫生服务专项督查",
        kind="random",
        start_date=clock.today(),
        end_date=clock.today() + dt.timedelta(days=10),
        checklist=["家庭医生签约"],
    )
    p = bulk_problems(org, 1, campaign=campaign, source_note="检查组反馈")[0]
    draft = builders.assignment_letter(
        issuer=org.unit("province"), recipient=org.unit("county_a"), problems=Problem.objects.filter(pk=p.pk)
    )
    doc = doc_services.document_draft(
        actor=org.user("prov_supervisor"),
        kind="letter",
        org_unit=org.unit("province"),
        draft=draft,
        recipient=org.unit("county_a"),
        problems=[p],
    )
    html = detail(login(org.user("prov_supervisor")), p).content.decode()
    assert campaign.get_absolute_url() in html and "基层医疗卫生服务专项督查" in html
    assert "（检查组反馈）" in html
    # a problem from a finding: its note is the campaign's code and theme, shown once, not twice
    Problem.objects.filter(pk=p.pk).update(source_note=f"{campaign.code} {campaign.theme}")
    html = detail(login(org.user("prov_supervisor")), p).content.decode()
    assert html.count(campaign.theme) == 1
    assert doc.get_absolute_url() in html and "交办函" in html
    # the county sees the campaign's name but not a link to a campaign it may not open
    html = detail(login(org.user("county_a_clerk")), p).content.decode()
    assert "基层医疗卫生服务专项督查" in html and campaign.get_absolute_url() not in html


def test_evidence_downloads_for_both_sides_and_not_for_a_sibling(org, login):
    p = rectify(
        org, new_problem(org, unit="inst_a", found_by="county_a", actor="county_a_head"), who="inst_a_clerk"
    )
    att = p.evidence.get()
    download = reverse("files:attachment_download", args=[att.pk])
    assert login(org.user("inst_a_clerk")).get(download).status_code == 200
    # county_a's clerk holds rights on county_a only (not below) but sees the problem it found
    assert login(org.user("county_a_clerk")).get(download).status_code == 200
    assert login(org.user("county_b_head")).get(download).status_code == 404
