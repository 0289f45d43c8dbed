"""Server-side time and query count of six cases (four task pages, the problem ledger, the 通报), each next to one hand-written SQL query.

A page is requested through Django's test Client (the whole stack: middleware, session, scope,
selectors, templates; no network), N times after one warm-up; p50/p95 of the wall time of
`client.get`. The query count comes from one extra request under CaptureQueriesContext (kept
out of the timed runs, where query logging would add its own cost).

Each page is paired with one SQL query written by hand that returns the rows the page shows,
timed the same way in the same process; `ratio` = page p50 / SQL p50. Row identity is checked
(task codes found in the page vs. returned by the SQL), and a mismatch is printed.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import cockpit
from bench.generate import BenchData
from core import clock, gbt9704
from documents import builders
from documents.models import IssuedDocument
from documents.selectors import issuer_units
from documents.services import to_spec
from org.models import User
from rectification.models import Problem
from supervision.models import Campaign
from tasks.choices import CADENCE_DAYS

CODE_RE = re.compile(rb"DB-B-\d{6}")
PROBLEM_RE = re.compile(rb"WT-B-\d{6}")


@dataclass
class CaseResult:
    case: str
    db: str
    p50_ms: float
    p95_ms: float
    queries: int
    sql_p50_ms: float
    sql_p95_ms: float
    rows: int
    sql_rows: int
    same_rows: bool | None
    status: int

    @property
    def ratio(self) -> float:
        return round(self.p50_ms / self.sql_p50_ms, 1) if self.sql_p50_ms else math.inf

    def as_json(self) -> dict:
        return {
            "db": self.db,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "queries": self.queries,
            "sql_p50_ms": self.sql_p50_ms,
            "sql_p95_ms": self.sql_p95_ms,
            "ratio": self.ratio,
            "rows": self.rows,
            "sql_rows": self.sql_rows,
            "same_rows": self.same_rows,
            "status": self.status,
        }


def _pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    idx = max(0, math.ceil(p / 100 * len(ordered)) - 1)
    return round(ordered[idx] * 1000, 1)


def _time(fn, runs: int) -> tuple[list[float], object]:
    result = fn()  # warm-up (caches, prepared plans), not counted
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - t0)
    return samples, result


# --- hand-written SQL ----------------------------------------------------------------------------


def _lit(d: dt.date) -> str:
    return f"DATE '{d.isoformat()}'" if connection.vendor == "postgresql" else f"'{d.isoformat()}'"


def _days(end: str, start: str) -> str:
    if connection.vendor == "postgresql":
        return f"(({end})::date - ({start})::date)"
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


def light_sql(today: dt.date, t: str = "t") -> str:
    """The light rule of tasks/lights.py written out in SQL (for the export's paired query)."""
    n, x = settings.DUBAN_LIGHT_DUE_SOON_DAYS, settings.DUBAN_LIGHT_BEHIND_POINTS
    reporting = f"{t}.status IN ('assigned','signed','in_progress')"
    stale = []
    for cadence, days in CADENCE_DAYS.items():
        if days is None:
            continue
        limit = _lit(today - dt.timedelta(days=days))
        stale.append(
            f"({t}.cadence = '{cadence}' AND ({t}.last_report_on < {limit}"
            f" OR ({t}.last_report_on IS NULL AND {t}.start_date < {limit})))"
        )
    return (
        f"CASE WHEN {t}.status = 'completed' THEN 0 WHEN {t}.status = 'draft' THEN 1"
        f" WHEN {t}.due_date < {_lit(today)} THEN 3"
        f" WHEN {t}.due_date <= {_lit(today + dt.timedelta(days=n))} THEN 2"
        f" WHEN {reporting} AND ({t}.progress + {x}) * {_days(f'{t}.due_date', f'{t}.start_date')}"
        f" < {_days(_lit(today), f'{t}.start_date')} * 100 THEN 2"
        f" WHEN {reporting} AND ({' OR '.join(stale)}) THEN 2 ELSE 1 END"
    )


def _subtree(path: str) -> tuple[str, str]:
    return path, str(int(path) + 1).zfill(len(path))


def ledger_sql(data: BenchData, today: dt.date) -> tuple[str, list]:
    """The ledger page: the city supervisor's tasks (created in the city's subtree or assigned to
    a unit in it), red only, worst first then nearest deadline, first 50, with the shown names."""
    lo, hi = _subtree(data.city_path)
    sql = (
        "SELECT t.id, t.code, t.title, t.level, t.status, t.progress, t.start_date, t.due_date,"
        " t.last_report_on, c.name, lu.short_name, ou.short_name, d.title"
        " FROM tasks_task t"
        " JOIN tasks_taskcategory c ON c.id = t.category_id"
        " JOIN org_unit lu ON lu.id = t.lead_unit_id"
        " JOIN org_unit ou ON ou.id = t.org_unit_id"
        " LEFT JOIN tasks_directive d ON d.id = t.directive_id"
        " WHERE (ou.path >= %s AND ou.path < %s OR t.id IN ("
        "   SELECT a.task_id FROM tasks_assignment a JOIN org_unit u ON u.id = a.unit_id"
        "   WHERE u.path >= %s AND u.path < %s))"
        " AND t.status NOT IN ('completed', 'draft') AND t.due_date < %s"
        " ORDER BY t.due_date, t.id LIMIT 50"
    )
    return sql, [lo, hi, lo, hi, today]


def workbench_sql(data: BenchData, user: User, today: dt.date) -> tuple[str, list]:
    """The 工作台 lists of a city supervisor, first 8 rows each, as one UNION ALL:
    待签收 (own unit), 待填报 (own unit, report due), 逾期 (scope, red), 待审核办结 (assigned by own
    unit), 我的红色事项 (own unit or created by the user)."""
    lo, hi = _subtree(data.city_path)
    city = data.city_id
    cols = "a.id, t.code, a.status, a.due_date, u.short_name"
    base = "FROM tasks_assignment a JOIN tasks_task t ON t.id = a.task_id JOIN org_unit u ON u.id = a.unit_id"
    due_clauses = []
    for cadence, days in CADENCE_DAYS.items():
        if days is None:
            continue
        limit = _lit(today - dt.timedelta(days=max(days - 1, 0)))
        due_clauses.append(
            f"(a.cadence = '{cadence}' AND (a.last_report_on <= {limit}"
            f" OR (a.last_report_on IS NULL AND a.start_date <= {limit})))"
        )
    open_ = "('assigned','signed','in_progress','completion_requested')"
    t = _lit(today)
    parts = [
        f"SELECT 'to_sign' AS k, {cols} {base} WHERE a.status = 'assigned' AND a.unit_id = {city}"
        " ORDER BY a.due_date, a.id LIMIT 8",
        f"SELECT 'to_report' AS k, {cols} {base} WHERE a.unit_id = {city}"
        f" AND a.status IN ('signed','in_progress') AND ({' OR '.join(due_clauses)})"
        " ORDER BY a.last_report_on, a.due_date, a.id LIMIT 8",
        f"SELECT 'overdue' AS k, {cols} {base} JOIN org_unit o ON o.id = a.org_unit_id"
        f" WHERE (o.path >= '{lo}' AND o.path < '{hi}' OR u.path >= '{lo}' AND u.path < '{hi}')"
        f" AND a.status IN {open_} AND a.due_date < {t} ORDER BY a.due_date, a.id LIMIT 8",
        f"SELECT 'completions' AS k, {cols} {base} WHERE a.status = 'completion_requested'"
        f" AND a.org_unit_id = {city} AND a.unit_id NOT IN ({data.province_id}, {city})"
        " ORDER BY a.completion_requested_at, a.id LIMIT 8",
        f"SELECT 'my_red' AS k, {cols} {base} WHERE (a.unit_id = {city} OR t.created_by_id = {user.pk})"
        f" AND a.status IN {open_} AND a.due_date < {t} ORDER BY a.due_date, a.id LIMIT 8",
    ]
    return " UNION ALL ".join(f"SELECT * FROM ({p}) s{i}" for i, p in enumerate(parts)), []


def detail_sql(data: BenchData, task_id: int) -> tuple[str, list]:
    """The task detail rows: the task, its assignments the city may see, their reports, the
    timeline, and the sub-tasks, as one UNION ALL."""
    lo, hi = _subtree(data.city_path)
    scope = f"(o.path >= '{lo}' AND o.path < '{hi}' OR u.path >= '{lo}' AND u.path < '{hi}')"
    asg = (
        "FROM tasks_assignment a JOIN org_unit u ON u.id = a.unit_id JOIN org_unit o ON o.id = a.org_unit_id"
        f" WHERE a.task_id = {task_id} AND {scope}"
    )
    parts = [
        "SELECT 'task' AS k, t.id, t.code AS label, t.status, t.due_date AS d, t.progress FROM tasks_task t"
        f" WHERE t.id = {task_id}",
        f"SELECT 'assignment', a.id, u.short_name, a.status, a.due_date, a.progress {asg}",
        "SELECT 'report', r.id, r.work_done, r.status, r.period_end, r.progress FROM reporting_progressreport r"
        f" WHERE r.assignment_id IN (SELECT a.id {asg})",
        f"SELECT 'event', e.id, e.note, e.kind, e.at, 0 FROM tasks_taskevent e WHERE e.task_id = {task_id}",
        "SELECT 'child', c.id, c.code, c.status, c.due_date, c.progress FROM tasks_task c"
        f" WHERE c.parent_id = {task_id}",
    ]
    return " UNION ALL ".join(parts), []


def export_sql(data: BenchData, today: dt.date) -> tuple[str, list]:
    """The export: every task of the category with the shown columns and the light, worst first."""
    sql = (
        "SELECT t.code, t.title, t.level, c.name, d.title, d.doc_number, ou.short_name, lu.short_name,"
        " t.start_date, t.due_date, t.status, t.progress, t.last_report_on, t.completed_on,"
        f" {light_sql(today)} AS light"
        " FROM tasks_task t"
        " JOIN tasks_taskcategory c ON c.id = t.category_id"
        " JOIN org_unit lu ON lu.id = t.lead_unit_id"
        " JOIN org_unit ou ON ou.id = t.org_unit_id"
        " LEFT JOIN tasks_directive d ON d.id = t.directive_id"
        " WHERE t.category_id = %s"
        " ORDER BY light DESC, t.due_date, t.id"
    )
    return sql, [data.export_category_id]


def problems_sql(data: BenchData, today: dt.date) -> tuple[str, list]:
    """The problem ledger page: the city supervisor's problems (rectifying or finding unit in the
    city's subtree), red only (open past the deadline, rectification not yet reported), nearest deadline first, first 50."""
    lo, hi = _subtree(data.city_path)
    sql = (
        "SELECT p.id, p.code, p.description, p.status, p.deadline, ou.short_name, fu.short_name, c.name"
        " FROM rectification_problem p"
        " JOIN org_unit ou ON ou.id = p.org_unit_id"
        " JOIN org_unit fu ON fu.id = p.found_by_unit_id"
        " JOIN rectification_problemcategory c ON c.id = p.category_id"
        " WHERE (ou.path >= %s AND ou.path < %s OR fu.path >= %s AND fu.path < %s)"
        " AND p.status <> 'closed' AND p.deadline < %s"
        " AND NOT (p.status = 'rectified' AND p.rectified_on IS NOT NULL)"  # reported: clock stopped
        " ORDER BY p.deadline, p.id LIMIT 50"
    )
    return sql, [lo, hi, lo, hi, today]


def bulletin_sql(data: BenchData, today: dt.date) -> tuple[str, list]:
    """The 通报's numbers: per rectifying unit 应整改/已整改/正在整改/未启动/逾期 over the province."""
    sql = (
        "SELECT p.org_unit_id, COUNT(*),"
        " SUM(CASE WHEN p.status = 'closed' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN p.status IN ('in_progress', 'rectified') THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN p.status = 'pending' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN p.status <> 'closed' AND p.deadline < %s"
        " AND NOT (p.status = 'rectified' AND p.rectified_on IS NOT NULL) THEN 1 ELSE 0 END)"
        " FROM rectification_problem p GROUP BY p.org_unit_id"
    )
    return sql, [today]


def cockpit_sql(root_path: str, today: dt.date, *, whole_province: bool) -> tuple[str, list]:
    """Tasks led inside the root's subtree, drafts left out, visible to the root's leader (created in
    its subtree or assigned to a unit in it; the province's leader sees every task), by light."""
    lo, hi = _subtree(root_path)
    visible = (
        ""
        if whole_province
        else " AND (ou.path >= %s AND ou.path < %s OR t.id IN ("
        "   SELECT a.task_id FROM tasks_assignment a JOIN org_unit u ON u.id = a.unit_id"
        "   WHERE u.path >= %s AND u.path < %s))"
    )
    sql = (
        f"SELECT {light_sql(today)} AS light, COUNT(*) FROM tasks_task t"
        " JOIN org_unit lu ON lu.id = t.lead_unit_id JOIN org_unit ou ON ou.id = t.org_unit_id"
        f" WHERE lu.path >= %s AND lu.path < %s AND t.status <> 'draft'{visible} GROUP BY 1"
    )
    return sql, [lo, hi] + ([] if whole_province else [lo, hi, lo, hi])


class Rendered:
    """What the 通报 case returns in place of an HTTP response."""

    status_code = 200

    def __init__(self, content: bytes, totals: list[int]):
        self.content = content
        self.totals = totals


def render_bulletin(user, today: dt.date) -> Rendered:
    """通报 generation for the province, as the 起草 page and 签发 do it: the builder's queries over
    everything the province supervisor sees, then the GB/T 9704 rendering of the .docx."""
    issuer = issuer_units(user)[0]
    draft = builders.bulletin(
        issuer=issuer,
        problems=Problem.objects.visible_to(user, "rectification.view_problem"),
        campaigns=Campaign.objects.visible_to(user, "supervision.view_campaign"),
        period_start=today - dt.timedelta(days=90),
        period_end=today,
        today=today,
    )
    doc = IssuedDocument(
        kind="bulletin",
        org_unit=issuer,
        title=draft.title,
        addressee=draft.addressee,
        body=draft.body,
        data_as_of=draft.data_as_of,
        year=today.year,
        cc=["省委督查室"],
    )
    return Rendered(gbt9704.render(to_spec(doc)), draft.params["totals"])


def _run_sql(sql: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- pages ---------------------------------------------------------------------------------------


def measure(data: BenchData, *, runs: int, export_runs: int, out=print) -> list[CaseResult]:
    """Every case in turn: the page timed, its queries counted, its SQL twin timed and compared."""
    today = clock.today()
    city_user = User.objects.get(username=data.city_supervisor)
    prov_user = User.objects.get(username=data.province_supervisor)
    city_client = _logged_in(city_user)
    prov_client = _logged_in(prov_user)
    cases = _page_cases(data, today, city_client, prov_client, city_user, runs, export_runs)
    if data.problems:
        cases += _problem_cases(data, today, city_client, prov_user, runs, export_runs)
    if data.province_leader:
        province_path = User.objects.get(username=data.province_leader).unit.path
        cases += cockpit.cockpit_cases(data, today, cockpit.logged_in, runs, province_path)
    results = []
    for name, page, sql_for, n, check in cases:
        out(f"  测量 {name} …")
        results.append(_measure_case(data, name, page, sql_for, n, check))
    return results


def _logged_in(user: User) -> Client:
    client = Client(SERVER_NAME="localhost", raise_request_exception=False)
    client.force_login(user)
    return client


def _page_cases(data: BenchData, today, city_client, prov_client, city_user, runs, export_runs) -> list:
    """(name, page request, its SQL twin, runs, row check) of the four task pages."""
    detail_ids = data.detail_task_ids
    detail_turn = [0]

    def next_detail():
        tid = detail_ids[detail_turn[0] % len(detail_ids)]
        detail_turn[0] += 1
        return tid

    return [
        (
            "ledger",
            lambda: city_client.get(reverse("tasks:task_list") + "?light=red&per_page=50"),
            lambda: ledger_sql(data, today),
            runs,
            lambda body, rows: set(CODE_RE.findall(body)) == {r[1].encode() for r in rows},
        ),
        (
            "workbench",
            lambda: city_client.get(reverse("dashboards:workbench")),
            lambda: workbench_sql(data, city_user, today),
            runs,
            lambda body, rows: {r[2].encode() for r in rows} <= set(CODE_RE.findall(body)),
        ),
        (
            "detail",
            lambda: city_client.get(reverse("tasks:task_detail", args=[next_detail()])),
            None,  # per task: _detail_sql_samples
            runs,
            None,
        ),
        (
            "export",
            lambda: prov_client.get(reverse("tasks:task_export") + f"?category={data.export_category_id}"),
            lambda: export_sql(data, today),
            export_runs,
            None,
        ),
    ]


def _problem_cases(data: BenchData, today, city_client, prov_user, runs, export_runs) -> list:
    """The problem ledger and the 通报 (only when the bench data has problems)."""
    return [
        (
            "problems",
            lambda: city_client.get(reverse("rectification:problem_list") + "?light=red&per_page=50"),
            lambda: problems_sql(data, today),
            runs,
            lambda response, rows: set(PROBLEM_RE.findall(response.content)) == {r[1].encode() for r in rows},
        ),
        (
            "bulletin",
            lambda: render_bulletin(prov_user, today),
            lambda: bulletin_sql(data, today),
            export_runs,
            lambda response, rows: (
                response.totals
                == [sum(r[i] or 0 for r in rows) for i in range(1, 5)] + [sum(r[5] or 0 for r in rows)]
            ),
        ),
    ]


def _measure_case(data: BenchData, name: str, page, sql_for, n: int, check) -> CaseResult:
    """One case: N timed requests after a warm-up, one more under CaptureQueriesContext for the
    query count, then its SQL the same way (for the detail page, one task after another)."""
    samples, response = _time(page, n)
    status = response.status_code
    with CaptureQueriesContext(connection) as ctx:
        page()
    if name == "detail":
        sql_samples, sql_rows = _detail_sql_samples(data, n)
        same = None
    else:
        sql, params = sql_for()
        sql_samples, sql_rows = _time(lambda: _run_sql(sql, params), n)
        subject = response if name in ("problems", "bulletin") else response.content
        same = check(subject, sql_rows) if check and status == 200 else None
    return CaseResult(
        case=name,
        db=connection.vendor,
        p50_ms=_pct(samples, 50),
        p95_ms=_pct(samples, 95),
        queries=len(ctx.captured_queries),
        sql_p50_ms=_pct(sql_samples, 50),
        sql_p95_ms=_pct(sql_samples, 95),
        rows=_count_rows(name, response),
        sql_rows=len(sql_rows or []),
        same_rows=same,
        status=status,
    )


def _detail_sql_samples(data: BenchData, n: int) -> tuple[list[float], list | None]:
    """The detail SQL over the detail tasks in turn, n + 1 times; the first (warm-up) dropped."""
    detail_ids = data.detail_task_ids
    samples: list[float] = []
    sql_rows = None
    for _ in range(n + 1):
        tid = detail_ids[len(samples) % len(detail_ids)]
        sql, params = detail_sql(data, tid)
        t0 = time.perf_counter()
        sql_rows = _run_sql(sql, params)
        samples.append(time.perf_counter() - t0)
    return samples[1:], sql_rows


def _count_rows(name: str, response) -> int:
    if response.status_code != 200:
        return 0
    if name == "bulletin":
        return 1
    if name.startswith("cockpit"):
        return cockpit.page_total(response.content) or 0
    if name == "problems":
        return len(set(PROBLEM_RE.findall(response.content)))
    if name == "export":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(response.content), read_only=True)
        ws = wb.worksheets[0]
        return max(0, ws.max_row - 1) if ws.max_row else sum(1 for _ in ws.iter_rows()) - 1
    return len(set(CODE_RE.findall(response.content)))
