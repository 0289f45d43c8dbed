"""Demo: daily snapshots of the cockpit's counts, taken by the same job the queue runs, as the clock moves (the trend's history)."""

from __future__ import annotations


class CockpitMixin:
    def plan_snapshots(self):
        """Schedule this part's events (self.at(day_offset, fn, *args)); filled in by its issue."""
