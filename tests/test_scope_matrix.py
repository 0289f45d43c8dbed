"""R-ORG-3, proven for every endpoint: a user outside the scope gets nothing.

Every URL pattern of the project must appear in ENDPOINTS (a new page without an entry fails
`test_every_endpoint_is_in_the_matrix`). For each one, users of other units — a sibling county's
head, a county of another city, and 乙市's own administrators, supervisor and auditor — request it
(GET, and POST for actions) about records that belong to 甲一县 and get 403/404 or a page without
any of those records; nothing in the database changes.
"""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AuditEvent
from core import clock
from core.testing import PASSWORD, make_task
from notifications.models import Message
from org import services as org_services
from org.models import Role, RoleAssignment, User
from reporting import services as rsvc
from tasks import services as tsvc
from tasks.models import SavedFilter, TaskEvent, WorkdayOverride

pytestmark = pytest.mark.django_db

MARK = "甲一县专属"  # every record of the world carries this in its visible text
PDF = b"%PDF-1.4\n%%EOF"
OUTSIDERS = [
    "county_b_head",
    "county_c_clerk",
    "city_b_sysadmin",
    "city_b_security",
    "city_b_auditor",
    "city_b_supervisor",
]


def build_world(org):
    """Records of 甲一县 (county_a), one of each kind an endpoint can address."""
    roles = {r.code: r for r in Role.objects.all()}
    for username, role in (
        ("city_b_sysadmin", "sysadmin"),
        ("city_b_security", "security"),
        ("city_b_auditor", "auditor"),
        ("city_b_supervisor", "supervisor"),
    ):
        u = org_services.user_create(
            actor=None,
            username=username,
            full_name=f"乙市{role}",
            unit=org.unit("city_b"),
            password=PASSWORD,
            must_change_password=False,
        )
        org_services.role_grant(actor=None, user=u, role=roles[role], unit=org.unit("city_b"))
    sup = org.user("prov_supervisor")
    directive = tsvc.directive_create(
        actor=sup,
        org_unit=org.unit("county_a"),
        kind="document",
        title=f"{MARK}部署",
        issuer="甲一县",
        issued_on=clock.today(),
    )
    task = make_task(org, title=f"{MARK}任务", lead="county_a", org_unit="county_a", creator="county_a_head")
    task.directive = directive
    task.save(update_fields=["directive"])
    assignment = task.assignments.get()
    clerk = org.user("county_a_clerk")
    tsvc.assignment_sign(actor=clerk, assignment=assignment)
    report = rsvc.report_submit(actor=clerk, assignment=assignment, progress=30, work_done=f"{MARK}进展")
    attachment = rsvc.attachment_store(
        actor=clerk,
        upload=SimpleUploadedFile(f"{MARK}佐证.pdf", PDF),
        org_unit=assignment.unit,
        assignment=assignment,
        purpose="evidence",
    )
    milestone = tsvc.milestone_create(
        actor=org.user("prov_supervisor"), task=task, title=f"{MARK}节点", due_date=task.due_date
    )
    extension = tsvc.extension_request(
        actor=clerk,
        assignment=assignment,
        reason=f"{MARK}延期",
        new_due_date=task.due_date + dt.timedelta(days=10),
    )
    saved = tsvc.saved_filter_save(actor=clerk, name=f"{MARK}筛选", query="light=red")
    override = WorkdayOverride.objects.create(date=dt.date(2031, 1, 2), is_workday=False, note=f"{MARK}调休")
    message = Message.objects.filter(recipient=clerk).first()
    role_assignment = RoleAssignment.objects.get(user=clerk)
    issue3 = _issue3_world(org)
    return {
        **issue3,
        "task": task,
        "assignment": assignment,
        "report": report,
        "attachment": attachment,
        "milestone": milestone,
        "extension": extension,
        "saved": saved,
        "override": override,
        "message": message,
        "directive": directive,
        "unit": org.unit("county_a"),
        "user": clerk,
        "role_assignment": role_assignment,
    }


