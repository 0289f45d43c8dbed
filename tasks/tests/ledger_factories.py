"""Fast task rows for ledger, export and API tests.

`bulk_tasks` writes Task rows directly (bulk_create) with the exact status/dates/progress a test
needs, so light states are deterministic; scope tests use core.testing.make_task (the services).
"""

from __future__ import annotations

import datetime as dt
import itertools

from core import clock
from tasks.models import Task, TaskCategory

_seq = itertools.count(1)


def bulk_tasks(
    org, n: int = 1, *, lead="county_a", org_unit="province", creator="prov_supervisor", code=None, **fields
):
    today = clock.today()
    category = fields.pop("category", None) or TaskCategory.objects.get(name="公共卫生")
    defaults = {
        "title": "基本公共卫生建档",
        "level": "general",
        "status": "in_progress",
        "start_date": today - dt.timedelta(days=10),
        "due_date": today + dt.timedelta(days=60),
        "progress": 50,
        "last_report_on": today - dt.timedelta(days=1),
        "cadence": "weekly",
    }
    defaults.update(fields)
    rows = []
    for _ in range(n):
        number = next(_seq)
        rows.append(
            Task(
                code=code or f"T-{number:06d}",
                category=category,
                org_unit=org.units[org_unit],
                lead_unit=org.units[lead],
                created_by=org.users[creator],
                **defaults,
            )
        )
    return Task.objects.bulk_create(rows)
