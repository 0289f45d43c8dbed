"""Portable database expressions (SQLite and PostgreSQL)."""

from django.db import models


class DaysBetween(models.Func):
    """Whole days from `start` to `end` (end - start) for two date expressions."""

    output_field = models.IntegerField()
    arity = 2

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="((%(expressions)s)::date)",
            arg_joiner=")::date - (",
            **extra,
        )


def analyze(using: str = "default") -> None:
    """Refresh the query planner's statistics (ANALYZE, on SQLite and PostgreSQL).

    SQLite plans the scope and ledger queries well only with statistics, and loses them for a
    table that a migration rebuilds (adding a column with a constraint does); a bulk load leaves
    them stale on both databases. So this runs after every `migrate` (core.apps), after the demo
    load and after the benchmark's data generation — the one place it is done."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
