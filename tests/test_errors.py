"""Error pages and JSON errors: right status, no traceback, SQL or connection string, and
recovery without restart when the database comes back."""

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from community import create_app
from community.config import config_for_tests
from tests.conftest import text_of
from tests.faults import CuttableProxy

SECRETS = ("Traceback", "SELECT", "sqlite", "psycopg", "postgresql", "OperationalError", "127.0.0.1")


def assert_nothing_leaks(response):
    body = response.get_data(as_text=True)
    for secret in SECRETS:
        assert secret not in body, secret


def test_unknown_page_gives_html_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "does not exist" in text_of(response)


def test_unknown_api_path_gives_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code in (401, 404)
    assert "error" in response.json


def test_wrong_method_gives_405_with_allow_header(client):
    response = client.delete("/login")
    assert response.status_code in (400, 405)


def test_too_large_body_gives_413(client):
    response = client.post("/login", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in text_of(response)


def test_json_clients_get_json_errors_on_pages(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_unexpected_error_shows_a_polite_500_without_traceback(app, client):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret detail: postgresql://user:pw@db/prod")

    response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert "went wrong on our side" in text_of(response)
    assert "secret detail" not in response.get_data(as_text=True)
    assert_nothing_leaks(response)


def _sqlite_in_missing_directory(tmp_path: Path) -> tuple[str, Path]:
    folder = tmp_path / "later"
    return f"sqlite:///{folder / 'db.sqlite3'}", folder


def test_unreachable_database_gives_503_and_recovers_without_restart(database_url, tmp_path):
    """SQLite: the file's folder is missing, then appears. PostgreSQL: a proxy is cut, then restored."""
    from flask_migrate import upgrade

    if database_url.startswith("sqlite"):
        url, folder = _sqlite_in_missing_directory(tmp_path)
        app = create_app(config_for_tests(url))
        client = app.test_client()
        down_page, down_api = client.get("/healthz"), client.get("/api/v1/me", headers={"Authorization": "Bearer x"})
        folder.mkdir()
        with app.app_context():
            upgrade()
    else:
        target = make_url(database_url)
        proxy = CuttableProxy(target.host or "127.0.0.1", target.port or 5432)
        proxy.start()
        url = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        app = create_app(config_for_tests(url))
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        proxy.cut()
        down_page, down_api = client.get("/healthz"), client.get("/api/v1/me", headers={"Authorization": "Bearer x"})
        proxy.start()

    for response in (down_page, down_api):
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) > 0
        assert_nothing_leaks(response)
    assert down_api.json["error"]["code"] == "unavailable"
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200
    if not database_url.startswith("sqlite"):
        proxy.cut()
    with app.app_context():
        from community.extensions import db

        db.engine.dispose()


def test_unreadable_database_file_gives_503_page(tmp_path):
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(os.urandom(4096))
    app = create_app(config_for_tests(f"sqlite:///{path}"))
    response = app.test_client().get("/login")
    assert response.status_code in (200, 503)  # the login page itself needs no database
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert_nothing_leaks(response)


@pytest.mark.parametrize("path", ["/", "/login", "/api/v1/openapi.json", "/no/such/page"])
def test_every_response_carries_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]


def test_signed_in_pages_are_not_cached(client, login_as, create_user):
    login_as(create_user())
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_a_lock_held_longer_than_the_timeout_gives_503_with_retry_after(database_url, create_user, caplog):
    """Another transaction holds the lock on the person's row; the write gives up politely. The
    log names the driver's error and its code (what went wrong), never the statement."""
    from sqlalchemy import create_engine, text

    from tests.conftest import CSRFClient, login

    user = create_user()
    app = create_app(config_for_tests(database_url, lock_timeout_ms=300))
    app.test_client_class = CSRFClient
    client = app.test_client()
    assert login(client, user).status_code == 302
    if database_url.startswith("sqlite"):
        import sqlite3

        blocker = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        response = client.post_form("/locale", {"locale": "de", "next": "/"})
        blocker.execute("ROLLBACK")
        blocker.close()
    else:
        engine = create_engine(database_url)
        with engine.connect() as conn:
            conn.execute(text("SELECT id FROM users WHERE id = :id FOR UPDATE"), {"id": user.id})
            response = client.post_form("/locale", {"locale": "de", "next": "/"})
            conn.rollback()
        engine.dispose()
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert_nothing_leaks(response)
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("database unavailable")]
    expected = "(OperationalError SQLITE_BUSY)" if database_url.startswith("sqlite") else "(LockNotAvailable 55P03)"
    assert logged and expected in logged[0], logged
    assert "UPDATE" not in logged[0] and "SELECT" not in logged[0]
    assert client.post_form("/locale", {"locale": "de", "next": "/"}).status_code == 302
    with app.app_context():
        from community.extensions import db

        db.engine.dispose()


def test_a_refused_page_says_who_can_give_access(client, login_as, create_user):
    """Staff opening an admin page read "You are not allowed to do this." and nothing on what to do."""
    login_as(create_user(roles=("staff",)))
    refused = client.get("/admin/users")
    assert refused.status_code == 403
    assert "Roles are given by administrators: ask one if your work needs this page." in text_of(refused)
    assert "Roles are given by administrators" not in text_of(client.get("/no-such-page"))
