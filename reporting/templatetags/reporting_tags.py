"""{% load reporting_tags %}{% report_periods_table assignment %} renders the period table of an
assignment (R-RPT-4) on any page, e.g. the task detail."""

from django import template

from core import clock
from reporting.selectors import report_periods

register = template.Library()


@register.inclusion_tag("reporting/_report_periods.html")
def report_periods_table(assignment, reports=None):
    return {"summary": report_periods(assignment, clock.today(), reports=reports)}
