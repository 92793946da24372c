"""Erasure and the outbox: e-mails kept for others that were made from the erased person's
notifications or name them (digests, reminders, briefings) lose them; a namesake's stay whole."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import isolated

REMOVED = "Removed: it named a person whose account was erased"


@pytest.fixture
def town(app, create_user):
    app.config["DIGEST_HOUR"] = 0  # any hour of the day will do
    names = ("Frieda Vogel", "Frieda Vogel", "Olga Other", "Paul Plain", "Nina Namesake", "Quinn Quick", "Rita Read",
             "Carl Colleague")
    people = [create_user(roles=("mentor",), name=name) for name in names]
    return dict(zip(("leaver", "namesake", "olga", "paul", "nina", "quinn", "rita", "carl"), people, strict=True))


def _notify(app, *calls):
    def arrange():
        from community import tasks
        from community.extensions import db
        from community.notifications.services import notify

        with app.test_request_context():
            for user, kind, params in calls:
                notify(user.id, kind, link="/circles/1", **params)
            db.session.commit()
            tasks.dispatch_ready()  # the e-mails wanted at once

    isolated(app, arrange)


def _run(app, task: str, minutes: int = 1):
    def run():
        from community import tasks
        from community.database import utcnow

        with app.app_context():
            assert tasks.run_now(task, utcnow() + timedelta(minutes=minutes))

    isolated(app, run)


def _mails(db, user, kind: str | None = None):
    from community.outreach.models import OutgoingMessage

    db.session.expire_all()
    stmt = select(OutgoingMessage).where(OutgoingMessage.user_id == user.id).order_by(OutgoingMessage.id)
    return [m for m in db.session.scalars(stmt) if kind is None or m.kind == kind]


def _set_status(app, message_id: int, status: str):
    def change():
        from community.extensions import db
        from community.outreach.models import OutgoingMessage

        with app.app_context():
            db.session.get(OutgoingMessage, message_id).status = status
            db.session.commit()

    isolated(app, change)


def _erase(client, login_as, create_user, person):
    login_as(create_user(roles=("admin",)))
    assert client.post_form(f"/admin/users/{person.id}/erase", {"confirm": "y"}).status_code == 302


def test_erasure_takes_the_person_out_of_digests_and_reminders_kept_for_others_but_not_a_namesakes(
        app, client, db, login_as, create_user, town):
    leaver, t = town["leaver"], town
    _notify(app,
            (t["olga"], "circle_accepted", {"actor": leaver, "circle": "Quiet circle"}),
            (t["olga"], "circle_post", {"actor": t["carl"], "circle": "Quiet circle"}),
            (t["paul"], "circle_accepted", {"actor": leaver, "circle": "Quiet circle"}),
            (t["nina"], "circle_accepted", {"actor": t["namesake"], "circle": "Loud circle"}),
            # Named in a reminder someone else's notification made (no actor: a parameter).
            (t["quinn"], "reminder_request", {"executive": leaver, "days": 4}),
            (t["rita"], "reminder_request", {"executive": leaver, "days": 5}))
    _run(app, "outreach.daily_digests")
    [olga_digest] = _mails(db, t["olga"], "daily_digest")
    [paul_digest] = _mails(db, t["paul"], "daily_digest")
    [nina_digest] = _mails(db, t["nina"], "daily_digest")
    [quinn_reminder] = _mails(db, t["quinn"], "reminder_request")
    [rita_reminder] = _mails(db, t["rita"], "reminder_request")
    for mail in (olga_digest, paul_digest, nina_digest, quinn_reminder, rita_reminder):
        assert "Frieda Vogel" in mail.body_text + mail.subject
    _set_status(app, olga_digest.id, "queued")  # the mail server was down: not delivered yet
    _set_status(app, quinn_reminder.id, "queued")
    for delivered in (paul_digest, nina_digest, rita_reminder):
        _set_status(app, delivered.id, "sent")

    _erase(client, login_as, create_user, leaver)

    # Delivered: their place in the sent-log stays, not their text.
    for person in ("paul", "rita"):
        [mail] = _mails(db, t[person])
        assert mail.subject == REMOVED and mail.body_text == "" and mail.body_html is None
    # Not delivered: never delivered; the digest is made again without the erased person.
    assert _mails(db, t["quinn"]) == []
    assert _mails(db, t["olga"]) == []
    _run(app, "outreach.daily_digests", minutes=2)
    [again] = _mails(db, t["olga"], "daily_digest")
    assert "Frieda" not in again.subject + again.body_text + (again.body_html or "")
    assert "Carl Colleague wrote in the circle Quiet circle" in again.body_text
    assert "Former member joined the circle Quiet circle" in again.body_text
    # The namesake's digest is theirs: whole.
    [kept] = _mails(db, t["nina"])
    assert kept.subject == nina_digest.subject and "Frieda Vogel joined the circle Loud circle" in kept.body_text


def test_erasure_finds_digests_made_before_the_outbox_kept_whom_they_name(app, client, db, login_as, create_user, town):
    """A digest made before the outbox recorded the people it names is recognised by a
    notification about the erased person in the digest's own period and their name in its text."""
    leaver, t = town["leaver"], town
    _notify(app,
            (t["paul"], "circle_accepted", {"actor": leaver, "circle": "Quiet circle"}),
            (t["nina"], "circle_accepted", {"actor": t["namesake"], "circle": "Loud circle"}))
    _run(app, "outreach.daily_digests")

    def forget_whom_they_name():
        from sqlalchemy import update

        from community.extensions import db as database
        from community.outreach.models import OutgoingMessage

        with app.app_context():
            database.session.execute(update(OutgoingMessage).values(named_ids=None, status="sent"))
            database.session.commit()

    isolated(app, forget_whom_they_name)
    _erase(client, login_as, create_user, leaver)
    [paul_digest] = _mails(db, t["paul"])
    assert paul_digest.subject == REMOVED and paul_digest.body_text == ""
    [nina_digest] = _mails(db, t["nina"])
    assert "Frieda Vogel joined the circle Loud circle" in nina_digest.body_text


def test_erasure_takes_a_nominee_out_of_the_weekly_briefing(app, client, db, login_as, create_user, town):
    from community.database import utcnow

    manager = create_user(roles=("change_manager",), name="Mara Manager")
    nominee = town["leaver"]

    def arrange():
        from community.ambassadors import services as ambassadors
        from community.extensions import db as database

        with app.test_request_context():
            from community.accounts.models import User

            ambassadors.nominate(database.session.get(User, town["carl"].id), nominee.id, "Helps everyone with Teams.")
            database.session.commit()

    isolated(app, arrange)
    now = utcnow()
    monday = now + timedelta(days=(7 - now.weekday()) % 7)

    def run():
        from community import tasks

        with app.app_context():
            assert tasks.run_now("outreach.weekly_briefing", monday.replace(hour=10, minute=0))

    isolated(app, run)
    [briefing] = _mails(db, manager, "weekly_briefing")
    assert "Frieda Vogel" in briefing.body_text
    _set_status(app, briefing.id, "sent")
    _erase(client, login_as, create_user, nominee)
    [briefing] = _mails(db, manager, "weekly_briefing")
    assert briefing.subject == REMOVED and "Frieda" not in briefing.body_text
