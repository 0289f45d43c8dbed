"""Demo: one 人大履职测评 in progress with its 答题码 issued (issue 13). Filled in by the 履职测评
work."""

from __future__ import annotations


class EvaluationsMixin:
    def plan_evaluations(self):
        """Schedule the 履职测评 on the demo's clock (self.at(t, fn, *args))."""
