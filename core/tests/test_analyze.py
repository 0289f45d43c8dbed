"""After `migrate` the planner has fresh statistics (core.apps → core.db.analyze): SQLite otherwise
plans the scope and ledger queries on defaults after a migration rebuilt a table."""

import pytest
from django.core.management import call_command
from django.db import connection

from core.testing import make_task

pytestmark = pytest.mark.django_db


def _analyzed_tables() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        else:
            cursor.execute("SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema()")
        return {row[0] for row in cursor.fetchall()}


def test_migrate_refreshes_the_planner_statistics(org):
    for i in range(3):
        make_task(org, title=f"统计任务{i}")
    if connection.vendor == "sqlite":  # as after a migration that rebuilt the tables
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl IN ('tasks_task', 'tasks_assignment')")
    # (PostgreSQL: the test database was analyzed while empty, so the tables have no statistics yet)
    assert not {"tasks_task", "tasks_assignment"} & _analyzed_tables()
    call_command("migrate", verbosity=0)
    assert {"tasks_task", "tasks_assignment"} <= _analyzed_tables()
