"""Validators shared by every form and import: dates that someone could actually mean.

A deadline of 9999-12-31 or a task from 1900 is a typing slip, not a plan; a problem "found" in 2099
has not been found yet. Forms and imports refuse them with a message that says the window."""

import datetime as dt

from django.core.exceptions import ValidationError

from core import clock

EARLIEST = dt.date(2000, 1, 1)
YEARS_AHEAD = 10


def latest() -> dt.date:
    """The last date a plan may name: ten years from today on the application clock."""
    today = clock.today()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def sane_date(value: dt.date | None) -> None:
    """A planned date (start, deadline, period): between 2000-01-01 and ten years from today."""
    if value is None:
        return
    if isinstance(value, dt.datetime):
        value = value.date()
    last = latest()
    if not EARLIEST <= value <= last:
        raise ValidationError(
            "日期%(value)s超出合理范围：应在%(first)s至%(last)s之间。",
            code="date_out_of_range",
            params={"value": value.isoformat(), "first": EARLIEST.isoformat(), "last": last.isoformat()},
        )


def past_date(value: dt.date | None) -> None:
    """A date something happened (found on, inspected on): not before 2000-01-01, not after today."""
    if value is None:
        return
    if isinstance(value, dt.datetime):
        value = value.date()
    today = clock.today()
    if value > today:
        raise ValidationError(
            "日期%(value)s晚于今天（%(today)s）：尚未发生的事不能登记。",
            code="date_in_future",
            params={"value": value.isoformat(), "today": today.isoformat()},
        )
    if value < EARLIEST:
        raise ValidationError(
            "日期%(value)s早于%(first)s，请检查是否填错。",
            code="date_out_of_range",
            params={"value": value.isoformat(), "first": EARLIEST.isoformat()},
        )
