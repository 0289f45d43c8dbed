"""The product runs on its own SQLite (core/sqlite.py) and refuses libraries with wrong-result bugs.

The query shape that Debian 12's SQLite 3.40.1 answers wrongly once statistics exist — the
工作台's 逾期 list: a UNION of two branches, each `due_date < D AND NOT status IN (…) AND status
IN (…) AND unit IN (u)`, read through covering (unit, status, due_date) indexes — is rebuilt here
with ANALYZE and every returned row is checked against its own condition."""

import random
import sqlite3 as stdlib_sqlite3_name  # after core.sqlite.use_bundled(): the product's library

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from core import sqlite as product_sqlite

OPEN = ("assigned", "signed", "in_progress", "completion_requested")
STATUSES = (*OPEN, "completed", "draft")
TODAY = "2026-12-02"


def _overdue_rows(library, *, rows: int, units: int, seed: int):
    """Build the assignments table of the 工作台 query in memory, ANALYZE it, and return
    (what the UNION query returned per unit, the rows by id)."""
    db = library.connect(":memory:")
    db.executescript(
        """
        CREATE TABLE a (id integer PRIMARY KEY, status varchar(24) NOT NULL, due_date date NOT NULL,
                        unit_id bigint NOT NULL, org_unit_id bigint NOT NULL);
        CREATE INDEX a_unit ON a (unit_id, status, due_date);
        CREATE INDEX a_org ON a (org_unit_id, status, due_date);
        CREATE INDEX a_status ON a (status, due_date);
        """
    )
    rnd = random.Random(seed)
    data = {}
    for pk in range(1, rows + 1):
        if rnd.random() < 0.8:
            due = f"2026-{rnd.randint(9, 12):02d}-{rnd.randint(1, 28):02d}"
        else:
            due = f"2027-0{rnd.randint(1, 3)}-15"
        data[pk] = (rnd.choice(STATUSES), due, rnd.randint(1, units), rnd.choice((1, 2, 3, 4, 4, 4, 5)))
    db.executemany("INSERT INTO a VALUES (?, ?, ?, ?, ?)", [(pk, *row) for pk, row in data.items()])
    db.execute("ANALYZE")  # the planner statistics that production has
    cond = (
        "due_date < ? AND NOT (status IN ('completed', 'draft')) "
        "AND status IN ('assigned', 'signed', 'in_progress', 'completion_requested')"
    )
    answers = {}
    for unit in range(1, units + 1):
        answers[unit] = db.execute(
            f"SELECT u.*, COUNT(*) OVER () FROM ("
            f"SELECT id AS pk, due_date FROM a WHERE ({cond} AND org_unit_id IN (?)) UNION "
            f"SELECT id AS pk, due_date FROM a WHERE ({cond} AND unit_id IN (?))) u ORDER BY 2, 1",
            (TODAY, unit, TODAY, unit),
        ).fetchall()
    db.close()
    return answers, data


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_union_of_covering_index_branches_returns_only_matching_rows(seed):
    answers, data = _overdue_rows(stdlib_sqlite3_name, rows=344, units=120, seed=seed)
    for unit, got in answers.items():
        expected = sorted(
            (
                (pk, due)
                for pk, (status, due, unit_id, org_unit_id) in data.items()
                if due < TODAY and status in OPEN and unit in (unit_id, org_unit_id)
            ),
            key=lambda row: (row[1], row[0]),
        )
        assert [(pk, due) for pk, due, _ in got] == expected, unit  # the rows, in the query's order
        for pk, due, total in got:
            status, _, unit_id, org_unit_id = data[pk]
            assert due < TODAY and status in OPEN and unit in (unit_id, org_unit_id), (unit, pk)
            assert total == len(expected)


@pytest.mark.django_db
def test_the_product_uses_its_own_recent_sqlite():
    assert stdlib_sqlite3_name.__name__ == "sqlean"  # `import sqlite3` is the bundled library
    assert product_sqlite.version() >= product_sqlite.MINIMUM
    if connection.vendor == "sqlite":
        assert connection.Database.sqlite_version_info >= product_sqlite.MINIMUM
        with connection.cursor() as cursor:
            cursor.execute("SELECT sqlite_version()")
            assert tuple(map(int, cursor.fetchone()[0].split("."))) >= product_sqlite.MINIMUM


def test_an_old_library_is_refused_with_what_to_install(monkeypatch):
    message = product_sqlite.problem((3, 40, 1))
    assert "3.40.1" in message and "sqlean.py" in message and "requirements.lock" in message
    assert product_sqlite.problem(product_sqlite.MINIMUM) is None
    monkeypatch.setattr(product_sqlite, "version", lambda: (3, 40, 1))
    with pytest.raises(ImproperlyConfigured, match="SQLite 版本过旧"):
        product_sqlite.check()