def _issue3_world(org):
    """A 甲市 campaign that inspected 甲一县, a problem found there, and the 交办函 sent to it."""
    from documents import builders
    from documents import services as dsvc
    from rectification import services as rcsvc
    from rectification.models import ProblemCategory
    from supervision import services as ssvc

    sup = org.user("city_a_supervisor")
    today = clock.today()
    campaign = ssvc.campaign_create(
        actor=sup,
        org_unit=org.unit("city_a"),
        theme=f"{MARK}督查",
        kind="open",
        start_date=today,
        end_date=today + dt.timedelta(days=20),
        checklist=["台账"],
        target_pool=[org.unit("county_a")],
        inspector_pool=[org.user("county_b_head")],
    )
    ssvc.campaign_draw(actor=sup, campaign=campaign, target_count=1, inspectors_per_target=1)
    record = ssvc.record_create(
        actor=sup,
        campaign=campaign,
        target=org.unit("county_a"),
        inspected_on=today,
        site=f"{MARK}卫生院",
        findings=[{"description": f"{MARK}发现"}],
    )
    problem = rcsvc.problem_from_finding(
        actor=sup,
        finding=record.findings.get(),
        category=ProblemCategory.objects.first(),
        deadline=today + dt.timedelta(days=9),
    )
    from rectification.models import Problem

    problems = Problem.objects.filter(pk=problem.pk)
    draft = builders.assignment_letter(
        issuer=org.unit("city_a"), recipient=org.unit("county_a"), problems=problems, campaign=campaign
    )
    document = dsvc.document_draft(
        actor=sup,
        kind="letter",
        org_unit=org.unit("city_a"),
        draft=draft,
        recipient=org.unit("county_a"),
        campaign=campaign,
        problems=[problem],
    )
    document = dsvc.document_issue(actor=sup, document=document, password=PASSWORD)
    return {
        "campaign": campaign,
        "record": record,
        "finding": record.findings.get(),
        "problem": problem,
        "document": document,
    }


