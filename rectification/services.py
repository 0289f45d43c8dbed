"""Writes of problems and their rectification (R-RCT-1..3, R-WRN-2).

待整改 → 整改中 → 已整改(待验收) → 已销号, with 退回 (back to 整改中) and, after a failed 回头看,
重新整改 (back to 整改中, counted as a regression). 销号 needs evidence and a verifier from
outside the rectifying unit.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import record
from core import clock
from core.models import next_in_sequence
from core.services import require
from files.services import attachment_store
from notifications.models import Message
from notifications.services import notify
from org.models import Unit, User
from org.selectors import users_with_perm_at
from rectification import rules
from rectification.choices import EscalationLevel, ProblemEventKind, ProblemStatus
from rectification.lights import days_overdue, overdue_q
from rectification.models import Escalation, Problem, ProblemCategory, ProblemEvent, ReCheck
from rectification.transitions import PROBLEM


def _event(problem: Problem, kind: str, actor: User | None, note: str = "") -> None:
    ProblemEvent.objects.create(problem=problem, kind=kind, actor=actor, at=clock.now(), note=note)


def _locked(problem: Problem, version: int | None = None) -> Problem:
    fresh = Problem.objects.select_for_update().get(pk=problem.pk)
    if version is not None and fresh.version != version:
        raise ValidationError("该问题已被他人修改，请刷新页面后重试")
    fresh.version += 1
    return fresh


@transaction.atomic
def problem_create(
    *,
    actor: User,
    org_unit: Unit,
    found_by_unit: Unit,
    source: str,
    description: str,
    category: ProblemCategory,
    deadline: dt.date,
    found_on: dt.date | None = None,
    severity: str = "general",
    requirement: str = "",
    source_note: str = "",
    campaign=None,
    record_=None,
    finding=None,
) -> Problem:
    rules.check_create(actor, found_by_unit, org_unit)
    if not description.strip():
        raise ValidationError({"description": "请填写问题描述"})
    found_on = found_on or clock.today()
    if deadline < found_on:
        raise ValidationError({"deadline": "整改时限不能早于发现日期"})
    year = found_on.year
    problem = Problem(
        code=f"WT-{year}-{next_in_sequence('problem', year):05d}",
        org_unit=org_unit,
        found_by_unit=found_by_unit,
        source=source,
        description=description.strip(),
        category=category,
        severity=severity,
        found_on=found_on,
        requirement=requirement,
        deadline=deadline,
        source_note=source_note,
        campaign=campaign,
        record=record_,
        finding=finding,
        created_by=actor,
    )
    problem.full_clean()
    problem.save()
    _problem_created(actor, problem, description)
    return problem


def _problem_created(actor: User, problem: Problem, description: str) -> None:
    """The new problem's first event, its audit entry and the rectifying unit's inbox message
    (``description`` as the caller gave it, before stripping)."""
    _event(problem, ProblemEventKind.CREATED, actor, f"来源：{problem.get_source_display()}")
    record(
        actor=actor,
        action="rectification.problem.created",
        obj=problem,
        changes={
            "org_unit": str(problem.org_unit),
            "source": problem.source,
            "deadline": problem.deadline,
            "description": description[:200],
        },
    )
    notify(
        recipients=users_with_perm_at(problem.org_unit, "rectification.rectify_problem"),
        kind=Message.Kind.SYSTEM,
        title=f"新的整改问题：{problem.code}",
        body=f"{description[:60]}，整改时限{problem.deadline:%Y-%m-%d}",
        link=problem.get_absolute_url(),
    )


@transaction.atomic
def problem_from_finding(
    *, actor: User, finding, category: ProblemCategory, deadline: dt.date, requirement: str = ""
) -> Problem:
    """A finding becomes a problem in one step, linked to its campaign, record and unit (R-SUP-3)."""
    if hasattr(finding, "problem") and Problem.objects.filter(finding=finding).exists():
        raise ValidationError("该发现已转为问题")
    rec = finding.record
    return problem_create(
        actor=actor,
        org_unit=rec.org_unit,
        found_by_unit=rec.campaign.org_unit,
        source="supervision",
        description=finding.description,
        category=category,
        deadline=deadline,
        found_on=rec.inspected_on,
        severity=finding.severity,
        requirement=requirement,
        campaign=rec.campaign,
        record_=rec,
        finding=finding,
        source_note=f"{rec.campaign.code} {rec.campaign.theme}",
    )


@transaction.atomic
def problem_start(
    *, actor: User, problem: Problem, measures: str, responsible_person: str, version: int | None = None
) -> Problem:
    problem = _locked(problem, version)
    rules.check_start(actor, problem)
    if not measures.strip():
        raise ValidationError({"measures": "请填写整改措施"})
    if not responsible_person.strip():
        raise ValidationError({"responsible_person": "请填写责任人"})
    first = problem.status == ProblemStatus.PENDING
    problem.measures, problem.responsible_person = measures.strip(), responsible_person.strip()
    problem.status = PROBLEM.target("start")
    problem.started_at = problem.started_at or clock.now()
    problem.save()
    _event(problem, ProblemEventKind.STARTED if first else ProblemEventKind.UPDATED, actor, measures[:200])
    record(
        actor=actor,
        action="rectification.problem.started",
        obj=problem,
        changes={"measures": measures[:500], "responsible_person": responsible_person},
    )
    return problem


@transaction.atomic
def problem_add_evidence(*, actor: User, problem: Problem, upload) -> None:
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    rules.check_add_evidence(actor, problem)
    att = attachment_store(actor=actor, upload=upload, org_unit=problem.org_unit, purpose="rectification")
    problem.evidence.add(att)
    _event(problem, ProblemEventKind.EVIDENCE, actor, f"上传整改佐证：{att.original_name}")
    return att


@transaction.atomic
def problem_add_evidence_many(*, actor: User, problem: Problem, uploads) -> list:
    """Several evidence files at once, all or nothing."""
    if not uploads:
        raise ValidationError({"files": "请选择要上传的佐证文件"})
    return [problem_add_evidence(actor=actor, problem=problem, upload=u) for u in uploads]


@transaction.atomic
def problem_submit(*, actor: User, problem: Problem, note: str, version: int | None = None) -> Problem:
    """整改完成，提交验收: evidence is required."""
    problem = _locked(problem, version)
    rules.check_submit(actor, problem, problem.evidence.exists())
    if not note.strip():
        raise ValidationError({"note": "请填写整改情况"})
    problem.status = PROBLEM.target("submit")
    problem.rectified_at = clock.now()
    problem.rectified_on = clock.today()
    problem.save()
    _event(problem, ProblemEventKind.RECTIFIED, actor, note)
    record(actor=actor, action="rectification.problem.rectified", obj=problem, changes={"note": note[:500]})
    notify(
        recipients=users_with_perm_at(problem.found_by_unit, "rectification.verify_problem"),
        kind=Message.Kind.COMPLETION,
        title=f"整改待验收：{problem.code}",
        body=note[:80],
        link=problem.get_absolute_url(),
    )
    return problem


@transaction.atomic
def problem_verify(
    *, actor: User, problem: Problem, approve: bool, note: str = "", version: int | None = None
) -> Problem:
    """验收: 销号 with evidence by a verifier outside the rectifying unit, or 退回 with a reason."""
    problem = _locked(problem, version)
    rules.check_verify(actor, problem)
    if approve:
        rules.check_close(actor, problem, problem.evidence.exists())
        problem.status = PROBLEM.target("verify", "销号")
        problem.closed_at = clock.now()
        problem.verified_by = actor
        problem.save()
        _event(problem, ProblemEventKind.CLOSED, actor, note or "验收通过，予以销号")
        record(actor=actor, action="rectification.problem.closed", obj=problem, changes={"note": note})
    else:
        if not note.strip():
            raise ValidationError({"note": "退回须填写理由"})
        problem.status = PROBLEM.target("verify", "退回")
        problem.return_count += 1
        problem.rectified_at = problem.rectified_on = None  # not rectified any more: 重新整改
        problem.save()
        _event(problem, ProblemEventKind.RETURNED, actor, note)
        record(actor=actor, action="rectification.problem.returned", obj=problem, changes={"note": note})
    notify(
        recipients=users_with_perm_at(problem.org_unit, "rectification.rectify_problem"),
        kind=Message.Kind.COMPLETION,
        title=f"{'整改已销号' if approve else '整改被退回'}：{problem.code}",
        body=note,
        link=problem.get_absolute_url(),
    )
    return problem


def recheck_draw(*, candidates, count: int, seed: str | None = None) -> tuple[str, list[Problem]]:
    """Pick closed problems for 回头看 at random; the seed makes the pick repeatable."""
    seed = seed or secrets.token_hex(8)
    pool = sorted(candidates.filter(status=ProblemStatus.CLOSED).values_list("pk", flat=True))
    rng = random.Random(seed)
    chosen = sorted(rng.sample(pool, min(count, len(pool))))
    return seed, list(Problem.objects.filter(pk__in=chosen).order_by("pk"))


@transaction.atomic
def recheck_record(
    *, actor: User, problem: Problem, passed: bool, note: str, sampled: bool = False, batch: str = ""
) -> ReCheck:
    """回头看: a failed re-check reopens the item (重新整改) and counts as a regression."""
    problem = _locked(problem)
    rules.check_recheck(actor, problem)
    if not note.strip():
        raise ValidationError({"note": "请填写复查情况"})
    check = ReCheck.objects.create(
        problem=problem,
        batch=batch,
        sampled=sampled,
        checked_on=clock.today(),
        checked_by=actor,
        passed=passed,
        note=note,
    )
    if passed:
        problem.save()
        _event(problem, ProblemEventKind.RECHECK_PASSED, actor, note)
    else:
        problem.status = PROBLEM.target("recheck", "未通过")
        problem.regressions += 1
        problem.closed_at = None
        problem.verified_by = None
        problem.rectified_at = problem.rectified_on = None
        problem.save()
        _event(problem, ProblemEventKind.RECHECK_FAILED, actor, note)
        notify(
            recipients=users_with_perm_at(problem.org_unit, "rectification.rectify_problem"),
            kind=Message.Kind.RETURNED,
            title=f"回头看未通过，重新整改：{problem.code}",
            body=note,
            link=problem.get_absolute_url(),
        )
    record(
        actor=actor,
        action="rectification.problem.rechecked",
        obj=problem,
        changes={"passed": passed, "note": note[:300], "batch": batch},
    )
    return check


@transaction.atomic
def recheck_record_many(*, actor: User, results, sampled: bool = False, batch: str = "") -> list[ReCheck]:
    """One 回头看 batch: results is [(problem, passed, note)]; all recorded or none."""
    if not results:
        raise ValidationError("请至少填写一个问题的复查结果")
    return [
        recheck_record(actor=actor, problem=p, passed=passed, note=note, sampled=sampled, batch=batch)
        for p, passed, note in results
    ]


@transaction.atomic
def problem_escalate(
    *, actor: User | None, problem: Problem, level: int, note: str = "", today: dt.date | None = None
) -> Escalation | None:
    """Take one step of the ladder 提醒 → 催办 → 督办单 → 列入通报 → 建议问责 (each once, in order)."""
    problem = _locked(problem)
    if actor is not None:
        require(actor, "rectification.escalate_problem", problem.found_by_unit, "您无权督办该问题")
    if problem.status != ProblemStatus.CLOSED and level <= problem.escalation:
        return None  # already taken: the scan may run twice
    rules.check_escalation_state(problem, level, today or clock.today())
    step = Escalation.objects.create(problem=problem, level=level, at=clock.now(), actor=actor, note=note)
    problem.escalation = level
    problem.save()
    label = EscalationLevel(level).label
    _event(problem, ProblemEventKind.ESCALATED, actor, f"{label}{('：' + note) if note else ''}")
    record(
        actor=actor,
        action="rectification.problem.escalated",
        obj=problem,
        changes={"level": level, "label": label, "note": note},
    )
    recipients = list(users_with_perm_at(problem.org_unit, "rectification.rectify_problem"))
    if level >= EscalationLevel.ORDER:
        recipients += list(users_with_perm_at(problem.org_unit, "tasks.sign_assignment"))
    notify(
        recipients=recipients,
        kind=Message.Kind.RED,
        title=f"【{label}】整改逾期：{problem.code}",
        body=f"整改时限{problem.deadline:%Y-%m-%d}，{problem.description[:60]}",
        link=problem.get_absolute_url(),
        dedupe_key=f"escalate:{problem.pk}:{level}",
    )
    return step


def escalation_scan(*, today: dt.date | None = None) -> int:
    """The periodic ladder: each overdue problem (open, not yet reported) climbs to the level its days overdue call for."""
    today = today or clock.today()
    steps = 0
    overdue = Problem.objects.filter(overdue_q(today))  # reported (待验收) items are not chased
    for problem in list(
        overdue.exclude(escalation=EscalationLevel.ACCOUNTABILITY).only(
            "pk", "deadline", "escalation", "status", "rectified_on"
        )
    ):
        days = days_overdue(problem, today)
        target = max((lvl for lvl, d in rules.ESCALATION_DAYS.items() if days >= d), default=0)
        while problem.escalation < target:
            step = problem_escalate(
                actor=None,
                problem=problem,
                level=problem.escalation + 1,
                note=f"逾期{days}天，系统自动督办",
                today=today,
            )
            problem.refresh_from_db(fields=["escalation"])
            steps += 1 if step else 0
    return steps
