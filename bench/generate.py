"""Province-scale data for the benchmark (R-NF-4), written with bulk_create into an empty database.

Shape at the default 100,000 tasks (a smaller --tasks keeps the same shape, scaled):
  1 province, 15 cities, 120 counties, ~4,000 institutions and departments, ~20,000 accounts;
  100,000 tasks (10 % created by the province and led by a city, 90 % created by a city and led by
  one of its counties; one in five city tasks is a sub-task of a province task), 3 assignments
  per task (lead + 2 co-operating units) = 300,000 assignments; progress reports at
  `reports_per_assignment` per assignment (default 3.34 → ~1,000,000); two timeline events per
  task. Lights: ~25 % done, ~15 % red, ~20 % yellow, the rest green; ~5 % not yet signed.
Problems (issue 3): 50,000 at full scale (R-NF-4), found by the province or a city in 120
campaigns (about 3,000 inspection records) or from the other channels, owned by counties and
institutions; ~45 % closed, ~15 % red (open past the deadline), the rest pending or in work.

Ids are set explicitly (the database is new), so paths can be computed without reading back.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from core import clock
from core.db import analyze
from dashboards.models import DailySnapshot
from dashboards.services import take_snapshot
from escalation.models import Level, TaskEscalation
from org.models import PATH_WIDTH, Role, RoleAssignment, Unit, User
from rectification.models import Problem, ProblemCategory
from reporting.models import ProgressReport
from supervision.models import Campaign, InspectionRecord
from tasks import lights
from tasks.choices import EventKind, Light, TaskStatus
from tasks.models import Assignment, Directive, Task, TaskCategory, TaskEvent

FULL_TASKS = 100_000
FULL_PROBLEMS = 50_000
CITIES = 15
COUNTIES_PER_CITY = 8
BATCH = 5_000
PASSWORD = "Bench@2026pw"


def _path(*ids: int) -> str:
    return "".join(str(i).zfill(PATH_WIDTH) for i in ids)


@dataclass
class BenchData:
    tasks: int = 0
    assignments: int = 0
    reports: int = 0
    events: int = 0
    units: int = 0
    users: int = 0
    seconds: float = 0.0
    province_id: int = 0
    city_id: int = 0
    city_path: str = ""
    city_supervisor: str = ""
    province_supervisor: str = ""
    export_category_id: int = 0
    export_rows: int = 0
    detail_task_ids: list[int] = field(default_factory=list)
    problems: int = 0
    campaigns: int = 0
    records: int = 0
    province_leader: str = ""
    county_leader: str = ""
    county_id: int = 0
    county_path: str = ""
    snapshots: int = 0
    ladder_steps: int = 0


class Generator:
    def __init__(self, *, tasks: int, reports_per_assignment: float, seed: int = 42, out=print):
        self.n_tasks = tasks
        self.rpa = reports_per_assignment
        self.rng = random.Random(seed)
        self.out = out
        self.fraction = tasks / FULL_TASKS
        self.today = clock.today()
        self.now = clock.now()
        self.result = BenchData()

    # -- org ------------------------------------------------------------------------------------

    def build_org(self):
        units: list[Unit] = []
        next_id = iter(range(1, 10**6))

        def add(parent: Unit | None, name, short, kind, code, institution_type=""):
            uid = next(next_id)
            unit = Unit(
                id=uid,
                code=code,
                name=name,
                short_name=short,
                kind=kind,
                institution_type=institution_type,
                parent_id=parent.id if parent else None,
                path=(parent.path if parent else "") + str(uid).zfill(PATH_WIDTH),
                depth=(parent.depth + 1) if parent else 0,
                sort_order=uid,
            )
            units.append(unit)
            return unit

        prov = add(None, "示范省卫生健康委员会", "省卫健委", "province", "SF")
        depts = [
            add(prov, f"示范省卫生健康委员会第{i + 1}处", f"第{i + 1}处", "department", f"SF-D{i}")
            for i in range(10)
        ]
        cities, counties_of = [], {}
        for c in range(CITIES):
            city = add(prov, f"第{c + 1}市卫生健康委员会", f"第{c + 1}市卫健委", "city", f"SF-C{c:02d}")
            cities.append(city)
            for d in range(5):
                depts.append(
                    add(
                        city,
                        f"第{c + 1}市卫健委第{d + 1}科",
                        f"第{c + 1}市{d + 1}科",
                        "department",
                        f"SF-C{c:02d}-D{d}",
                    )
                )
            counties_of[city.id] = [
                add(
                    city,
                    f"第{c + 1}市第{k + 1}县卫生健康局",
                    f"{c + 1}市{k + 1}县卫健局",
                    "county",
                    f"SF-C{c:02d}-{k:02d}",
                )
                for k in range(COUNTIES_PER_CITY)
            ]
        counties = [k for ks in counties_of.values() for k in ks]
        n_inst = (
            max(len(counties), round((4000 - len(units)) * self.fraction))
            if self.fraction < 1
            else 4000 - len(units)
        )
        institutions_of: dict[int, list[Unit]] = {k.id: [] for k in counties}
        for i in range(n_inst):
            county = counties[i % len(counties)]
            inst = add(
                county,
                f"{county.short_name}第{i // len(counties) + 1}机构",
                f"{county.short_name}机构{i // len(counties) + 1}",
                "institution",
                f"{county.code}-I{i}",
                "hospital",
            )
            institutions_of[county.id].append(inst)
        Unit.objects.bulk_create(units, batch_size=BATCH)

        roles = {ro.code: ro.id for ro in Role.objects.all()}
        password = make_password(PASSWORD)
        users: list[User] = []
        grants: list[RoleAssignment] = []
        uid_iter = iter(range(1, 10**7))
        self.clerk_of: dict[int, int] = {}

        def person(username, unit, role, subtree=True):
            uid = next(uid_iter)
            users.append(
                User(
                    id=uid,
                    username=username,
                    full_name=f"用户{uid}",
                    unit_id=unit.id,
                    password=password,
                    must_change_password=False,
                    password_changed_at=self.now,
                )
            )
            grants.append(
                RoleAssignment(user_id=uid, role_id=roles[role], unit_id=unit.id, include_descendants=subtree)
            )
            return uid

        self.prov_supervisor = person("bench_prov_supervisor", prov, "supervisor")
        person("bench_prov_leader", prov, "leader")
        for dept in depts[:10]:
            self.clerk_of[dept.id] = person(f"bench_{dept.code.lower()}_clerk", dept, "clerk", False)
        self.city_supervisor_of = {}
        for city in cities:
            self.city_supervisor_of[city.id] = person(
                f"bench_{city.code.lower()}_supervisor", city, "supervisor"
            )
            person(f"bench_{city.code.lower()}_head", city, "unit_head")
            self.clerk_of[city.id] = person(f"bench_{city.code.lower()}_clerk", city, "clerk", False)
        county0 = counties_of[cities[0].id][0]
        person(f"bench_{county0.code.lower()}_leader", county0, "leader")
        for county in counties:
            person(f"bench_{county.code.lower()}_head", county, "unit_head")
            self.clerk_of[county.id] = person(f"bench_{county.code.lower()}_clerk", county, "clerk", False)
        target_users = (
            max(len(users) + len(counties), round(20_000 * self.fraction)) if self.fraction < 1 else 20_000
        )
        all_inst = [i for k in counties for i in institutions_of[k.id]]
        i = 0
        while len(users) < target_users:
            inst = all_inst[i % len(all_inst)]
            uid = person(f"bench_{inst.code.lower()}_u{i}", inst, "clerk", False)
            self.clerk_of.setdefault(inst.id, uid)
            i += 1
        User.objects.bulk_create(users, batch_size=BATCH)
        RoleAssignment.objects.bulk_create(grants, batch_size=BATCH)

        self.prov, self.cities, self.counties_of, self.institutions_of = (
            prov,
            cities,
            counties_of,
            institutions_of,
        )
        self.depts = depts
        self.result.units, self.result.users = len(units), len(users)
        self.result.province_id = prov.id
        city = cities[0]
        self.result.city_id, self.result.city_path = city.id, city.path
        self.result.city_supervisor = f"bench_{city.code.lower()}_supervisor"
        self.result.province_supervisor = "bench_prov_supervisor"
        self.result.province_leader = "bench_prov_leader"
        self.result.county_leader = f"bench_{county0.code.lower()}_leader"
        self.result.county_id, self.result.county_path = county0.id, county0.path
        for k in counties:
            for inst in institutions_of[k.id]:
                self.clerk_of.setdefault(inst.id, self.clerk_of[k.id])

    # -- tasks ----------------------------------------------------------------------------------

    def _fate(self):
        """(status, start, due, progress, last_report_on, completed_on) for one task."""
        r, today = self.rng, self.today
        x = r.random()
        day = dt.timedelta
        if x < 0.25:  # done
            start = today - day(r.randint(60, 300))
            due = start + day(r.randint(30, 200))
            done = min(today - day(1), due - day(r.randint(0, 10)))
            done = max(done, start)
            return TaskStatus.COMPLETED, start, due, 100, done, done
        if x < 0.40:  # red: overdue
            start = today - day(r.randint(60, 300))
            due = max(start + day(20), today - day(r.randint(1, 60)))
            if due >= today:
                due = today - day(1)
            return TaskStatus.IN_PROGRESS, start, due, r.randint(20, 90), today - day(r.randint(0, 10)), None
        if x < 0.50:  # yellow: due soon
            start = today - day(r.randint(30, 200))
            return (
                TaskStatus.IN_PROGRESS,
                start,
                today + day(r.randint(0, 7)),
                r.randint(40, 95),
                today - day(r.randint(0, 6)),
                None,
            )
        if x < 0.60:  # yellow: stale report
            start = today - day(r.randint(60, 200))
            due = today + day(r.randint(30, 200))
            elapsed = (today - start).days * 100 // (due - start).days
            return (
                TaskStatus.IN_PROGRESS,
                start,
                due,
                min(99, elapsed + 5),
                today - day(r.randint(35, 60)),
                None,
            )
        if x < 0.63:  # waiting for verification
            start = today - day(r.randint(60, 200))
            return (
                TaskStatus.COMPLETION_REQUESTED,
                start,
                today + day(r.randint(10, 100)),
                100,
                today - day(r.randint(1, 5)),
                None,
            )
        if x < 0.68:  # assigned, not yet signed
            start = today - day(r.randint(0, 3))
            return TaskStatus.ASSIGNED, start, today + day(r.randint(30, 120)), 0, None, None
        start = today - day(r.randint(10, 200))  # green
        due = today + day(r.randint(20, 250))
        elapsed = (today - start).days * 100 // (due - start).days
        return (
            TaskStatus.IN_PROGRESS,
            start,
            due,
            min(99, elapsed + r.randint(0, 15)),
            today - day(r.randint(0, 6)),
            None,
        )

    def build_tasks(self):
        r = self.rng
        categories = list(TaskCategory.objects.order_by("id"))
        if not categories:
            categories = TaskCategory.objects.bulk_create(
                [TaskCategory(name=f"类别{i}", sort_order=i) for i in range(10)]
            )
        n_cat = len(categories)
        directives = Directive.objects.bulk_create(
            [
                Directive(
                    id=i + 1,
                    org_unit_id=self.prov.id,
                    kind="document",
                    title=f"关于做好第{i + 1}项重点工作的通知",
                    doc_number=f"示卫发〔2026〕{i + 1}号",
                    issuer="示范省卫生健康委员会",
                    issued_on=self.today - dt.timedelta(days=r.randint(30, 400)),
                )
                for i in range(max(10, round(500 * self.fraction)))
            ],
            batch_size=BATCH,
        )
        n = self.n_tasks
        n_prov = max(1, n // 10)
        prov_tasks_led_by: dict[int, list[int]] = {c.id: [] for c in self.cities}
        assigned_at = self.now
        task_batch, asg_batch, ev_batch, rep_batch = [], [], [], []
        asg_id = 0
        rep_budget = 0.0
        city_first = self.cities[0]
        export_cat = categories[0].id
        detail_candidates = []
        counts = {"assignments": 0, "reports": 0, "events": 0}

        def flush(final=False):
            if task_batch and (final or len(task_batch) >= BATCH):
                Task.objects.bulk_create(task_batch, batch_size=BATCH)
                task_batch.clear()
                Assignment.objects.bulk_create(asg_batch, batch_size=BATCH)
                counts["assignments"] += len(asg_batch)
                asg_batch.clear()
                TaskEvent.objects.bulk_create(ev_batch, batch_size=BATCH)
                counts["events"] += len(ev_batch)
                ev_batch.clear()
                ProgressReport.objects.bulk_create(rep_batch, batch_size=BATCH)
                counts["reports"] += len(rep_batch)
                rep_batch.clear()

        for i in range(n):
            tid = i + 1
            status, start, due, progress, last, done = self._fate()
            if i < n_prov:
                city = self.cities[i % len(self.cities)]
                org_unit, lead = self.prov, city
                co = r.sample([c for c in self.cities if c.id != city.id], 2)
                creator = self.prov_supervisor
                parent_id = None
                prov_tasks_led_by[city.id].append(tid)
            else:
                city = self.cities[i % len(self.cities)]
                counties = self.counties_of[city.id]
                lead = counties[i % len(counties)]
                other = r.choice([k for k in counties if k.id != lead.id])
                insts = self.institutions_of[other.id] or self.institutions_of[lead.id]
                co = (
                    [other, r.choice(insts)]
                    if insts
                    else [other, r.choice([k for k in counties if k.id not in (lead.id, other.id)])]
                )
                org_unit = city
                creator = self.city_supervisor_of[city.id]
                parents = prov_tasks_led_by[city.id]
                parent_id = parents[i % len(parents)] if parents and i % 5 == 0 else None
            task_batch.append(
                Task(
                    id=tid,
                    code=f"DB-B-{tid:06d}",
                    title=f"第{tid}号任务：推进重点工作落实",
                    description="",
                    category_id=categories[i % n_cat].id,
                    level=("major", "key", "general", "general")[i % 4],
                    directive_id=directives[i % len(directives)].id if i % 2 == 0 else None,
                    parent_id=parent_id,
                    org_unit_id=org_unit.id,
                    lead_unit_id=lead.id,
                    created_by_id=creator,
                    start_date=start,
                    due_date=due,
                    cadence=("weekly", "biweekly", "monthly")[i % 3],
                    status=status,
                    progress=progress,
                    last_report_on=last,
                    completed_on=done,
                )
            )
            ev_batch.append(TaskEvent(task_id=tid, kind=EventKind.CREATED, actor_id=creator, at=assigned_at))
            ev_batch.append(
                TaskEvent(task_id=tid, kind=EventKind.ASSIGNED, actor_id=creator, at=assigned_at, note="交办")
            )
            for role, unit in (("lead", lead), ("cooperate", co[0]), ("cooperate", co[1])):
                asg_id += 1
                a_status = (
                    status
                    if role == "lead" or status != TaskStatus.COMPLETION_REQUESTED
                    else TaskStatus.IN_PROGRESS
                )
                signed = a_status != TaskStatus.ASSIGNED
                clerk = self.clerk_of.get(unit.id, creator)
                asg_batch.append(
                    Assignment(
                        id=asg_id,
                        task_id=tid,
                        org_unit_id=org_unit.id,
                        unit_id=unit.id,
                        role=role,
                        status=a_status,
                        cadence=("weekly", "biweekly", "monthly")[i % 3],
                        start_date=start,
                        due_date=due,
                        progress=progress,
                        last_report_on=last,
                        assigned_by_id=creator,
                        assigned_at=assigned_at,
                        signed_by_id=clerk if signed else None,
                        signed_at=assigned_at if signed else None,
                        completion_requested_at=assigned_at
                        if a_status == TaskStatus.COMPLETION_REQUESTED
                        else None,
                        completed_at=assigned_at if a_status == TaskStatus.COMPLETED else None,
                    )
                )
                if not signed or last is None:
                    continue
                rep_budget += self.rpa
                k = int(rep_budget)
                rep_budget -= k
                span = max(1, (last - start).days)
                for j in range(k):
                    end = last - dt.timedelta(days=span * j // max(k, 1))
                    begin = max(start, end - dt.timedelta(days=7))
                    rep_batch.append(
                        ProgressReport(
                            assignment_id=asg_id,
                            org_unit_id=unit.id,
                            period_start=begin,
                            period_end=end,
                            progress=max(0, progress - 5 * j),
                            work_done="按计划推进，本期完成阶段性工作。",
                            submitted_by_id=clerk,
                            submitted_at=assigned_at,
                            submitted_on=end,
                        )
                    )
            if (
                i < n_prov
                and lead.id == city_first.id
                and status == TaskStatus.IN_PROGRESS
                and len(detail_candidates) < 5
            ):
                detail_candidates.append(tid)
            flush()
        flush(final=True)
        self.result.tasks = n
        self.result.assignments = counts["assignments"]
        self.result.reports = counts["reports"]
        self.result.events = counts["events"]
        self.result.export_category_id = export_cat
        self.result.export_rows = sum(1 for i in range(n) if i % n_cat == 0)
        self.result.detail_task_ids = detail_candidates or [1]

    # -- problems (issue 3) --------------------------------------------------------------------

    def build_problems(self):
        """Problems, campaigns and inspection records, read against the units already in the
        database (so a reused task dataset can gain them)."""

        r = self.rng
        today, now = self.today, self.now
        day = dt.timedelta
        prov = Unit.objects.get(kind="province")
        cities = list(Unit.objects.filter(kind="city").order_by("path"))
        counties = list(Unit.objects.filter(kind="county").order_by("path"))
        insts = list(Unit.objects.filter(kind="institution").order_by("path").values_list("id", "path"))
        city_of = {}
        for c in cities:
            for k in counties:
                if k.path.startswith(c.path):
                    city_of[k.id] = c
        county_by_path = {k.path: k for k in counties}
        owners = [(k.id, city_of[k.id]) for k in counties]
        width = PATH_WIDTH
        for iid, path in insts:
            county = county_by_path.get(path[: 3 * width])
            if county is not None:
                owners.append((iid, city_of[county.id]))
        creator = User.objects.get(username="bench_prov_supervisor").pk
        city_creators = {
            c.id: User.objects.get(username=f"bench_{c.code.lower()}_supervisor").pk for c in cities
        }
        categories = list(ProblemCategory.objects.order_by("id").values_list("id", flat=True))
        n_campaigns = max(4, round(120 * self.fraction))
        campaigns = []
        next_cid = (Campaign.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        for i in range(n_campaigns):
            org = prov if i % 3 == 0 else cities[i % len(cities)]
            start = today - day(r.randint(10, 330))
            campaigns.append(
                Campaign(
                    id=next_cid + i,
                    org_unit_id=org.id,
                    code=f"DC-B-{i + 1:04d}",
                    theme=f"第{i + 1}次专项督查",
                    kind=("open", "covert", "random", "cross")[i % 4],
                    start_date=start,
                    end_date=start + day(10),
                    status="closed",
                    created_by_id=creator if org.id == prov.id else city_creators[org.id],
                )
            )
        Campaign.objects.bulk_create(campaigns, batch_size=BATCH)
        records = []
        next_rid = (InspectionRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        per_campaign = 25
        for c in campaigns:
            in_scope = [o for o in owners if c.org_unit_id in (prov.id, o[1].id)]
            for j in range(per_campaign):
                unit_id, _city = in_scope[r.randrange(len(in_scope))]
                records.append(
                    InspectionRecord(
                        id=next_rid + len(records),
                        campaign_id=c.id,
                        org_unit_id=unit_id,
                        site="",
                        is_key_site=j % 3 == 0,
                        inspected_on=c.start_date + day(j % 10),
                        recorded_by_id=c.created_by_id,
                    )
                )
        InspectionRecord.objects.bulk_create(records, batch_size=BATCH)
        n = max(50, round(FULL_PROBLEMS * self.fraction))
        batch = []
        sources = ["supervision"] * 6 + [
            "self_check",
            "patrol",
            "audit",
            "npc",
            "survey",
            "petition",
            "higher",
        ]
        total = 0
        for i in range(n):
            x = r.random()
            found = today - day(r.randint(5, 360))
            if x < 0.45:
                status, deadline = "closed", found + day(r.randint(10, 60))
            elif x < 0.60:  # red: open past the deadline
                status = ("pending", "in_progress", "rectified")[i % 3]
                deadline = min(today - day(1), found + day(r.randint(5, 40)))
            else:
                status = ("pending", "in_progress", "in_progress", "rectified")[i % 4]
                deadline = today + day(r.randint(0, 90))
                found = min(found, deadline)
            source = sources[i % len(sources)]
            rec = records[i % len(records)] if source == "supervision" else None
            if rec is not None:
                unit_id = rec.org_unit_id
                camp = campaigns[(rec.campaign_id - next_cid)]
                found_by = camp.org_unit_id
            else:
                unit_id, city = owners[r.randrange(len(owners))]
                found_by = prov.id if i % 2 else city.id
            batch.append(
                Problem(
                    code=f"WT-B-{i + 1:06d}",
                    org_unit_id=unit_id,
                    found_by_unit_id=found_by,
                    source=source,
                    campaign_id=rec.campaign_id if rec else None,
                    record_id=rec.id if rec else None,
                    description=f"第{i + 1}号问题：制度执行不到位，台账记录不完整",
                    category_id=categories[i % len(categories)],
                    severity=("general", "general", "serious", "severe")[i % 4],
                    found_on=found,
                    deadline=deadline,
                    status=status,
                    closed_at=now if status == "closed" else None,
                    rectified_on=deadline if status in ("closed", "rectified") else None,
                    created_by_id=creator,
                )
            )
            if len(batch) >= BATCH:
                Problem.objects.bulk_create(batch, batch_size=BATCH)
                total += len(batch)
                batch.clear()
        Problem.objects.bulk_create(batch, batch_size=BATCH)
        total += len(batch)
        self.result.problems = total
        self.result.campaigns = len(campaigns)
        self.result.records = len(records)

    def build_snapshots(self, days: int = 182):
        """26 weeks of daily snapshots for the cockpit's trend: today's taken by the service, the
        days before it copies of today's rows (synthetic history: the bench measures reading it)."""
        take_snapshot(self.today)
        today_rows = list(DailySnapshot.objects.filter(day=self.today))
        copies = []
        for back in range(1, days):
            day = self.today - dt.timedelta(days=back)
            for r in today_rows:
                copies.append(
                    DailySnapshot(
                        unit_id=r.unit_id,
                        day=day,
                        tasks=r.tasks,
                        red=max(0, r.red - back % 7),
                        yellow=r.yellow,
                        green=r.green,
                        done=r.done,
                        report_late=r.report_late,
                        report_missing=r.report_missing,
                        by_status=r.by_status,
                        problems=r.problems,
                        problems_closed=r.problems_closed,
                        problems_overdue=r.problems_overdue,
                        taken_at=self.now,
                    )
                )
        DailySnapshot.objects.bulk_create(copies, batch_size=BATCH)
        self.result.snapshots = len(today_rows) + len(copies)

    def build_ladder(self):
        """The red-task ladder's steps as the daily scan (escalation.services.ladder_scan) would have
        left them: every red assignment reminded on the day it turned red, urged after
        DUBAN_LADDER_URGE_DAYS, a 督办单 step after DUBAN_LADDER_ORDER_DAYS (its document left out:
        the bench reads the steps)."""
        reds = Assignment.objects.filter(lights.light_q(Light.RED, self.today)).values_list(
            "pk", "org_unit_id", "unit_id", "due_date"
        )
        urge, order = settings.DUBAN_LADDER_URGE_DAYS, settings.DUBAN_LADDER_ORDER_DAYS
        steps = []
        for pk, org_unit_id, unit_id, due in reds.iterator(chunk_size=BATCH):
            red = (self.today - due).days
            for level, after in ((Level.REMIND, 0), (Level.URGE, urge), (Level.ORDER, order)):
                if red < after:
                    break
                steps.append(
                    TaskEscalation(
                        assignment_id=pk,
                        org_unit_id=org_unit_id,
                        unit_id=unit_id,
                        spell=due,
                        level=level,
                        at=self.now - dt.timedelta(days=max(red - after, 0)),
                        days_red=after,
                        note="系统每日督办扫描",
                    )
                )
        TaskEscalation.objects.bulk_create(steps, batch_size=BATCH)
        self.result.ladder_steps = len(steps)

    def add_ladder(self) -> BenchData:
        """Ladder steps for a dataset generated before the ladder existed (manage.py bench --reuse)."""
        with transaction.atomic():
            self.build_ladder()
        self.analyze()
        self.out(f"  红色任务督办升级{self.result.ladder_steps}步")
        return self.result

    def reset_sequences(self):
        """PostgreSQL: explicit ids leave the sequences behind; move them past the data."""
        if connection.vendor != "postgresql":
            return
        from django.core.management.color import no_style

        sql = connection.ops.sequence_reset_sql(
            no_style(),
            [
                Unit,
                User,
                RoleAssignment,
                Directive,
                Task,
                Assignment,
                TaskEvent,
                ProgressReport,
                TaskCategory,
                *self._problem_models(),
            ],
        )
        with connection.cursor() as cursor:
            for stmt in sql:
                cursor.execute(stmt)

    @staticmethod
    def _problem_models():
        return [Problem, Campaign, InspectionRecord]

    def add_problems(self) -> BenchData:
        """Problems for a dataset generated before they existed (manage.py bench --reuse)."""
        started = time.monotonic()
        with transaction.atomic():
            self.build_problems()
        self.reset_sequences()
        self.analyze()
        self.out(f"  问题{self.result.problems}个（{time.monotonic() - started:.1f}秒）")
        return self.result

    def analyze(self):
        analyze()

    def run(self) -> BenchData:
        started = time.monotonic()
        with transaction.atomic():
            self.build_org()
            self.out(
                f"  组织：{self.result.units}个单位，{self.result.users}个账号（{time.monotonic() - started:.1f}秒）"
            )
            self.build_tasks()
            self.build_problems()
            self.build_snapshots()
            self.build_ladder()
        self.reset_sequences()
        self.analyze()
        self.result.seconds = round(time.monotonic() - started, 1)
        self.out(
            f"  任务{self.result.tasks}项，交办{self.result.assignments}条，进展报告{self.result.reports}份，"
            f"时间线事件{self.result.events}条，问题{self.result.problems}个（共{self.result.seconds}秒）"
        )
        return self.result