# url name → kwargs from the world (None: a page about no particular record, checked for leaks)
ENDPOINTS = {
    "dashboards:workbench": None,
    "org:login": "public",
    "org:logout": "public",
    "org:password_change": "self",
    "org:unit_list": None,
    "org:unit_create": None,
    "org:unit_import": None,
    "org:unit_import_template": None,
    "org:unit_detail": lambda w: {"pk": w["unit"].pk},
    "org:unit_update": lambda w: {"pk": w["unit"].pk},
    "org:unit_move": lambda w: {"pk": w["unit"].pk},
    "org:user_list": None,
    "org:user_create": None,
    "org:user_import": None,
    "org:user_import_template": None,
    "org:user_detail": lambda w: {"pk": w["user"].pk},
    "org:user_update": lambda w: {"pk": w["user"].pk},
    "org:user_unlock": lambda w: {"pk": w["user"].pk},
    "org:user_password_reset": lambda w: {"pk": w["user"].pk},
    "org:user_roles": lambda w: {"pk": w["user"].pk},
    "org:role_revoke": lambda w: {"pk": w["user"].pk, "assignment_pk": w["role_assignment"].pk},
    "org:policy": "global",  # one policy for the installation: only 安全保密管理员 (city_b_security may)
    "audit:event_list": None,
    "audit:verify": "global",
    "tasks:task_detail": lambda w: {"pk": w["task"].pk},
    "tasks:task_create": None,
    "tasks:task_update": lambda w: {"pk": w["task"].pk},
    "tasks:task_review": lambda w: {"pk": w["task"].pk},
    "tasks:task_assign": lambda w: {"pk": w["task"].pk},
    "tasks:task_decompose": lambda w: {"pk": w["task"].pk},
    "tasks:milestone_create": lambda w: {"pk": w["task"].pk},
    "tasks:indicator_create": lambda w: {"pk": w["task"].pk},
    "tasks:taskforce_edit": lambda w: {"pk": w["task"].pk},
    "tasks:task_emergency": lambda w: {"pk": w["task"].pk},
    "tasks:task_emergency_end": lambda w: {"pk": w["task"].pk},
    "tasks:milestone_complete": lambda w: {"pk": w["milestone"].pk},
    "tasks:assignment_sign": lambda w: {"pk": w["assignment"].pk},
    "tasks:assignment_return": lambda w: {"pk": w["assignment"].pk},
    "tasks:extension_request": lambda w: {"pk": w["assignment"].pk},
    "tasks:assignment_request_completion": lambda w: {"pk": w["assignment"].pk},
    "tasks:assignment_verify": lambda w: {"pk": w["assignment"].pk},
    "tasks:extension_decide": lambda w: {"pk": w["extension"].pk},
    "tasks:workday_list": "global",
    "tasks:workday_delete": ("global", lambda w: {"pk": w["override"].pk}),
    "tasks:workday_compute": None,  # a date calculator for the task form: no records
    "tasks:task_list": None,
    "tasks:task_export": None,
    "documents:document_export": None,
    "tasks:task_import": None,
    "tasks:task_import_template": None,
    "tasks:saved_filter_save": None,
    "tasks:saved_filter_delete": lambda w: {"pk": w["saved"].pk},
    "tasks:directive_list": None,
    "tasks:directive_create": None,
    "tasks:directive_detail": lambda w: {"pk": w["directive"].pk},
    "reporting:report_create": lambda w: {"assignment_pk": w["assignment"].pk},
    "reporting:report_approve": lambda w: {"pk": w["report"].pk},
    "reporting:attachment_upload": lambda w: {"assignment_pk": w["assignment"].pk},
    "files:attachment_download": lambda w: {"pk": w["attachment"].pk},
    "reporting:late_list": None,
    "reporting:burden": None,
    "notifications:inbox": None,
    "notifications:message_read": lambda w: {"pk": w["message"].pk},
    "notifications:mark_all_read": "self",
    "api-schema": "public",
    "supervision:campaign_detail": lambda w: {"pk": w["campaign"].pk},
    "supervision:record_detail": lambda w: {"pk": w["record"].pk},
    "supervision:campaign_list": None,
    "supervision:campaign_export": None,
    "supervision:campaign_create": None,
    "supervision:campaign_draw": lambda w: {"pk": w["campaign"].pk},
    "supervision:campaign_close": lambda w: {"pk": w["campaign"].pk},
    "supervision:record_create": lambda w: {"pk": w["campaign"].pk},
    "supervision:draw_verify": lambda w: {"pk": w["campaign"].draws.get().pk},
    "supervision:record_list": None,
    "supervision:record_export": None,
    "supervision:finding_create": lambda w: {"pk": w["record"].pk},
    "rectification:finding_convert": lambda w: {"pk": w["finding"].pk},
    "rectification:problem_detail": lambda w: {"pk": w["problem"].pk},
    "rectification:problem_list": None,
    "rectification:problem_export": None,
    "rectification:problem_docx": None,
    "rectification:problem_create": None,
    "rectification:problem_import": None,
    "rectification:problem_import_template": None,
    "rectification:problem_start": lambda w: {"pk": w["problem"].pk},
    "rectification:problem_evidence": lambda w: {"pk": w["problem"].pk},
    "rectification:problem_submit": lambda w: {"pk": w["problem"].pk},
    "rectification:problem_verify": lambda w: {"pk": w["problem"].pk},
    "rectification:problem_recheck": lambda w: {"pk": w["problem"].pk},
    "rectification:problem_escalate": lambda w: {"pk": w["problem"].pk},
    "rectification:recheck": None,
    "rectification:statistics": None,
    "rectification:statistics_export": None,
    "documents:document_detail": lambda w: {"pk": w["document"].pk},
    "documents:document_edit": lambda w: {"pk": w["document"].pk},
    "documents:document_issue": lambda w: {"pk": w["document"].pk},
    "documents:document_download": lambda w: {"pk": w["document"].pk},
    "documents:document_list": None,
    "documents:letter_create": None,
    "documents:order_create": None,
    "documents:bulletin_create": None,
    "documents:report_create": None,
}
# the holiday calendar is one table for the installation, edited by 系统管理员: a city's sysadmin may
GLOBAL_EDITORS = {
    "org:policy": {"city_b_security"},
    "audit:verify": {"city_b_auditor"},
    "tasks:workday_list": {"city_b_sysadmin"},
    "tasks:workday_delete": {"city_b_sysadmin"},
}


def all_url_names():
    names = []

    def walk(patterns, ns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or ns)
            elif isinstance(p, URLPattern) and p.name:
                names.append(f"{ns}:{p.name}" if ns else p.name)

    walk(get_resolver().url_patterns, "")
    return [n for n in names if not n.startswith("api:")]


def test_every_endpoint_is_in_the_matrix():
    missing = sorted(set(all_url_names()) - set(ENDPOINTS))
    assert not missing, f"add these endpoints to the scope matrix: {missing}"


