"""Reads of problems: the ledger and the statistics that always reconcile (R-RCT-4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse

from core import scoping
from org.models import Unit
from rectification import rules
from rectification.choices import EscalationLevel, ProblemSource, ProblemStatus, Severity
from rectification.lights import DONE, light_annotation, light_of, overdue_q
from rectification.models import Problem, ProblemCategory, ReCheck
from supervision.models import Campaign, InspectionRecord
from tasks.lights import LightResult

IN_PROGRESS = Q(status__in=[ProblemStatus.IN_PROGRESS, ProblemStatus.RECTIFIED])
NOT_STARTED = Q(status=ProblemStatus.PENDING)


def rate(part: int, whole: int) -> str:
    """Rates to one decimal place, rounded half up (R-DSH-3): 49 of 51 → 96.1%."""
    if not whole:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def problems_visible(user):
    return Problem.objects.visible_to(user, "rectification.view_problem")


LEDGER_DEFERRED = ("requirement", "measures", "source_note")


def problem_ledger(user, today: dt.date, perm: str = "rectification.view_problem"):
    """The problems `user` may see (or export, perm="rectification.export_problem"), each with
    `light` computed by the database (tasks.lights.deadline_light_expression)."""
    return (
        Problem.objects.visible_to(user, perm, listing=True)
        .select_related("org_unit", "found_by_unit", "category", "campaign")
        .defer(*LEDGER_DEFERRED)
        .annotate(light=light_annotation(today))
    )


@dataclass
class StatRow:
    key: object
    label: str
    total: int
    done: int
    in_progress: int
    not_started: int
    overdue: int
    regressions: int

    @property
    def rate(self) -> str:
        return rate(self.done, self.total)

    @property
    def reconciles(self) -> bool:
        return self.total == self.done + self.in_progress + self.not_started


GROUPS = {
    "unit": ("org_unit", "org_unit__name"),
    "source": ("source", None),
    "category": ("category", "category__name"),
}


def statistics(queryset, *, by: str, today: dt.date) -> tuple[list[StatRow], StatRow]:
    """应整改 = 已整改(销号) + 正在整改 + 未启动; 逾期 counts open items past their deadline.

    One GROUP BY query whatever the number of groups.
    """
    key, label_field = GROUPS[by]
    overdue = overdue_q(today)
    values = [key] + ([label_field] if label_field else [])
    rows = (
        queryset.order_by()
        .values(*values)
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=DONE),
            in_progress=Count("pk", filter=IN_PROGRESS),
            not_started=Count("pk", filter=NOT_STARTED),
            overdue=Count("pk", filter=overdue),
            regressions=Count("pk", filter=Q(regressions__gt=0)),
        )
        .order_by("-total", key)
    )
    out = []
    source_labels = dict(Problem._meta.get_field("source").choices)
    for r in rows:
        label = r[label_field] if label_field else source_labels.get(r[key], r[key])
        out.append(
            StatRow(
                r[key],
                label,
                r["total"],
                r["done"],
                r["in_progress"],
                r["not_started"],
                r["overdue"],
                r["regressions"],
            )
        )
    total = StatRow(
        None,
        "合计",
        *(
            sum(getattr(x, f) for x in out)
            for f in ("total", "done", "in_progress", "not_started", "overdue", "regressions")
        ),
    )
    return out, total


# --- ledger page helpers ------------------------------------------------------------------------

_PK_MARK = "987654321"
_STATUS_LABELS = dict(ProblemStatus.choices)
_SEVERITY_LABELS = dict(Severity.choices)
_SOURCE_LABELS = dict(ProblemSource.choices)


def with_light_reasons(rows, today: dt.date) -> list:
    """Attach `light_info`, `url` and the labels to each shown row, without queries."""
    rows = list(rows)
    detail = reverse("rectification:problem_detail", args=[_PK_MARK])
    for row in rows:
        row.light_info = light_of(row, today)
        row.url = detail.replace(_PK_MARK, str(row.pk))
        row.status_label = _STATUS_LABELS.get(row.status, row.status)
        row.severity_label = _SEVERITY_LABELS.get(row.severity, row.severity)
        row.source_label = _SOURCE_LABELS.get(row.source, row.source)
    return rows


def campaign_options(user):
    """Campaigns the user may pick in the filters: those of problems the user may see."""
    if user is None or not user.is_authenticated:
        return Campaign.objects.none()
    # DISTINCT over the problems that have a campaign, read from the (campaign, unit, unit) index
    # rather than the problems themselves
    used = problems_visible(user).filter(campaign__isnull=False).order_by().values("campaign_id").distinct()
    return Campaign.objects.filter(pk__in=used).only("id", "code", "theme")


def unit_options(user):
    if user is None or not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(scoping.units_q(user, "rectification.view_problem"))


def active_categories():
    return ProblemCategory.objects.filter(is_active=True)


# --- detail ----------------------------------------------------------------------------------------


@dataclass
class LadderStep:
    level: int
    label: str
    days: int
    planned_on: dt.date
    step: object  # Escalation or None


@dataclass
class ProblemDetail:
    problem: Problem
    light: LightResult
    evidence: list
    events: list
    rechecks: list
    escalations: list
    ladder: list
    campaign_visible: bool
    record_visible: bool
    actions: dict = field(default_factory=dict)
    blocked: dict = field(default_factory=dict)


def escalation_ladder(problem: Problem, escalations) -> list[LadderStep]:
    """The five steps of R-WRN-2 with the day each is due (rules.ESCALATION_DAYS) and the step taken."""
    taken = {e.level: e for e in escalations}
    return [
        LadderStep(
            level=int(level),
            label=EscalationLevel(level).label,
            days=max(days, 1),
            planned_on=problem.deadline + dt.timedelta(days=max(days, 1)),
            step=taken.get(int(level)),
        )
        for level, days in rules.ESCALATION_DAYS.items()
    ]


def problem_actions(user, problem: Problem, has_evidence: bool, today: dt.date) -> tuple[dict, dict]:
    """The actions `user` may take (rectification.rules, the checks the services run), and the
    reason an action the user's side would take is not open yet (e.g. 佐证 missing)."""
    checks = {
        "start": (rules.check_start, user, problem),
        "evidence": (rules.check_add_evidence, user, problem),
        "submit": (rules.check_submit, user, problem, has_evidence),
        "verify": (rules.check_verify, user, problem),
        "recheck": (rules.check_recheck, user, problem),
        "escalate": (rules.check_escalate, user, problem, today),
    }
    actions = {name: rules.allowed(*check) for name, check in checks.items()}
    blocked = {}
    if not actions["submit"] and actions["evidence"] and problem.status == ProblemStatus.IN_PROGRESS:
        blocked["submit"] = rules.reason(*checks["submit"])
    return actions, blocked


