"""Fixtures: a fresh app and empty tables per test, a CSRF-aware client, factories.

The schema is built once per run from the models (tests/test_migrations.py checks that the
Alembic migrations build the same schema); after every test all rows are deleted. Set TEST_DATABASE_URL to run
against PostgreSQL; each pytest-xdist worker gets its own database.
"""

from __future__ import annotations

import contextvars
import itertools
import os
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, inspect, text

from community import create_app
from community.config import _normalise_database_url, config_for_tests

PASSWORD = "correct horse battery staple"


def pytest_configure(config):
    """Compile the German catalog when it is missing or older than its source (plain `pytest`
    then works as well as `make test`)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent / "community/translations"
    for po in root.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with open(po, "rb") as src:
                catalog = read_po(src)
            tmp = mo.with_name(f"messages.mo.{os.getpid()}")
            with open(tmp, "wb") as dst:
                write_mo(dst, catalog)
            os.replace(tmp, mo)  # atomic: xdist workers may compile at the same moment


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _database_url(tmp_root: Path, suffix: str = "") -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_root / f'test-{_worker()}{suffix}.sqlite3'}"
    base = _normalise_database_url(base)
    if _worker() == "main" and not suffix:
        return base
    # One database per xdist worker (and per purpose), created on first use.
    name = base.rsplit("/", 1)[1].split("?")[0] + ("" if _worker() == "main" else "_" + _worker()) + suffix
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


def _reset_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


def build_schema(url: str, *, migrations: bool) -> None:
    """Create the schema in an empty database: from the models (fast, what the suite uses) or
    by running the Alembic migrations (what tests/test_migrations.py checks against the models)."""
    from flask_migrate import upgrade

    from community.database import SCHEMA_EXTRAS
    from community.extensions import db

    _reset_schema(url)
    app = create_app(config_for_tests(url))
    with app.app_context():
        if migrations:
            upgrade()
        else:
            db.create_all()
            with db.engine.begin() as conn:
                for install in SCHEMA_EXTRAS:
                    install(conn)
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = _database_url(tmp_path_factory.getbasetemp())
    build_schema(url, migrations=False)
    return url


def _clear_tables(app) -> None:
    from community.extensions import db

    with app.app_context():
        engine = db.engine
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with engine.begin() as conn:
            existing = set(inspect(conn).get_table_names())
            if engine.dialect.name == "postgresql":
                _clear_postgresql(conn, [t for t in tables if t in existing])
            else:
                for table in tables:
                    if table in existing:
                        conn.execute(text(f'DELETE FROM "{table}"'))
        _clear_extra(engine)
        db.session.remove()
        engine.dispose()


def _clear_postgresql(conn, tables: list[str]) -> None:
    """Empty the tables a test wrote to and start every used sequence at 1 again, as
    `TRUNCATE … RESTART IDENTITY` of all tables would. TRUNCATE makes new files for every table
    it names (0.15 s per test for the whole schema on a quiet machine, 0.9 s under load; the
    PostgreSQL suite took more than twice as long with it);
    a test leaves a few rows in a handful of tables, and DELETE of a few rows is a matter of
    milliseconds. Children go before parents (the metadata's order reversed).

    TRUNCATE as before where a table holds many rows (a scale test: deleting them row by row,
    with every foreign key checked, would take minutes) or has planner statistics (a test or
    autovacuum ran ANALYZE; TRUNCATE forgets them, and tests of the planner start from tables
    never analysed)."""
    if not tables:
        return
    probe = " UNION ALL ".join(
        f"SELECT '{t}', EXISTS (SELECT 1 FROM \"{t}\" OFFSET {_DELETE_AT_MOST}) WHERE EXISTS (SELECT 1 FROM \"{t}\")"
        for t in tables)
    filled = dict(conn.execute(text(probe)).all())
    analysed = conn.execute(text(
        "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.reltuples >= 0)")).scalar()
    if analysed or any(filled.values()):
        names = ", ".join(f'"{t}"' for t in tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        return
    for table in tables:
        if table in filled:
            conn.execute(text(f'DELETE FROM "{table}"'))
    conn.execute(text(
        "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
        "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"))


_DELETE_AT_MOST = 500


def _clear_extra(engine) -> None:
    """Search indexes live outside the ORM metadata (FTS5 tables); clear them too."""
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        for (name,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")):
            conn.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def app(database_url, app_config):
    app = create_app({**config_for_tests(database_url), **app_config})
    app.test_client_class = CSRFClient
    yield app
    _clear_tables(app)


@pytest.fixture
def db(app):
    """The test's own session for arranging and inspecting data.

    Requests and factories run in contexts of their own (see `isolated`), like separate
    processes would; this session commits before each of them and ends its snapshot after,
    so it sees what they did. Its SQLite transactions begin deferred so that merely looking
    never blocks a request that writes.
    """
    from flask import g

    from community.extensions import db as database

    with app.app_context():
        g.sqlite_deferred_begin = True
        yield database
        database.session.remove()


def isolated(app, fn, *args, **kwargs):
    """Run fn outside any app context the test holds; commit that context's session around it."""
    from flask.globals import _cv_app

    from community.extensions import db as database

    held = _cv_app.get(None)
    if held is None or held.app is not app:
        return fn(*args, **kwargs)
    database.session.commit()
    try:
        return contextvars.Context().run(fn, *args, **kwargs)
    finally:
        database.session.commit()


class CSRFClient(FlaskClient):
    """A browser-like client: `post_form` fills in the CSRF token like a rendered form would."""

    def open(self, *args, **kwargs):
        return isolated(self.application, super().open, *args, **kwargs)

    def csrf_token(self) -> str:
        app = self.application
        with isolated(app, self.session_transaction) as sess:
            if "csrf_token" not in sess:
                sess["csrf_token"] = os.urandom(20).hex()
            raw = sess["csrf_token"]
        return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)

    def send_json(self, method: str, url: str, json=None, token: str | None = None, **kwargs):
        """JSON API call: with a bearer token, or with the cookie session plus CSRF header."""
        headers = dict(kwargs.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif method.upper() not in {"GET", "HEAD"}:
            headers["X-CSRFToken"] = self.csrf_token()
        return self.open(url, method=method.upper(), json=json, headers=headers, **kwargs)


@pytest.fixture
def client(app) -> CSRFClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_seq = itertools.count(1)


@pytest.fixture
def create_user(app):
    """Factory: create_user(roles=("mentor",), name=..., **fields) -> committed User."""
    from community.accounts import services
    from community.extensions import db

    def make(roles=("staff",), name: str | None = None, email: str | None = None, password: str = PASSWORD, **fields):
        return isolated(app, _make, roles, name, email, password, **fields)

    def _make(roles, name, email, password, **fields):
        n = next(_seq)
        with app.app_context():
            user = services.create_user(
                email=email or f"person{n}@example.com",
                name=name or f"Person {n}",
                password=password,
                roles=roles,
                check_password=False,
                **{k: v for k, v in fields.items() if k in {"department", "location", "languages", "timezone", "locale"}},
            )
            for key, value in fields.items():
                if key not in {"department", "location", "languages", "timezone", "locale"}:
                    setattr(user, key, value)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


def login(client: CSRFClient, user_or_email, password: str = PASSWORD, follow_redirects: bool = False):
    email = getattr(user_or_email, "email", user_or_email)
    return client.post_form("/login", {"email": email, "password": password}, follow_redirects=follow_redirects)


@pytest.fixture
def login_as(client):
    def do(user, password: str = PASSWORD):
        response = login(client, user, password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do


@pytest.fixture
def api_token(app):
    """Factory: api_token(user) -> plain bearer token."""
    from community.accounts import services
    from community.extensions import db

    def make(user) -> str:
        return isolated(app, _make, user)

    def _make(user) -> str:
        with app.app_context():
            owner = db.session.get(type(user), user.id)
            _token, plain = services.create_api_token(owner, f"test {next(_seq)}")
            db.session.commit()
            return plain

    return make


def text_of(response) -> str:
    """Visible text of an HTML response, tags removed, whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = html.replace("<wbr>", "")  # a place a line may wrap, not a space
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
