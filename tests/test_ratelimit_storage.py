"""Rate-limit counters (community.ratelimit_storage): without Redis the same limits as the
`limits` library's memory storage, without a timer thread started after every burst of hits;
with Redis the library's storage, whose hits bring back what the rate-limit headers say."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from limits import RateLimitItemPerSecond, parse
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from community.ratelimit_storage import RememberingRedisStorage, SweptMemoryStorage, storage_uri
from tests.redis_service import REDIS_URL, redis_or_skip


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


@pytest.fixture
def redis_storages():
    """Two storages on one Redis, as two workers have, with a key prefix of their own."""
    redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    storages = [RememberingRedisStorage(storage_uri(REDIS_URL), key_prefix=prefix) for _ in range(2)]
    yield storages
    storages[0].reset()


def test_with_redis_a_limit_holds_across_workers(redis_storages):
    first, second = (FixedWindowRateLimiter(storage) for storage in redis_storages)
    limit = parse("3 per minute")
    answers = [first.hit(limit, "poster:1"), second.hit(limit, "poster:1"), first.hit(limit, "poster:1"),
               second.hit(limit, "poster:1")]
    assert answers == [True, True, True, False]
    assert second.hit(limit, "poster:2")


def test_a_requests_headers_come_from_its_own_hit_without_asking_redis_again(redis_storages, monkeypatch):
    from flask import Flask

    storage, other_worker = redis_storages
    limiter = FixedWindowRateLimiter(storage)
    limit = parse("5 per minute")
    FixedWindowRateLimiter(other_worker).hit(limit, "poster:1")
    with Flask(__name__).test_request_context("/"):
        assert limiter.hit(limit, "poster:1")
        asked = []
        connection = storage.get_connection(True)
        monkeypatch.setattr(connection, "get", lambda *a: asked.append("GET"))
        monkeypatch.setattr(connection, "ttl", lambda *a: asked.append("TTL"))
        reset, remaining = limiter.get_window_stats(limit, "poster:1")
        assert asked == []
        assert remaining == 3  # this hit and the other worker's
        assert time.time() + 55 < reset <= time.time() + 61
        # A counter this request did not hit is read from Redis, as before.
        monkeypatch.undo()
        assert limiter.get_window_stats(limit, "poster:2").remaining == 5
    with Flask(__name__).test_request_context("/"):  # the next request starts afresh
        assert limiter.get_window_stats(limit, "poster:1").remaining == 3


def test_redis_urls_choose_the_storage_that_remembers_its_hits():
    assert storage_uri(None) == "community-memory://"
    assert storage_uri("redis://cache.internal:6379/2") == "community-redis://cache.internal:6379/2"
    assert storage_uri("rediss://user:pw@cache.internal:6380/0") == "community-rediss://user:pw@cache.internal:6380/0"
    assert storage_uri("redis+sentinel://s1:26379/mymaster") == "redis+sentinel://s1:26379/mymaster"  # the library's own
