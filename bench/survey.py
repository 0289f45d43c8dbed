"""`manage.py bench --survey`: the public survey submission path under load (R-SVY-2, issue 13).

The production recipe (docs/deployment.md): PostgreSQL (BENCH_DATABASE_URL, wiped and migrated
afresh), Redis as cache (a private redis-server on a free port unless BENCH_REDIS_URL is given),
gunicorn workers on 127.0.0.1 with the production settings (DEBUG off). One open round of the
sample questionnaire (every question type) is created; locust (a separate process, headless,
FastHttpUser, bench/locustfile_survey.py) then runs respondents for --survey-seconds: each GETs
the page, waits, POSTs a valid sheet, one in twenty sends it again. Counted afterwards: sheets
acknowledged (302 to the thanks page) vs responses stored — lost = acknowledged − stored — the
sheets stored twice (duplicates, must be 0) and the errors (failed requests).

All load comes from one address, so the bench raises the per-address limit of an open link
(DUBAN_SURVEY_SUBMITS_PER_IP) and lowers the minimum fill time to the respondents' wait — it says
so in its output. The load generator shares the machine's cores with the server.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from core.testing import build_org
from surveys.tests.factories import open_survey

TARGET_PER_SECOND = 200
CASE = "survey_submit/postgresql"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"进程已退出（{proc.returncode}）")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"端口 {port} 未就绪")


def setup_worker(out_file: str) -> None:
    """In the child whose DATABASE_URL is the bench database: a fresh schema, one open round."""
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    target = open_survey(build_org(), days=3).targets.get()
    Path(out_file).write_text(json.dumps({"slug": target.slug}))


def _stored(pg_url: str, acked: list[str]) -> tuple[int, int, int]:
    """(responses stored, of them the acknowledged sheets', client keys stored more than once)."""
    import psycopg

    with psycopg.connect(pg_url) as conn:
        stored = conn.execute("SELECT count(*) FROM surveys_response").fetchone()[0]
        found = conn.execute(
            "SELECT count(*) FROM surveys_response WHERE client_key = ANY(%s)", [acked]
        ).fetchone()[0]
        twice = conn.execute(
            "SELECT count(*) FROM (SELECT client_key FROM surveys_response GROUP BY target_id, client_key"
            " HAVING count(*) > 1) d"
        ).fetchone()[0]
    return stored, found, twice


def _locust_counts(prefix: Path) -> dict:
    rows = {r["Name"]: r for r in csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8"))}

    def n(name, col):
        return int(float(rows.get(name, {}).get(col, 0) or 0))

    return {
        "gets": n("GET 答题页", "Request Count"),
        "posts": n("POST 答卷", "Request Count"),
        "post_failures": n("POST 答卷", "Failure Count"),
        "resends": n("POST 重复提交", "Request Count"),
        "failures": n("Aggregated", "Failure Count"),
        "post_p50_ms": n("POST 答卷", "50%"),
        "post_p95_ms": n("POST 答卷", "95%"),
        "get_p50_ms": n("GET 答题页", "50%"),
    }


def _cpu_seconds(parent_pid: int) -> float:
    """CPU seconds (user + system) used so far by `parent_pid` and its children (Linux /proc):
    the gunicorn master and its workers."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        if pid == parent_pid or int(fields[1]) == parent_pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


class Services:
    """The private redis-server and gunicorn of one bench run, ended by their own ids."""

    def __init__(self, workdir: Path, out):
        self.workdir, self.out, self.procs = workdir, out, []

    def start(self, cmd, env, port, log_name):
        log = open(self.workdir / log_name, "w")
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR)
        self.procs.append(proc)
        _wait_port(port, proc)
        return proc

    def stop(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()


def run(command, opts) -> dict:
    """The whole bench case; merges `survey_submit/postgresql` into the results file."""
    pg = os.environ.get("BENCH_DATABASE_URL", "")
    if not pg.startswith(("postgres://", "postgresql://")):
        raise RuntimeError("--survey 需要 BENCH_DATABASE_URL（PostgreSQL，将被清空重建）")
    write = command.stdout.write
    workdir = Path(tempfile.mkdtemp(prefix="duban-survey-bench-"))
    services = Services(workdir, write)
    wait = float(opts["survey_wait"])
    try:
        env = _server_env(pg, workdir, wait)
        write("== 公开答题提交：PostgreSQL + Redis + gunicorn（生产配置）==")
        slug = _setup(env, workdir)
        port = _start(services, env, opts)
        gunicorn_pid = services.procs[-1].pid
        cpu_before = _cpu_seconds(gunicorn_pid)
        write(
            f"  gunicorn {opts['survey_workers']} 个工作进程，locust {opts['survey_users']} 个答题者，"
            f"{opts['survey_seconds']} 秒；每人打开页面后等待 {wait:g} 秒再提交，5% 重复提交同一答卷"
        )
        write(
            "  注意：全部负载来自同一地址，本次基准把单一链接每地址提交上限（DUBAN_SURVEY_SUBMITS_PER_IP）调为 10⁹，"
            f"最短答题时间（DUBAN_SURVEY_MIN_SECONDS）调为 {int(wait)} 秒；压测程序与服务端共用本机 {os.cpu_count()} 个核"
        )
        counts = _drive(port, slug, workdir, opts, wait)
        counts["server_cpu_seconds"] = round(_cpu_seconds(gunicorn_pid) - cpu_before, 1)
        acked = sorted(set((workdir / "acks.txt").read_text().split()))
        stored, found, twice = _stored(pg, acked)
    finally:
        services.stop()
    row = _row(counts, len(acked), stored, found, twice, int(opts["survey_seconds"]), opts)
    _merge(Path(opts["output"]), row)
    _print(write, row)
    if not os.environ.get("BENCH_KEEP"):
        shutil.rmtree(workdir, ignore_errors=True)
    return row


def _setup(env: dict, workdir: Path) -> str:
    """A fresh bench database with one open round (in a child on it): the round's link."""
    cmd = [
        sys.executable,
        "manage.py",
        "bench",
        "--survey",
        "--worker",
        "--worker-out",
        str(workdir / "s.json"),
    ]
    subprocess.run(cmd, env=env, check=True, cwd=settings.BASE_DIR)
    return json.loads((workdir / "s.json").read_text())["slug"]


def _start(services: Services, env: dict, opts) -> int:
    """A private redis-server (unless BENCH_REDIS_URL) and gunicorn: gunicorn's port."""
    if not os.environ.get("BENCH_REDIS_URL"):
        rport = _free_port()
        redis = ["redis-server", "--port", str(rport), "--save", "", "--appendonly", "no"]
        services.start(redis, env, rport, "redis.log")
        env["REDIS_URL"] = f"redis://127.0.0.1:{rport}/0"
    port = _free_port()
    gunicorn = [
        str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-w", str(opts["survey_workers"]),
        "-b", f"127.0.0.1:{port}", "--error-logfile", "-",
        "--access-logfile", "-" if opts["survey_access_log"] else "/dev/null",
    ]  # fmt: skip
    services.start(gunicorn, env, port, "gunicorn.log")
    return port


def _server_env(pg: str, workdir: Path, wait: float) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": pg,
        "DUBAN_DATA_DIR": str(workdir / "data"),
        "DUBAN_HTTPS": "",
        "DUBAN_DEBUG": "",
        "DUBAN_QUEUE_IMMEDIATE": "",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", ""),
        "DUBAN_SURVEY_SUBMITS_PER_IP": str(10**9),
        "DUBAN_SURVEY_MIN_SECONDS": str(int(wait)),
        "SECRET_KEY": "bench-only-" + os.urandom(16).hex(),
    }


def _drive(port: int, slug: str, workdir: Path, opts, wait: float) -> dict:
    prefix = workdir / "locust"
    locust = str(Path(sys.executable).parent / "locust")
    users = int(opts["survey_users"])
    cmd = [
        locust, "-f", str(Path(settings.BASE_DIR) / "bench" / "locustfile_survey.py"), "--headless",
        "-u", str(users), "-r", str(max(users // 5, 1)), "-t", f"{opts['survey_seconds']}s",
        "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--stop-timeout", "15",
    ]  # fmt: skip
    (workdir / "acks.txt").touch()
    env = {
        **os.environ,
        "SURVEY_SLUG": slug,
        "SURVEY_WAIT": str(wait),
        "SURVEY_ACKS": str(workdir / "acks.txt"),
    }
    subprocess.run(
        cmd, env=env, check=False, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(1)  # the last sheets in flight are answered before counting
    return _locust_counts(prefix)


def _row(counts: dict, acknowledged: int, stored: int, found: int, twice: int, seconds: int, opts) -> dict:
    """`per_second`: acknowledged sheets a second; `lost`: acknowledged but not stored; `stored`
    may exceed the acknowledged by the sheets in flight when the load stopped."""
    return {
        "db": "postgresql",
        "per_second": round(acknowledged / seconds, 1),
        "acknowledged": acknowledged,
        "stored": stored,
        "lost": acknowledged - found,
        "duplicates": twice,
        "resends": counts["resends"],
        "errors": counts["failures"],
        "pages_served": counts["gets"],
        "server_cpu_seconds": counts["server_cpu_seconds"],
        # sheets (page + submit) per second of one core used by the web workers: what the app costs,
        # whatever else runs on the machine
        "sheets_per_server_cpu_second": round(acknowledged / counts["server_cpu_seconds"], 1)
        if counts["server_cpu_seconds"]
        else None,
        "post_p50_ms": counts["post_p50_ms"],
        "post_p95_ms": counts["post_p95_ms"],
        "get_p50_ms": counts["get_p50_ms"],
        "seconds": seconds,
        "users": int(opts["survey_users"]),
        "gunicorn_workers": int(opts["survey_workers"]),
        "cores": os.cpu_count(),
        "target_per_second": TARGET_PER_SECOND,
        "note": "load generator on the same cores; per-address limit raised and fill time lowered for the bench",
    }


def _merge(path: Path, row: dict) -> None:
    results = json.loads(path.read_text()) if path.exists() else {}
    results[CASE] = row
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2))


def _print(write, row: dict) -> None:
    ok = (
        "达标"
        if row["per_second"] >= TARGET_PER_SECOND and not row["errors"] and not row["lost"]
        else "未达标"
    )
    write(
        f"  确认提交 {row['acknowledged']} 份（{row['per_second']} 份/秒，目标 ≥{TARGET_PER_SECOND}），入库 {row['stored']} 份；"
        f"丢失 {row['lost']}，重复入库 {row['duplicates']}，重复提交 {row['resends']} 次，错误 {row['errors']}；"
        f"提交 p50 {row['post_p50_ms']} ms、p95 {row['post_p95_ms']} ms；"
        f"web 进程共用 CPU {row['server_cpu_seconds']} 秒，每 CPU 秒 {row['sheets_per_server_cpu_second']} 份 —— {ok}"
    )
