import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core import clock
from core.testing import make_task
from reporting import services as rsvc
from tasks import lights, services
from tasks.choices import Light, TaskStatus
from tasks.models import Assignment, Task

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_full_loop(org):
    task = make_task(org, level="major", assign=False)
    with pytest.raises(ValidationError):
        services.task_assign(actor=org.user("prov_supervisor"), task=task)
    services.task_review_record(
        actor=org.user("prov_leader"),
        task=task,
        meeting_kind="party_group",
        meeting_date=clock.today(),
        conclusion="approved",
    )
    services.task_assign(actor=org.user("prov_supervisor"), task=task)
    a = Assignment.objects.get(task=task)
    with pytest.raises(PermissionDenied):
        services.assignment_sign(actor=org.user("county_b_clerk"), assignment=a)
    services.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    rsvc.report_submit(actor=org.user("county_a_clerk"), assignment=a, progress=40, work_done="完成摸底")
    a.refresh_from_db()
    assert a.status == TaskStatus.IN_PROGRESS and a.progress == 40
    clock.travel(days=70)
    annotated = Task.objects.annotate(light=lights.light_expression(clock.today())).get(pk=task.pk)
    assert annotated.light == Light.RED
    assert lights.for_object(annotated, clock.today()).reason == "红：逾期10天"
    with pytest.raises(ValidationError):
        services.assignment_request_completion(actor=org.user("county_a_clerk"), assignment=a, note="已完成")
    rsvc.attachment_store(
        actor=org.user("county_a_clerk"),
        upload=SimpleUploadedFile("证明.pdf", PDF),
        org_unit=a.unit,
        assignment=a,
        purpose="evidence",
    )
    services.assignment_request_completion(actor=org.user("county_a_clerk"), assignment=a, note="已完成")
    with pytest.raises(PermissionDenied):
        services.assignment_verify(actor=org.user("county_a_head"), assignment=a, approve=True)
    services.assignment_verify(actor=org.user("prov_supervisor"), assignment=a, approve=True)
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED and task.progress == 100


def test_visible_to_scope(org):
    task = make_task(org, lead="county_a")
    assert Task.objects.visible_to(org.user("county_a_clerk")).filter(pk=task.pk).exists()
    assert not Task.objects.visible_to(org.user("county_b_clerk")).filter(pk=task.pk).exists()
    assert not Task.objects.visible_to(org.user("county_c_clerk")).filter(pk=task.pk).exists()
    assert Task.objects.visible_to(org.user("city_a_supervisor")).filter(pk=task.pk).exists()
    assert not Task.objects.visible_to(org.user("no_role")).exists()


def test_decompose(org):
    parent = make_task(org, lead="city_a", days=90)
    kids = services.task_decompose(
        actor=org.user("city_a_head"),
        parent=parent,
        org_unit=org.units["city_a"],
        items=[
            {
                "title": "甲一县落实",
                "lead_unit": org.units["county_a"],
                "due_date": parent.due_date - dt.timedelta(days=5),
            },
            {"title": "甲二县落实", "lead_unit": org.units["county_b"], "weight": 3},
        ],
    )
    assert [k.parent_id for k in kids] == [parent.pk, parent.pk]
    assert Assignment.objects.filter(task__parent=parent).count() == 2
