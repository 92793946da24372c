"""PostgreSQL: a request that only reads sends no BEGIN and no COMMIT; one that writes, even a
GET, stores what it writes together at the edge or not at all."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select, text

from community.audit.models import AuditEvent
from community.extensions import db as database
from community.unit_of_work import transactional


@pytest.fixture
def pg_app(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL transactions")
    seen: list[tuple[str, bool]] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        # Whether this statement runs inside a transaction: one already open on the server, or
        # one the driver begins with it (outside autocommit, psycopg sends BEGIN first).
        driver = cursor.connection
        seen.append((statement.split()[0].upper(), driver.info.transaction_status != 0 or not driver.autocommit))

    def add(rule, view, methods=("GET",)):
        app.add_url_rule(rule, rule, transactional(view), methods=list(methods))

    def read():
        database.session.execute(select(AuditEvent.id).limit(1)).all()
        database.session.execute(text("SELECT 1")).all()
        return {"ok": True}

    def read_then_write():
        database.session.execute(select(AuditEvent.id).limit(1)).all()
        database.session.add(AuditEvent(action="test.first", note="first"))
        database.session.flush()
        database.session.execute(text("SELECT 1")).all()
        database.session.add(AuditEvent(action="test.second", note="second"))
        database.session.flush()
        return {"ok": True}

    def write_then_fail():
        database.session.add(AuditEvent(action="test.half", note="half"))
        database.session.flush()
        database.session.execute(text("SELECT 1 / 0"))  # fails after the first write
        return {"ok": True}

    def lock():
        database.session.execute(select(AuditEvent.id).limit(1).with_for_update()).all()
        return {"ok": True}

    def write_in_autocommit():
        # As a read's audit rows are written (community.database.append_rows): a connection of
        # its own, asked for in autocommit; each statement stores itself.
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(AuditEvent.__table__.insert(), {"action": "test.own", "note": "own"})
        return {"ok": True}

    add("/t/own", write_in_autocommit)
    for rule, view in (("/t/read", read), ("/t/write", read_then_write), ("/t/fail", write_then_fail), ("/t/lock", lock)):
        add(rule, view)
    add("/t/post-read", read, methods=("POST",))
    with app.app_context():
        event.listen(database.engine, "before_cursor_execute", note)
    yield app, seen
    with app.app_context():
        event.remove(database.engine, "before_cursor_execute", note)


def _events(app, action: str) -> int:
    with app.app_context():
        count = len(database.session.scalars(select(AuditEvent.id).where(AuditEvent.action == action)).all())
        database.session.remove()
        return count


def test_a_page_that_only_reads_opens_no_transaction(pg_app):
    app, seen = pg_app
    assert app.test_client().get("/t/read").status_code == 200
    assert seen == [("SELECT", False), ("SELECT", False)]


def test_a_get_that_writes_begins_before_its_first_write_and_stores_everything_at_the_edge(pg_app):
    app, seen = pg_app
    assert app.test_client().get("/t/write").status_code == 200
    assert seen[0] == ("SELECT", False)  # the read before it runs on its own
    assert all(in_transaction for _, in_transaction in seen[1:])  # the writes and the read between them
    assert _events(app, "test.first") == 1 and _events(app, "test.second") == 1


def test_a_get_that_fails_after_writing_stores_nothing(pg_app):
    app, _seen = pg_app
    response = app.test_client().get("/t/fail")
    assert response.status_code >= 400
    assert _events(app, "test.half") == 0


def test_a_locking_read_runs_in_a_transaction_of_its_own(pg_app):
    app, seen = pg_app
    assert app.test_client().get("/t/lock").status_code == 200
    assert seen == [("SELECT", True)]


def test_requests_that_may_write_begin_as_before(pg_app):
    app, seen = pg_app
    response = app.test_client().post_form("/t/post-read")
    assert response.status_code == 200
    assert seen == [("SELECT", True), ("SELECT", True)]


def test_the_connection_goes_back_to_the_pool_as_it_came(pg_app):
    app, _seen = pg_app
    app.test_client().get("/t/read")
    with app.app_context(), database.engine.connect() as conn:
        driver = conn.connection.dbapi_connection
        assert driver.autocommit is False
        conn.execute(text("SELECT 1"))
        assert driver.info.transaction_status != 0  # a transaction, as always outside requests


def test_a_get_that_writes_on_an_autocommit_connection_of_its_own_keeps_the_row(pg_app):
    app, _seen = pg_app
    assert app.test_client().get("/t/own").status_code == 200
    assert _events(app, "test.own") == 1
