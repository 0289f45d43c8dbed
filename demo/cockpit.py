"""Demo: daily snapshots of the cockpit's counts, taken by the same job the queue runs, as the clock moves (the trend's history)."""

from __future__ import annotations

from dashboards.tasks import run_snapshot

FIRST_DAY, LAST_DAY = -125, -1


class CockpitMixin:
    def plan_snapshots(self):
        """Each evening (17:21 of days -125 … -1) the snapshot of that day, with the clock on that day:
        the trend's history is what the cockpit showed each day, never recomputed afterwards."""
        for day in range(FIRST_DAY, LAST_DAY + 1):
            self.at(day + 0.98, self.do_snapshot)

    def do_snapshot(self):
        run_snapshot()
