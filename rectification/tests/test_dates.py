"""Dates no one means (a problem found in 2099, a deadline of 9999-12-31, one from 1900) are refused
with a clear Chinese message by the form, the Excel import and the model (core.validators)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core import clock
from rectification.models import Problem
from rectification.tests.factories import new_problem
from rectification.tests.test_views_create_import import CREATE, GOOD, IMPORT, form_data, workbook

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("found_on", "2099-01-05", "日期2099-01-05晚于今天"),
        ("found_on", "1900-01-01", "日期1900-01-01早于2000-01-01"),
        ("deadline", "9999-12-31", "日期9999-12-31超出合理范围"),
    ],
)
def test_problem_form_refuses_dates_outside_the_window(org, login, field, value, message):
    client = login(org.user("prov_supervisor"))
    response = client.post(CREATE, form_data(org, **{field: value}))
    assert response.status_code == 200 and not Problem.objects.exists()
    html = response.content.decode()
    assert message in html
    assert "群众反映乡镇卫生院夜间无人值班" in html  # the input is kept


def test_import_refuses_a_problem_found_in_2099_and_a_deadline_in_9999(org, login):
    client = login(org.user("prov_supervisor"))
    found_2099 = [*GOOD[:5], "2099-01-05", *GOOD[6:]]
    deadline_9999 = [*GOOD[:8], "9999-12-31"]
    response = client.post(
        IMPORT,
        {"found_by_unit": org.units["province"].pk, "file": workbook([GOOD, found_2099, deadline_9999])},
    )
    assert response.status_code == 200 and not Problem.objects.exists()  # nothing half-imported
    html = response.content.decode()
    assert "第3行" in html and "发现日期：日期2099-01-05晚于今天" in html
    assert "第4行" in html and "整改时限：日期9999-12-31超出合理范围" in html


def test_service_refuses_them_too(org):
    with pytest.raises(ValidationError) as exc:
        new_problem(org, found_on=clock.today() + dt.timedelta(days=1))
    assert "found_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        new_problem(org, days=365 * 20)
    assert "deadline" in exc.value.message_dict
    assert not Problem.objects.exists()
