"""Sizes a newcomer can read (docs/architecture.md): no runtime module over 800 lines, no function
over 60 — migrations, tests and generated data (the demo province, the benchmark's generator)
excepted. A function that must stay one piece says why in a comment starting `# one piece:` on the
line above its `def` (or its decorators)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "core audit org notifications files tasks reporting supervision rectification documents instructions escalation surveys dashboards "
    "demo bench config"
).split()
MAX_LINES, MAX_FUNCTION = 800, 60
GENERATED = ("demo", "bench/generate.py")


def runtime_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts or "tests" in rel.parts or rel.parts[:2] == ("core", "testing"):
                continue
            if any(str(rel) == g or rel.parts[0] == g for g in GENERATED):
                continue
            yield path


def long_functions(source: str) -> list[tuple[str, int, int]]:
    """(name, line, length) of each function longer than MAX_FUNCTION without a `# one piece:` reason."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        length = node.end_lineno - node.lineno + 1
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        reason = first >= 2 and lines[first - 2].strip().startswith("# one piece:")
        if length > MAX_FUNCTION and not reason:
            found.append((node.name, node.lineno, length))
    return found


def test_no_module_is_too_long():
    long = []
    for path in runtime_modules():
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES:
            long.append(f"{path.relative_to(ROOT)}: {n} lines")
    assert not long, "split these modules (≤ 800 lines):\n" + "\n".join(long)


def test_no_function_is_too_long():
    long = [
        f"{path.relative_to(ROOT)}:{line} {name}() {n} lines"
        for path in runtime_modules()
        for name, line, n in long_functions(path.read_text(encoding="utf-8"))
    ]
    assert not long, "split these functions (≤ 60 lines) or say why not (# one piece: …):\n" + "\n".join(long)


def test_the_check_counts_what_it_should():
    body = "\n".join(f"    x = {i}" for i in range(61))
    source = f"def long():\n{body}\n\n\n# one piece: a reason\ndef excused():\n{body}\n\n\ndef short():\n    pass\n"
    assert long_functions(source) == [("long", 1, 62)]
