"""The SQLite library the product runs on — its own, not whichever the machine happens to have.

Python's `sqlite3` module is linked against the system's libsqlite3: 3.40.1 on Debian 12. That
library answers some of the product's queries wrongly once the planner has statistics (ANALYZE,
which `migrate` and the data loads run because the scope and ledger queries need it to be fast):
a UNION of two branches, each `due_date < D AND NOT status IN (…) AND status IN (…) AND unit IN (…)`
read through a covering (unit, status, due_date) index, returned assignments that are not overdue
under the 工作台's 逾期 list (192 of 681 items on the demo province). SQLite 3.50 answers the same
file correctly. So the product ships a recent SQLite: sqlean.py, a drop-in build of the standard
`sqlite3` module compiled with a current SQLite (wheels for Linux x86_64 and aarch64 — the
Kunpeng/Phytium servers of government intranets — macOS and Windows), and refuses to start on an
older library than the one it is tested with.

`use_bundled()` runs first thing in the settings, before Django's SQLite backend or the embedded
queue (Huey's SqliteStorage) import `sqlite3`; `check()` runs when the settings have chosen the
databases and says what to install if the library is too old.
"""

import sys

# The oldest SQLite the product is tested on (sqlean.py's, see requirements.lock). Older
# libraries have wrong-result bugs that the product's queries meet (see above; core/tests/
# test_sqlite_library.py reproduces the query shape with statistics).
MINIMUM = (3, 50, 4)


def use_bundled() -> None:
    """Make `import sqlite3` (Django's backend, the queue) load sqlean's SQLite."""
    try:
        import sqlean
    except ImportError:  # not installed: check() tells which library is in use and what to do
        return
    sys.modules["sqlite3"] = sqlean
    sys.modules["sqlite3.dbapi2"] = sqlean.dbapi2


def version() -> tuple[int, ...]:
    import sqlite3

    return tuple(sqlite3.sqlite_version_info)


def problem(found: tuple[int, ...]) -> str | None:
    """Why SQLite `found` must not be used, in the words an operator needs; None when it is fine."""
    if tuple(found) >= MINIMUM:
        return None
    have = ".".join(map(str, found))
    need = ".".join(map(str, MINIMUM))
    return (
        f"SQLite 版本过旧：当前为 {have}，督办需要 {need} 或更高版本。"
        f"旧版 SQLite 在有统计信息（ANALYZE）时会对本系统的部分查询返回错误的行（例如把未逾期的任务列为逾期）。"
        f"请安装项目锁定的依赖（./duban demo 会自动安装；或 .venv/bin/pip install --require-hashes -r "
        f"requirements.lock，其中的 sqlean.py 自带新版 SQLite），或改用 PostgreSQL（DATABASE_URL）。"
    )


def check() -> None:
    """Refuse to start on an SQLite library with known wrong-result bugs."""
    from django.core.exceptions import ImproperlyConfigured

    message = problem(version())
    if message:
        raise ImproperlyConfigured(message)
