"""Smoke test of `manage.py bench`: a tiny run generates data, requests the four pages and
writes bench-results.json with the agreed keys. (The real measurement is manual: README.)"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES = ("ledger", "workbench", "detail", "export")


def test_bench_smoke_writes_results(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "BENCH_DATABASE_URL"}
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "bench",
            "--tasks",
            "300",
            "--runs",
            "2",
            "--export-runs",
            "1",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads((tmp_path / "bench-results.json").read_text())
    for case in CASES:
        row = data[f"{case}/sqlite"]
        assert {"db", "p50_ms", "p95_ms", "queries"} <= row.keys()
        assert row["db"] == "sqlite"
        assert row["status"] == 200, f"{case}: HTTP {row['status']}\n{result.stderr[-3000:]}"
        assert row["p50_ms"] > 0 and row["p95_ms"] >= row["p50_ms"]
        assert row["queries"] > 0
        assert row["sql_p50_ms"] > 0
    assert data["ledger/sqlite"]["same_rows"] is True
    # issue 3: the problem ledger and the province's 通报, each against its hand-written SQL
    for case in ("problems", "bulletin"):
        row = data[f"{case}/sqlite"]
        assert row["status"] == 200 and row["same_rows"] is True, case
    assert data["problems/sqlite"]["rows"] == data["problems/sqlite"]["sql_rows"] > 0
    assert data["_data"]["sqlite"]["problems"] == 150
    assert data["export/sqlite"]["rows"] == data["_data"]["sqlite"]["export_rows"] == 30
    assert data["_data"]["sqlite"]["assignments"] == 900
    assert "任务台账" in result.stdout  # the printed table
