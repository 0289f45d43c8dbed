"""Demo: the red-task ladder's daily scan, run as the queue would while the clock moves."""

from __future__ import annotations


class LadderMixin:
    def plan_ladder(self):
        """Schedule this part's events (self.at(day_offset, fn, *args)); filled in by its issue."""
