"""After `migrate` the planner has fresh statistics (core.apps → core.db.analyze): SQLite otherwise
plans the scope and ledger queries on defaults after a migration rebuilt a table."""

import pytest
from django.core.management import call_command
from django.db import connection

from core.testing import make_task

pytestmark = pytest.mark.django_db


def _planned_rows(table: str) -> int | None:
    """How many rows the planner believes `table` has (None: no statistics)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND stat IS NOT NULL LIMIT 1", [table]
            )
            row = cursor.fetchone()
            return int(row[0].split()[0]) if row else None
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        row = cursor.fetchone()
        return int(row[0]) if row and row[0] >= 0 else None


def test_migrate_refreshes_the_planner_statistics(org):
    for i in range(3):
        make_task(org, title=f"统计任务{i}")
    # the statistics are the demo province's the suite started with (conftest), not these rows
    assert _planned_rows("tasks_task") != 3
    if connection.vendor == "sqlite":  # as after a migration that rebuilt the tables
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl IN ('tasks_task', 'tasks_assignment')")
        assert _planned_rows("tasks_task") is None
    call_command("migrate", verbosity=0)
    assert _planned_rows("tasks_task") == 3
    assert _planned_rows("tasks_assignment") == 3  # make_task assigns to one unit
