"""core.ratelimit: one fixed-window limiter (the login and the survey pages use it)."""

import pytest
from django.core.cache import cache

from core import ratelimit


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_hits_over_the_limit_are_refused_per_scope_and_who():
    assert not any(ratelimit.hit("t", "10.0.0.1", limit=3, window=600) for _ in range(3))
    assert ratelimit.hit("t", "10.0.0.1", limit=3, window=600)
    assert not ratelimit.hit("t", "10.0.0.2", limit=3, window=600)  # another address
    assert not ratelimit.hit("u", "10.0.0.1", limit=3, window=600)  # another door


def test_exceeded_counts_nothing():
    for _ in range(2):
        ratelimit.hit("t", "a", limit=2, window=600)
    assert ratelimit.exceeded("t", "a", limit=2, window=600)
    assert not ratelimit.exceeded("t", "b", limit=2, window=600)
    assert not ratelimit.exceeded("t", "b", limit=2, window=600)


def test_a_new_window_starts_afresh(monkeypatch):
    import time

    now = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    for _ in range(2):
        ratelimit.hit("t", "a", limit=2, window=60)
    assert ratelimit.hit("t", "a", limit=2, window=60)
    now[0] += 60
    assert not ratelimit.hit("t", "a", limit=2, window=60)


def test_an_evicted_key_counts_from_one(monkeypatch):
    monkeypatch.setattr(cache, "incr", lambda key: (_ for _ in ()).throw(ValueError(key)))
    assert not ratelimit.hit("t", "a", limit=1, window=60)
