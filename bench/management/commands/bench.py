"""manage.py bench — province-scale data (R-NF-4) and the latency of four pages.

    manage.py bench                     # 100,000 tasks, SQLite (+ PostgreSQL if BENCH_DATABASE_URL)
    manage.py bench --quick             # 5,000 tasks: a few minutes, for a manual check
    manage.py bench --tasks 20000 --runs 10

Each database is measured in a child process whose DATABASE_URL points at the benchmark
database, so the application runs exactly as in production (its default database is the one
measured) and the project's own database is never touched. The SQLite database is a new file
in a temporary directory; BENCH_DATABASE_URL must name a PostgreSQL database the benchmark may
wipe (its public schema is dropped and migrated afresh).

With --workdir DIR the generated data is kept, and --reuse measures it again without
regenerating (generation of 100,000 tasks takes minutes).

Writes bench-results.json in the current directory:
    {"<case>/<db>": {"db", "p50_ms", "p95_ms", "queries", "sql_p50_ms", "ratio", ...}}
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

TARGETS = {
    "ledger": 100,
    "workbench": 100,
    "detail": 150,
    "export": 5000,
    "problems": 100,
    "bulletin": 3000,
    "cockpit": 300,
    "cockpit_county": 150,
}
LABELS = {
    "ledger": "任务台账（50行，市级，红灯）",
    "workbench": "工作台",
    "detail": "任务详情",
    "export": "导出Excel",
    "problems": "问题台账（50行，市级，红灯）",
    "bulletin": "督查通报生成（全省）",
    "cockpit": "领导驾驶舱（省级领导）",
    "cockpit_county": "领导驾驶舱（县级领导）",
}


class Command(BaseCommand):
    help = "生成省级规模数据并测量台账、工作台、详情、导出的服务端耗时与查询数"

    def add_arguments(self, parser):
        parser.add_argument(
            "--tasks", type=int, default=100_000, help="任务数（默认100000，按比例缩放其他数据）"
        )
        parser.add_argument("--quick", action="store_true", help="快速检查：5000个任务")
        parser.add_argument("--runs", type=int, default=20, help="每个页面的计时次数（默认20）")
        parser.add_argument("--export-runs", type=int, default=3, help="导出的计时次数（默认3）")
        parser.add_argument(
            "--reports-per-assignment",
            type=float,
            default=3.52,
            help="每条已签收交办的进展报告数（默认3.52，即10万任务约100万份）",
        )
        parser.add_argument(
            "--workdir",
            default="",
            help="工作目录（SQLite基准库与生成记录）；指定时保留，默认临时目录并在结束后删除",
        )
        parser.add_argument(
            "--reuse", action="store_true", help="复用 --workdir 中此前生成的数据（相同 --tasks），只重新测量"
        )
        parser.add_argument(
            "--output", default="bench-results.json", help="结果文件（默认当前目录 bench-results.json）"
        )
        parser.add_argument(
            "--survey", action="store_true", help="公开答题提交压测（bench/survey.py，需 BENCH_DATABASE_URL）"
        )
        parser.add_argument("--survey-seconds", type=int, default=60, help="答题压测时长（秒，默认60）")
        parser.add_argument("--survey-users", type=int, default=300, help="同时答题者数（默认300）")
        parser.add_argument("--survey-workers", type=int, default=4, help="gunicorn 工作进程数（默认4）")
        parser.add_argument("--survey-wait", type=float, default=1, help="打开页面到提交的等待秒数（默认1）")
        parser.add_argument("--survey-access-log", action="store_true", help="（调试）输出 gunicorn 访问日志")
        parser.add_argument("--worker", action="store_true", help="（内部）在当前 DATABASE_URL 上生成并测量")
        parser.add_argument("--worker-out", default="", help="（内部）子进程结果文件")
        parser.add_argument("--data-file", default="", help="（内部）生成记录文件")

    def handle(self, *args, **opts):
        if opts["survey"]:
            return self.survey(opts)
        tasks = 5000 if opts["quick"] else opts["tasks"]
        if tasks < 100:
            raise CommandError("--tasks 至少为100")
        if opts["worker"]:
            return self.worker(tasks, opts)
        if opts["reuse"] and not opts["workdir"]:
            raise CommandError("--reuse 须与 --workdir 一起使用")
        keep = bool(opts["workdir"])
        workdir = Path(opts["workdir"] or tempfile.mkdtemp(prefix="duban-bench-")).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        targets = [("sqlite", f"sqlite:///{workdir / 'bench.sqlite3'}")]
        pg = os.environ.get("BENCH_DATABASE_URL", "")
        if pg:
            if not pg.startswith(("postgres://", "postgresql://")):
                raise CommandError("BENCH_DATABASE_URL 须为 postgres:// 地址")
            targets.append(("postgresql", pg))
        results, failed = {}, []
        try:
            for db, url in targets:
                self.stdout.write(self.style.MIGRATE_HEADING(f"== {db}：{tasks}个任务 =="))
                worker = self.run_worker(db, url, workdir, tasks, opts)
                if worker is None:
                    failed.append(db)
                    continue
                for case, row in worker["cases"].items():
                    results[f"{case}/{db}"] = row
                results.setdefault("_data", {})[db] = worker["data"]
        finally:
            if keep:
                self.stdout.write(f"基准数据保留在 {workdir}（--reuse 可只重新测量）")
            else:
                shutil.rmtree(workdir, ignore_errors=True)
        Path(opts["output"]).write_text(json.dumps(results, ensure_ascii=False, indent=2))
        self.print_table(results, tasks)
        self.stdout.write(f"结果已写入 {Path(opts['output']).resolve()}")
        if failed:
            raise CommandError("失败的数据库：" + "、".join(failed))

    def survey(self, opts):
        from bench import survey

        if opts["worker"]:
            return survey.setup_worker(opts["worker_out"])
        try:
            survey.run(self, opts)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc

    def run_worker(self, db: str, url: str, workdir: Path, tasks: int, opts) -> dict | None:
        """Generate and measure one database in a child process (`bench --worker` with its
        DATABASE_URL); its result file as a dict, or None (reported) when the child failed."""
        out_file = workdir / f"{db}.json"
        out_file.unlink(missing_ok=True)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DUBAN_DATA_DIR": str(workdir / f"data-{db}"),
            "DUBAN_HTTPS": "",
            "DUBAN_DEBUG": "",
        }
        cmd = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench",
            "--worker",
            "--tasks",
            str(tasks),
            "--runs",
            str(opts["runs"]),
            "--export-runs",
            str(opts["export_runs"]),
            "--reports-per-assignment",
            str(opts["reports_per_assignment"]),
            "--worker-out",
            str(out_file),
            "--data-file",
            str(workdir / f"data-{db}.json"),
        ]
        if opts["reuse"]:
            cmd.append("--reuse")
        proc = subprocess.run(cmd, env=env, check=False)
        if proc.returncode != 0 or not out_file.exists():
            self.stderr.write(f"{db} 基准测试失败（退出码 {proc.returncode}）")
            return None
        return json.loads(out_file.read_text())

    def worker(self, tasks, opts):
        from dataclasses import asdict

        from bench.generate import BenchData, Generator
        from bench.measure import measure

        data_file = Path(opts["data_file"]) if opts["data_file"] else None
        data = None
        if opts["reuse"] and data_file and data_file.exists():
            saved = BenchData(**json.loads(data_file.read_text()))
            if saved.tasks == tasks:
                data = saved
                self.stdout.write(f"  复用已生成的数据（{connection.vendor}，{saved.tasks}个任务）")
        if data is None:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
            call_command("migrate", verbosity=0)
            self.stdout.write(f"  生成数据（{connection.vendor}）……")
            data = Generator(
                tasks=tasks, reports_per_assignment=opts["reports_per_assignment"], out=self.stdout.write
            ).run()
            if data_file:
                data_file.write_text(json.dumps(asdict(data), ensure_ascii=False))
        else:
            call_command("migrate", verbosity=0)  # a newer release may have added migrations
            self.top_up(data, tasks, opts, data_file)
        results = measure(data, runs=opts["runs"], export_runs=opts["export_runs"], out=self.stdout.write)
        payload = {
            "data": {
                "tasks": data.tasks,
                "assignments": data.assignments,
                "reports": data.reports,
                "events": data.events,
                "units": data.units,
                "users": data.users,
                "export_rows": data.export_rows,
                "problems": data.problems,
                "campaigns": data.campaigns,
                "records": data.records,
                "generate_seconds": data.seconds,
            },
            "cases": {r.case: r.as_json() for r in results},
        }
        Path(opts["worker_out"]).write_text(json.dumps(payload, ensure_ascii=False, indent=2))

    def top_up(self, data, tasks, opts, data_file) -> None:
        """Data a reused dataset lacks because it was generated by an older release: problems, the
        red-task ladder's steps."""
        from dataclasses import asdict

        from bench.generate import Generator

        def generator():
            return Generator(
                tasks=tasks, reports_per_assignment=opts["reports_per_assignment"], out=self.stdout.write
            )

        changed = False
        if not data.problems:
            self.stdout.write("  补充生成问题数据……")
            extra = generator().add_problems()
            data.problems, data.campaigns, data.records = extra.problems, extra.campaigns, extra.records
            changed = True
        if not data.ladder_steps:
            self.stdout.write("  补充生成红色任务督办升级……")
            data.ladder_steps = generator().add_ladder().ladder_steps
            changed = True
        if changed and data_file:
            data_file.write_text(json.dumps(asdict(data), ensure_ascii=False))

    def print_table(self, results, tasks):
        scale = tasks / 100_000
        self.stdout.write("")
        for db, d in results.get("_data", {}).items():
            self.stdout.write(
                f"{db}: 任务{d['tasks']}，交办{d['assignments']}，进展报告{d['reports']}，单位{d['units']}，"
                f"账号{d['users']}，导出行数{d['export_rows']}，问题{d.get('problems', 0)}个"
                f"（生成用时{d['generate_seconds']}秒）"
            )
        header = f"{'场景':<28}{'数据库':<12}{'p50毫秒':>9}{'p95毫秒':>9}{'查询数':>7}{'SQL p50':>9}{'倍数':>7}  行一致  目标"
        self.stdout.write(header)
        for key, row in results.items():
            if key.startswith("_"):
                continue
            case = key.split("/")[0]
            target = TARGETS[case]
            ok = "达标" if row["p50_ms"] <= target else "未达标"
            if scale < 1:
                ok += "（非10万规模）"
            same = {True: "是", False: "否", None: "—"}[row["same_rows"]]
            status = "" if row["status"] == 200 else f" HTTP {row['status']}"
            self.stdout.write(
                f"{LABELS[case]:<22}{row['db']:<12}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['queries']:>7}"
                f"{row['sql_p50_ms']:>9}{row['ratio']:>7}  {same:<5} ≤{target}ms {ok}{status}"
            )
