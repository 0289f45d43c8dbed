"""Demo: 领导批示 written, answered and 圈阅 by the demo's leaders and units."""

from __future__ import annotations


class InstructionsMixin:
    def plan_instructions(self):
        """Schedule this part's events (self.at(day_offset, fn, *args)); filled in by its issue."""
