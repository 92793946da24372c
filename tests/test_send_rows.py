"""PostgreSQL: a page view's audit event is sent at once (community.unit_of_work.send_after_read)
and stored while the page is rendered; its answer is collected before the page is sent. The
page is never sent unless its event is stored, a refused or lost INSERT fails the page as any
statement would, and the pooled connection always goes back. On SQLite the event is written
after the read, as before (the last test runs on both databases)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import psycopg
import pytest
from flask import abort, g
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from community.audit import services as audit
from community.audit.models import AuditEvent
from community.extensions import db as database
from community.unit_of_work import transactional


def _stored(db, action: str) -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action.like(action)).order_by(AuditEvent.id)))


def _outside(app):
    """A connection of the test's own (not the app's pool), as another process would look."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


@pytest.fixture
def pg_app(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("rows sent at once: PostgreSQL")
    return app


def _route(app, rule, view):
    app.add_url_rule(rule, rule, transactional(view), methods=["GET"])


def _recording_route(app, rule, action):
    """A page that records its view at once and answers."""
    def view():
        audit.record(action, at_once=True)
        return {"ok": True}

    _route(app, rule, view)


def test_the_view_is_stored_while_the_page_is_still_being_made(pg_app, client, db):
    seen_during: list[int] = []

    def view():
        audit.record("sent.viewed", subject_type="thing", subject_id=7, note="ä «ü»", data={"k": [1, "ä"]},
                     at_once=True)
        with _outside(pg_app) as other:  # the page is not sent yet; the row is there already
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                count = other.execute("SELECT count(*) FROM audit_events WHERE action = 'sent.viewed'").fetchone()[0]
                if count:
                    seen_during.append(count)
                    break
                time.sleep(0.01)
        return {"ok": True}

    _route(pg_app, "/t/sent", view)
    held = database.engine.pool.checkedout()
    assert client.get("/t/sent").status_code == 200
    assert database.engine.pool.checkedout() == held
    assert seen_during == [1]
    (row,) = _stored(db, "sent.%")
    assert (row.subject_type, row.subject_id, row.note, row.data) == ("thing", 7, "ä «ü»", {"k": [1, "ä"]})
    assert row.by_person is False and row.created_at.tzinfo is not None
    assert abs((datetime.now(UTC) - row.created_at).total_seconds()) < 60


def test_a_refused_row_fails_the_page_and_the_next_view_is_stored(pg_app, client, db):
    def refused():
        audit.record("sent." + "x" * 80, at_once=True)  # longer than the column holds
        return {"ok": True}

    _route(pg_app, "/t/refused", refused)
    _recording_route(pg_app, "/t/fine", "sent.fine")
    held = database.engine.pool.checkedout()
    response = client.get("/t/refused")
    assert response.status_code == 422  # the value-out-of-range answer, not the page
    assert '"ok"' not in response.get_data(as_text=True)
    assert database.engine.pool.checkedout() == held
    assert client.get("/t/fine").status_code == 200
    assert [e.action for e in _stored(db, "sent.%")] == ["sent.fine"]


def test_a_page_that_fails_after_the_grant_keeps_its_view_and_gives_the_connection_back(pg_app, client, db):
    def fails():
        audit.record("sent.granted", at_once=True)
        abort(404)

    def crashes():
        audit.record("sent.crashed", at_once=True)
        raise RuntimeError("rendering failed")

    _route(pg_app, "/t/fails", fails)
    _route(pg_app, "/t/crashes", crashes)
    held = database.engine.pool.checkedout()
    assert client.get("/t/fails").status_code == 404
    pg_app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/t/crashes").status_code == 500
    assert database.engine.pool.checkedout() == held
    assert [e.action for e in _stored(db, "sent.%")] == ["sent.granted", "sent.crashed"]


def test_a_connection_lost_before_the_answer_is_a_503_and_the_pool_carries_on(pg_app, client, db):
    def lost():
        audit.record("sent.lost", at_once=True)  # waits on the server for the table lock below
        backend = g.sent_after_read.pooled.dbapi_connection.info.backend_pid
        with _outside(pg_app) as other:
            other.execute("SELECT pg_terminate_backend(%s)", (backend,))
        return {"ok": True}

    _route(pg_app, "/t/lost", lost)
    _recording_route(pg_app, "/t/after", "sent.after")
    held = database.engine.pool.checkedout()
    with _outside(pg_app) as locker:
        locker.execute("BEGIN")
        locker.execute("LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE")
        response = client.get("/t/lost")
        locker.execute("ROLLBACK")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert '"ok"' not in response.get_data(as_text=True)
    assert database.engine.pool.checkedout() == held
    assert client.get("/t/after").status_code == 200
    assert [e.action for e in _stored(db, "sent.%")] == ["sent.after"]


def test_a_second_view_in_one_request_waits_for_the_end_and_both_are_stored(pg_app, client, db):
    def twice():
        audit.record("sent.first", at_once=True)
        audit.record("sent.second", at_once=True)
        assert len(g.get("write_after_read", [])) == 1  # the second goes the usual way
        return {"ok": True}

    _route(pg_app, "/t/twice", twice)
    assert client.get("/t/twice").status_code == 200
    assert sorted(e.action for e in _stored(db, "sent.%")) == ["sent.first", "sent.second"]


def test_a_view_recorded_at_once_is_stored_on_either_database(app, client, db):
    def view():
        audit.record("sent.either", subject_type="thing", subject_id=3, at_once=True)
        return {"ok": True}

    _route(app, "/t/either", view)
    assert client.get("/t/either").status_code == 200
    assert [(e.action, e.subject_id) for e in _stored(db, "sent.%")] == [("sent.either", 3)]


def test_views_may_commit_without_waiting_for_the_disk_and_nothing_else_does(pg_app, client, db):
    """AUDIT_VIEWS_SYNCHRONOUS_COMMIT=0: the views go through a small pool of their own whose
    sessions commit without waiting for the write-ahead log; the row is still stored before the
    page is sent, and the app's own connections (every other write) keep waiting for the disk."""
    from community.unit_of_work import _views_engine

    pg_app.config["AUDIT_VIEWS_SYNCHRONOUS_COMMIT"] = False
    settings: dict[str, str] = {}

    def view():
        audit.record("sent.fast", at_once=True)
        connection = g.sent_after_read.pooled.dbapi_connection
        settings["backend"] = str(connection.info.backend_pid)
        settings["app"] = database.session.execute(select(func.current_setting("synchronous_commit"))).scalar_one()
        return {"ok": True}

    _route(pg_app, "/t/fast", view)
    try:
        assert client.get("/t/fast").status_code == 200
        with pg_app.app_context():
            engine = _views_engine()
            assert engine is not database.engine
            with engine.connect() as connection:
                views = connection.execute(select(func.current_setting("synchronous_commit"))).scalar_one()
                pids = {str(row[0]) for row in connection.exec_driver_sql("SELECT pg_backend_pid()")}
            assert engine.pool.checkedout() == 0
    finally:
        with pg_app.app_context():
            pg_app.extensions.pop("community.views_engine").dispose()
    assert views == "off" and settings["app"] == "on"
    assert settings["backend"] in pids  # the view went through that pool (its one connection)
    assert [e.action for e in _stored(db, "sent.%")] == ["sent.fast"]
    pg_app.config["AUDIT_VIEWS_SYNCHRONOUS_COMMIT"] = True
    with pg_app.app_context():
        assert _views_engine() is database.engine  # the default: the app's own pool
