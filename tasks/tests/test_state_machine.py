"""The assignment lifecycle (R-TSK-5, R-TSK-6) driven through the services by random users doing
random things, with the invariants checked after every step:

- only the transitions of the lifecycle ever happen, and each one only through its service;
- signed_at is set exactly when the assignment has been signed (and not sent back since);
- 申请办结 only with evidence; 已办结 only after 申请办结, verified by someone of the assigning
  side who is not inside the working unit;
- whatever the services refuse leaves nothing changed, and what tasks.rules predicts (the
  buttons of the detail page) is exactly what the services accept;
- the task's status and progress roll up from its lead assignment.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from core import clock, scoping
from core.testing import make_task
from reporting import services as rsvc
from tasks import rules, services
from tasks.choices import ExtensionStatus, TaskStatus
from tasks.models import Assignment, ExtensionRequest, Task
from tasks.tests.support_actions import approve_review, pdf
from tasks.transitions import ASSIGNMENT

pytestmark = pytest.mark.django_db

S = TaskStatus


def _legal_moves(machine) -> set:
    """(from, to) of every state change the declared table allows (tasks/transitions.py)."""
    moves = set()
    for t in machine.transitions:
        targets = t.target if isinstance(t.target, dict) else {None: t.target}
        for source in t.sources:
            for key, target in targets.items():
                if source is None or (not t.outcomes and key is not None and key != source):
                    continue
                if target is not None and target != source:
                    moves.add((source, target))
    return moves


LEGAL = _legal_moves(ASSIGNMENT)
SIGNED_STATES = {S.SIGNED, S.IN_PROGRESS, S.COMPLETION_REQUESTED, S.COMPLETED}
USERS = [
    "prov_supervisor",
    "prov_leader",
    "city_a_supervisor",
    "city_a_head",
    "county_a_head",
    "county_a_clerk",
    "county_b_head",
    "county_b_clerk",
    "inst_a_clerk",
    "no_role",
]
# the people who move the loop forward come up more often than bystanders
WEIGHTED = USERS + ["county_a_clerk"] * 3 + ["county_a_head", "county_b_clerk", "prov_supervisor"] * 2

ORG = {}
SEEN: set = set()  # transitions seen over all runs: the test checks the walk reached the end


def _attempt(fn):
    try:
        fn()
    except (PermissionDenied, ValidationError):
        return False
    return True


class AssignmentLifecycle(RuleBasedStateMachine):
    @initialize(major=st.booleans(), with_co_unit=st.booleans())
    def setup(self, major, with_co_unit):
        org = ORG["org"]
        self.org = org
        co = ["county_b"] if with_co_unit else []
        self.task = make_task(org, level="major" if major else "key", assign=False, co_units=co, days=40)
        if major:
            approve_review(org, self.task)
        services.task_assign(actor=org.user("prov_supervisor"), task=self.task)
        self.snapshot = self._statuses()
        self.transitions = []

    # --- helpers ---------------------------------------------------------------------------------

    def _assignments(self):
        return list(
            Assignment.objects.filter(task=self.task).select_related("unit", "org_unit").order_by("id")
        )

    def _statuses(self):
        return {a.pk: a.status for a in self._assignments()}

    def _pick(self, index):
        items = self._assignments()
        return items[index % len(items)]

    def _user(self, name):
        return self.org.user(name)

    def _step(self, predicted, fn, expect_change=None, action=None, outcome=None, pk=None):
        """Run one service call; check the rule prediction and the transitions it made: each is one
        the table declares, and the acted-on assignment ends where the table says `action` leads."""
        before = self._statuses()
        ok = _attempt(fn)
        assert ok == predicted, ("rules.py and the service disagree", fn, predicted, ok)
        after = self._statuses()
        if ok and action is not None:
            assert after[pk] == ASSIGNMENT.target(action, outcome, state=before[pk]), (action, before[pk])
        for pk, status in after.items():
            old = before.get(pk)
            if old != status:
                assert (old, status) in LEGAL, (old, status)
                self.transitions.append((old, status))
                SEEN.add((old, status))
        if not ok:
            assert before == after, "a refused action changed something"
        elif expect_change is not None:
            assert expect_change(before, after)
        return ok

    # --- rules ------------------------------------------------------------------------------------

    @rule(user=st.sampled_from(WEIGHTED), index=st.integers(0, 3))
    def sign(self, user, index):
        a, actor = self._pick(index), self._user(user)
        self._step(
            rules.allowed(rules.check_sign, actor, a),
            lambda: services.assignment_sign(actor=actor, assignment=a),
            action="sign",
            pk=a.pk,
        )

    @rule(user=st.sampled_from(WEIGHTED), index=st.integers(0, 3))
    def send_back(self, user, index):
        a, actor = self._pick(index), self._user(user)
        self._step(
            rules.allowed(rules.check_return, actor, a),
            lambda: services.assignment_return(actor=actor, assignment=a, reason="不属本单位职责"),
            action="return",
            pk=a.pk,
        )

    @rule(user=st.sampled_from(WEIGHTED))
    def reassign(self, user):
        actor = self._user(user)
        task = Task.objects.get(pk=self.task.pk)
        chain = services.task_chain(task)
        reviews = {
            r.task_id: r for r in __import__("tasks.models").models.PartyReview.objects.filter(task__in=chain)
        }
        pending = services.pending_assignment_units(task, self._assignments())
        self._step(
            rules.allowed(rules.check_assign, actor, task, chain, reviews, pending),
            lambda: services.task_assign(actor=actor, task=task),
        )

    @rule(user=st.sampled_from(WEIGHTED), index=st.integers(0, 3), progress=st.integers(0, 100))
    def report(self, user, index, progress):
        a, actor = self._pick(index), self._user(user)
        predicted = ASSIGNMENT.allows("report", a.status) and rsvc.can_report(actor, a)
        self._step(
            predicted,
            lambda: rsvc.report_submit(actor=actor, assignment=a, progress=progress, work_done="推进中"),
            action="report",
            pk=a.pk,
        )

    @rule(user=st.sampled_from(WEIGHTED), index=st.integers(0, 3))
    def upload_evidence(self, user, index):
        a, actor = self._pick(index), self._user(user)
        _attempt(
            lambda: rsvc.attachment_store(
                actor=actor, upload=pdf(), org_unit=a.unit, assignment=a, purpose="evidence"
            )
        )

    @rule(user=st.sampled_from(WEIGHTED), index=st.integers(0, 3))
    def request_completion(self, user, index):
        a, actor = self._pick(index), self._user(user)
        has_evidence = a.attachments.filter(purpose="evidence").exists()
        self._step(
            rules.allowed(rules.check_request_completion, actor, a, has_evidence),
            lambda: services.assignment_request_completion(actor=actor, assignment=a, note="已完成"),
            action="request_completion",
            pk=a.pk,
        )

    @rule(user=st.sampled_from(WEIGHTED), index=st.integers(0, 3), approve=st.booleans())
    def verify(self, user, index, approve):
        a, actor = self._pick(index), self._user(user)
        ok = self._step(
            rules.allowed(rules.check_verify, actor, a),
            lambda: services.assignment_verify(actor=actor, assignment=a, approve=approve, note="审核意见"),
            action="verify",
            outcome="通过" if approve else "退回",
            pk=a.pk,
        )
        if ok:  # decided by the assigning side, never from inside the working unit
            assert scoping.unit_in_scope(actor, "tasks.verify_assignment", a.org_unit)
            assert not (actor.unit_id and actor.unit.is_descendant_of(a.unit))

    @rule(user=st.sampled_from(WEIGHTED), index=st.integers(0, 3), days=st.integers(1, 30))
    def ask_extension(self, user, index, days):
        a, actor = self._pick(index), self._user(user)
        pending = a.extensions.filter(status=ExtensionStatus.PENDING).exists()
        self._step(
            rules.allowed(rules.check_request_extension, actor, a, pending),
            lambda: services.extension_request(
                actor=actor,
                assignment=a,
                reason="客观原因",
                new_due_date=a.due_date + dt.timedelta(days=days),
            ),
        )

    @rule(user=st.sampled_from(WEIGHTED), approve=st.booleans())
    def decide_extension(self, user, approve):
        ext = ExtensionRequest.objects.filter(
            assignment__task=self.task, status=ExtensionStatus.PENDING
        ).first()
        if ext is None:
            return
        actor = self._user(user)
        a = Assignment.objects.select_related("unit", "org_unit").get(pk=ext.assignment_id)
        old_due = a.due_date
        ok = self._step(
            rules.allowed(rules.check_decide_extension, actor, ext, a),
            lambda: services.extension_decide(actor=actor, extension=ext, approve=approve),
        )
        a.refresh_from_db()
        assert a.due_date == (ext.new_due_date if ok and approve else old_due)

    @rule(
        index=st.integers(0, 3),
        verifier=st.sampled_from(["prov_supervisor", "county_a_head", "city_a_head"]),
        approve=st.booleans(),
    )
    def the_unit_does_its_job(self, index, verifier, approve):
        """The people in charge act in order (sign, evidence, ask, verify) — so that random walks
        also reach the late states; every step still goes through the prediction check."""
        a = self._pick(index)
        worker = self._user("county_a_clerk" if a.unit.code == "SF-A-1" else "county_b_clerk")
        self._step(
            rules.allowed(rules.check_sign, worker, a),
            lambda: services.assignment_sign(actor=worker, assignment=a),
        )
        a = self._pick(index)
        _attempt(
            lambda: rsvc.attachment_store(
                actor=worker, upload=pdf(), org_unit=a.unit, assignment=a, purpose="evidence"
            )
        )
        self.request_completion(worker.username, index)
        self.verify(verifier, index, approve)

    @rule(days=st.integers(1, 20))
    def time_passes(self, days):
        clock.travel(days=days)

    # --- invariants ---------------------------------------------------------------------------------

    @invariant()
    def lifecycle_invariants(self):
        if not hasattr(self, "task"):
            return
        for a in self._assignments():
            assert (a.signed_at is not None) == (a.status in SIGNED_STATES), (a.status, a.signed_at)
            assert (a.signed_by_id is not None) == (a.status in SIGNED_STATES)
            assert 0 <= a.progress <= 100
            if a.status in (S.COMPLETION_REQUESTED, S.COMPLETED):
                assert a.completion_requested_at is not None
                assert a.attachments.filter(purpose="evidence").exists()
            if a.status == S.COMPLETED:
                assert a.completed_at is not None and a.verified_by_id is not None
                assert a.completed_at >= a.completion_requested_at >= a.signed_at
                assert a.progress == 100
                verifier = a.verified_by
                assert not (verifier.unit_id and verifier.unit.is_descendant_of(a.unit))
            else:
                assert a.completed_at is None
            assert ExtensionRequest.objects.filter(assignment=a, status=ExtensionStatus.PENDING).count() <= 1

    @invariant()
    def task_rolls_up_from_its_lead(self):
        if not hasattr(self, "task"):
            return
        task = Task.objects.get(pk=self.task.pk)
        lead = Assignment.objects.get(task=task, unit=task.lead_unit)
        assert task.status == lead.status
        assert task.progress == lead.progress
        assert (task.completed_on is not None) == (task.status == S.COMPLETED)


def test_assignment_lifecycle_state_machine(org):
    ORG["org"] = org
    SEEN.clear()
    run_state_machine_as_test(
        AssignmentLifecycle,
        settings=settings(
            max_examples=25,
            derandomize=True,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    assert {(S.ASSIGNED, S.SIGNED), (S.ASSIGNED, S.RETURNED)} <= SEEN, SEEN
    assert (S.COMPLETION_REQUESTED, S.COMPLETED) in SEEN and (
        S.COMPLETION_REQUESTED,
        S.IN_PROGRESS,
    ) in SEEN, SEEN
