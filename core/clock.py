"""The one clock of the application.

Every rule that depends on "now" (lights, reminders, deadlines) asks this module, so tests
and the end-to-end walk can move time forward without touching the system clock.
"""

import datetime as dt
import threading

from django.utils import timezone

_state = threading.local()
_global_offset = {"delta": dt.timedelta(0)}


def now() -> dt.datetime:
    return timezone.now() + _global_offset["delta"]


def today() -> dt.date:
    return timezone.localtime(now()).date()


def travel(*, days: int = 0, hours: int = 0) -> None:
    """Move the application clock forward (tests only)."""
    _global_offset["delta"] += dt.timedelta(days=days, hours=hours)


def reset() -> None:
    _global_offset["delta"] = dt.timedelta(0)
