"""A dashboard view whose audit event cannot be written within the lock timeout (another writer
holds SQLite's write lock longer) is not shown as if it had been recorded: it answers 503 with
Retry-After, and once the lock is free the next view is shown and recorded. SQLite only: on
PostgreSQL inserts do not wait for each other."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from community.config import _engine_options
from tests.writers import hold_a_write


@pytest.fixture
def app_config(database_url):
    return {"SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url, lock_timeout_ms=300)}


def _views(db) -> int:
    from community.audit.models import AuditEvent

    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "network.viewed"))


def test_a_view_that_cannot_be_recorded_answers_503_and_the_next_one_is_recorded(app, client, login_as, small_org,
                                                                              analyst, compute, db):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        pytest.skip("PostgreSQL inserts never wait for each other")
    compute()
    login_as(analyst)
    assert client.get("/network").status_code == 200  # warm: the page itself comes from the cache
    before = _views(db)
    held, done = threading.Event(), threading.Event()
    writer = hold_a_write(url, held, done)
    assert held.wait(10)
    started = time.monotonic()
    refused = client.get("/network")
    waited = time.monotonic() - started
    done.set()
    writer.join(10)
    assert refused.status_code == 503 and refused.headers["Retry-After"]
    assert waited < 5  # the lock timeout (0.3 s), not the held write, decided
    assert _views(db) == before
    shown = client.get("/network")
    assert shown.status_code == 200
    assert _views(db) == before + 1
