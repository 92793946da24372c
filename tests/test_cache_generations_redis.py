"""With REDIS_URL the data generations live in Redis, shared by every worker and machine."""

from __future__ import annotations

import uuid

import pytest

from community import create_app
from community.config import config_for_tests
from tests.redis_service import REDIS_URL, redis_or_skip


@pytest.fixture
def redis_app(database_url):
    redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex[:8]}:cache:"
    return create_app({**config_for_tests(database_url), "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS_URL,
                       "CACHE_KEY_PREFIX": prefix})


def _generations(app) -> dict[str, str]:
    from community.caching import _read_generations

    with app.test_request_context("/"):
        return _read_generations()


def test_a_change_moves_on_exactly_the_areas_it_touches_for_every_worker(redis_app):
    from community.caching import bump_generation

    before = _generations(redis_app)
    with redis_app.test_request_context("/"):
        bump_generation(["community", "notifications"])
    after = _generations(redis_app)  # as another worker reads them: from Redis

    assert after["community"] != before["community"]
    assert after["notifications"] != before["notifications"]
    assert {area: value for area, value in after.items() if area not in ("community", "notifications")} == {
        area: value for area, value in before.items() if area not in ("community", "notifications")}


def test_every_area_moves_on_when_none_is_named(redis_app):
    from community.caching import bump_generation

    before = _generations(redis_app)
    with redis_app.test_request_context("/"):
        bump_generation()
    after = _generations(redis_app)
    assert all(after[area] != before[area] for area in before)


def test_redis_going_away_never_fails_the_change_that_bumps(redis_app, caplog):
    from community.caching import bump_generation
    from community.extensions import cache

    with redis_app.test_request_context("/"):
        client = cache.cache._write_client
        client.connection_pool.connection_kwargs["port"] = 1  # nothing listens there
        client.connection_pool.disconnect()
        bump_generation(["community"])  # no exception
    assert "could not bump the cache generation" in caplog.text
