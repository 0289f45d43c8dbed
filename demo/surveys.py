"""Demo: 满意度测评 — two finished rounds for a few hospitals (hundreds of responses), one low item
turned into a problem that is being rectified (issue 13). Filled in by the results work."""

from __future__ import annotations


class SurveysMixin:
    def plan_surveys(self):
        """Schedule the satisfaction rounds on the demo's clock (self.at(t, fn, *args))."""
