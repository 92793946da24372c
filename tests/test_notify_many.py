"""notifications.services.notify_many: one notification per person in one statement (on
PostgreSQL `INSERT … SELECT unnest(…)`, elsewhere an executemany); the rows are the same on
both databases, and only the notifications of people who may want an e-mail go to the e-mail
task. Run on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from community.notifications.models import Notification


def _rows(db) -> list[Notification]:
    db.session.rollback()
    return list(db.session.scalars(select(Notification).order_by(Notification.user_id)))


def test_everyone_but_the_actor_gets_the_same_row(app, db, create_user, monkeypatch):
    from community import tasks
    from community.notifications.services import notify_many

    people = [create_user() for _ in range(4)]
    actor = people[0]
    sent: list[tuple] = []
    monkeypatch.setattr(tasks, "enqueue", lambda name, *args: sent.append((name, *args)))
    with app.test_request_context("/"):
        told = notify_many([p.id for p in people], "discussion_reply", actor=db.session.get(type(actor), actor.id),
                           link="/threads/7#post-9", emailed=frozenset(), thread="Zoë's «thread»")
        db.session.commit()
    assert told == 3
    rows = _rows(db)
    assert [r.user_id for r in rows] == sorted(p.id for p in people[1:])
    assert {(r.kind, r.actor_id, r.link, r.read_at) for r in rows} == {("discussion_reply", actor.id, "/threads/7#post-9", None)}
    assert all(r.params == {"thread": "Zoë's «thread»"} for r in rows)
    assert len({r.created_at for r in rows}) == 1
    (when,) = {r.created_at for r in rows}
    assert when.tzinfo is not None and abs((datetime.now(UTC) - when).total_seconds()) < 60
    assert sent == []  # nobody chose e-mail at once


def test_only_those_who_may_want_an_email_go_to_the_email_task(app, db, create_user, monkeypatch):
    from community import tasks
    from community.notifications.services import notify_many

    a, b, c = (create_user() for _ in range(3))
    sent: list[tuple] = []
    monkeypatch.setattr(tasks, "enqueue", lambda name, *args: sent.append((name, *args)))
    with app.test_request_context("/"):
        assert notify_many([a.id, b.id, c.id], "discussion_reply", emailed=frozenset({b.id}), thread="T") == 3
        assert notify_many([], "discussion_reply", thread="T") == 0
        db.session.commit()
    by_user = {r.user_id: r.id for r in _rows(db)}
    assert sent == [("outreach.notification_emails", [by_user[b.id]])]
    sent.clear()
    with app.test_request_context("/"):
        notify_many([a.id, c.id], "discussion_reply", emailed=None, thread="T")  # unknown: every one is looked at
        db.session.commit()
    ((name, ids),) = sent
    assert name == "outreach.notification_emails" and len(ids) == 2
