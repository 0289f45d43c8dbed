"""工作日 deadlines on the official calendar (R-TSK-1b), with admin overrides for uncovered years."""

import datetime as dt

import pytest

from tasks import services, workdays
from tasks.models import TaskCategory

pytestmark = pytest.mark.django_db


def test_national_day_2026_and_makeup_saturday():
    # 10-01..10-07 off, Saturday 10-10 is a 调休 working day, Sunday 10-11 is not
    assert workdays.add_workdays(dt.date(2026, 9, 30), 5) == dt.date(2026, 10, 13)
    assert workdays.add_workdays(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)
    assert workdays.add_workdays(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert workdays.is_workday(dt.date(2026, 10, 10)) and not workdays.is_workday(dt.date(2026, 10, 5))


def test_override_for_a_year_the_library_does_not_cover(org):
    assert not workdays.library_covers(2027) and workdays.library_covers(2026)
    start = dt.date(2027, 9, 30)  # a Thursday
    assert workdays.add_workdays(start, 3) == dt.date(2027, 10, 5)  # weekdays only, no holiday known
    admin = org.user("sysadmin")
    for day in range(1, 8):
        services.workday_override_set(
            actor=admin, date=dt.date(2027, 10, day), is_workday=False, note="国庆节"
        )
    services.workday_override_set(actor=admin, date=dt.date(2027, 10, 9), is_workday=True, note="调休上班")
    # 10-08 Fri (1), 10-09 Sat 调休 (2), 10-11 Mon (3)
    assert workdays.add_workdays(start, 3) == dt.date(2027, 10, 11)
    # overrides win over the library too
    services.workday_override_set(actor=admin, date=dt.date(2026, 10, 8), is_workday=False)
    assert workdays.add_workdays(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 9)


def test_only_calendar_admin_may_override(org):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.workday_override_set(
            actor=org.user("prov_supervisor"), date=dt.date(2027, 1, 1), is_workday=False
        )


def test_task_deadline_in_workdays_through_service(org):
    task = services.task_create(
        actor=org.user("prov_supervisor"),
        org_unit=org.units["province"],
        title="5个工作日内报送名单",
        category=TaskCategory.objects.get(name="公共卫生"),
        lead_unit=org.units["county_a"],
        start_date=dt.date(2026, 9, 30),
        due_in_workdays=5,
    )
    assert task.due_date == dt.date(2026, 10, 13)
    # editing the count recomputes the date
    services.task_update(actor=org.user("prov_supervisor"), task=task, data={"due_in_workdays": 1}, version=1)
    task.refresh_from_db()
    assert task.due_date == dt.date(2026, 10, 8)
