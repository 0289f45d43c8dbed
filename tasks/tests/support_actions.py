"""Helpers for the task detail / action tests (not a test module)."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from core import clock
from reporting import services as rsvc
from tasks import services
from tasks.models import Assignment, TaskEvent

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def pdf(name="佐证.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def decompose_data(org_unit, rows: list[dict], assign: bool = True) -> dict:
    """The 分解 form's POST: the acting unit and one formset row per dict (its fields by name)."""
    data = {
        "org_unit": org_unit.pk,
        "assign": "on" if assign else "",
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "1",
        "rows-MAX_NUM_FORMS": "30",
    }
    for i, row in enumerate(rows):
        data.update({f"rows-{i}-{name}": value for name, value in row.items()})
    return data


def approve_review(org, task, conclusion="approved"):
    return services.task_review_record(
        actor=org.user("prov_leader"),
        task=task,
        meeting_kind="party_group",
        meeting_date=clock.today(),
        conclusion=conclusion,
        meeting_title="党组会第5次会议",
    )


def upload_evidence(org, assignment, user="county_a_clerk"):
    return rsvc.attachment_store(
        actor=org.user(user),
        upload=pdf(),
        org_unit=assignment.unit,
        assignment=assignment,
        purpose="evidence",
    )


def lead(task) -> Assignment:
    return Assignment.objects.get(task=task, unit=task.lead_unit)


@contextmanager
def records(task, kind, action):
    """Assert the block writes one more TaskEvent of `kind` on `task` and one audit event `action`."""
    events = TaskEvent.objects.filter(task=task, kind=kind).count()
    audits = AuditEvent.objects.filter(action=action).count()
    yield
    assert TaskEvent.objects.filter(task=task, kind=kind).count() > events, f"no TaskEvent {kind}"
    assert AuditEvent.objects.filter(action=action).count() > audits, f"no audit {action}"
