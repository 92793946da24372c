"""The Redis the tests talk to: TEST_REDIS_URL, or the machine's own on its last database."""

from __future__ import annotations

import os

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_or_skip():
    """A client of that Redis; the test is skipped when it does not answer (a failure with
    REQUIRE_SERVICES=1, as in CI, where it must be there)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            raise
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return client