def snapshot():
    return (
        TaskEvent.objects.count(),
        SavedFilter.objects.count(),
        WorkdayOverride.objects.count(),
        Message.objects.filter(read_at__isnull=False).count(),
        RoleAssignment.objects.count(),
        # reading is audited too (exports, downloads): those entries are records of looking, not changes
        AuditEvent.objects.exclude(action="auth.login")
        .exclude(action__endswith=".exported")
        .exclude(action__endswith=".downloaded")
        .count(),
    )


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_get_nothing_of_county_a(org, client, outsider):
    world = build_world(org)
    client.force_login(User.objects.get(username=outsider))
    before = snapshot()
    for name, spec in ENDPOINTS.items():
        if spec in ("public", "self"):
            continue
        is_global = spec == "global" or isinstance(spec, tuple)
        if is_global and outsider in GLOBAL_EDITORS.get(name, ()):
            continue
        if isinstance(spec, tuple):
            kwargs = spec[1](world)
        else:
            kwargs = spec(world) if callable(spec) else {}
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if callable(spec) or is_global:
                assert response.status_code in (403, 404, 405), (outsider, name, method, response.status_code)
            else:
                assert response.status_code in (200, 302, 403, 405), (
                    outsider,
                    name,
                    method,
                    response.status_code,
                )
                body = b"".join(response.streaming_content) if response.streaming else response.content
                assert MARK.encode() not in body, (outsider, name, method, "leaks 甲一县 records")
                if response.get("Content-Type", "").startswith("text/html"):  # no template source shown
                    assert not re.search(rb"\{[#%]|[#%]\}", body), (
                        outsider,
                        name,
                        method,
                        "raw template tag",
                    )
                if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
                    assert MARK not in _xlsx_text(body), (outsider, name, "export leaks")
    assert snapshot() == before, f"{outsider} changed something"


def _xlsx_text(data: bytes) -> str:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    return " ".join(
        str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )


def test_insiders_do_see_the_records(org, client):
    """The matrix is not vacuous: 甲一县's own clerk sees the same records through the same URLs."""
    world = build_world(org)
    client.force_login(org.user("county_a_clerk"))
    assert MARK.encode() in client.get(reverse("tasks:task_list")).content
    assert client.get(reverse("tasks:task_detail", kwargs={"pk": world["task"].pk})).status_code == 200
    assert (
        client.get(
            reverse("files:attachment_download", kwargs={"pk": world["attachment"].pk})
        ).status_code
        == 200
    )


# --- the API (R-API-1): the same scope, role by role ---------------------------------------------

API_OBJECTS = {  # router basename → the 甲一县 record its detail endpoint is asked for
    "unit": "unit",
    "user": "user",
    "task": "task",
    "assignment": "assignment",
    "directive": "directive",
    "report": "report",
}


def api_basenames():
    from config.api_urls import router

    return [basename for _prefix, _viewset, basename in router.registry]


def test_every_api_endpoint_is_in_the_matrix():
    assert not sorted(set(api_basenames()) - set(API_OBJECTS)), "add the API endpoint to API_OBJECTS"


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_api_outsiders_get_nothing_of_county_a(org, client, outsider):
    world = build_world(org)
    client.force_login(User.objects.get(username=outsider))
    for basename, key in API_OBJECTS.items():
        listing = client.get(reverse(f"api:{basename}-list"), {"page_size": 500})
        assert listing.status_code in (200, 403), (outsider, basename, listing.status_code)
        if listing.status_code == 200:
            ids = {row["id"] for row in listing.json()["results"]}
            assert world[key].pk not in ids, (outsider, basename, "lists a 甲一县 record")
            assert MARK not in listing.content.decode(), (outsider, basename)
        detail = client.get(reverse(f"api:{basename}-detail", kwargs={"pk": world[key].pk}))
        assert detail.status_code in (403, 404), (outsider, basename, detail.status_code)


def test_api_insider_sees_the_records(org, client):
    world = build_world(org)
    client.force_login(org.user("county_a_head"))
    for basename, key in API_OBJECTS.items():
        if basename == "user":
            continue  # accounts are for the administrators, not for a unit head
        response = client.get(reverse(f"api:{basename}-detail", kwargs={"pk": world[key].pk}))
        assert response.status_code == 200, (basename, response.status_code)
