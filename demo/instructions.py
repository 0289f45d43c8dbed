"""Demo: 领导批示 written, answered and 圈阅 by the demo's leaders and units.

Over the last three weeks the province's, the cities' and two counties' leaders write 批示 on real
records of their scope — tasks, progress reports, problems, issued documents — picked by a query
at the moment of writing (the records made earlier in the demo's history). Each has a fate: the
unit answers and the leader 圈阅s; answered and waiting for 圈阅; returned for more; still open;
or open past its due date (红). Everything goes through instructions.services."""

from __future__ import annotations

import datetime as dt

from core import clock, scoping
from documents.models import IssuedDocument
from instructions import services as isvc
from instructions.models import Instruction
from org.models import Unit
from rectification.choices import ProblemStatus
from rectification.models import Problem
from reporting.models import ProgressReport
from tasks.choices import TaskStatus
from tasks.models import Assignment

# (day offset, target kind, fate, days until due): the province's leader takes them all, a city's
# leader three, a county's leader two (each a different mix: the plan is rotated per leader)
INSTRUCTION_PLAN = [
    (-20.4, "task", "closed", 7),
    (-17.6, "problem", "closed", 10),
    (-15.3, "document", "answered", 7),
    (-12.2, "task", "overdue", 4),
    (-10.8, "task", "returned", 8),
    (-9.5, "report", "answered", 6),
    (-7.4, "problem", "returned", 8),
    (-4.3, "task", "open", 10),
    (-2.6, "report", "open", 5),
]
TEXTS = [
    "请{who}同志牵头，本周内拿出方案，报我阅。",
    "此事群众关注度高，请{who}同志亲自过问，抓紧整改到位。",
    "请认真研究，{days}日内报送落实情况。",
    "进度偏慢，请{who}同志查找原因，拿出硬措施。",
    "请对照要求逐项落实，形成闭环，按时报结果。",
    "请{who}同志统筹推进，遇到困难及时报告。",
]
ANSWERS = [
    "已召开专题会议研究部署，明确责任人和时间表，方案已报委办公室。",
    "已组织对照检查，完成整改事项3项，剩余1项本月底前完成。",
    "已约谈相关负责同志，制定整改清单，逐项销号推进。",
    "已牵头协调相关科室，落实经费和人员，工作已按计划推进。",
]
CLOSE_NOTES = ["同意，继续跟踪。", "已阅，抓好落实。", ""]
README_ANSWERERS = ["sf_jc_lianluoyuan", "dhs_cg_rmyy_lianluoyuan", "dhs_lianluoyuan", "dhs_cg_lianluoyuan"]
README_LEADERS = ["dhs_lingdao", "dhs_cg_lingdao"]
RETURN_NOTE = "落实情况过于笼统，请补充具体措施、完成时间和责任人。"


