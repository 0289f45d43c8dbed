"""Demo: documents submitted for 签发 and signed (or returned) by leaders, and a task 督办通报."""

from __future__ import annotations


class SignoffMixin:
    def plan_signoff(self):
        """Schedule this part's events (self.at(day_offset, fn, *args)); filled in by its issue."""
