"""工作日 arithmetic on the official holiday and 调休 schedule (R-TSK-1b).

The `chinesecalendar` library carries the State Council schedule; years it does not cover yet
are answered by weekday rules unless an administrator entered overrides (WorkdayOverride),
which always win. Used for due dates given in workdays (the task form and import), the reminder
scan's next working day and a document's reply-by date; the light rule counts calendar days
(docs/rules.md).
"""

import datetime as dt

import chinese_calendar


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    from tasks.models import WorkdayOverride

    return dict(
        WorkdayOverride.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_workday")
    )


def _library_is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # year not covered by the library: weekdays work
        return day.weekday() < 5


def is_workday(day: dt.date) -> bool:
    override = _overrides(day, day).get(day)
    return override if override is not None else _library_is_workday(day)


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The date that is the n-th working day after `start` ("5个工作日内" from start)."""
    if n <= 0:
        return start
    overrides = _overrides(start, start + dt.timedelta(days=n * 3 + 40))
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        work = overrides.get(day)
        if work is None:
            work = _library_is_workday(day)
        if work:
            counted += 1
    return day


def library_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
        return True
    except NotImplementedError:
        return False
