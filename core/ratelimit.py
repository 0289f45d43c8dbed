"""One fixed-window limiter for every public door (R-SEC-6): the login, the survey pages.

A window is `window` seconds of the wall clock; a key counts the hits of one `who` (a client
address, an address and a link) in one `scope` during one window, in the cache (Redis in
production — shared by every worker — local memory when embedded). Fixed windows let a burst of
up to twice the limit straddle a boundary: good enough for a bar against scripts, and one cache
round trip per hit.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def _key(scope: str, who: str, window: int) -> str:
    return f"rate:{scope}:{who}:{int(time.time() // window)}"


def hit(scope: str, who: str, *, limit: int, window: int) -> bool:
    """Count one hit of `who`; True when this hit is over `limit` in the current window."""
    key = _key(scope, who, window)
    cache.add(key, 0, timeout=window + 10)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 10)
        count = 1
    return count > limit


def exceeded(scope: str, who: str, *, limit: int, window: int) -> bool:
    """Whether `who` has already used up `limit` hits in the current window (counts nothing)."""
    return (cache.get(_key(scope, who, window)) or 0) >= limit
