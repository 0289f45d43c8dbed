"""Smoke test of `manage.py bench --survey` (bench/survey.py): a few seconds of load through
gunicorn and locust on a PostgreSQL database named by BENCH_SURVEY_TEST_DATABASE_URL (wiped) —
opt-in, so a run of the suite never wipes the BENCH_DATABASE_URL another bench may be using. The real measurement is 60 s: README / the final report."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    not os.environ.get("BENCH_SURVEY_TEST_DATABASE_URL", "").startswith("postgres"),
    reason="BENCH_SURVEY_TEST_DATABASE_URL not set",
)
def test_survey_bench_counts_every_acknowledged_sheet_stored_once(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "bench",
            "--survey",
            "--survey-seconds",
            "6",
            "--survey-users",
            "30",
        ],
        cwd=tmp_path,
        env={**os.environ, "BENCH_DATABASE_URL": os.environ.get("BENCH_SURVEY_TEST_DATABASE_URL", "")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    row = json.loads((tmp_path / "bench-results.json").read_text())["survey_submit/postgresql"]
    assert {"per_second", "errors", "lost"} <= row.keys()
    assert row["acknowledged"] > 0 and row["errors"] == 0 and row["lost"] == 0 and row["duplicates"] == 0
    assert "调为 10⁹" in result.stdout  # the raised per-address limit is said
