"""What rectification adds to the pages of the apps below it (core.panels), registered in
RectificationConfig.ready(): a campaign's 发现问题 figures, and 转为问题 under each finding of an
inspection record."""

from __future__ import annotations

from core import panels, scoping
from rectification.forms import FindingConvertForm
from rectification.models import Problem
from supervision.selectors import CAMPAIGN_FIGURES, TARGET_FIGURES

CONVERT_PERM = "rectification.add_problem"


def campaign_problems():
    """发现问题: every problem of a campaign (supervision.selectors counts them per campaign / target)."""
    return Problem.objects.all()


def _category_choices(request) -> list:
    """The 问题类别 options, read once per request (the form appears under every finding)."""
    if not hasattr(request, "_finding_convert_choices"):
        request._finding_convert_choices = list(FindingConvertForm().fields["category"].choices)
    return request._finding_convert_choices


def finding_convert(request, finding):
    """转为问题 under a finding not converted yet, for a user of the campaign's organising side."""
    if request is None or getattr(finding, "problem", None) is not None:
        return None
    if not scoping.unit_in_scope(request.user, CONVERT_PERM, finding.record.campaign.org_unit):
        return None
    return {"f": finding, "category_choices": _category_choices(request)}


def register() -> None:
    panels.register(CAMPAIGN_FIGURES, "problems", context=campaign_problems)
    panels.register(TARGET_FIGURES, "problems", context=campaign_problems)
    panels.register(
        "supervision.record_finding",
        "convert",
        template="rectification/_finding_convert.html",
        context=finding_convert,
    )
