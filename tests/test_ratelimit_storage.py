"""Rate-limit counters without Redis (community.ratelimit_storage): the same limits as the
`limits` library's memory storage, without a timer thread started after every burst of hits."""

from __future__ import annotations

import threading
import time

from limits import RateLimitItemPerSecond, parse
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from community.ratelimit_storage import SweptMemoryStorage


def _timers_started(monkeypatch) -> list[threading.Timer]:
    started: list[threading.Timer] = []
    original = threading.Timer.start

    def start(timer):
        started.append(timer)
        original(timer)

    monkeypatch.setattr(threading.Timer, "start", start)
    return started


def test_hits_start_no_thread_and_the_limit_still_holds(monkeypatch):
    storage = SweptMemoryStorage("community-memory://")
    started = _timers_started(monkeypatch)
    limiter = FixedWindowRateLimiter(storage)
    limit = parse("5 per minute")
    answers = []
    for _ in range(7):
        answers.append(limiter.hit(limit, "poster:1"))
        time.sleep(0.012)  # longer than the library's 10 ms timer: it would have started one per hit
    assert answers == [True] * 5 + [False] * 2
    assert limiter.hit(limit, "poster:2")  # another key has its own count
    assert started == []


def test_a_window_that_ended_lets_the_next_hit_through_and_expired_counters_are_dropped():
    storage = SweptMemoryStorage("community-memory://")
    limiter = FixedWindowRateLimiter(storage)
    limit = RateLimitItemPerSecond(1)
    assert limiter.hit(limit, "login:a")
    assert not limiter.hit(limit, "login:a")
    time.sleep(1.05)
    assert limiter.hit(limit, "login:b")  # a second later: the sweep has run in this hit
    assert not any("login:a" in key for key in storage.storage)
    assert limiter.hit(limit, "login:a")


def test_moving_windows_work_and_their_old_entries_are_dropped():
    storage = SweptMemoryStorage("community-memory://")
    limiter = MovingWindowRateLimiter(storage)
    limit = RateLimitItemPerSecond(2)
    assert limiter.hit(limit, "token:1") and limiter.hit(limit, "token:1")
    assert not limiter.hit(limit, "token:1")
    time.sleep(1.05)
    assert limiter.hit(limit, "token:2")
    assert not any(entries for key, entries in storage.events.items() if "token:1" in key)


def test_the_app_counts_in_it_without_redis(app):
    from community.extensions import limiter

    assert app.config["RATELIMIT_STORAGE_URI"] == "community-memory://"
    assert isinstance(limiter.storage, SweptMemoryStorage)
