"""Builds the demo province (示范省) through the real services while the application clock moves.

Two phases:
1. the organisation: units, accounts and roles through `org.services` (bulk: audit off, one
   summary audit event at the end; one shared password hash, computed once, because hashing
   ~300 passwords with the production hasher would take minutes);
2. the work: a plan of tasks, each with a *fate* (green, yellow for three reasons, red, done,
   waiting for verification, not yet signed, returned), turned into timed events — create,
   党组会 review, assign, decompose, sign, report, evidence, completion, verification, extension —
   that are executed in time order through `tasks.services` and `reporting.services` while
   `core.clock` travels forward from ~125 days ago to yesterday. The histories (timeline,
   reports, audit chain, inbox) are therefore exactly what the product would have recorded.

Everything is drawn from one seeded random generator: the same seed gives the same province.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
import time
from collections import Counter

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from audit.services import record
from core import clock
from demo.cockpit import CockpitMixin
from demo.data import DEMO_PASSWORD
from demo.dispatch import DispatchMixin
from demo.evaluations import EvaluationsMixin
from demo.events import EventsMixin
from demo.instructions import InstructionsMixin
from demo.ladder import LadderMixin
from demo.organisation import OrganisationMixin
from demo.plan import FULL, SMALL, PlanMixin
from demo.showcase import ShowcaseMixin
from demo.signoff import SignoffMixin
from demo.supervision import SupervisionMixin
from demo.surveys import SurveysMixin
from org.choices import UnitKind
from org.models import RoleAssignment, Unit, User
from reporting.models import ProgressReport
from tasks import lights
from tasks.choices import Light, TaskStatus
from tasks.models import Assignment, Directive, Task, TaskCategory


class DemoBuilder(
    OrganisationMixin,
    PlanMixin,
    ShowcaseMixin,
    EventsMixin,
    SupervisionMixin,
    InstructionsMixin,
    LadderMixin,
    SignoffMixin,
    CockpitMixin,
    SurveysMixin,
    EvaluationsMixin,
    DispatchMixin,
):
    def __init__(self, *, small: bool = False, seed: int = 2026, out=None):
        self.scale = SMALL if small else FULL
        self.small = small
        self.rng = random.Random(seed)
        self.seed = seed
        self.password = DEMO_PASSWORD
        self.out = out or (lambda msg: None)
        self.today = timezone.localdate()
        self.base = timezone.make_aware(dt.datetime.combine(self.today, dt.time()))
        self.units: dict[str, Unit] = {}
        self.users: dict[str, User] = {}
        self.accounts: list[tuple[str, str, str, str]] = []
        self.clerk: dict[int, str] = {}  # unit id → account that signs and reports
        self.head: dict[int, str] = {}  # unit id → 单位负责人
        self.leader: dict[int, str] = {}  # unit id → 领导 (signs its documents: 签发)
        self.verifier: dict[int, str] = {}  # assigning unit id → account that verifies
        self.cities: list[tuple[Unit, str]] = []  # (unit, initials)
        self.counties: dict[int, list[Unit]] = {}  # city id → counties
        self.institution_of: dict[int, Unit] = {}  # county id → 县人民医院 with a clerk
        self.events: list = []
        self._seq = 0
        self.directives: dict[str, Directive] = {}
        self.counts: Counter = Counter()
        self._names_used: set[str] = set()

    # --- helpers -------------------------------------------------------------------------------

    def day(self, offset: float) -> dt.date:
        return self.today + dt.timedelta(days=math.floor(offset))

    def moment(self, t: float) -> dt.datetime:
        """Day offset t (fraction = position in the working day) → 08:30–17:30 of that day."""
        d = math.floor(t)
        return self.base + dt.timedelta(days=d, hours=8.5 + 9 * (t - d))

    def at(self, t: float, fn, *args):
        t = min(t, -0.02)  # nothing happens today: the load ends yesterday evening
        self._seq += 1
        heapq.heappush(self.events, (t, self._seq, fn, args))

    def user(self, username: str) -> User:
        return self.users[username]

    # --- run -----------------------------------------------------------------------------------

    def goto(self, t: float):
        target = self.moment(t)
        ahead = (target - clock.now()).total_seconds()
        if ahead > 0:
            clock.travel(hours=ahead / 3600)

    def run(self) -> dict:
        started = time.monotonic()
        self.categories = {c.name: c for c in TaskCategory.objects.all()}
        with transaction.atomic():
            self.build_org()
            self.out(
                f"单位与账号：{Unit.objects.count()}个单位，{len(self.users)}个账号（{time.monotonic() - started:.1f}秒）"
            )
            clock.reset()
            self.plan()
            self.plan_showcase()
            self.plan_supervision()
            self.plan_instructions()
            self.plan_ladder()
            self.plan_signoff()
            self.plan_surveys()
            self.plan_evaluations()
            self.plan_dispatch()
            self.plan_snapshots()
            try:
                clock.travel(days=-126)
                self.goto(-125.5)
                self.do_directives()
                n = 0
                while self.events:
                    t, _seq, fn, args = heapq.heappop(self.events)
                    self.goto(t)
                    fn(*args)
                    n += 1
            finally:
                clock.reset()
            self.share_password_hash()
            summary = self.summary()
            summary["events"] = n
            summary["seconds"] = round(time.monotonic() - started, 1)
            record(actor=None, action="demo.loaded", changes=summary)
        return summary

    def summary(self) -> dict:
        today = clock.today()
        units = dict(Unit.objects.values_list("kind").annotate(n=Count("id")).order_by())
        task_lights = dict(
            Task.objects.annotate(light=lights.light_expression(today))
            .values_list("light")
            .annotate(n=Count("id"))
            .order_by()
        )
        statuses = dict(Assignment.objects.values_list("status").annotate(n=Count("id")).order_by())
        roles = dict(RoleAssignment.objects.values_list("role__name").annotate(n=Count("id")).order_by())
        return {
            "units": {UnitKind(k).label: v for k, v in units.items()},
            "accounts": User.objects.count(),
            "roles": roles,
            "tasks": Task.objects.count(),
            "task_lights": {Light(k).label: v for k, v in sorted(task_lights.items())},
            "assignments": {TaskStatus(k).label: v for k, v in statuses.items()},
            "reports": ProgressReport.objects.count(),
            **self.supervision_summary(),
        }
