"""The suite runs the way production does: with planner statistics (see conftest.django_db_setup)."""

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db

PLANNED = {"tasks_task", "tasks_assignment", "reporting_progressreport", "rectification_problem", "org_unit"}


def _tables_with_statistics() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1 WHERE stat IS NOT NULL")
        else:
            cursor.execute("SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema()")
        return {row[0] for row in cursor.fetchall()}


def test_every_test_starts_with_the_statistics_of_a_province():
    assert PLANNED <= _tables_with_statistics()


def test_a_flush_keeps_the_statistics(transactional_db):
    call_command("flush", interactive=False, verbosity=0)  # as every transactional test ends
    assert PLANNED <= _tables_with_statistics()