class InstructionsMixin:
    def plan_instructions(self):
        leaders = [(self.units["province"].pk, len(INSTRUCTION_PLAN))]
        leaders += [(city.pk, 3) for city, _ in self.cities[:4]]
        leaders += [(pk, 2) for pk in self.leader if pk not in dict(leaders)]
        for shift, (unit_pk, n) in enumerate(leaders):
            plan = INSTRUCTION_PLAN[shift % 3 :] + INSTRUCTION_PLAN[: shift % 3]
            for t, kind, fate, days in plan[:n]:
                if fate == "overdue" and shift > 1:  # one or two 批示 past their due date, not more
                    fate, days = "open", 16
                self.at(t + 0.1 * (shift % 4), self._instruct, unit_pk, kind, fate, days)
        # the README's leaders each find an answer waiting for their 圈阅
        for unit_pk in (self.user(name).unit_id for name in README_LEADERS if name in self.users):
            self.at(-3.2, self._instruct, unit_pk, "task", "answered", 8)
        # the README's accounts that answer 批示 find one waiting on their 工作台
        for i, username in enumerate(README_ANSWERERS):
            self.at(-1.6 + 0.2 * i, self._instruct_for, username)

    # --- the events ---------------------------------------------------------------------------

    def _instruct(self, unit_pk, kind, fate, days):
        leader = self.user(self.leader[unit_pk])
        scope = Unit.objects.get(pk=unit_pk)
        found = self._instruction_target(scope, kind)
        if found is None:
            return
        target, assignee = found
        head = self.head.get(assignee.pk)
        who = self.user(head).full_name if head else "分管"
        text = self.rng.choice(TEXTS).format(who=who, days=days)
        ins = isvc.instruction_create(
            actor=leader,
            kind=kind,
            target_id=target.pk,
            text=text,
            assignee_unit=assignee,
            due_date=clock.today() + dt.timedelta(days=days),
            assignee_person=self.users.get(head) if head else None,
        )
        self.counts["instructions"] += 1
        t = self._instruction_now()
        if fate in ("closed", "answered", "returned"):
            self.at(t + min(days - 1, 2) + 0.3, self._instruction_answer, ins.pk, fate)

    def _instruct_for(self, username):
        """An open 批示 for the unit of `username`, by the nearest leader above it, on a record of it."""
        if username not in self.users:
            return
        unit = self.users[username].unit
        above = [pk for pk in reversed(unit.ancestor_ids[:-1]) if pk in self.leader]
        if not above:
            return
        leader = self.user(self.leader[above[0]])
        for kind in ("task", "report", "problem", "document"):
            pick = [(obj, u) for obj, u in self._instruction_candidates(unit, kind) if u.pk == unit.pk]
            if pick:
                obj, _ = self.rng.choice(pick)
                isvc.instruction_create(
                    actor=leader,
                    kind=kind,
                    target_id=obj.pk,
                    text=self.rng.choice(TEXTS).format(who="主要负责", days=10),
                    assignee_unit=unit,
                    due_date=clock.today() + dt.timedelta(days=10),
                )
                self.counts["instructions"] += 1
                return

    def _instruction_answer(self, pk, fate):
        ins = Instruction.objects.select_related("assignee_unit", "author").get(pk=pk)
        answerer = self.clerk.get(ins.assignee_unit_id) or self.head.get(ins.assignee_unit_id)
        if answerer is None:
            return
        isvc.instruction_answer(actor=self.user(answerer), instruction=ins, text=self.rng.choice(ANSWERS))
        if fate in ("closed", "returned"):
            self.at(self._instruction_now() + 1.2, self._instruction_leader, pk, fate)

    def _instruction_leader(self, pk, fate):
        ins = Instruction.objects.select_related("author").get(pk=pk)
        if fate == "closed":
            isvc.instruction_close(actor=ins.author, instruction=ins, text=self.rng.choice(CLOSE_NOTES))
        else:
            due = clock.today() + dt.timedelta(days=12)
            isvc.instruction_return(actor=ins.author, instruction=ins, text=RETURN_NOTE, due_date=due)

    def _instruction_now(self) -> float:
        return (clock.now() - self.base).total_seconds() / 86400

    # --- what a leader writes on: a record of their scope, picked when they write -------------

    def _instruction_answering(self, units):
        return [u for u in units if u is not None and (u.pk in self.clerk or u.pk in self.head)]

    def _instruction_target(self, scope: Unit, kind: str):
        """(record, 落实单位) of `kind` inside the leader's unit `scope`, or None."""
        leader = self.user(self.leader[scope.pk])
        pick = [
            (obj, unit)
            for obj, unit in self._instruction_candidates(scope, kind)
            if self._instruction_answering([unit])
            and scoping.unit_in_scope(leader, "instructions.add_instruction", unit)
        ]
        return self.rng.choice(pick) if pick else None

    def _instruction_candidates(self, scope: Unit, kind: str) -> list:
        if kind == "task":
            rows = (
                Assignment.objects.filter(scoping.subtree_q(scope, "unit"))
                .exclude(status__in=[TaskStatus.COMPLETED, TaskStatus.RETURNED])
                .select_related("task", "unit")
                .order_by("-id")[:30]
            )
            return [(a.task, a.unit) for a in rows]
        if kind == "report":
            rows = (
                ProgressReport.objects.filter(scoping.subtree_q(scope, "org_unit"))
                .select_related("org_unit")
                .order_by("-submitted_at")[:20]
            )
            return [(r, r.org_unit) for r in rows]
        if kind == "problem":
            rows = (
                Problem.objects.filter(scoping.subtree_q(scope, "org_unit"))
                .exclude(status=ProblemStatus.CLOSED)
                .select_related("org_unit__parent")
                .order_by("-id")[:20]
            )
            # the rectifying unit, or the one above it (a 卫生院 often has no 联络员 in the demo)
            return [(p, unit) for p in rows for unit in (p.org_unit, p.org_unit.parent)]
        rows = (
            IssuedDocument.objects.filter(
                scoping.subtree_q(scope, "recipient"), status=IssuedDocument.Status.ISSUED
            )
            .select_related("recipient")
            .order_by("-id")[:20]
        )
        return [(d, d.recipient) for d in rows]
