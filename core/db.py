"""Portable database expressions (SQLite and PostgreSQL)."""

from django.core.exceptions import EmptyResultSet
from django.db import connections, models


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


def first_of_union(querysets, order: tuple[str, ...], limit: int) -> tuple[list, int]:
    """(first column of the first `limit` rows, number of all rows) of the UNION of `querysets`
    in `order` (field names ending with "id"), in one query. Each queryset is filtered already
    (scope, conditions); it is read as `values_list("pk", *order without "id")`. The ORM cannot put
    a window (COUNT(*) OVER ()) over a UNION, so the compiled UNION is wrapped; each branch stays
    one range of its own index — never an OR across the table, nor a join of the union back to it.
    """
    columns = [f for f in order if f != "id"]
    first, *rest = [q.order_by().values_list("pk", *columns) for q in querysets]
    union = first.union(*rest) if rest else first
    try:
        sql, params = union.query.get_compiler(using=union.db).as_sql()
    except EmptyResultSet:  # every branch is empty by construction (e.g. no units)
        return [], 0
    positions = ", ".join(str(i) for i in range(2, len(columns) + 2))
    with connections[union.db].cursor() as cursor:
        cursor.execute(
            f"SELECT u.*, COUNT(*) OVER () FROM ({sql}) u ORDER BY {positions}, 1 LIMIT %s", (*params, limit)
        )
        rows = cursor.fetchall()
    return [row[0] for row in rows], (rows[0][-1] if rows else 0)


class Unindexed(models.Func):
    """The column itself, with its indexes out of the planner's reach on SQLite: written `+column`
    there (unary plus: the same value, for any type), which SQLite documents as disqualifying the
    column's index. A GROUP BY over a whole table then reads the table once and sorts, where SQLite
    otherwise walks an index of a grouped column and reads every row through it at random (1.5–2×
    slower at 100,000 rows: the province's cockpit). PostgreSQL gets the plain column."""

    arity = 1
    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)
