"""Demo: 调度会 (R-DEC-6) — 东湖市's weekly 重点任务调度会 over the last three weeks.

dhs_lingdao chairs, dhs_duchayuan records: each meeting lists the red and yellow tasks of 东湖市 as
they stand that day (instructions.dispatch), and follow-ups are recorded on a few of them for their
lead units. Their fates: the unit answers and the leader 圈阅s; answered and waiting for 圈阅; still
open; and one past its due date (红). Everything goes through instructions.dispatch and
instructions.services."""

from __future__ import annotations

import datetime as dt

from core import clock, scoping
from instructions import dispatch
from instructions import services as isvc
from instructions.models import DispatchItem, Instruction

HOST = "dhs_lingdao"
RECORDER = "dhs_duchayuan"
# (day offset, [(fate, days until due)] for the first listed items that have someone to answer)
MEETINGS = [
    (-19.7, [("closed", 5), ("closed", 7), ("answered", 7)]),
    (-12.7, [("closed", 5), ("overdue", 4), ("answered", 6)]),
    (-5.7, [("answered", 3), ("open", 10), ("open", 12)]),
]
FOLLOWUPS = [
    "请牵头单位本周内拿出赶进度的具体措施，报督查室。",
    "请查明进度滞后原因，明确责任人和完成时间，下次调度会报告。",
    "请加强与协办单位的协调，遇到的困难书面报市卫健委。",
    "请抓紧补报进展情况，确保按期完成。",
]
ANSWERS = [
    "已召开专题推进会，倒排工期，明确每周节点，本周已完成设备采购招标。",
    "滞后原因是配套资金未到位，已协调财政局，资金本月到位，责任人已明确。",
    "已与协办单位建立周会商机制，困难事项已书面上报。",
]
CLOSE_NOTES = ["同意，继续跟踪。", "已阅，下次调度会再报进展。"]


class DispatchMixin:
    def plan_dispatch(self):
        """Schedule the dispatch meetings on the demo's clock (self.at(t, fn, *args))."""
        if HOST not in self.users or RECORDER not in self.users:
            return
        for week, (t, fates) in enumerate(MEETINGS):
            self.at(t, self._dispatch_meeting, week, fates)

    def _dispatch_meeting(self, week, fates):
        host = self.user(HOST)
        recorder = self.user(RECORDER)
        unit = host.unit
        if not scoping.unit_in_scope(recorder, "instructions.add_dispatchmeeting", unit):
            recorder = host
        meeting = dispatch.meeting_create(
            actor=recorder,
            org_unit=unit,
            title=dispatch.default_title(clock.today()),
            held_on=clock.today(),
            host=host,
            attendees="市卫健委各科室负责人；各县（区）卫健局分管同志；市直医疗机构分管院长",
            notes=f"第{week + 1}次调度：逐项过红灯、黄灯任务，明确跟踪事项、责任单位和完成时限。",
        )
        self.counts["dispatch_meetings"] += 1
        items = (
            DispatchItem.objects.filter(meeting=meeting)
            .select_related("task__lead_unit")
            .order_by("position")
        )
        picked = [item.task for item in items if self._dispatch_answerer(item.task.lead_unit_id)]
        now = self._instruction_now()
        for i, (task, (fate, days)) in enumerate(zip(picked, fates, strict=False)):
            unit = task.lead_unit
            head = self.head.get(unit.pk)
            ins = dispatch.followup_add(
                actor=recorder,
                meeting=meeting,
                task=task,
                text=FOLLOWUPS[(week + i) % len(FOLLOWUPS)],
                assignee_unit=unit,
                due_date=clock.today() + dt.timedelta(days=days),
                assignee_person=self.users.get(head) if head else None,
            )
            self.counts["dispatch_followups"] += 1
            if fate in ("closed", "answered"):
                self.at(now + min(days - 1, 2) + 0.2, self._dispatch_answer, ins.pk, fate, i)

    def _dispatch_answerer(self, unit_pk):
        return self.clerk.get(unit_pk) or self.head.get(unit_pk)

    def _dispatch_answer(self, pk, fate, i):
        ins = Instruction.objects.select_related("assignee_unit", "author").get(pk=pk)
        answerer = self._dispatch_answerer(ins.assignee_unit_id)
        isvc.instruction_answer(actor=self.user(answerer), instruction=ins, text=ANSWERS[i % len(ANSWERS)])
        if fate == "closed":
            self.at(self._instruction_now() + 1.1, self._dispatch_close, pk, i)

    def _dispatch_close(self, pk, i):
        ins = Instruction.objects.get(pk=pk)
        isvc.instruction_close(actor=self.user(HOST), instruction=ins, text=CLOSE_NOTES[i % len(CLOSE_NOTES)])
