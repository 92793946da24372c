"""A reply through the API reads its thread and the thread's followers before its write begins
(services.reply_target, on a connection of its own that takes no write lock), then writes only.
What was read can change in between: the write checks that the thread is as it was read, and a
thread locked, moved, removed or hidden meanwhile is refused or followed as if read afresh. Both databases."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, func, select, text

from tests.conftest import login
from tests.discussions.test_notifications import notes_of
from tests.writers import hold_a_write


@pytest.fixture
def change_after_read(app, monkeypatch):
    """change_after_read(sql): the next reply_target reads, then another connection runs `sql`."""
    from community.discussions import services

    def arrange(sql: str, **params) -> None:
        original = services.reply_target

        def read_then_change(user, thread_id):
            target = original(user, thread_id)
            engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
            try:
                with engine.begin() as conn:
                    conn.execute(text(sql), params)
            finally:
                engine.dispose()
            return target

        monkeypatch.setattr(services, "reply_target", read_then_change)

    return arrange


def _reply(client, token, thread_id, body="A reply"):
    # Signed in already (the identity remembered), as a client that replies usually is: the
    # first statement of the reply is then its read apart.
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    return client.post(f"/api/v1/threads/{thread_id}/posts", json={"body": body}, headers={"Authorization": f"Bearer {token}"})


def _posts(db, thread_id) -> tuple[int, int]:
    from community.discussions.models import Post, Thread

    db.session.rollback()
    stored = db.session.scalar(select(func.count()).select_from(Post).where(Post.thread_id == thread_id))
    return stored, db.session.get(Thread, thread_id).post_count


def _follow(app, person, kind: str, target_id: int, level: str = "watching") -> None:
    own = app.test_client()
    login(own, person)
    assert own.post_form(f"/community/follow/{kind}/{target_id}", {"level": level}).status_code == 302


def test_followers_read_before_the_write_hear_of_the_reply_and_muters_do_not(app, client, db, create_user,
                                                                            create_category, create_thread, api_token):
    category = create_category()
    author, watcher, muter, replier = (create_user() for _ in range(4))
    thread = create_thread(author, category=category)
    _follow(app, watcher, "category", category.id)
    _follow(app, muter, "category", category.id)
    _follow(app, muter, "thread", thread.id, "muted")
    response = _reply(client, api_token(replier), thread.id)
    assert response.status_code == 201
    assert [n.kind for n in notes_of(db, author)] == ["discussion_reply"]
    assert [n.kind for n in notes_of(db, watcher)] == ["discussion_reply"]
    assert notes_of(db, muter) == [] and notes_of(db, replier) == []
    assert _posts(db, thread.id) == (2, 2)


def test_a_thread_locked_after_it_was_read_refuses_the_reply_and_nothing_is_written(
        client, db, create_user, create_thread, api_token, change_after_read):
    thread = create_thread(create_user())
    change_after_read("UPDATE threads SET locked = :yes WHERE id = :id", yes=True, id=thread.id)
    response = _reply(client, api_token(create_user()), thread.id)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden" and "locked" in response.json["error"]["message"]
    assert _posts(db, thread.id) == (1, 1)


def test_a_thread_removed_after_it_was_read_is_not_found_and_nothing_is_written(
        client, db, create_user, create_thread, api_token, change_after_read):
    thread = create_thread(create_user())
    change_after_read("UPDATE threads SET removed_at = CURRENT_TIMESTAMP WHERE id = :id", id=thread.id)
    response = _reply(client, api_token(create_user()), thread.id)
    never = client.post("/api/v1/threads/987654/posts", json={"body": "A reply"},
                        headers={"Authorization": f"Bearer {api_token(create_user())}"})
    assert response.status_code == 404 and response.json == never.json
    assert _posts(db, thread.id) == (1, 1)


def test_a_thread_moved_to_a_mentors_area_after_it_was_read_is_not_found_and_nothing_is_written(
        client, db, create_user, create_category, create_thread, api_token, change_after_read):
    thread = create_thread(create_user())
    hidden = create_category(visibility="mentors")
    change_after_read("UPDATE threads SET category_id = :cat WHERE id = :id", cat=hidden.id, id=thread.id)
    response = _reply(client, api_token(create_user(roles=["staff"])), thread.id)
    assert response.status_code == 404
    assert _posts(db, thread.id) == (1, 1)


def test_a_thread_moved_to_another_open_category_gets_the_reply_and_that_category_s_watchers_hear_of_it(
        app, client, db, create_user, create_category, create_thread, api_token, change_after_read):
    old, new = create_category(), create_category()
    old_watcher, new_watcher = create_user(), create_user()
    thread = create_thread(create_user(), category=old)
    _follow(app, old_watcher, "category", old.id)
    _follow(app, new_watcher, "category", new.id)
    change_after_read("UPDATE threads SET category_id = :cat WHERE id = :id", cat=new.id, id=thread.id)
    response = _reply(client, api_token(create_user()), thread.id)
    assert response.status_code == 201
    assert _posts(db, thread.id) == (2, 2)
    assert [n.kind for n in notes_of(db, new_watcher)] == ["discussion_reply"]
    assert notes_of(db, old_watcher) == []


def test_reading_the_thread_takes_no_write_lock(app, client, db, create_user, create_thread):
    """On SQLite: while another process holds the write lock, the reply's read still answers at
    once; only its write waits."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL readers never wait for writers")
    from community.accounts.models import User
    from community.discussions import services

    thread = create_thread(create_user())
    with app.app_context():
        replier = db.session.get(User, create_user().id)
        assert replier.roles == ["staff"]
        db.session.expunge(replier)
    held, done = threading.Event(), threading.Event()
    writer = hold_a_write(app.config["SQLALCHEMY_DATABASE_URI"], held, done)
    assert held.wait(10)
    try:
        with app.test_request_context(f"/api/v1/threads/{thread.id}/posts", method="POST"):
            started = time.monotonic()
            target = services.reply_target(replier, thread.id)
            took = time.monotonic() - started
            db.session.rollback()
    finally:
        done.set()
        writer.join(10)
    assert target.id == thread.id and target.followers is not None
    assert took < 1.0
