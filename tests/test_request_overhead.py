"""What every request pays, made cheap without weakening it (issue 19): /livez answered before
the app's hooks with the same security headers, the session cookie that must not grow with
each refused visit, the signing of session cookies made once (key rotation still works), and
API bodies that are dumped by their schema once."""

from __future__ import annotations

import pytest

from tests.conftest import login

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options",
                    "Cross-Origin-Opener-Policy", "Permissions-Policy", "Strict-Transport-Security")


@pytest.fixture
def app_config() -> dict:
    return {"HSTS_ENABLED": True}


def test_livez_answers_with_every_security_header_of_the_app(client):
    live = client.get("/livez")
    other = client.get("/healthz")  # the same kind of answer through the app's hooks
    assert live.status_code == other.status_code == 200
    assert live.get_json() == other.get_json() == {"status": "ok"}
    assert live.data == other.data
    for name in SECURITY_HEADERS:
        assert live.headers[name] == other.headers[name], name
    assert live.headers["Content-Type"] == other.headers["Content-Type"]
    # A liveness answer is never cached (a cached "ok" would hide a dead worker).
    assert live.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in live.headers


def test_livez_policy_names_the_host_it_was_asked_on(client):
    one = client.get("/livez", base_url="https://one.example")
    two = client.get("/livez", base_url="http://two.example:8080")
    assert "img-src data: https://one.example/static/;" in one.headers["Content-Security-Policy"]
    assert "img-src data: http://two.example:8080/static/;" in two.headers["Content-Security-Policy"]
    page = client.get("/healthz", base_url="http://two.example:8080")
    assert page.headers["Content-Security-Policy"] == two.headers["Content-Security-Policy"]


def test_livez_head_and_other_methods(client):
    head = client.head("/livez")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(client.get("/livez").data))
    assert head.headers["X-Frame-Options"] == "DENY"
    refused = client.post("/livez")  # not answered early: the app's own checks as before
    assert refused.status_code in (400, 405)
    assert refused.headers["X-Frame-Options"] == "DENY"


def test_livez_uses_no_session_and_no_database(app, client, db):
    from sqlalchemy import event

    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/livez")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200 and statements == []


def test_refused_visits_do_not_grow_the_session_cookie(client):
    """A client that never follows the redirect to the login page keeps one copy of the
    "please log in" message, not one more per request."""
    sizes = []
    for _ in range(8):
        response = client.get("/people")
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
        sizes.append(len(client.get_cookie("community_session").value))
    assert len(set(sizes[1:])) == 1, sizes
    page = client.get("/login")
    assert page.data.count(b"Please log in to see this page.") == 1


def test_session_signing_rotates_keys_as_before(app, client, create_user):
    """The signing serializer is made once per set of keys; a cookie signed with a former key
    (SECRET_KEY_FALLBACKS) still opens, and a forged one does not."""
    user = create_user(roles=("staff",))
    login(client, user)
    assert client.get("/community").status_code == 200
    cookie = client.get_cookie("community_session").value
    interface = app.session_interface
    assert interface.get_signing_serializer(app) is interface.get_signing_serializer(app)
    old_key = app.secret_key
    app.secret_key = "a-new-key"
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    try:
        assert interface.get_signing_serializer(app).loads(cookie)["_user_id"] == str(user.id)
        assert client.get("/community").status_code == 200  # still signed in
        client.set_cookie("community_session", cookie[:-3] + "AAA")
        assert client.get("/community").status_code == 302  # a forged signature is refused
    finally:
        app.secret_key = old_key
        app.config["SECRET_KEY_FALLBACKS"] = []


def test_me_and_directory_bodies_are_as_documented(client, create_user, api_token):
    admin = create_user(roles=("admin",), name="Ada Admin")
    mentor = create_user(roles=("mentor",), name="Teams Tina")
    headers = {"Authorization": f"Bearer {api_token(admin)}"}
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["id"] == admin.id and me["roles"] == ["admin"] and me["email"] == admin.email
    assert set(me["notification_prefs"]) and "password_hash" not in me
    for _ in range(2):  # computed, then from the cache: the same body, e-mail per viewer
        found = client.get("/api/v1/people?q=tina", headers=headers).get_json()
        assert [p["id"] for p in found["items"]] == [mentor.id]
        assert found["items"][0]["email"] == mentor.email  # an admin sees it
        assert found["total"] == 1 and found["page"] == 1
    peer = create_user(roles=("staff",), name="Pia Peer")
    theirs = client.get("/api/v1/people?q=tina", headers={"Authorization": f"Bearer {api_token(peer)}"}).get_json()
    assert [p["id"] for p in theirs["items"]] == [mentor.id]
    assert "email" not in theirs["items"][0]  # never cached with the admin's e-mail addresses


