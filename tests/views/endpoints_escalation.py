"""Declarations: the ladder for red tasks (红色任务督办)."""

from core.testing.views import LISTING, Endpoint

ESCALATION = [
    Endpoint("escalation:list", scope=LISTING, shows="红色任务督办"),
]
