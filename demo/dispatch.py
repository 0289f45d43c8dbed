"""Demo: 调度会 (R-DEC-6) — filled in by the dispatch-meeting work."""

from __future__ import annotations


class DispatchMixin:
    def plan_dispatch(self):
        """Schedule the dispatch meetings on the demo's clock (self.at(t, fn, *args))."""
