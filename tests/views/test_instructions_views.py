"""The view declarations of 领导批示 (tests/views/endpoints_instructions.py), the outsiders of the
scope matrix on these endpoints alone, and a sibling county's leader seeing nothing of 甲一县's
批示 in the list, the detail, the export or the task page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock
from core.testing import make_task
from core.testing.views import MARK, ViewTestCase, outsider_failures, xlsx_text
from instructions import dispatch
from instructions.exports import COLUMNS
from instructions.tests.factories import county_task, instruct
from tests.test_scope_matrix import snapshot
from tests.views.endpoints_instructions import INSTRUCTIONS
from tests.views.world import OUTSIDERS, build_world


class TestInstructionsViews(ViewTestCase):
    endpoints = INSTRUCTIONS


@pytest.mark.django_db
@pytest.mark.parametrize("outsider", [*OUTSIDERS, "county_b_leader"])
def test_outsiders_get_nothing(org, client, outsider):
    world = build_world(org)
    failures = [f for e in INSTRUCTIONS for f in outsider_failures(client, e, world, outsider, snapshot)]
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.django_db
def test_sibling_county_leader_sees_nothing_inside_gets_it(org, client):
    task = county_task(org, title=f"{MARK}任务")
    ins = instruct(org, task, leader="county_a_leader", text=f"{MARK}批示")
    pages = [
        reverse("instructions:instruction_list"),
        reverse("instructions:instruction_export"),
        ins.get_absolute_url(),
    ]
    client.force_login(org.user("county_b_leader"))
    list_, export, detail = (client.get(url) for url in pages)
    assert MARK not in list_.content.decode()
    assert MARK not in xlsx_text(export.content)
    assert detail.status_code == 404
    for insider in ("county_a_leader", "city_a_leader", "prov_leader", "county_a_clerk"):
        client.force_login(org.user(insider))
        assert f"{MARK}批示" in client.get(pages[0]).content.decode(), insider
        assert client.get(pages[2]).status_code == 200, insider
    client.force_login(org.user("prov_leader"))
    assert f"{MARK}批示" in xlsx_text(client.get(pages[1]).content)
    page = client.get(task.get_absolute_url()).content.decode()
    assert (
        f"{MARK}批示" in page and reverse("instructions:instruction_create", args=["task", task.pk]) in page
    )


@pytest.mark.django_db
def test_ledger_query_count_is_constant(org, client):
    task = county_task(org)
    leader = org.user("prov_leader")
    client.force_login(leader)
    url = reverse("instructions:instruction_list")

    def count(n):
        for i in range(n):
            instruct(org, task, leader="prov_leader", days=i + 1, text=f"批示{i}")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"per_page": 100})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    client.get(url)  # the session and the grants, once
    few = count(2)
    many = count(40)
    assert few == many


@pytest.mark.django_db
def test_filters(org, client):
    task = county_task(org)
    late = instruct(org, task, days=1, text="逾期的批示")
    instruct(org, task, days=30, text="不急的批示")
    clock.travel(days=3)
    client.force_login(org.user("city_a_leader"))
    url = reverse("instructions:instruction_list")
    red = client.get(url, {"light": "red"}).content.decode()
    assert "逾期的批示" in red and "不急的批示" not in red and "红：逾期2天" in red
    due = (clock.today() + dt.timedelta(days=10)).isoformat()
    assert "逾期的批示" not in client.get(url, {"due_from": due}).content.decode()
    assert "不急的批示" in client.get(url, {"q": "不急"}).content.decode()
    assert "不急的批示" not in client.get(url, {"target_kind": "problem"}).content.decode()
    unit = org.unit("county_b").pk
    assert "逾期的批示" not in client.get(url, {"assignee_unit": unit}).content.decode()
    assert "逾期的批示" in client.get(url, {"assignee_unit": org.unit("city_a").pk}).content.decode()
    assert late.pk


@pytest.mark.django_db
def test_problem_and_document_pages_show_their_instructions(org, client):
    world = build_world(org)
    problem, document = world["problem"], world["document"]
    instruct(org, problem, kind="problem", text="问题批示：立行立改")
    instruct(org, document, kind="document", text="公文批示：逐项落实")
    client.force_login(org.user("city_a_leader"))
    page = client.get(problem.get_absolute_url()).content.decode()
    assert "问题批示：立行立改" in page and "公文批示" not in page
    assert reverse("instructions:instruction_create", args=["problem", problem.pk]) in page
    page = client.get(document.get_absolute_url()).content.decode()
    assert "公文批示：逐项落实" in page
    client.force_login(org.user("county_a_clerk"))  # the unit sees the 批示, without the button
    page = client.get(problem.get_absolute_url()).content.decode()
    assert "问题批示：立行立改" in page
    assert reverse("instructions:instruction_create", args=["problem", problem.pk]) not in page


@pytest.mark.django_db
def test_task_page_section_query_count_is_constant(org, client):
    task = county_task(org)
    client.force_login(org.user("city_a_leader"))
    client.get(task.get_absolute_url())

    def count(n):
        for i in range(n):
            instruct(org, task, text=f"批示{i}")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(task.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    assert count(1) == count(6)


# --- 调度会 (R-DEC-6) ------------------------------------------------------------------------------


def _county_meeting(org, n_followups=0):
    """甲一县's 调度会 over its red task, with `n_followups` follow-ups recorded by its leader."""
    task = make_task(
        org, title=f"{MARK}红灯任务", lead="county_a", org_unit="county_a", creator="county_a_head", days=2
    )
    clock.travel(days=4)
    host = org.user("county_a_leader")
    meeting = dispatch.meeting_create(
        actor=host, org_unit=org.unit("county_a"), title=f"{MARK}调度会", held_on=clock.today(), host=host
    )
    for i in range(n_followups):
        dispatch.followup_add(
            actor=host,
            meeting=meeting,
            task=task,
            text=f"{MARK}跟踪{i}",
            assignee_unit=org.unit("county_a"),
            due_date=clock.today() + dt.timedelta(days=3),
        )
    return meeting, task


