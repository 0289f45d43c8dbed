"""Issue 8, scope leak: an attachment is visible exactly when the record it belongs to is visible,
one rule (`files.selectors.attachments_visible`, the union of what the owner apps register) for the task page, the download and the API.

The world: a task led by 甲一县 (county_a) with 甲二县 (county_b) as 配合单位. Each unit reports
with a file and uploads 办结佐证; the lead completes a 时间节点 with a file; 甲一县 rectifies a
problem with a file. 甲二县 sees the task but not 甲一县's assignment: it must not download 甲一县's
files (ids are sequential, so a leak lets every co-unit's file be enumerated).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.testing import make_task
from files import selectors
from files import services as files_services
from rectification.tests.factories import new_problem, rectify
from reporting import services as rsvc
from tasks import services as tsvc

pytestmark = pytest.mark.django_db


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, f"%PDF-1.4\n% {name}\n%%EOF".encode(), content_type="application/pdf")


@pytest.fixture
def world(org):
    task = make_task(org, title="医共体建设", lead="county_a", co_units=("county_b",), cadence="weekly")
    files = {}
    for unit in ("county_a", "county_b"):
        clerk = org.user(f"{unit}_clerk")
        a = task.assignments.get(unit=org.units[unit])
        tsvc.assignment_sign(actor=clerk, assignment=a)
        report = rsvc.report_submit(
            actor=clerk, assignment=a, progress=20, work_done="推进中", files=[pdf(f"{unit}报告.pdf")]
        )
        files[f"{unit}_report"] = report.attachments.get()
        files[f"{unit}_evidence"] = rsvc.attachments_store_many(
            actor=clerk, uploads=[pdf(f"{unit}佐证.pdf")], assignment=a, purpose="evidence"
        )[0]
        files[f"{unit}_report_obj"] = report
    ms = tsvc.milestone_create(
        actor=org.user("prov_supervisor"), task=task, title="完成摸底", due_date=task.due_date
    )
    tsvc.milestone_complete(actor=org.user("county_a_clerk"), milestone=ms, files=[pdf("节点佐证.pdf")])
    files["milestone"] = ms.attachments.get()
    problem = rectify(org, new_problem(org, unit="county_a", found_by="province"), who="county_a_head")
    files["problem"] = problem.evidence.get()
    return {"task": task, "problem_obj": problem, **files}


def _download(client, att):
    return client.get(reverse("files:attachment_download", args=[att.pk]))


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# kind of record → (users who may download, users who get 404)
CASES = {
    "county_a_report": (
        ["county_a_clerk", "prov_supervisor", "city_a_supervisor"],
        ["county_b_clerk", "county_c_clerk"],
    ),
    "county_a_evidence": (["county_a_clerk", "prov_supervisor"], ["county_b_clerk", "county_c_clerk"]),
    "county_b_report": (["county_b_clerk", "prov_supervisor"], ["county_a_clerk", "county_c_clerk"]),
    "county_b_evidence": (["county_b_clerk", "prov_supervisor"], ["county_a_clerk", "county_c_clerk"]),
    # a 时间节点 is on the task page of every unit the task was sent to
    "milestone": (["county_a_clerk", "county_b_clerk", "prov_supervisor"], ["county_c_clerk"]),
    "problem": (["county_a_head", "prov_supervisor"], ["county_b_clerk", "county_b_head", "county_c_clerk"]),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_download_follows_the_record(org, login, world, kind):
    att = world[kind]
    allowed, refused = CASES[kind]
    with open(files_services._storage_root() / att.storage_name, "rb") as fh:
        stored = fh.read()
    for name in allowed:
        response = _download(login(org.user(name)), att)
        assert response.status_code == 200, (name, kind)
        assert _body(response) == stored, (name, kind)
    for name in refused:
        assert _download(login(org.user(name)), att).status_code == 404, (name, kind)


@pytest.mark.parametrize("viewer", ["county_a_clerk", "county_b_clerk", "prov_supervisor", "county_c_clerk"])
def test_the_task_page_links_exactly_the_downloadable_files(org, login, world, viewer):
    client = login(org.user(viewer))
    page = client.get(world["task"].get_absolute_url())
    if viewer == "county_c_clerk":
        assert page.status_code == 404
        return
    html = page.content.decode()
    visible = set(selectors.attachments_visible(org.user(viewer)).values_list("pk", flat=True))
    for kind in CASES:
        if kind == "problem":
            continue
        att = world[kind]
        url = reverse("files:attachment_download", args=[att.pk])
        assert (url in html) == (att.pk in visible), (viewer, kind)
        assert (url in html) == (_download(client, att).status_code == 200), (viewer, kind)


def test_the_problem_page_links_its_evidence_for_whoever_may_download_it(org, login, world):
    att = world["problem"]
    url = reverse("files:attachment_download", args=[att.pk])
    page = login(org.user("county_a_head")).get(world["problem_obj"].get_absolute_url())
    assert url in page.content.decode()
    assert login(org.user("county_b_head")).get(world["problem_obj"].get_absolute_url()).status_code == 404


def test_the_api_answers_reports_by_the_same_rule(org, login, world):
    other = world["county_a_report_obj"]
    own = world["county_b_report_obj"]
    client = login(org.user("county_b_clerk"))
    assert client.get(reverse("api:report-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("api:report-detail", args=[own.pk])).status_code == 200
    ids = {row["id"] for row in client.get(reverse("api:report-list")).json()["results"]}
    assert ids == {own.pk}
    sup = login(org.user("prov_supervisor"))
    ids = {row["id"] for row in sup.get(reverse("api:report-list")).json()["results"]}
    assert {own.pk, other.pk} <= ids


def test_ids_cannot_be_enumerated_by_a_co_unit(org, login, world):
    """Every attachment id there is, asked by 甲二县's clerk: only its own files and the task's
    节点佐证 come back."""
    from files.models import Attachment

    client = login(org.user("county_b_clerk"))
    served = {a.pk for a in Attachment.objects.all() if _download(client, a).status_code == 200}
    expected = {world["county_b_report"].pk, world["county_b_evidence"].pk, world["milestone"].pk}
    assert served == expected
