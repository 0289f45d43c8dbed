"""A problem's life cycle driven through the services by random people doing random things, against
its declared table (rectification/transitions.py, docs/rules.md 状态流转):

- what rectification.rules predicts (the buttons of the problem page) is exactly what the services
  accept;
- an accepted action moves the problem to the state the table names for it (and its outcome);
- a refused action changes nothing: state, escalation level, events.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from core import clock
from rectification import rules, services
from rectification.models import Problem, ProblemCategory
from rectification.transitions import PROBLEM

pytestmark = pytest.mark.django_db

USERS = [
    "prov_supervisor",
    "city_a_supervisor",
    "county_a_head",
    "county_a_clerk",
    "county_b_head",
    "inst_a_clerk",
    "no_role",
]
WEIGHTED = USERS + ["county_a_head"] * 3 + ["prov_supervisor"] * 3
ORG = {}
SEEN: set = set()


def _attempt(fn) -> bool:
    try:
        fn()
    except (PermissionDenied, ValidationError):
        return False
    return True


class ProblemLifecycle(RuleBasedStateMachine):
    @initialize(days=st.integers(0, 20))
    def setup(self, days):
        org = self.org = ORG["org"]
        self.problem = services.problem_create(
            actor=org.user("prov_supervisor"),
            org_unit=org.unit("county_a"),
            found_by_unit=org.unit("province"),
            source="self_check",
            description="村卫生室标准化建设滞后",
            category=ProblemCategory.objects.first(),
            deadline=clock.today() + dt.timedelta(days=days),
        )

    def _fresh(self) -> Problem:
        return Problem.objects.select_related("org_unit", "found_by_unit").get(pk=self.problem.pk)

    def _facts(self):
        p = self._fresh()
        return p.status, p.escalation, p.events.count()

    def _step(self, action, predicted, fn, outcome=None):
        before = self._fresh()
        facts = self._facts()
        ok = _attempt(fn)
        assert ok == predicted, ("rules and the service disagree", action, before.status, predicted, ok)
        after = self._fresh()
        if ok:
            expected = PROBLEM.target(action, outcome, state=before.status)
            assert after.status == expected, (action, outcome, before.status, after.status)
            SEEN.add((action, before.status, after.status))
        else:
            assert self._facts() == facts, f"a refused {action} changed something"

    @rule(user=st.sampled_from(WEIGHTED))
    def start(self, user):
        actor, p = self.org.user(user), self._fresh()
        self._step(
            "start",
            rules.allowed(rules.check_start, actor, p),
            lambda: services.problem_start(
                actor=actor, problem=p, measures="整改计划", responsible_person="孙局长"
            ),
        )

    @rule(user=st.sampled_from(WEIGHTED))
    def add_evidence(self, user):
        actor, p = self.org.user(user), self._fresh()
        upload = SimpleUploadedFile("整改.pdf", b"%PDF-1.4\n%%EOF")
        self._step(
            "add_evidence",
            rules.allowed(rules.check_add_evidence, actor, p),
            lambda: services.problem_add_evidence(actor=actor, problem=p, upload=upload),
        )

    @rule(user=st.sampled_from(WEIGHTED))
    def submit(self, user):
        actor, p = self.org.user(user), self._fresh()
        self._step(
            "submit",
            rules.allowed(rules.check_submit, actor, p, p.evidence.exists()),
            lambda: services.problem_submit(actor=actor, problem=p, note="已完成"),
        )

    @rule(user=st.sampled_from(WEIGHTED), approve=st.booleans())
    def verify(self, user, approve):
        actor, p = self.org.user(user), self._fresh()
        check = rules.check_close if approve else rules.check_verify
        args = (actor, p, p.evidence.exists()) if approve else (actor, p)
        self._step(
            "verify",
            rules.allowed(check, *args),
            lambda: services.problem_verify(actor=actor, problem=p, approve=approve, note="验收意见"),
            outcome="销号" if approve else "退回",
        )

    @rule(user=st.sampled_from(WEIGHTED), passed=st.booleans())
    def recheck(self, user, passed):
        actor, p = self.org.user(user), self._fresh()
        self._step(
            "recheck",
            rules.allowed(rules.check_recheck, actor, p),
            lambda: services.recheck_record(actor=actor, problem=p, passed=passed, note="复查情况"),
            outcome="通过" if passed else "未通过",
        )

    @rule(user=st.sampled_from(WEIGHTED))
    def escalate(self, user):
        actor, p = self.org.user(user), self._fresh()
        today = clock.today()
        self._step(
            "escalate",
            rules.allowed(rules.check_escalate, actor, p, today),
            lambda: services.problem_escalate(actor=actor, problem=p, level=p.escalation + 1, today=today),
        )

    @rule(approve=st.booleans(), passed=st.booleans())
    def the_units_do_their_job(self, approve, passed):
        """The people in charge act in order (measures, evidence, submit, verify, 回头看) — so that
        random walks also reach the late states; every step still goes through the table check."""
        self.start("county_a_head")
        self.add_evidence("county_a_head")
        self.submit("county_a_head")
        self.verify("prov_supervisor", approve)
        self.recheck("prov_supervisor", passed)

    @rule(days=st.integers(1, 15))
    def time_passes(self, days):
        clock.travel(days=days)


def test_problem_lifecycle_follows_its_table(org):
    ORG["org"] = org
    SEEN.clear()
    run_state_machine_as_test(
        ProblemLifecycle,
        settings=settings(
            max_examples=12,
            derandomize=True,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    actions = {a for a, _, _ in SEEN}
    assert {"start", "add_evidence", "submit", "verify", "recheck"} <= actions, SEEN
