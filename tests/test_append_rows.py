"""community.database.append_rows: the rows a read leaves behind (its audit events) in one short
write transaction of their own. On SQLite they go straight onto the driver connection, so the
values must come out exactly as a flush would store them. Run on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from community.audit.models import AuditEvent


def _stored(db, action: str) -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action.like(action)).order_by(AuditEvent.id)))


def test_values_defaults_and_json_are_stored_as_a_flush_would(app, db):
    from community.database import append_rows

    table = AuditEvent.__table__
    when = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=UTC)
    with app.app_context():
        append_rows(db.engine, [
            (table, [{"action": "t.one", "actor_id": None, "note": "Zoë – «ü»", "data": {"k": [1, "ä"]}, "created_at": when}]),
            (table, [{"action": "t.two", "subject_type": "thing", "subject_id": 7}, {"action": "t.three", "subject_type": None,
                                                                                     "subject_id": None}]),
        ])
    one, two, three = _stored(db, "t.%")
    assert (one.note, one.data, one.created_at) == ("Zoë – «ü»", {"k": [1, "ä"]}, when)
    assert (two.subject_type, two.subject_id, two.data) == ("thing", 7, None)
    # created_at left out: the column's own default, the time of the write, in UTC
    assert two.created_at.tzinfo is not None and abs((datetime.now(UTC) - two.created_at).total_seconds()) < 60
    assert three.subject_type is None and three.id > two.id > one.id


def test_a_failing_row_leaves_nothing_of_the_batch(app, db):
    from community.database import append_rows

    table = AuditEvent.__table__
    with app.app_context(), pytest.raises(IntegrityError):
        append_rows(db.engine, [
            (table, [{"action": "kept.not", "note": "first"}]),
            (table, [{"action": None, "note": "no action"}]),  # NOT NULL
        ])
    assert _stored(db, "kept.%") == []
    # and the connection is usable again: the next batch is stored
    with app.app_context():
        append_rows(db.engine, [(table, [{"action": "kept.yes"}])])
    assert [e.action for e in _stored(db, "kept.%")] == ["kept.yes"]


def test_a_column_with_neither_value_nor_default_is_refused_before_anything_is_written(app, db):
    from community.database import append_rows
    from community.discussions.models import Post

    with app.app_context(), pytest.raises((ValueError, IntegrityError)):
        append_rows(db.engine, [(Post.__table__, [{"body": "no thread, no author"}])])


def test_rows_of_one_table_are_stored_together_or_not_at_all(app, db):
    """On PostgreSQL one table's rows go in one statement sent in autocommit (no BEGIN and
    COMMIT round trips): a failing row must still leave none of the others."""
    from community.database import append_rows

    table = AuditEvent.__table__
    with app.app_context(), pytest.raises(IntegrityError):
        append_rows(db.engine, [(table, [{"action": "one.kept.not", "note": "first"}, {"action": None, "note": "no action"}])])
    assert _stored(db, "one.%") == []
    with app.app_context():
        append_rows(db.engine, [(table, [{"action": "one.a", "note": "ä", "data": None}, {"action": "one.b", "note": None, "data": {"n": 2}}])])
        append_rows(db.engine, [(table, [{"action": "one.c"}])])
    assert [(e.action, e.note, e.data) for e in _stored(db, "one.%")] == [("one.a", "ä", None), ("one.b", None, {"n": 2}),
                                                                          ("one.c", None, None)]


def test_the_connection_goes_back_to_the_pool_with_transactions_again(app, db):
    """After a write in autocommit the pooled connection is handed out again: a session's
    work on it must still be one transaction that a rollback undoes."""
    from community.database import append_rows

    table = AuditEvent.__table__
    with app.app_context():
        for _ in range(3):  # whichever pooled connection the session gets next was used above
            append_rows(db.engine, [(table, [{"action": "pool.audit"}])])
        db.session.add(AuditEvent(action="pool.rolled-back"))
        db.session.flush()
        db.session.rollback()
    assert [e.action for e in _stored(db, "pool.%")] == ["pool.audit"] * 3
