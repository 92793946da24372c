"""PostgreSQL connections that die while pooled (a server restart, a firewall's idle timeout).

The pool asks the server whether a connection still lives only when it rested for
DB_PING_AFTER_IDLE_SECONDS; a connection given back a moment ago is used without that round
trip. Either way nobody sees a 500: a rested dead connection is replaced before use, and one
that died within the rest period costs its request a 503 with Retry-After, after which the
whole pool connects anew."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from community import create_app
from community.config import config_for_tests
from community.extensions import db


@pytest.fixture
def pg_url(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL connections")
    return database_url


def _app(url: str, seconds: float):
    return create_app({**config_for_tests(url), "DB_PING_AFTER_IDLE_SECONDS": seconds})


def _pooled_backend(app) -> int:
    """Use one connection of the app's pool, give it back, and say which server process it is."""
    with app.app_context():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        db.session.commit()
        db.session.remove()
    return pid


def _kill(url: str, pid: int) -> None:
    from community.config import _normalise_database_url

    other = create_engine(_normalise_database_url(url))
    with other.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
        for _ in range(100):  # the server ends the process a moment later
            if not conn.execute(text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}).first():
                break
            time.sleep(0.02)
    other.dispose()


def test_a_connection_that_died_while_resting_is_replaced_before_a_request_uses_it(pg_url):
    app = _app(pg_url, 0.05)
    pid = _pooled_backend(app)
    _kill(pg_url, pid)
    time.sleep(0.1)  # longer than the rest that asks first

    response = app.test_client().get("/healthz")

    assert response.status_code == 200
    assert _pooled_backend(app) != pid  # a new server process
    with app.app_context():
        db.engine.dispose()


def test_a_connection_given_back_a_moment_ago_is_used_without_asking_the_server(pg_url):
    app = _app(pg_url, 60)
    pid = _pooled_backend(app)
    with app.app_context():
        pings = []
        dialect = db.engine.dialect
        original = dialect.do_ping
        dialect.do_ping = lambda conn: pings.append(conn) or original(conn)  # type: ignore[method-assign]
        try:
            assert _pooled_backend(app) == pid  # the same connection, reused
        finally:
            del dialect.do_ping
        assert pings == []
        db.engine.dispose()


def test_a_connection_that_died_within_the_rest_period_costs_one_503_then_the_pool_connects_anew(pg_url):
    app = _app(pg_url, 60)
    pid = _pooled_backend(app)
    _kill(pg_url, pid)
    client = app.test_client()

    failed = client.get("/healthz")
    assert failed.status_code == 503
    assert failed.headers["Retry-After"]

    assert client.get("/healthz").status_code == 200
    assert _pooled_backend(app) != pid
    with app.app_context():
        db.engine.dispose()


def test_with_no_rest_period_every_checkout_asks_the_server(monkeypatch):
    from community.config import _engine_options

    pg_url = "postgresql://db.example/community"
    monkeypatch.setenv("DB_PING_AFTER_IDLE_SECONDS", "0")
    assert _engine_options(pg_url)["pool_pre_ping"] is True
    monkeypatch.setenv("DB_PING_AFTER_IDLE_SECONDS", "1")
    assert "pool_pre_ping" not in _engine_options(pg_url)
    monkeypatch.setenv("DB_PING_AFTER_IDLE_SECONDS", "soon")
    with pytest.raises(ValueError, match="DB_PING_AFTER_IDLE_SECONDS must be a number"):
        _engine_options(pg_url)
