"""Two served instances of the product sharing the database and Redis, as on two machines.

What a person would notice if the instances did not share their state: a login limit that
resets on the other machine, a directory search that shows an old profile on the other
machine, a revoked API token that still works there, a doubled reply when a client's retry
lands on the other machine. (Tasks made exactly once by a Celery worker and the load mix
through a proxy: `LOAD_INSTANCES=2 make load`, see bench/cluster.py.)

Skipped without TEST_REDIS_URL: without Redis each instance keeps its own limits and caches,
which is the documented single-machine set-up.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import ExitStack

import pytest

from tests.served import gunicorn

pytestmark = pytest.mark.slow
REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.fixture
def two_instances(database_url):
    if not REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set: instances share limits and caches only through Redis")
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    prefix = f"test-instances-{uuid.uuid4().hex[:8]}"
    env = {"REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix, "CELERY_QUEUE": prefix,
           "LOGIN_ACCOUNT_RATE_LIMIT": "3 per hour", "POST_RATE_LIMIT": "1000 per minute",
           "IDENTITY_CACHE_SECONDS": "60", "CACHE_FRAGMENT_SECONDS": "60"}
    with ExitStack() as stack:
        # Both started at once: a served instance takes seconds to boot on a busy machine.
        bases: list[str] = []
        starters = [threading.Thread(target=lambda: bases.append(stack.enter_context(gunicorn(database_url, workers=1, env=env))))
                    for _ in range(2)]
        for starter in starters:
            starter.start()
        for starter in starters:
            starter.join()
        assert len(bases) == 2, "an instance did not start"
        yield bases
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def call(base: str, method: str, path: str, token: str | None = None, body: dict | None = None,
         headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={**({"Authorization": f"Bearer {token}"} if token else {}),
                                              **({"Content-Type": "application/json"} if body is not None else {}),
                                              **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {}


def test_limits_caches_sign_outs_and_writes_hold_across_two_instances(two_instances, app, create_user, api_token):
    from community.discussions import services as discussions
    from community.discussions.models import Category, Post
    from community.extensions import db

    a, b = two_instances
    reader = create_user(name="Reader Person")
    person = create_user(name="Edited Person", department="Sales")
    poster = create_user(name="Retrying Client")
    reader_token, person_token, poster_token = api_token(reader), api_token(person), api_token(poster)
    with app.test_request_context():
        category = Category(slug="general", name="General", visibility="members", position=0)
        db.session.add(category)
        db.session.flush()
        thread = discussions.create_thread(db.session.get(type(poster), poster.id), category=category,
                                           title="Two machines", body="Hello", tags=())
        db.session.commit()
        thread_id = thread.id
        db.session.remove()

    # A login limit reached on A refuses on B (3 wrong passwords per address and hour).
    jar = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = jar.open(a + "/login", timeout=30).read().decode()
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    wrong = urllib.parse.urlencode({"csrf_token": csrf, "email": "someone@example.com", "password": "wrong"}).encode()
    statuses = []
    for base in (a, a, a, b):
        try:
            with jar.open(urllib.request.Request(base + "/login", data=wrong), timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    assert statuses == [200, 200, 200, 429]

    # B caches a directory search; a profile edited through A is found through B at once.
    word = "quasarology" + uuid.uuid4().hex[:6]
    search = f"/api/v1/people?q={word}"
    for _ in range(2):
        status, found = call(b, "GET", search, reader_token)
        assert status == 200 and found["items"] == []
    assert call(a, "PATCH", f"/api/v1/people/{person.id}", person_token, {"department": word.title()})[0] == 200
    status, found = call(b, "GET", search, reader_token)
    assert [item["id"] for item in found["items"]] == [person.id]

    # A token revoked through A stops working on B at once, though B remembers identities for a minute.
    assert call(b, "GET", "/api/v1/me", person_token)[0] == 200
    assert call(a, "DELETE", "/api/v1/me/tokens", person_token, {"confirm": True})[0] == 200
    assert call(b, "GET", "/api/v1/me", person_token)[0] == 401

    # A client retries its reply on the other machine at the same moment: one reply is stored.
    results: list[tuple[int, dict]] = []
    retries = [threading.Thread(target=lambda base=base: results.append(call(
        base, "POST", f"/api/v1/threads/{thread_id}/posts", poster_token, {"body": "Only once across machines"},
        {"Idempotency-Key": "reply-1"}))) for base in (a, b)]
    for retry in retries:
        retry.start()
    for retry in retries:
        retry.join()
    assert sorted(status for status, _body in results) in ([201, 201], [201, 409]), results
    assert len({body["id"] for status, body in results if status == 201}) == 1
    with app.app_context():
        stored = db.session.scalars(db.select(Post.id).where(Post.thread_id == thread_id,
                                                             Post.body == "Only once across machines")).all()
        assert len(stored) == 1
