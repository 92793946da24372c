"""Another process's write transaction, held open while a test looks at what the app does
meanwhile. That process is the product too (another gunicorn worker, a CLI command): on SQLite
its writers take turns with the others (community.database.WriterTurn)."""

from __future__ import annotations

import threading

from sqlalchemy import create_engine, text


def hold_a_write(url: str, held: threading.Event, release: threading.Event, seconds: float = 10.0) -> threading.Thread:
    """A thread that inserts an audit row and keeps its transaction open until `release` is set
    (at most `seconds`); `held` is set once the write lock is taken (or the attempt failed)."""
    from community.database import install_sqlite_transactions

    def hold() -> None:
        engine = create_engine(url)
        install_sqlite_transactions(engine, 5.0)
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO audit_events (created_at, action) VALUES (CURRENT_TIMESTAMP, 'held.write')"))
                held.set()
                release.wait(seconds)
        finally:
            held.set()
            engine.dispose()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    return thread
