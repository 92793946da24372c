"""400 replies from parallel clients: not one increment lost, counts exact everywhere.

On SQLite a writer that waited longer than the busy timeout gets a 503 with Retry-After and
nothing stored; the clients here retry like real ones, and the counts must still be exact
(no lost, no doubled increments)."""

import threading
import time

import pytest
from sqlalchemy import func, select

from tests.conftest import text_of

CLIENTS = 8
REPLIES_EACH = 50
MAX_ATTEMPTS = 20


@pytest.fixture
def app_config():
    return {"POST_RATE_LIMIT": "10000 per minute"}


@pytest.mark.slow
def test_400_concurrent_replies_give_exactly_400_more_posts(app, db, client, login_as, create_user, api_token, create_thread):
    from community.discussions.models import Post, Thread

    opener = create_user(roles=["mentor"])
    thread = create_thread(opener, title="Busy thread")
    posters = [create_user(roles=["mentor"]) for _ in range(CLIENTS)]
    tokens = [api_token(person) for person in posters]
    start = threading.Barrier(CLIENTS)
    statuses: list[int] = []
    retries: list[int] = []
    lock = threading.Lock()

    def post_replies(token: str, n: int) -> None:
        own_client = app.test_client()
        start.wait()
        for i in range(REPLIES_EACH):
            for _attempt in range(MAX_ATTEMPTS):
                response = own_client.post(
                    f"/api/v1/threads/{thread.id}/posts", json={"body": f"reply {n}-{i}"},
                    headers={"Authorization": f"Bearer {token}"},
                )
                if response.status_code != 503:
                    break
                # SQLite's busy timeout ran out: nothing was written; retry, as clients do.
                with lock:
                    retries.append(response.status_code)
                time.sleep(0.05)
            with lock:
                statuses.append(response.status_code)

    workers = [threading.Thread(target=post_replies, args=(token, n)) for n, token in enumerate(tokens)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert statuses.count(201) == CLIENTS * REPLIES_EACH, sorted(set(statuses))
    assert len(retries) < CLIENTS * REPLIES_EACH // 4  # busy now and then, not as a rule

    db.session.expire_all()
    expected = 1 + CLIENTS * REPLIES_EACH
    assert db.session.get(Thread, thread.id).post_count == expected
    assert db.session.scalar(select(func.count()).select_from(Post).where(Post.thread_id == thread.id)) == expected
    login_as(opener)
    assert f"{expected} posts" in text_of(client.get(f"/threads/{thread.id}"))
    index = text_of(client.get("/community"))
    assert f" 1 {expected} " in index
