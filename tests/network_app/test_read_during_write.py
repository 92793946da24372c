"""An audited read (graph export, dashboard) is never refused because another process writes.

On SQLite a read transaction that has read cannot take the write lock later (it fails at once
when another writer holds it or has committed since), so the audit event of a read is written in
a short transaction of its own after the read (community.unit_of_work.write_after_read), which
waits for the lock like any writer. Run on both databases.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from tests.writers import hold_a_write


def _hold_a_write(url: str, started: threading.Event, seconds: float) -> threading.Thread:
    """Another process's write transaction (an audit row), held open for `seconds`."""
    return hold_a_write(url, started, threading.Event(), seconds)


def _exports(db) -> int:
    from community.audit.models import AuditEvent

    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "network.exported"))


def test_a_graph_export_during_a_held_write_waits_and_is_audited(app, client, login_as, small_org, analyst,
                                                                 compute, db):
    compute()
    login_as(analyst)
    before = _exports(db)
    db.session.commit()
    started = threading.Event()
    writer = _hold_a_write(app.config["SQLALCHEMY_DATABASE_URI"], started, 1.0)
    assert started.wait(10)
    response = client.get("/api/v1/network/graph?format=json")
    writer.join(10)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.json["nodes"]
    db.session.commit()
    assert _exports(db) == before + 1


def test_parallel_reads_and_writes_never_answer_503(app, client, login_as, small_org, analyst, compute, db):
    """Two readers export and view the dashboard while writes come and go."""
    compute()
    login_as(analyst)
    db.session.commit()
    statuses: list[int] = []
    stop = threading.Event()

    def writes() -> None:
        while not stop.is_set():
            started = threading.Event()
            _hold_a_write(app.config["SQLALCHEMY_DATABASE_URI"], started, 0.05).join(10)

    def reads(url: str) -> None:
        reader = app.test_client()
        with reader.session_transaction() as sess, client.session_transaction() as mine:
            sess.update(dict(mine))
        for _ in range(6):
            statuses.append(reader.get(url).status_code)

    writer = threading.Thread(target=writes, daemon=True)
    writer.start()
    readers = [threading.Thread(target=reads, args=(url,)) for url in
               ("/api/v1/network/graph?format=json", "/api/v1/network/graph?format=graphml", "/network")]
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join(60)
    stop.set()
    writer.join(10)
    assert statuses and set(statuses) == {200}, statuses
