"""The plan of the demo's work: every task gets a *fate* and its events are timed from it.

A fate is what the task should look like today: 已办结 (done), waiting for verification,
green, yellow for one of the three reasons of the light rule (due soon, behind time, stale
report), red (overdue), not yet signed, or returned. From the fate follow the creation day,
the due date, when each unit signs, reports (at its cadence), asks for completion and is
verified — children always before their parents. Nothing is written here: `plan()` only
schedules events (demo.events) on the builder's time-ordered queue.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from demo import data
from org.models import Unit
from tasks.choices import CADENCE_DAYS, AssignmentRole
from tasks.models import Assignment, Task

# --- fates -------------------------------------------------------------------------------------

DONE = "done"  # verified 已办结
AWAITING = "awaiting"  # 申请办结, waiting for the assigning side
GREEN = "green"
DUE_SOON = "due_soon"  # yellow: due within N days
BEHIND = "behind"  # yellow: progress behind time
STALE = "stale"  # yellow: no report within the cadence
RED = "red"  # overdue
UNSIGNED = "unsigned"  # assigned in the last days, not yet signed
RETURNED = "returned"  # 退回 by the receiving unit

TOP_FATES = {
    DONE: 13,
    GREEN: 28,
    DUE_SOON: 8,
    BEHIND: 10,
    STALE: 8,
    RED: 17,
    AWAITING: 7,
}


@dataclass(frozen=True)
class Scale:
    counties_per_city: tuple[int, ...]
    province_tasks: int
    city_tasks: int
    leaf_unsigned: int  # city tasks left unsigned (待签收)
    leaf_returned: int
    forced_fates: tuple[str, ...] = ()


FULL = Scale(
    counties_per_city=tuple(data.COUNTIES_PER_CITY),
    province_tasks=30,
    city_tasks=5,
    leaf_unsigned=6,
    leaf_returned=2,
)
SMALL = Scale(
    counties_per_city=(3, 3),
    province_tasks=7,
    city_tasks=3,
    leaf_unsigned=1,
    leaf_returned=1,
    forced_fates=(RED, GREEN, DONE, DUE_SOON, BEHIND, STALE, AWAITING),
)


@dataclass
class Track:
    """One assignment of a node: to its lead unit or a co-operating unit."""

    node: Node
    unit: Unit
    fate: str
    role: str = AssignmentRole.LEAD
    done_day: float | None = None
    verify_day: float | None = None
    reject_first: bool = False
    assignment: Assignment | None = None
    progress: int = 0
    sign_day: float | None = None


@dataclass
class Node:
    title: str
    theme: dict
    level: str
    creator: str
    org_unit: Unit
    lead_unit: Unit
    fate: str
    start_day: float
    due: dt.date
    cadence: str
    parent: Node | None = None
    own_assignment: bool = True
    co_units: list[Unit] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    decompose_day: float | None = None
    decomposer: str = ""
    decompose_org: Unit | None = None
    tracks: list[Track] = field(default_factory=list)
    noise: int = 0
    splits: bool = False  # decomposed into sub-tasks
    task: Task | None = None
    responsible: tuple[str, ...] = ()  # accounts named 责任人 besides the lead unit's head
    showcase: bool = False  # guaranteed for the README's accounts (demo.showcase): reports stay 待审核

    @property
    def lead(self) -> Track | None:
        return self.tracks[0] if self.tracks else None


def place_name(unit: Unit) -> str:
    return unit.display_name.removesuffix("卫健委").removesuffix("卫健局")


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


class PlanMixin:
    def top_window(self, fate: str) -> tuple[float, int]:
        """Creation day and due offset (days from today) for a top-level task of this fate."""
        r = self.rng
        if fate == DONE:
            c = r.uniform(-120, -75)
            return c, r.randint(max(int(c) + 50, -25), 60)
        if fate == AWAITING:
            c = r.uniform(-110, -50)
            return c, r.randint(3, 60)
        if fate == GREEN:
            return r.uniform(-100, -8), r.randint(20, 150)
        if fate == DUE_SOON:
            return r.uniform(-120, -40), r.randint(1, 7)
        if fate == BEHIND:
            return r.uniform(-120, -80), r.randint(20, 40)
        if fate == STALE:
            return r.uniform(-100, -50), r.randint(30, 120)
        if fate == RED:
            c = r.uniform(-120, -60)
            return c, r.randint(max(int(c) + 35, -35), -1)
        if fate == UNSIGNED:
            return r.uniform(-3, -1.2), r.randint(30, 90)
        if fate == RETURNED:
            return r.uniform(-20, -3), r.randint(30, 90)
        raise ValueError(fate)

    def child_fate(self, parent_fate: str, due_offset: int) -> str:
        r = self.rng
        if parent_fate in (DONE, AWAITING):
            return DONE
        if due_offset < 0:
            return _weighted(r, {RED: 6, DONE: 3, AWAITING: 1})
        if due_offset <= 7:
            return _weighted(r, {DUE_SOON: 6, DONE: 2, AWAITING: 2})
        return _weighted(r, {GREEN: 40, BEHIND: 15, STALE: 15, DONE: 15, AWAITING: 5, RED: 10})

    def plan(self):
        r = self.rng
        themes = data.THEMES
        cadences = {"weekly": 3, "biweekly": 3, "monthly": 4}
        fates = list(self.scale.forced_fates)
        # people read their inbox now and then: only the last days' messages stay unread
        for day in range(-118, -5, 9):
            self.at(day + 0.97, self.do_read_inbox)
        # province tasks: lead by a department, two thirds decomposed to cities
        emergency = None
        for i in range(self.scale.province_tasks):
            theme = themes[i % len(themes)]
            fate = fates[i] if i < len(fates) else _weighted(r, TOP_FATES)
            c, due_off = self.top_window(fate)
            dept = self.units[f"dept_{theme['dept']}"]
            decompose = (i % 3 != 2) if not self.small else (i % 2 == 0)
            co = []
            if not decompose and r.random() < 0.5:
                others = [
                    self.units[f"dept_{k}"]
                    for k, *_ in data.PROVINCE_DEPARTMENTS
                    if k not in ("dcs", theme["dept"])
                ]
                co = [r.choice(others)]
            node = Node(
                title=theme["title"] if i < len(themes) else f"{theme['title']}（第二批）",
                theme=theme,
                level=theme["level"],
                creator="sf_duchayuan",
                org_unit=self.province,
                lead_unit=dept,
                fate=fate,
                start_day=c,
                due=self.today + dt.timedelta(days=due_off),
                cadence=_weighted(r, cadences),
                co_units=co,
                noise=r.randint(0, 10),
            )
            if decompose:
                p_further = 0.45 if not self.small else 0.6

                def policy(child, p=p_further):
                    if r.random() < p:
                        return {
                            "decompose_to": self.counties[child.lead_unit.pk],
                            "k": (2, 4),
                            "by_lead": True,
                        }
                    return {}

                self.plan_node(
                    node, depth=0, decompose_to=[c for c, _ in self.cities], k=(3, 5), child_policy=policy
                )
            else:
                self.plan_node(node, depth=0)
            if decompose and fate in (GREEN, BEHIND, STALE) and due_off > 8:
                if emergency is None or (theme["key"] == "bmsw" and emergency.theme["key"] != "bmsw"):
                    emergency = node
        if emergency is not None:
            self.plan_emergency(emergency)
        # city tasks: half to one county, half decomposed by the city to several counties
        unsigned, returned = self.scale.leaf_unsigned, self.scale.leaf_returned
        for ci, (city, cpy) in enumerate(self.cities):
            for j in range(self.scale.city_tasks):
                theme = r.choice(themes)
                counties = self.counties[city.pk]
                leaf = j % 2 == 0
                fate = _weighted(r, TOP_FATES)
                if leaf and unsigned and j == 0 and ci % 2 == 0:
                    fate, unsigned = UNSIGNED, unsigned - 1
                elif leaf and returned and j == 2 and ci % 3 == 1:
                    fate, returned = RETURNED, returned - 1
                c, due_off = self.top_window(fate)
                lead = r.choice(counties) if leaf else city
                suffix = r.choice(data.CITY_TASK_SUFFIX)
                node = Node(
                    title=f"{city.display_name.removesuffix('卫健委')}{theme['title']}{suffix}"
                    if leaf
                    else f"全市{theme['title']}{suffix}",
                    theme=theme,
                    level="key" if theme["level"] == "major" and leaf else theme["level"],
                    creator=f"{cpy}_duchayuan",
                    org_unit=city,
                    lead_unit=lead,
                    fate=fate,
                    start_day=c,
                    due=self.today + dt.timedelta(days=due_off),
                    cadence=_weighted(r, cadences),
                    own_assignment=leaf,
                    noise=r.randint(0, 10),
                )
                if leaf:
                    inst = self.institution_of.get(lead.pk)
                    if inst is not None and fate not in (UNSIGNED, RETURNED) and r.random() < 0.5:
                        self.plan_node(node, depth=0, decompose_to=[inst], k=(1, 1), by_lead=True)
                    else:
                        self.plan_node(node, depth=0)
                else:
                    self.plan_node(node, depth=0, decompose_to=counties, k=(2, 4))

    def plan_emergency(self, node: Node):
        """应急 (R-RPT-1): six days ago one decomposed province task went to daily reports for a
        fortnight; most units report every day since, some miss days (the late list shows them)."""
        r = self.rng
        self.at(-6.4, self.do_emergency, node)
        stack = [node]
        while stack:
            n = stack.pop()
            stack.extend(n.children)
            for track in n.tracks:
                for day in range(-6, 0):
                    if r.random() < 0.8:
                        self.at(day + 0.45 + r.uniform(0, 0.4), self.do_emergency_report, track)

    def child_node(self, parent: Node, lead: Unit, title: str, fate: str | None = None) -> Node:
        r = self.rng
        due_off = (parent.due - self.today).days
        fate = fate or self.child_fate(parent.fate, due_off)
        due = parent.due
        if fate == RED and due_off >= 0:
            latest = -1
            earliest = math.ceil(parent.decompose_day) + 25
            if earliest > latest:
                fate = GREEN
            else:
                due = self.today + dt.timedelta(days=r.randint(earliest, latest))
        node = Node(
            title=title,
            theme=parent.theme,
            level=parent.level,
            creator=parent.decomposer,
            org_unit=parent.decompose_org,
            lead_unit=lead,
            fate=fate,
            start_day=parent.decompose_day,
            due=due,
            cadence=parent.cadence,
            parent=parent,
            noise=r.randint(0, 10),
            showcase=parent.showcase,
        )
        parent.children.append(node)
        return node

    def plan_node(
        self,
        node: Node,
        *,
        depth: int,
        decompose_to=None,
        k=(2, 4),
        by_lead=False,
        child_policy=None,
        children: list[tuple[Unit, str, str]] | None = None,
    ):
        """Schedule a node's events; its children are planned after its own times are known.
        `children` — (unit, title, fate) of each sub-task — replaces the random choice of
        `decompose_to` (demo.showcase)."""
        if children:
            decompose_to = [unit for unit, _title, _fate in children]
        r = self.rng
        node.splits = bool(decompose_to)
        if node.parent is None:
            self.at(node.start_day, self.do_create, node)
        gate = node.start_day + 0.05
        if node.level == "major" and node.parent is None:
            gate = node.start_day + 0.1
            self.at(gate, self.do_review, node)
        if node.own_assignment:
            lead = Track(node, node.lead_unit, node.fate)
            node.tracks.append(lead)
            for unit in node.co_units:
                co_fate = node.fate if node.fate in (DONE, AWAITING, UNSIGNED, RETURNED, RED) else GREEN
                if co_fate == AWAITING:
                    co_fate = DONE
                node.tracks.append(Track(node, unit, co_fate, role=AssignmentRole.COOPERATE))
            assign_day = gate + 0.05
            if node.parent is None:
                self.at(assign_day, self.do_assign, node)
            self.plan_completion(node)
            for track in node.tracks:
                self.plan_track(track, assign_day)
        if decompose_to:
            if children:
                targets = [(unit, title, fate) for unit, title, fate in children]
            else:
                n = min(len(decompose_to), r.randint(*k))
                targets = [
                    (u, f"{place_name(u)}{node.theme['title']}", None) for u in r.sample(decompose_to, n)
                ]
            if by_lead:  # the receiving unit breaks its assignment down further (五级贯通)
                node.decomposer = self.verifier[node.lead_unit.pk]
                node.decompose_org = node.lead_unit
            else:
                node.decomposer = node.creator
                node.decompose_org = node.org_unit
            if node.own_assignment:
                node.decompose_day = node.lead.sign_day + r.uniform(0.3, 2)
            else:
                node.decompose_day = gate + r.uniform(0.1, 1)
            for unit, title, fate in targets:
                child = self.child_node(node, unit, title, fate)
                self.plan_node(child, depth=depth + 1, **(child_policy(child) if child_policy else {}))
        if node.children:
            self.at(node.decompose_day, self.do_decompose, node)

    def plan_completion(self, node: Node):
        """Choose when DONE / AWAITING tracks ask for completion, children before parents."""
        r = self.rng
        lead = node.lead
        parent_done = None
        if node.parent is not None and node.parent.lead and node.parent.lead.done_day:
            parent_done = node.parent.lead.done_day
        for track in node.tracks:
            if track.fate not in (DONE, AWAITING):
                continue
            start = node.start_day + 3
            if track.fate == AWAITING:
                lo, hi = -6.0, -1.3
            else:
                lo, hi = start + 20, min((node.due - self.today).days + 0.9, -4.0)
            if parent_done is not None:
                hi = min(hi, parent_done - 2.0)
            if track.role == AssignmentRole.COOPERATE and lead.done_day:
                hi = min(hi, lead.done_day - 1.0)
            lo = max(lo, start + (38 if node.parent is None and track.fate == DONE else 8))
            if hi <= lo:
                hi = lo + 0.5
            track.done_day = r.uniform(lo, hi)
            if track.fate == DONE:
                gap_hi = -0.3 if parent_done is None else parent_done - 0.5
                track.verify_day = min(
                    track.done_day + r.uniform(0.3, 2.5), max(gap_hi, track.done_day + 0.1)
                )
                track.reject_first = r.random() < 0.1 and track.verify_day + 2 < min(gap_hi, -0.5)

    def plan_track(self, track: Track, assign_day: float):
        r = self.rng
        node = track.node
        if track.fate == UNSIGNED:
            track.sign_day = None
            return
        if track.fate == RETURNED:
            track.sign_day = None
            self.at(assign_day + r.uniform(0.2, 1.5), self.do_return, track)
            return
        track.sign_day = assign_day + r.uniform(0.05, 1.2)
        if track is node.lead:
            node.lead.sign_day = track.sign_day
        self.at(track.sign_day, self.do_sign, track)
        step = CADENCE_DAYS[node.cadence] or 14
        if track.fate in (DONE, AWAITING):
            end = track.done_day - 0.05
        elif track.fate == STALE:
            end = -(step + r.uniform(3, 12))
        else:
            end = -1 + r.uniform(0.1, 0.9)
        if track.role == AssignmentRole.COOPERATE or node.splits:
            step = max(step, 14)  # co-operating units and units that decomposed report less often
        times = []
        t = end
        while t > track.sign_day + 0.3:
            times.append(t)
            t -= step - r.uniform(0, min(1.5, step / 4))
        for t in sorted(times):
            self.at(t, self.do_report, track)
        if track.fate in (DONE, AWAITING):
            self.at(track.done_day, self.do_request_completion, track)
        if track.fate == DONE:
            if track.reject_first:
                self.at(track.verify_day, self.do_verify, track, False)
                self.at(track.verify_day + 0.8, self.do_request_completion, track)
                self.at(track.verify_day + 1.6, self.do_verify, track, True)
            else:
                self.at(track.verify_day, self.do_verify, track, True)
        if track.role == AssignmentRole.LEAD and not node.splits and not node.showcase:
            if track.fate == RED and r.random() < 0.15:
                self.at(-r.uniform(1, 4), self.do_extension, track, False)
            elif track.fate == GREEN and r.random() < 0.05:
                self.at(-r.uniform(5, 9), self.do_extension, track, True)
