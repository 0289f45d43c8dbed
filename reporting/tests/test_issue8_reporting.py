"""Issue 8 in reporting: a progress drop needs a reason kept on the timeline (item 4); the report
form's 本次报告期 is the period its own table shows (item 9)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import clock
from reporting import services
from reporting.models import ProgressReport
from tasks.models import TaskEvent

pytestmark = pytest.mark.django_db


def report_url(a):
    return reverse("reporting:report_create", kwargs={"assignment_pk": a.pk})


def test_report_period_header_matches_its_table(org, signed, login):
    start = clock.today()
    end = start + dt.timedelta(days=6)
    body = login(org.user("county_a_clerk")).get(report_url(signed)).content.decode()
    assert f"<strong>{start:%Y-%m-%d} 至 {end:%Y-%m-%d}</strong>" in body
    assert f"{start:%m-%d}～{end:%m-%d}" in body
    # the report filed today belongs to that whole period
    c = login(org.user("county_a_clerk"))
    c.post(report_url(signed), {"progress": "10", "work_done": "启动"})
    report = ProgressReport.objects.get(assignment=signed)
    assert (report.period_start, report.period_end) == (start, end)


def test_progress_drop_needs_a_reason_kept_on_the_timeline(org, signed, login):
    services.report_submit(actor=org.user("county_a_clerk"), assignment=signed, progress=75, work_done="过半")
    clock.travel(days=7)
    c = login(org.user("county_a_clerk"))
    r = c.post(report_url(signed), {"progress": "40", "work_done": "复核后下调进度"})
    body = r.content.decode()
    assert r.status_code == 200 and "进度由上次报告的75%降至40%，请填写进度下降原因" in body
    assert "复核后下调进度" in body  # what was typed stays
    assert ProgressReport.objects.filter(assignment=signed).count() == 1

    r = c.post(
        report_url(signed),
        {"progress": "40", "work_done": "复核后下调进度", "drop_reason": "5个村卫生室验收未通过"},
    )
    assert r.status_code == 302, r.content.decode()
    signed.refresh_from_db()
    assert signed.progress == 40
    event = TaskEvent.objects.filter(assignment=signed, kind="reported").latest("id")
    assert "进度由75%降至40%" in event.note and "5个村卫生室验收未通过" in event.note
    detail = c.get(signed.task.get_absolute_url()).content.decode()
    assert "下降原因：5个村卫生室验收未通过" in detail


def test_service_refuses_a_drop_without_reason(org, signed):
    services.report_submit(actor=org.user("county_a_clerk"), assignment=signed, progress=75, work_done="过半")
    with pytest.raises(ValidationError) as exc:
        services.report_submit(
            actor=org.user("county_a_clerk"), assignment=signed, progress=40, work_done="w"
        )
    assert "drop_reason" in exc.value.error_dict
    # the same or a higher progress needs no reason
    services.report_submit(actor=org.user("county_a_clerk"), assignment=signed, progress=75, work_done="w")
    assert ProgressReport.objects.filter(assignment=signed).count() == 2