def test_sqlite_writers_take_turns_through_the_lock_file(tmp_path):
    """Before BEGIN IMMEDIATE a writer takes its turn on `<database>-writers`; the next one
    gets it as soon as the first transaction ends (not after SQLite's sleeps of up to 100 ms),
    and one that cannot get it within the timeout goes on as before."""
    import threading
    import time

    from sqlalchemy import create_engine, text

    from community.database import WriterTurn, install_sqlite_transactions

    path = tmp_path / "turns.sqlite3"
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 5})
    install_sqlite_transactions(engine, 5.0)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    assert (tmp_path / "turns.sqlite3-writers").exists()

    other = WriterTurn(str(tmp_path / "turns.sqlite3-writers"))
    with engine.connect() as conn:
        conn.begin()  # a write transaction outside a request: BEGIN IMMEDIATE, turn taken
        conn.execute(text("INSERT INTO t VALUES (1)"))
        assert other.wait(0.05) is False  # held by the open transaction
        waited = []

        def writer():
            started = time.monotonic()
            with engine.begin() as second:
                second.execute(text("INSERT INTO t VALUES (2)"))
            waited.append(time.monotonic() - started)

        thread = threading.Thread(target=writer)
        thread.start()
        time.sleep(0.3)
        conn.commit()  # the turn is given back with the commit
        thread.join(5)
    assert waited and waited[0] < 1.0
    assert other.wait(0.05) is True  # nobody holds it any more
    other.close()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM t ORDER BY n")).scalars().all() == [1, 2]
    engine.dispose()


def test_sqlite_writers_keep_the_wal_short_by_checkpointing_after_their_turn(tmp_path):
    """SQLite's own checkpoint would run inside COMMIT (while the next writer waits for its
    turn); the writers checkpoint every few dozen commits after giving the turn back, so the
    WAL still stays short."""
    import contextlib
    import sqlite3

    from sqlalchemy import create_engine, text

    from community.database import CHECKPOINT_EVERY, install_sqlite_transactions

    engine = create_engine(f"sqlite:///{tmp_path / 'wal.sqlite3'}", connect_args={"timeout": 5})
    install_sqlite_transactions(engine, 5.0)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (body BLOB)"))
    for _ in range(CHECKPOINT_EVERY * 4):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (randomblob(8000))"))  # 2-3 pages each
    with contextlib.closing(sqlite3.connect(tmp_path / "wal.sqlite3", isolation_level=None)) as raw:
        _busy, frames, _done = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert raw.execute("SELECT count(*) FROM t").fetchone()[0] == CHECKPOINT_EVERY * 4
    engine.dispose()
    assert frames <= CHECKPOINT_EVERY * 4  # about one checkpoint's worth, not every commit's pages


def test_directory_emails_for_admins_follow_a_change_at_once(app, client, create_user, api_token):
    from community.accounts.models import User
    from community.extensions import db
    from tests.conftest import isolated

    admin = create_user(roles=("change_manager",), name="Cora Manager")
    mentor = create_user(roles=("mentor",), name="Teams Tina")
    headers = {"Authorization": f"Bearer {api_token(admin)}"}
    first = client.get("/api/v1/people?q=tina", headers=headers).get_json()
    assert first["items"][0]["email"] == mentor.email

    def change():
        with app.app_context():
            db.session.get(User, mentor.id).email = "tina.new@example.com"
            db.session.commit()

    isolated(app, change)
    again = client.get("/api/v1/people?q=tina", headers=headers).get_json()
    assert again["items"][0]["email"] == "tina.new@example.com"
    staff = create_user(roles=("staff",), name="Sam Staff")
    theirs = client.get("/api/v1/people?q=tina", headers={"Authorization": f"Bearer {api_token(staff)}"}).get_json()
    assert "email" not in theirs["items"][0]
