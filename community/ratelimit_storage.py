"""Rate-limit counters in the process's memory, without a timer thread per burst of hits.

The `limits` library's memory storage (`memory://`) starts a new `threading.Timer` 10 ms after
every hit whose timer has already run, to drop expired counters: under steady writes a worker
started up to a hundred threads a second, each taking the interpreter lock from the requests
(about a twentieth of a reply's time as served, issue 19). The counters need no timer to be
right: a fixed window's counter is checked against its expiry when it is read (`get`), and a
moving window looks at its entries' times. This storage keeps the library's behaviour and
drops expired counters and entries itself, in the request that hits the storage, at most
once a second. It is the default when no Redis is configured (`community-memory://`);
`memory://` still selects the library's own.

With Redis (`REDIS_URL`) the counters live there, shared by every worker and machine
(`RememberingRedisStorage`, `community-redis://`): the library's own Redis storage, except
that a hit also brings back its window's end, which the request remembers for its
X-RateLimit headers instead of asking Redis twice more (GET and TTL) after the view.
"""

from __future__ import annotations

import time
from typing import Any

from flask import g, has_request_context
from limits.storage import MemoryStorage, RedisStorage


class SweptMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["community-memory"]
    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.swept_at = time.monotonic()

    # The library calls this (a private method, hence the mangled name) before each hit.
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now - self.swept_at >= self.SWEEP_SECONDS:
            self.swept_at = now
            self.sweep()

    def sweep(self) -> None:
        """Drop expired counters and moving-window entries now (the library's own sweep)."""
        getattr(self, "_MemoryStorage__expire_events")()  # noqa: B009 - a mangled private name


class RememberingRedisStorage(RedisStorage):
    """The library's Redis storage for fixed windows, with one round trip per hit in all.

    A hit (`incr`) runs a script that increments the counter, starts its window when it is
    new, and returns the count with the seconds left in the window; the request keeps both.
    The rate-limit headers then read them (`get`, `get_expiry`) instead of sending GET and TTL:
    they show the counter as this request left it, as the two reads just after it did unless
    another request hit the same counter in between. Outside a request, and for counters this
    request did not hit, it asks Redis as before. `REDIS_URL` selects it (community.config);
    any other URI, `redis://` itself included, still selects the library's own storages."""

    STORAGE_SCHEME = ["community-redis", "community-rediss"]
    SCRIPT_INCR_EXPIRE_TTL = b"""
local current = redis.call("incrby", KEYS[1], ARGV[2])
if tonumber(current) == tonumber(ARGV[2]) then
    redis.call("expire", KEYS[1], ARGV[1])
end
return {current, redis.call("ttl", KEYS[1])}
"""

    def __init__(self, uri: str, **options: Any) -> None:
        super().__init__(uri.removeprefix("community-"), **options)

    def initialize_storage(self, uri: str) -> None:
        super().initialize_storage(uri)
        self.lua_incr_expire_ttl = self.get_connection().register_script(self.SCRIPT_INCR_EXPIRE_TTL)

    @staticmethod
    def _seen() -> dict[str, tuple[int, float]]:
        """What this request's hits left: counter key -> (count, end of its window)."""
        if not has_request_context():
            return {}
        return g.setdefault("rate_limit_counters", {})

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        full_key = self.prefixed_key(key)
        current, ttl = self.lua_incr_expire_ttl([full_key], [expiry, amount])
        self._seen()[full_key] = (int(current), max(int(ttl), 0) + time.time())
        return int(current)

    def get(self, key: str) -> int:
        seen = self._seen().get(self.prefixed_key(key))
        return seen[0] if seen else super().get(key)

    def get_expiry(self, key: str) -> float:
        seen = self._seen().get(self.prefixed_key(key))
        return seen[1] if seen else super().get_expiry(key)

    def clear(self, key: str) -> None:
        self._seen().pop(self.prefixed_key(key), None)
        super().clear(key)


def storage_uri(redis_url: str | None) -> str:
    """The rate-limit storage for a REDIS_URL: `RememberingRedisStorage` for redis:// and
    rediss://, the library's storage for any other scheme, the swept memory without one."""
    if not redis_url:
        return "community-memory://"
    if redis_url.startswith(("redis://", "rediss://")):
        return "community-" + redis_url
    return redis_url
