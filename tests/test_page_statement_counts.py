"""The pages `make bench` measures send as many SQL statements on a small demo organisation as
on one four times its size: first with every cache empty, then with the caches warm.

Each size is a demo organisation (`community.demo.build`, what `flask demo` loads) in a database
of its own; the pages are those of bench/served_bench.py, with the same choice of topic, thread
and person.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import event, func, select, update

from community import create_app
from community.config import config_for_tests

SIZES = (80, 320)


def _build(path) -> tuple:
    from community import demo
    from community.database import SCHEMA_EXTRAS
    from community.extensions import db

    # Caches that do not expire mid-measurement on a slow machine: warm means warm.
    app = create_app({**config_for_tests(f"sqlite:///{path}"), "POST_RATE_LIMIT": "1000 per minute",
                      "IDENTITY_CACHE_SECONDS": 600, "CACHE_FRAGMENT_SECONDS": 600, "FRAGMENT_LOCAL_SECONDS": 600,
                      "LOGIN_RATE_LIMIT": "1000 per minute"})
    with app.app_context():
        db.create_all()
        with db.engine.begin() as conn:
            for install in SCHEMA_EXTRAS:
                install(conn)
        demo.build(people=SIZES[0] if "small" in str(path) else SIZES[1], seed=1)
        db.session.commit()
        ids = _ids()
        db.session.commit()
    return app, ids


def _ids() -> dict:
    """As bench/served_bench.py chooses them: the busiest topic with a discussion (a topic with none
    lists no threads and so skips their tags' query: that is not growth), the thread with the most posts,
    the visible person with the most topics; an API token of the demo admin."""
    from community.accounts import services as accounts
    from community.accounts.models import User
    from community.demo import DEMO_ADMIN_EMAIL
    from community.discussions.models import Category, Post, Thread, ThreadTag
    from community.expertise.models import Tag
    from community.extensions import db
    from community.notifications.models import Notification
    from community.profiles.models import PersonTag

    admin = db.session.scalar(select(User).where(User.email == DEMO_ADMIN_EMAIL))
    _row, token = accounts.create_api_token(admin, "statement counts")
    # The reader has one unread notification (about another page) in both organisations, so the
    # thread page looks for the ones it marks read in both, and finds none to mark in either: which
    # notifications the demo leaves unread depends on its people and on today's date.
    db.session.execute(update(Notification).where(Notification.user_id == admin.id, Notification.read_at.is_(None))
                       .values(read_at=func.now()))
    db.session.add(Notification(user_id=admin.id, kind="mention", params={}, link="/community"))
    slug = db.session.scalar(select(Tag.slug).join(PersonTag, PersonTag.tag_id == Tag.id)
                             .where(Tag.id.in_(select(ThreadTag.tag_id)))
                             .group_by(Tag.slug).order_by(func.count().desc(), Tag.slug).limit(1))
    public = select(Category.id).where(Category.visibility == "members")
    threads = list(db.session.scalars(
        select(Thread.id).join(Post, Post.thread_id == Thread.id)
        .where(Thread.category_id.in_(public), Thread.locked.is_(False))
        .group_by(Thread.id).order_by(func.count().desc(), Thread.id).limit(2)))
    person = db.session.scalar(
        select(User.id).join(PersonTag, PersonTag.user_id == User.id)
        .where(User.directory_visible.is_(True), User.active.is_(True), User.id != admin.id)
        .group_by(User.id).order_by(func.count().desc(), User.id).limit(1))
    return {"token": token, "slug": slug, "thread": threads[0], "write_thread": threads[-1], "person": person}


def _pages(ids: dict) -> list[tuple[str, str, bool]]:
    """(key, path, by API token)."""
    return [
        ("directory", "/people?q=teams", False),
        ("directory_api", "/api/v1/people?q=teams", True),
        ("contacts", f"/tags/{ids['slug']}/contacts", False),
        ("topic", f"/tags/{ids['slug']}", False),
        ("profile", f"/people/{ids['person']}", False),
        ("community", "/community", False),
        ("thread", f"/threads/{ids['thread']}", False),
        ("me", "/api/v1/me", True),
        ("network", "/network", False),
        ("livez", "/livez", False),
    ]


def _measure(app, ids: dict, monkeypatch) -> dict[str, tuple[int, int]]:
    from community.demo import DEMO_ADMIN_EMAIL, DEMO_PASSWORD
    from community.extensions import cache, db

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": DEMO_ADMIN_EMAIL, "password": DEMO_PASSWORD, "csrf_token": csrf})
    assert response.status_code == 302
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    def count(method: str, path: str, token: bool, expect: int, body: dict | None = None) -> int:
        headers = {"Authorization": f"Bearer {ids['token']}"} if token else {}
        seen.clear()
        event.listen(engine, "before_cursor_execute", listener)
        try:
            response = client.open(path, method=method, headers=headers, json=body)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert response.status_code == expect, (path, response.status_code)
        return len(seen)

    # The token's "last used" is recorded at most once a minute: let that happen first.
    count("GET", "/api/v1/me", True, 200)
    counts = {}
    for key, path, token in _pages(ids):
        with app.app_context():
            cache.clear()  # cold: no remembered identity, no cached page part
        cold = count("GET", path, token, 200)
        warm = count("GET", path, token, 200)
        counts[key] = (cold, warm)
    reply = f"/api/v1/threads/{ids['write_thread']}/posts"
    with monkeypatch.context() as patch:
        # The request's own statements: the e-mails to each follower are background tasks
        # (a worker's job with Redis), which in tests would run in this process.
        from community import tasks

        patch.setattr(tasks, "send", lambda name, *args: None)
        count("POST", reply, True, 201, {"body": "A first reply, thanks!"})
        counts["reply"] = (count("POST", reply, True, 201, {"body": "Another reply, thanks!"}),) * 2
    return counts


@pytest.mark.slow
def test_statements_per_page_do_not_grow_with_the_organisation(tmp_path, monkeypatch):
    small_app, small_ids = _build(tmp_path / "small.sqlite3")
    big_app, big_ids = _build(tmp_path / "big.sqlite3")
    small = _measure(small_app, small_ids, monkeypatch)
    big = _measure(big_app, big_ids, monkeypatch)
    for app in (small_app, big_app):
        with app.app_context():
            from community.extensions import db

            db.engine.dispose()
    assert big == small, json.dumps({"small": small, "big": big})
    assert small["livez"] == (0, 0)  # no database at all, signed in or not
    assert small["me"][1] <= 3, small["me"]  # a remembered caller: only the preferences
    for key, (_cold, warm) in small.items():
        assert warm <= (16 if key == "network" else 12), (key, warm, small)
