"""The same form sent twice — one after the other (a reload) or at the same moment (a double
click, two tabs) — makes one record, and the second sender lands on what the first one made."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, login


@pytest.fixture
def app_config():
    return {"POST_RATE_LIMIT": "10000 per minute"}


def _count(db, model, **where) -> int:
    db.session.rollback()  # a fresh snapshot: the requests committed in other sessions
    stmt = select(func.count()).select_from(model)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    return db.session.scalar(stmt)


def _token_on(page) -> str:
    found = re.search(r'name="submission"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="submission"', page.get_data(as_text=True))
    assert found, "the form carries a submission token"
    return found.group(1) or found.group(2)


def test_a_reply_sent_twice_is_saved_once_and_both_land_on_it(client, db, login_as, create_user, create_thread):
    from community.discussions.models import Post

    author = create_user(roles=["mentor"])
    thread = create_thread(author)
    login_as(author)
    token = _token_on(client.get(f"/threads/{thread.id}"))
    data = {"body": "Sent with a double click", "submission": token}
    first = client.post_form(f"/threads/{thread.id}/reply", data)
    second = client.post_form(f"/threads/{thread.id}/reply", data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(db, Post, thread_id=thread.id) == 2  # the opening post and one reply
    assert "sent twice; it was saved once" in client.get(second.headers["Location"]).get_data(as_text=True)


def test_each_rendering_of_the_form_is_a_new_submission(client, db, login_as, create_user, create_thread):
    from community.discussions.models import Post

    author = create_user(roles=["mentor"])
    thread = create_thread(author)
    login_as(author)
    for text in ("First reply", "Second reply"):
        token = _token_on(client.get(f"/threads/{thread.id}"))
        assert client.post_form(f"/threads/{thread.id}/reply", {"body": text, "submission": token}).status_code == 302
    assert _count(db, Post, thread_id=thread.id) == 3


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_token(client, db, login_as, create_user, create_thread):
    from community.discussions.models import Post

    author = create_user(roles=["mentor"])
    thread = create_thread(author)
    login_as(author)
    token = _token_on(client.get(f"/threads/{thread.id}"))
    refused = client.post_form(f"/threads/{thread.id}/reply", {"body": "   ", "submission": token})
    assert refused.status_code == 200
    assert client.post_form(f"/threads/{thread.id}/reply", {"body": "Now with text", "submission": token}).status_code == 302
    assert _count(db, Post, thread_id=thread.id) == 2


def test_a_new_thread_sent_twice_is_made_once(client, db, login_as, create_user, create_category):
    from community.discussions.models import Thread

    author = create_user(roles=["mentor"])
    category = create_category()
    login_as(author)
    token = _token_on(client.get("/community/new"))
    data = {"category": category.id, "title": "Only one of me", "body": "Hello", "tags": "", "submission": token}
    first = client.post_form("/community/new", data)
    second = client.post_form("/community/new", data)
    assert first.status_code == second.status_code == 302, second.get_data(as_text=True)[:300]
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(db, Thread, title="Only one of me") == 1


def test_a_token_of_another_person_does_not_replay_their_result(app, db, create_user, create_thread):
    from community.discussions.models import Post

    author, other = create_user(roles=["mentor"]), create_user(roles=["mentor"])
    thread = create_thread(author)
    mine, theirs = app.test_client(), app.test_client()
    from tests.conftest import CSRFClient

    assert isinstance(mine, CSRFClient)
    login(mine, author, PASSWORD)
    login(theirs, other, PASSWORD)
    token = _token_on(mine.get(f"/threads/{thread.id}"))
    assert mine.post_form(f"/threads/{thread.id}/reply", {"body": "Mine", "submission": token}).status_code == 302
    assert theirs.post_form(f"/threads/{thread.id}/reply", {"body": "Theirs", "submission": token}).status_code == 302
    assert _count(db, Post, thread_id=thread.id) == 3


def test_the_same_reply_sent_at_the_same_moment_is_saved_once(app, db, create_user, create_thread):
    from community.discussions.models import Post

    author = create_user(roles=["mentor"])
    thread = create_thread(author)
    clients = [app.test_client() for _ in range(4)]
    for own in clients:
        login(own, author, PASSWORD)
    token = _token_on(clients[0].get(f"/threads/{thread.id}"))
    start = threading.Barrier(len(clients))
    results: list = []
    lock = threading.Lock()

    def send(own) -> None:
        start.wait()
        response = own.post_form(f"/threads/{thread.id}/reply", {"body": "Double-clicked", "submission": token})
        with lock:
            results.append((response.status_code, response.headers.get("Location")))

    workers = [threading.Thread(target=send, args=(own,)) for own in clients]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert len(results) == len(clients)
    assert {status for status, _ in results} == {302}, results
    assert len({location for _, location in results}) == 1, results
    assert _count(db, Post, thread_id=thread.id) == 2
