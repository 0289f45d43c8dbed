"""The layer order of docs/architecture.md: apps import downward only.

`lint-imports` (import-linter, configured in pyproject.toml) checks every import, at module level or
inside a function, against the order; this module runs it, and adds the rule the tool cannot see:
an import of another app inside a function is never needed once the layers hold (a lower module is
importable at the top), so one there is a cycle being dodged. The one exception is Django's own
idiom, `AppConfig.ready()`, where an app connects its receivers and registers its contributions
once every app is loaded."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "core audit org notifications files tasks reporting supervision rectification documents instructions escalation surveys dashboards "
    "demo bench config"
).split()


def _runtime_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or "tests" in parts or parts[:2] == ("core", "testing"):
                continue
            yield path


def function_level_app_imports(path: Path) -> list[str]:
    """`file:line module` of each import of another app inside a function (not in a ready())."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = path.relative_to(ROOT).parts[0] if path.is_relative_to(ROOT) else ""
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inside = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inside = child.name
            if inside and inside != "ready" and isinstance(child, ast.Import | ast.ImportFrom):
                names = [child.module] if isinstance(child, ast.ImportFrom) else [a.name for a in child.names]
                for name in names:
                    top = (name or "").split(".")[0]
                    if getattr(child, "level", 0) == 0 and top in APPS and top != own:
                        found.append(f"{path.name}:{child.lineno} {name}")
            visit(child, inside)

    visit(tree, None)
    return found


def test_no_app_is_imported_inside_a_function():
    offenders = [
        f"{p.relative_to(ROOT)}: {hit}" for p in _runtime_modules() for hit in function_level_app_imports(p)
    ]
    assert not offenders, "import another app at the top of the module (the layers allow it):\n" + "\n".join(
        offenders
    )


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from core import clock\n\n\ndef f():\n    from tasks.models import Task\n    return Task\n\n\n"
        "class C:\n    def ready(self):\n        from tasks import receivers\n",
        encoding="utf-8",
    )
    assert function_level_app_imports(planted) == ["planted.py:5 tasks.models"]


def test_the_layer_contract_holds():
    """`lint-imports` exits 0: no app imports one above it, directly or through another module."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail("lint-imports is missing: install the locked dev dependencies (./duban test does)")
    run = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
