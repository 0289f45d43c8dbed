"""The problem light once rectification is reported (已整改(待验收)): the clock stops on the report day
(docs/rules.md §1, Problems) — in the database expression, its Python twin, the ledger's red filter,
the statistics' 逾期, the escalation ladder and the words on the pages."""

import datetime as dt
import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import clock
from documents.services import check_order
from rectification import rules, services
from rectification.exports import problem_list_document
from rectification.lights import days_overdue, is_overdue, overdue_q
from rectification.models import Problem
from rectification.selectors import light_annotation, light_of
from rectification.tests.factories import bulk_problems, new_problem, rectify
from tasks.choices import Light

pytestmark = pytest.mark.django_db

LEDGER = reverse("rectification:problem_list")
STATISTICS = reverse("rectification:statistics")


def _db_light(problem, today):
    return Problem.objects.annotate(light=light_annotation(today)).get(pk=problem.pk).light


def test_reported_in_time_is_green_however_long_verification_takes(org):
    problem = rectify(org, new_problem(org, days=5))
    clock.travel(days=79)  # the deadline passed 74 days ago, the report came before it
    today = clock.today()
    problem.refresh_from_db()
    info = light_of(problem, today)
    assert (info.light, info.reason) == (Light.GREEN, "绿：按期报告整改完成，待验收")
    assert _db_light(problem, today) == Light.GREEN


def test_reported_late_is_yellow_with_the_days_late_frozen_on_the_report_day(org):
    problem = new_problem(org, days=5)
    clock.travel(days=8)  # reported 3 days after the deadline
    problem = rectify(org, problem)
    for later in (0, 30):
        clock.travel(days=later)
        today = clock.today()
        info = light_of(problem, today)
        assert (info.light, info.reason) == (Light.YELLOW, "黄：逾期3天报告整改完成，待验收")
        assert _db_light(problem, today) == Light.YELLOW


def test_returned_problem_is_red_again(org):
    problem = rectify(org, new_problem(org, days=5))
    clock.travel(days=10)
    problem = services.problem_verify(
        actor=org.user("prov_supervisor"), problem=problem, approve=False, note="佐证不全"
    )
    info = light_of(problem, clock.today())
    assert (info.light, info.reason) == (Light.RED, "红：逾期5天")
    assert _db_light(problem, clock.today()) == Light.RED


def test_ledger_red_filter_statistics_and_reason_on_the_pages(org, login):
    reported = rectify(org, new_problem(org, days=5, description="按期报告的问题"))
    late_open = new_problem(org, days=5, description="逾期未整改的问题")
    clock.travel(days=79)
    client = login(org.user("prov_supervisor"))
    red = client.get(LEDGER, {"light": "red"})
    assert [p.code for p in red.context["rows"]] == [late_open.code]
    green = client.get(LEDGER, {"light": "green"})
    assert [p.code for p in green.context["rows"]] == [reported.code]
    assert "按期报告整改完成，待验收" in green.content.decode()
    assert "逾期74天" not in green.content.decode()
    overdue = client.get(LEDGER, {"overdue": "1"})
    assert [p.code for p in overdue.context["rows"]] == [late_open.code]
    detail = client.get(reverse("rectification:problem_detail", args=[reported.pk])).content.decode()
    assert "按期报告整改完成，待验收" in detail and "逾期74天" not in detail
    total = client.get(STATISTICS).context["total"]
    assert (total.total, total.overdue) == (2, 1)


def test_escalation_ladder_leaves_reported_problems_alone(org):
    reported = rectify(org, new_problem(org, days=5))
    late_open = new_problem(org, days=5)
    clock.travel(days=40)
    services.escalation_scan()
    reported.refresh_from_db()
    late_open.refresh_from_db()
    assert reported.escalation == 0
    assert late_open.escalation > 0


def test_reported_problem_with_a_late_report_row_agrees_in_bulk(org):
    today = clock.today()
    rows = bulk_problems(
        org,
        1,
        status="rectified",
        deadline=today - dt.timedelta(days=10),
        rectified_on=today - dt.timedelta(days=4),
    )
    assert light_of(rows[0], today).reason == "黄：逾期6天报告整改完成，待验收"
    assert _db_light(rows[0], today) == Light.YELLOW


def test_overdue_is_one_rule_for_the_ladder_the_order_and_the_problem_list(org):
    """逾期 (红) once, rectification.lights: the escalation check, the 督办单 check, the days in
    words and the 问题清单 document all ask is_overdue / days_overdue, which agree with overdue_q."""
    reported = rectify(org, new_problem(org, days=5, description="已报告整改完成的问题"))
    late_open = new_problem(org, days=5, description="逾期未整改的问题")
    clock.travel(days=12)
    today = clock.today()
    reported.refresh_from_db()
    late_open.refresh_from_db()
    assert [p.pk for p in Problem.objects.filter(overdue_q(today))] == [late_open.pk]
    assert (is_overdue(late_open, today), is_overdue(reported, today)) == (True, False)
    assert (days_overdue(late_open, today), days_overdue(reported, today)) == (7, 0)
    rules.check_escalation_state(late_open, late_open.escalation + 1, today)
    check_order(late_open, today)
    for check in (
        lambda: rules.check_escalation_state(reported, reported.escalation + 1, today),
        lambda: check_order(reported, today),
    ):
        with pytest.raises(ValidationError):
            check()
    data = problem_list_document(
        issuer_name="省卫生健康委", subject="测试", problems=[reported, late_open], today=today
    )
    text = "".join(c.text for t in docx.Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells)
    assert text.count("逾期7天") == 1  # the open one; the reported one is waiting for verification
