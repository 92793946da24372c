"""`Idempotency-Key` on API POSTs: a retried or doubled POST makes one record, and the client
gets the first response back — also when two copies arrive at the same moment."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select


@pytest.fixture
def app_config():
    return {"POST_RATE_LIMIT": "10000 per minute"}


@pytest.fixture
def poster(create_user, api_token, create_thread):
    opener = create_user(roles=["mentor"])
    thread = create_thread(opener, title="Retried replies")
    person = create_user(roles=["mentor"])
    return thread, api_token(person)


def _post(client, thread_id, token, body, key=None):
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(f"/api/v1/threads/{thread_id}/posts", json={"body": body}, headers=headers)


def _replies(db, thread_id) -> int:
    from community.discussions.models import Post

    db.session.rollback()  # a fresh snapshot: the requests committed in other sessions
    return db.session.scalar(select(func.count()).select_from(Post).where(Post.thread_id == thread_id))


def test_a_repeated_post_with_the_same_key_returns_the_first_response_and_makes_one_reply(client, db, poster):
    thread, token = poster
    before = _replies(db, thread.id)
    first = _post(client, thread.id, token, "Only once, please", key="retry-1")
    again = _post(client, thread.id, token, "Only once, please", key="retry-1")
    assert first.status_code == 201, first.json
    assert again.status_code == 201 and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _replies(db, thread.id) == before + 1


def test_the_same_key_with_another_body_is_refused(client, db, poster):
    thread, token = poster
    assert _post(client, thread.id, token, "First text", key="k-2").status_code == 201
    other = _post(client, thread.id, token, "Another text", key="k-2")
    assert other.status_code == 422
    assert "different request" in other.json["error"]["message"]
    assert _replies(db, thread.id) == 2  # the opening post and the first reply


def test_without_a_key_or_with_another_key_each_post_counts(client, db, poster):
    thread, token = poster
    before = _replies(db, thread.id)
    assert _post(client, thread.id, token, "Same text").status_code == 201
    assert _post(client, thread.id, token, "Same text", key="a").status_code == 201
    assert _post(client, thread.id, token, "Same text", key="b").status_code == 201
    assert _replies(db, thread.id) == before + 3


def test_keys_belong_to_their_person(client, db, poster, create_user, api_token):
    thread, token = poster
    other = api_token(create_user(roles=["mentor"]))
    assert _post(client, thread.id, token, "Mine", key="shared").status_code == 201
    theirs = _post(client, thread.id, other, "Theirs", key="shared")
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert _replies(db, thread.id) == 3


@pytest.mark.parametrize("key", ["", " ", "x" * 201, "with space", "tab\tkey", "ünïcode"])
def test_a_malformed_key_is_refused_and_nothing_is_made(client, db, poster, key):
    thread, token = poster
    before = _replies(db, thread.id)
    response = _post(client, thread.id, token, "Bad key", key=key)
    assert response.status_code == 400, response.data
    assert _replies(db, thread.id) == before


def test_a_refused_request_is_not_stored_and_may_be_retried(client, db, poster):
    thread, token = poster
    refused = _post(client, thread.id, token, "", key="k-empty")
    assert refused.status_code == 422
    assert _post(client, thread.id, token, "Now with text", key="k-other").status_code == 201


@pytest.mark.parametrize("app_config", [{"POST_RATE_LIMIT": "10000 per minute", "IDEMPOTENCY_RETENTION": 0}])
def test_a_key_is_forgotten_after_the_retention_time(client, db, poster):
    thread, token = poster
    before = _replies(db, thread.id)
    assert _post(client, thread.id, token, "Again later", key="old").status_code == 201
    assert _post(client, thread.id, token, "Again later", key="old").status_code == 201
    assert _replies(db, thread.id) == before + 2


def test_two_copies_sent_at_the_same_moment_make_one_reply(app, db, poster):
    thread, token = poster
    before = _replies(db, thread.id)
    start = threading.Barrier(4)
    results: list = []
    lock = threading.Lock()

    def send() -> None:
        own = app.test_client()
        start.wait()
        response = _post(own, thread.id, token, "Double-clicked", key="parallel")
        with lock:
            results.append((response.status_code, response.get_json()))

    workers = [threading.Thread(target=send) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    statuses = sorted(status for status, _ in results)
    assert len(results) == 4
    assert all(status in (201, 409) for status in statuses), results
    assert statuses.count(201) >= 1
    bodies = {str(body) for status, body in results if status == 201}
    assert len(bodies) == 1  # every 201 is the first response
    assert _replies(db, thread.id) == before + 1


def test_the_openapi_document_offers_the_header_on_every_post(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["components"]["parameters"]["IdempotencyKey"]["in"] == "header"
    posts = [ops["post"] for ops in document["paths"].values() if "post" in ops]
    assert posts
    for post in posts:
        assert {"$ref": "#/components/parameters/IdempotencyKey"} in post["parameters"]
        assert {"409", "422"} <= set(post["responses"])
