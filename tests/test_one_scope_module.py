"""Data scope is decided in one module (R-ORG-3, issue 9): no runtime module filters by unit path
except core/scoping.py (the scope rule and its queries) and org/models.py (the tree itself:
`Unit.objects.subtree_of`). Every other module asks them — `visible_to()`, `scoping.subtree_q`,
`Unit.objects.subtree_of`, `Unit.ancestor_ids`.

The check parses every runtime module (not tests, not migrations) with `ast` and names file:line of
  - an ORM lookup on a unit path (`path__gte`, `org_unit__path__startswith`, `filter(path=…)`, …);
    ordering by path (`order_by("unit__path")`) is not a filter and passes;
  - `subtree_range` (the path arithmetic of a subtree);
  - raw SQL comparing a path column (`… WHERE u.path >= %s …`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {
    "core/scoping.py": "the scope rule and the queries it builds",
    "org/models.py": "the unit tree itself (subtree_of, ancestors)",
    "bench/measure.py": "the benchmark's hand-written SQL baseline the ORM's queries are timed against; "
    "it serves no user and decides no one's scope",
}
SKIP_DIRS = {".git", ".venv", "node_modules", "migrations", "tests", "testing", "static", "media", "data"}

PATH_LOOKUP = re.compile(r"(^|__)path__[a-z]+$|__path$")  # path__gte, unit__path__lt, unit__path
PATH_STRING = re.compile(r"(^|__)path__(gte|gt|lte|lt|startswith|istartswith|range|in|exact|contains|regex)$")
FILTERS = {"filter", "exclude", "get", "get_or_create", "update_or_create", "Q", "first", "last"}
SQL = re.compile(r"\b(SELECT|WHERE|JOIN|UPDATE|DELETE)\b")
SQL_PATH = re.compile(r"\bpath\s*(>=|<=|<>|!=|<|>|=|LIKE\b|BETWEEN\b|IN\b)", re.IGNORECASE)


def _callee(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _strings(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def runtime_modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if any(part in SKIP_DIRS for part in rel.parts[:-1]) or rel.name == "conftest.py":
            continue
        if rel.name.startswith("test_"):
            continue
        yield rel.as_posix(), path


def _mark_fstring_parts(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for v in node.values:
                v.parent = node


def check(source: str, name: str) -> list[str]:
    """file:line and what, for every filter by unit path in one module's source."""
    tree = ast.parse(source, filename=name)
    _mark_fstring_parts(tree)
    return [found for node in ast.walk(tree) for found in _node(node, name)]


def _node(node: ast.AST, name: str) -> list[str]:
    where = f"{name}:{getattr(node, 'lineno', 0)}"
    out = []
    if isinstance(node, ast.Call):
        for kw in node.keywords:
            if kw.arg and (PATH_LOOKUP.search(kw.arg) or (kw.arg == "path" and _callee(node) in FILTERS)):
                out.append(f"{where}: lookup {kw.arg}=")
    elif isinstance(node, ast.Name | ast.Attribute):
        if (node.id if isinstance(node, ast.Name) else node.attr) == "subtree_range":
            out.append(f"{where}: subtree_range")
    elif isinstance(node, ast.alias) and node.name == "subtree_range":
        out.append(f"{name}: imports subtree_range")
    text = _strings(node)
    if text is not None and not isinstance(getattr(node, "parent", None), ast.JoinedStr):
        if PATH_STRING.search(text):
            out.append(f"{where}: lookup {text!r}")
        elif SQL.search(text) and SQL_PATH.search(text):
            out.append(f"{where}: raw SQL on a path: {text[:60]!r}")
    return out


def test_no_module_but_the_scope_module_filters_by_unit_path():
    found = []
    for rel, path in runtime_modules():
        if rel not in ALLOWED:
            found += check(path.read_text(encoding="utf-8"), rel)
    assert not found, (
        "scope decided outside core/scoping.py (use scoping.subtree_q, visible_to):\n" + "\n".join(found)
    )


def test_the_check_sees_the_scope_module_itself():
    """The allowed modules really do what the check looks for (it is not blind)."""
    assert check((ROOT / "core/scoping.py").read_text(encoding="utf-8"), "core/scoping.py")


PLANTED = """
from django.db.models import Q
from django.db.models.expressions import RawSQL
from core.scoping import subtree_range
from org.models import Unit


def by_hand(problems, unit, user):
    lo, hi = subtree_range(unit.path)
    a = problems.filter(org_unit__path__gte=lo, org_unit__path__lt=hi)
    b = problems.exclude(Q(org_unit__path__startswith=unit.path))
    c = Unit.objects.filter(path=unit.path)
    d = problems.filter(pk__in=RawSQL("SELECT p.id FROM problem p JOIN org_unit u ON u.id = p.org_unit_id"
                                      " WHERE u.path >= %s AND u.path < %s", [lo, hi]))
    e = problems.filter(**{"org_unit__path__startswith": unit.path})
    f = problems.raw(f"SELECT * FROM t WHERE path LIKE '{unit.path}%%'")
    return a, b, c, d, e, f


def fine(problems, unit, user):
    from core import scoping

    return problems.filter(scoping.subtree_q(unit, "org_unit")).order_by("org_unit__path", "id")
"""


def test_the_check_catches_a_planted_example(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(PLANTED, encoding="utf-8")
    found = check(planted.read_text(encoding="utf-8"), "planted.py")
    text = "\n".join(found)
    for expected in (
        "planted.py: imports subtree_range",
        "planted.py:9: subtree_range",
        "planted.py:10: lookup org_unit__path__gte=",
        "planted.py:10: lookup org_unit__path__lt=",
        "planted.py:11: lookup org_unit__path__startswith=",
        "planted.py:12: lookup path=",
        "planted.py:13: raw SQL on a path",
        "planted.py:15: lookup 'org_unit__path__startswith'",
        "planted.py:16: raw SQL on a path",
    ):
        assert expected in text, f"{expected!r} not found in:\n{text}"
    assert not [f for f in found if ":21:" in f or ":22:" in f or ":23:" in f], found
