"""The world of the view tests: records of 甲一县 (county_a), one of each kind an endpoint can
address, built through the services (and the 乙市 administrators who play outsiders)."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from core import clock
from core.testing import PASSWORD, make_task
from core.testing.views import MARK
from documents import builders
from documents import services as dsvc
from notifications.models import Message
from org import services as org_services
from org.models import Role, RoleAssignment
from rectification import services as rcsvc
from rectification.models import Problem, ProblemCategory
from reporting import services as rsvc
from supervision import services as ssvc
from tasks import services as tsvc
from tasks.models import WorkdayOverride

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
        "org": org,
    }


def _issue3_world(org):
    """A 甲市 campaign that inspected 甲一县, a problem found there, and the 交办函 sent to it."""
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
    dsvc.document_submit(actor=sup, document=document)
    document = dsvc.document_issue(actor=org.user("city_a_leader"), document=document, password=PASSWORD)
    return {
        "campaign": campaign,
        "record": record,
        "finding": record.findings.get(),
        "problem": problem,
        "document": document,
    }
