"""With Redis, each process keeps the data generations until Redis tells it one changed
(community.generation_tracking): no round trip per request, and a change made through any
other worker or machine still shows at once."""

from __future__ import annotations

import time
import uuid

import pytest

from community import create_app
from community.config import config_for_tests
from tests.redis_service import REDIS_URL, redis_or_skip


@pytest.fixture
def make_app(database_url):
    """Apps sharing one Redis and key prefix: two workers, or two machines."""
    redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex[:8]}:cache:"

    def make(**config):
        return create_app({**config_for_tests(database_url), "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS_URL,
                           "CACHE_KEY_PREFIX": prefix, **config})

    return make


def _read(app) -> dict[str, str]:
    from community.caching import generation

    with app.test_request_context("/"):
        from community.caching import AREAS

        return {area: generation(area) for area in AREAS}


def _bump(app, areas) -> None:
    from community.caching import bump_generation

    with app.test_request_context("/"):
        bump_generation(areas)


@pytest.fixture
def redis_reads(monkeypatch):
    """How often the generations were read from Redis."""
    from community.extensions import cache

    calls = []
    original = type(cache).get_many

    def counting(self, *keys):
        calls.append(keys)
        return original(self, *keys)

    monkeypatch.setattr(type(cache), "get_many", counting)
    return calls


def _tracker(app):
    return app.extensions["community.tracked_generations"]


def test_requests_after_the_first_read_the_generations_without_asking_redis(make_app, redis_reads):
    app = make_app()
    first = _read(app)  # new keys: created, and their creation makes the next request read again
    assert _read(app) == first
    redis_reads.clear()
    for _ in range(5):
        assert _read(app) == first
    assert redis_reads == []


def test_a_change_made_through_another_worker_shows_at_once(make_app, redis_reads):
    reader, writer = make_app(), make_app()
    before = _read(reader)
    _bump(writer, ["community"])
    after = _read(reader)  # no waiting: the message was there before the writer's bump returned
    assert after["community"] != before["community"]
    assert after["community"] == _read(writer)["community"]
    assert {a: v for a, v in after.items() if a != "community"} == {a: v for a, v in before.items() if a != "community"}
    assert len(redis_reads) >= 2  # the reader went back to Redis for it


def test_a_change_or_a_flush_made_straight_in_redis_shows_too(make_app):
    app = make_app()
    client = redis_or_skip()
    before = _read(app)
    key = f"{app.config['CACHE_KEY_PREFIX']}community-data-generation:network"
    client.delete(key)
    client.ping()  # as the app does after its own changes: the message has left Redis now
    assert _read(app)["network"] != before["network"]
    middle = _read(app)
    client.flushdb()
    client.ping()
    assert _read(app) != middle


def test_own_changes_show_in_the_same_process_without_waiting_for_the_message(make_app):
    app = make_app()
    before = _read(app)
    _bump(app, ["directory"])
    assert _read(app)["directory"] != before["directory"]


def test_values_read_before_a_change_are_not_kept_after_it(make_app):
    """The order a worker reads in: ask what is kept, read Redis, keep it. A change landing in
    between must win, even if the values read came back after the change was made."""
    reader, writer = make_app(), make_app()
    tracker = _tracker(reader)
    with reader.test_request_context("/"):
        known, epoch = tracker.known()
        stale = {"community": "old"}
        _bump(writer, ["community"])
        tracker.remember(stale, epoch)
        again, _ = tracker.known()
    assert again is None  # the message threw the stale values away


def test_a_lost_connection_misses_no_change_and_falls_back_to_redis(make_app, redis_reads, caplog):
    reader, writer = make_app(), make_app()
    before = _read(reader)
    client = redis_or_skip()
    own_id = _client_id_of(client, _tracker(reader)._connection)
    client.client_kill_filter(_id=own_id)
    _bump(writer, ["community"])  # its message goes nowhere
    reads_before = len(redis_reads)
    after = _read(reader)
    assert after["community"] != before["community"]
    assert "tracking lost its connection" in caplog.text
    _read(reader)
    assert len(redis_reads) >= reads_before + 2  # reading Redis again until the retry


def _client_id_of(client, connection) -> int:
    port = connection._sock.getsockname()[1]
    for entry in client.client_list():
        if entry["addr"].endswith(f":{port}"):
            return int(entry["id"])
    raise AssertionError("tracking connection not found")


def test_kept_generations_are_trusted_only_for_max_age(make_app, redis_reads):
    app = make_app(CACHE_GENERATION_TRACKING_SECONDS=0.05)
    _read(app)
    _read(app)
    _read(app)
    redis_reads.clear()
    time.sleep(0.1)
    _read(app)
    _read(app)
    assert len(redis_reads) == 1


def test_turned_off_every_request_reads_redis(make_app, redis_reads):
    app = make_app(CACHE_GENERATION_TRACKING=False)
    assert "community.tracked_generations" not in app.extensions
    _read(app)
    _read(app)
    assert len(redis_reads) == 2


def test_a_redis_that_refuses_tracking_is_read_as_before(make_app, redis_reads, caplog):
    client = redis_or_skip()
    user = f"no-client-{uuid.uuid4().hex[:6]}"
    client.acl_setuser(user, enabled=True, nopass=True, keys=["*"], channels=["*"], commands=["+@all", "-client"])
    try:
        url = REDIS_URL.replace("redis://", f"redis://{user}@", 1)
        app = make_app(CACHE_REDIS_URL=url)
        first = _read(app)
        assert _read(app) == first
        assert len(redis_reads) == 2
        assert _tracker(app).refused
        assert "refuses client tracking" in caplog.text
    finally:
        client.acl_deluser(user)


def test_a_forked_worker_opens_its_own_connection(make_app):
    app = make_app()
    _read(app)
    tracker = _tracker(app)
    parents = tracker._connection
    tracker._pid = -1  # as a child process sees the parent's tracker
    _read(app)
    assert tracker._connection is not parents
    assert parents._sock is not None  # the parent's socket is left alone


def test_a_cached_part_that_could_be_changed_is_kept_by_the_process_as_a_copy_per_request(make_app, monkeypatch):
    """A directory page's JSON (a dict) is read from Redis once per process, then each request
    gets its own copy: what one request changes in it, the next never sees."""
    from community.caching import cached
    from community.extensions import cache

    app = make_app()
    computed = []

    def compute():
        computed.append(1)
        return {"items": [{"id": 1, "name": "Ada"}], "total": 1}

    with app.test_request_context("/"):
        first = cached(("directory-api", "q=ada"), compute)
        first["items"][0]["email"] = "ada@example.com"  # one request adds what only its reader may see
    shared_reads = []
    monkeypatch.setattr(type(cache), "get", lambda self, key: shared_reads.append(key))
    with app.test_request_context("/"):
        second = cached(("directory-api", "q=ada"), compute)
    assert second == {"items": [{"id": 1, "name": "Ada"}], "total": 1}
    assert computed == [1] and shared_reads == []