def _visible(user, model, perm: str, pk: int | None) -> bool:
    return bool(pk and model.objects.visible_to(user, perm).filter(pk=pk).exists())


def problem_detail(user, pk: int, today: dt.date) -> ProblemDetail:
    """Everything the detail page shows, in a constant number of queries, and the actions the
    viewer may take. (Its 相关公文 section is documents', through core.panels.)"""
    problem = get_object_or_404(
        problems_visible(user).select_related(
            "org_unit",
            "found_by_unit",
            "category",
            "campaign",
            "record",
            "record__org_unit",
            "created_by",
            "verified_by",
        ),
        pk=pk,
    )
    evidence = list(problem.evidence.select_related("uploaded_by").order_by("uploaded_at", "id"))
    escalations = list(problem.escalations.select_related("actor"))
    actions, blocked = problem_actions(user, problem, bool(evidence), today)
    return ProblemDetail(
        problem=problem,
        light=light_of(problem, today),
        evidence=evidence,
        events=list(problem.events.select_related("actor__unit")),
        rechecks=list(problem.rechecks.select_related("checked_by")),
        escalations=escalations,
        ladder=escalation_ladder(problem, escalations),
        campaign_visible=_visible(user, Campaign, "supervision.view_campaign", problem.campaign_id),
        record_visible=_visible(
            user, InspectionRecord, "supervision.view_inspectionrecord", problem.record_id
        ),
        actions=actions,
        blocked=blocked,
    )


def problem_for_action(user, pk: int):
    """One problem in the viewer's scope for an action page (outside → 404)."""
    return get_object_or_404(
        problems_visible(user).select_related("org_unit", "found_by_unit", "category"), pk=pk
    )


# --- 回头看 ----------------------------------------------------------------------------------------


def recheck_candidates(user):
    """Closed problems `user` may re-check (rectification.rules.check_recheck as a filter): found
    by a unit where the user holds the 回头看 permission, and not rectified by a unit the user
    belongs to (the user's unit or one above it)."""
    qs = Problem.objects.filter(
        scoping.scope_q(user, "rectification.recheck_problem", ("found_by_unit",)),
        status=ProblemStatus.CLOSED,
    )
    if user.unit_id:
        qs = qs.exclude(org_unit__in=user.unit.ancestor_ids)
    return qs


def recheck_history(user, limit: int = 20):
    return (
        ReCheck.objects.filter(problem__in=problems_visible(user).values("pk"))
        .select_related("problem__org_unit", "checked_by")
        .order_by("-checked_on", "-id")[:limit]
    )


def problem_files(user):
    """整改佐证, visible with their problem (registered with files.registry)."""
    return Problem.evidence.through.objects.filter(
        problem__in=Problem.objects.visible_to(user, "rectification.view_problem").values("pk")
    ).values("attachment_id")
