"""Fast problem rows for ledger, export and statistics tests.

`bulk_problems` writes Problem rows directly (bulk_create) with the exact status and dates a test
needs, so lights and counts are deterministic; lifecycle tests go through the services
(`new_problem`, `rectify`).
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from core import clock
from rectification import services
from rectification.models import Problem, ProblemCategory

_seq = itertools.count(1)
PDF = b"%PDF-1.4\n%%EOF"


def category(name="医疗质量"):
    return ProblemCategory.objects.get(name=name)


def bulk_problems(
    org, n: int = 1, *, unit="county_a", found_by="province", creator="prov_supervisor", **fields
):
    today = clock.today()
    cat = fields.pop("category", None) or category()
    defaults = {
        "description": "门诊处方点评制度落实不到位",
        "source": "supervision",
        "severity": "general",
        "status": "pending",
        "found_on": today - dt.timedelta(days=10),
        "deadline": today + dt.timedelta(days=30),
    }
    defaults.update(fields)
    rows = [
        Problem(
            code=f"WT-T-{next(_seq):06d}",
            category=cat,
            org_unit=org.units[unit],
            found_by_unit=org.units[found_by],
            created_by=org.users[creator],
            **defaults,
        )
        for _ in range(n)
    ]
    return Problem.objects.bulk_create(rows)


def new_problem(
    org, unit="county_a", found_by="province", days=30, source="self_check", actor="prov_supervisor", **kw
):
    return services.problem_create(
        actor=org.user(actor),
        org_unit=org.unit(unit),
        found_by_unit=org.unit(found_by),
        source=source,
        description=kw.pop("description", "村卫生室标准化建设滞后"),
        category=kw.pop("category", None) or category(),
        deadline=clock.today() + dt.timedelta(days=days),
        **kw,
    )


def pdf(name="整改.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def rectify(org, problem, who="county_a_head"):
    """Through the services: measures, one evidence file, submitted for verification."""
    services.problem_start(
        actor=org.user(who), problem=problem, measures="制定整改计划", responsible_person="孙局长"
    )
    services.problem_add_evidence(actor=org.user(who), problem=problem, upload=pdf())
    return services.problem_submit(
        actor=org.user(who), problem=Problem.objects.get(pk=problem.pk), note="已完成"
    )


def close(org, problem, who="county_a_head", verifier="prov_supervisor"):
    problem = rectify(org, problem, who)
    return services.problem_verify(actor=org.user(verifier), problem=problem, approve=True)
