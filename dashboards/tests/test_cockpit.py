"""领导驾驶舱: every chart number equals the count of its drill-down list (requested as the same user)
and a plain Python evaluation of the rule over every row; scope (a county leader sees nothing of a
sibling county); constant queries; the snapshot's idempotence."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock, scoping
from core.testing import PASSWORD
from dashboards import charts, services
from dashboards.models import DailySnapshot
from dashboards.tests.world import build
from rectification.models import Problem
from rectification.selectors import rate
from tasks import lights
from tasks.choices import Light, TaskStatus
from tasks.models import Assignment, Task

pytestmark = pytest.mark.django_db
COCKPIT = reverse("dashboards:cockpit")


def _number(value) -> int:
    return int(str(value).split("/")[0])


def elements(page: dict):
    """(what, number, url) of every chart element, number and cell of the page."""
    for h in page["headline"]:
        yield h["label"], _number(h["value"]), h["url"]
    c = page["charts"]
    for ring in ("status", "light"):
        for item in c["rings"][ring]:
            yield f"{ring}:{item['name']}", item["value"], item["url"]
    u = c["units"]
    for i, unit in enumerate(u["units"]):
        for key in ("completion", "on_time"):
            yield f"{unit}:{key}", _number(u[key][i]["label"]), u[key][i]["url"]
        for key in ("red", "report_late", "report_missing"):
            yield f"{unit}:{key}", u[key][i]["value"], u[key][i]["url"]
        for key in ("closed", "in_work", "overdue", "total"):
            yield f"{unit}:rect:{key}", u["rect"][key][i]["value"], u["rect"][key][i]["url"]
    cat = c["categories"]
    for i, name in enumerate(cat["categories"]):
        for key in ("completion", "on_time"):
            yield f"{name}:{key}", _number(cat[key][i]["label"]), cat[key][i]["url"]
    for item in c["top"]:
        yield f"top:{item['name']}", item["value"], item["url"]
    for row in page["heat"]["rows"]:
        for col, cell in zip(page["heat"]["columns"], row["cells"], strict=True):
            yield f"heat:{row['label']}:{col}", cell["red"], cell["url"]


def _list_count(client, url: str) -> int:
    resp = client.get(url)
    assert resp.status_code == 200, url
    form = resp.context.get("form")
    assert form is None or not form.errors, (url, form.errors)
    return resp.context["paginator"].count


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )


@pytest.fixture
def world(org):
    return build(org)


def _login(client, org, username):
    assert client.login(username=username, password=PASSWORD)
    return org.user(username)


@pytest.mark.parametrize("who", ["prov_leader", "city_a_leader", "county_a_leader", "prov_supervisor"])
def test_every_number_equals_its_drill_down(client, org, world, who):
    user = _login(client, org, who)
    page = charts.page(user, clock.today())
    seen = 0
    for what, number, url in elements(page):
        assert _list_count(client, url) == number, (who, what, url)
        seen += 1
    assert seen > 20


def _python_truth(user, root, today):
    """The headline and the red/完成/按期/迟报/缺报 per unit below the root, by Python over every row."""
    assigned = {}
    for a in Assignment.objects.select_related("unit"):
        assigned.setdefault(a.task_id, []).append(a.unit)
    children = list(root.children.all())
    per = Counter()
    for t in Task.objects.select_related("lead_unit", "org_unit").exclude(status=TaskStatus.DRAFT):
        visible = scoping.unit_in_scope(user, "tasks.view_task", t.org_unit) or any(
            scoping.unit_in_scope(user, "tasks.view_task", u) for u in assigned.get(t.pk, [])
        )
        if not visible or not t.lead_unit.is_descendant_of(root):
            continue
        child = next((c for c in children if t.lead_unit.is_descendant_of(c)), None)
        key = child.display_name if child else f"{root.display_name}本级"
        light = lights.for_object(t, today).light
        reporting = t.status in (TaskStatus.ASSIGNED, TaskStatus.SIGNED, TaskStatus.IN_PROGRESS)
        late = reporting and lights.report_late(
            cadence=t.cadence, start_date=t.start_date, last_report_on=t.last_report_on, today=today
        )
        for k in (key, "*"):
            per[(k, "total")] += 1
            per[(k, "red")] += light == Light.RED
            per[(k, "completion")] += t.status == TaskStatus.COMPLETED
            per[(k, "on_time")] += t.status == TaskStatus.COMPLETED and t.completed_on <= t.due_date
            per[(k, "report_late")] += bool(late) and t.last_report_on is not None
            per[(k, "report_missing")] += bool(late) and t.last_report_on is None
    return per


@pytest.mark.parametrize("who", ["prov_leader", "city_a_leader", "county_a_leader"])
def test_numbers_agree_with_python(org, world, who):
    user = org.user(who)
    today = clock.today()
    page = charts.page(user, today)
    truth = _python_truth(user, page["root"], today)
    u = page["charts"]["units"]
    for i, unit in enumerate(u["units"]):
        assert u["red"][i]["value"] == truth[(unit, "red")], unit
        assert u["report_late"][i]["value"] == truth[(unit, "report_late")], unit
        assert u["report_missing"][i]["value"] == truth[(unit, "report_missing")], unit
        done, total = truth[(unit, "completion")], truth[(unit, "total")]
        assert u["completion"][i]["label"] == f"{done}/{total} · {rate(done, total)}"
        on_time = truth[(unit, "on_time")]
        assert u["on_time"][i]["label"] == f"{on_time}/{done} · {rate(on_time, done)}"
    head = {h["key"]: h["value"] for h in page["headline"]}
    assert head["total"] == str(truth[("*", "total")])
    assert head["red"] == str(truth[("*", "red")])


def test_county_leader_sees_nothing_of_the_sibling_county(client, org, world):
    user = _login(client, org, "county_a_leader")
    page = charts.page(user, clock.today())
    assert page["root"].pk == org.units["county_a"].pk
    assert page["charts"]["units"]["units"] == ["甲一县卫健局本级", "甲一县中心卫生院"]
    sibling = {t.code for t in Task.objects.filter(lead_unit=org.units["county_b"])}
    sibling_problems = {p.code for p in Problem.objects.filter(org_unit=org.units["county_b"])}
    for _what, _n, url in elements(page):
        body = client.get(url).content.decode()
        assert not any(code in body for code in sibling | sibling_problems), url
    body = client.get(COCKPIT).content.decode()
    assert "甲二县" not in body
    # a forged drill-down to the sibling county shows none of its rows (the filter refuses the unit)
    for url, params in (
        ("tasks:task_list", {"unit": org.units["county_b"].pk, "status": "issued"}),
        ("tasks:task_list", {"lead_unit": org.units["county_b"].pk, "light": "red"}),
        ("rectification:problem_list", {"unit": org.units["county_b"].pk}),
    ):
        body = client.get(reverse(url), params).content.decode()
        assert not any(code in body for code in sibling | sibling_problems), params
    # the export of a drill-down (the ledger's Excel button repeats its query) holds no sibling rows
    exported = 0
    for url, params in (
        ("tasks:task_export", {"unit": org.units["county_a"].pk, "status": "issued"}),
        ("tasks:task_export", {"lead_unit": org.units["county_b"].pk, "light": "red"}),
        ("rectification:problem_export", {"unit": org.units["county_b"].pk}),
    ):
        resp = client.get(reverse(url), params)
        assert resp.status_code in (200, 403), params  # 403: a leader without the export right
        if resp.status_code == 200:
            cells = _xlsx_text(resp.content)
            assert not any(code in cells for code in sibling | sibling_problems), params
            exported += 1


def test_city_leader_sees_its_counties(client, org, world):
    user = _login(client, org, "city_a_leader")
    page = charts.page(user, clock.today())
    assert page["charts"]["units"]["units"][-2:] == ["甲一县卫健局", "甲二县卫健局"]
    assert "乙" not in "".join(page["charts"]["units"]["units"])


def test_clerk_has_no_cockpit(client, org):
    _login(client, org, "county_a_clerk")
    assert client.get(COCKPIT).status_code == 403


def _queries(client, url):
    client.get(url)  # the first request of a session writes it
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_constant_queries(client, org):
    _login(client, org, "prov_leader")
    build(org, seed=1, per_unit=1)
    services.take_snapshot()
    small = _queries(client, COCKPIT)
    build(org, seed=2, per_unit=4)
    clock.travel(days=7)
    services.take_snapshot()
    big = _queries(client, COCKPIT)
    assert big == small
    assert big <= 20


def test_snapshot_idempotent_and_trend_reads_it(org, world):
    today = clock.today()
    n = services.take_snapshot()
    assert n == services.take_snapshot() > 0
    assert DailySnapshot.objects.filter(day=today).count() == n
    assert DailySnapshot.objects.values("unit", "day").distinct().count() == n
    page = charts.page(org.user("prov_leader"), today)
    last = page["charts"]["trend"][-1]
    head = {h["key"]: h["value"] for h in page["headline"]}
    assert last["day"] == today.isoformat() and last["red"] == int(head["red"])
    # the past is never recomputed: a change today leaves yesterday's point as it was
    Task.objects.update(status=TaskStatus.COMPLETED)
    clock.travel(days=7)
    services.take_snapshot()
    trend = charts.page(org.user("prov_leader"), clock.today())["charts"]["trend"]
    assert trend[-2]["red"] == int(head["red"]) and trend[-1]["red"] == 0


def test_screen_mode(client, org, world):
    _login(client, org, "prov_leader")
    for url in (reverse("dashboards:cockpit_screen"), COCKPIT + "?screen=1"):
        body = client.get(url).content.decode()
        assert "cockpit-screen" in body and 'http-equiv="refresh"' in body