@pytest.mark.django_db
def test_sibling_county_leader_sees_no_meeting_insiders_do(org, client):
    meeting, task = _county_meeting(org, n_followups=1)
    ins = meeting.followups.get()
    pages = [
        reverse("instructions:meeting_list"),
        meeting.get_absolute_url(),
        reverse("instructions:meeting_followup", args=[meeting.pk, task.pk]),
        reverse("instructions:instruction_list") + f"?meeting={meeting.pk}",
    ]
    client.force_login(org.user("county_b_leader"))
    list_, detail, followup, ledger = (client.get(url) for url in pages)
    assert MARK not in list_.content.decode() and MARK not in ledger.content.decode()
    assert detail.status_code == 404 and followup.status_code == 404
    for insider in ("county_a_leader", "city_a_leader", "prov_leader", "county_a_clerk", "city_a_supervisor"):
        client.force_login(org.user(insider))
        assert f"{MARK}调度会" in client.get(pages[0]).content.decode(), insider
        page = client.get(pages[1]).content.decode()
        assert f"{MARK}红灯任务" in page and f"{MARK}跟踪0" in page, insider
        # the ledger filtered by the meeting shows its follow-ups with the 调度会 badge
        page = client.get(pages[3]).content.decode()
        assert f"{MARK}跟踪0" in page and 'id="meeting-filter"' in page, insider
    client.force_login(org.user("county_a_clerk"))  # the unit reads, answers, does not record
    assert pages[2] not in client.get(pages[1]).content.decode()
    assert client.get(pages[2]).status_code == 403
    assert "调度会跟踪事项" in client.get(ins.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_meeting_list_query_count_is_constant_and_filters_by_date(org, client):
    host = org.user("county_a_leader")
    client.force_login(host)
    url = reverse("instructions:meeting_list")
    _county_meeting(org, n_followups=2)

    def count(n):
        for i in range(n):
            dispatch.meeting_create(
                actor=host,
                org_unit=org.unit("county_a"),
                title=f"调度会{i}",
                held_on=clock.today() - dt.timedelta(days=i),
                host=host,
            )
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    client.get(url)
    assert count(1) == count(12)
    old = (clock.today() - dt.timedelta(days=5)).isoformat()
    page = client.get(url, {"held_to": old}).content.decode()
    assert "调度会5" in page and "调度会1<" not in page and f"{MARK}调度会" not in page
    page = client.get(url, {"held_from": clock.today().isoformat()}).content.decode()
    assert f"{MARK}调度会" in page and "调度会5" not in page


@pytest.mark.django_db
def test_meeting_pages_end_to_end_in_the_client(org, client):
    meeting, task = _county_meeting(org)
    client.force_login(org.user("county_a_leader"))
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "记录时的红黄灯任务" in page and "红：逾期2天" in page
    url = reverse("instructions:meeting_followup", args=[meeting.pk, task.pk])
    body = {
        "text": "",
        "assignee_unit": org.unit("county_a").pk,
        "due_date": "2020-01-01",
        "assignee_name": "孙局长",
    }
    page = client.post(url, body).content.decode()
    assert "请填写跟踪事项" in page and "孙局长" in page  # refused, what was typed kept
    body["text"], body["due_date"] = "三日内补报", (clock.today() + dt.timedelta(days=3)).isoformat()
    response = client.post(url, body)
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{task.pk}")
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "三日内补报" in page and 'data-count="with_followup">1<' in page
    assert COLUMNS[-1].header == "调度会"
    export = client.get(reverse("instructions:instruction_export"), {"meeting": meeting.pk})
    assert f"{MARK}调度会" in xlsx_text(export.content)
