"""The admins' outbox does not open what only its participants see: a question's text, a
session's details; and an erased person's name leaves the messages sent to others."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from tests.conftest import text_of
from tests.profiles.test_questions import TEAMS, _ask, _browser


@pytest.fixture
def pair(create_user, give_tags, taxonomy):
    expert = create_user(name="Erik Expert", roles=("mentor",))
    give_tags(expert, {TEAMS: "expert"})
    return create_user(name="Asking Colleague"), expert


def _outbox_rows(db):
    from community.outreach.models import OutgoingMessage

    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingMessage).order_by(OutgoingMessage.id)))


def test_an_administrator_sees_that_a_question_was_mailed_but_not_what_it_asks(client, pair, create_user, login_as, db):
    asker, expert = pair
    _ask(_browser(client, asker), expert, message="SECRET-QUESTION about our merger")
    rows = [m for m in _outbox_rows(db) if m.recipient == expert.email]
    assert rows and "SECRET-QUESTION" in rows[0].body_text  # the recipient's e-mail is complete
    login_as(create_user(roles=("admin",)))
    listing = client.get("/admin/outbox").get_data(as_text=True).replace("<wbr>", "")  # (where an address may wrap)
    assert expert.email in listing and "About a question: private to its participants" in listing
    assert "Asking Colleague" not in listing
    detail = client.get(f"/admin/outbox/{rows[0].id}")
    assert detail.status_code == 200
    text = text_of(detail)
    assert "SECRET-QUESTION" not in text and "Asking Colleague" not in text
    assert "Only its recipient reads this message." in text


def test_erasing_the_asker_removes_their_name_from_the_e_mail_kept_for_the_contact(client, pair, create_user, login_as, db):
    asker, expert = pair
    _ask(_browser(client, asker), expert, message="How do I share a channel?")
    assert any("Asking Colleague" in (m.subject + m.body_text) for m in _outbox_rows(db) if m.recipient == expert.email)
    login_as(create_user(roles=("admin",)))
    assert client.post_form(f"/admin/users/{asker.id}/erase", {"confirm": "y"}).status_code == 302
    for message in _outbox_rows(db):
        assert "Asking Colleague" not in message.subject + message.body_text + (message.body_html or "")
        assert asker.email not in message.subject + message.body_text + message.recipient


def test_erasure_leaves_a_namesakes_mail_and_a_longer_handle_alone_and_nothing_of_theirs_can_be_sent_again(
        app, client, create_user, login_as, db):
    from community.outreach.models import OutgoingMessage
    from tests.conftest import isolated

    leaver = create_user(name="Jürgen Schneider", email="j.schneider@example.com", handle="uwe.vogel")
    namesake = create_user(name="Jürgen Schneider", email="juergen.schneider@example.com", handle="uwe.vogel2")
    other = create_user(name="Olga Other")

    def arrange():
        from community.extensions import db as database

        with app.app_context():
            database.session.add_all([
                OutgoingMessage(key="k:namesake", recipient=namesake.email, user_id=namesake.id, kind="discussion_reply",
                                subject="New reply", body_text="Hello Jürgen Schneider, @uwe.vogel2 replied.", status="queued"),
                OutgoingMessage(key="k:failed", recipient=other.email, user_id=other.id, kind="discussion_mention",
                                subject="Mention", body_text="Hello Olga, @uwe.vogel mentioned you.", status="failed"),
                OutgoingMessage(key="k:sent", recipient=other.email, user_id=other.id, kind="discussion_mention",
                                subject="Mention", body_text="Write to j.schneider@example.com.", status="sent"),
            ])
            database.session.commit()

    isolated(app, arrange)
    login_as(create_user(roles=("admin",)))
    assert client.post_form(f"/admin/users/{leaver.id}/erase", {"confirm": "y"}).status_code == 302
    by_key = {m.key: m for m in _outbox_rows(db)}
    assert by_key["k:namesake"].body_text == "Hello Jürgen Schneider, @uwe.vogel2 replied."  # still to be sent, whole
    assert by_key["k:namesake"].status == "queued"
    assert "k:failed" not in by_key  # undelivered: gone, so "Send again" cannot deliver it
    assert by_key["k:sent"].body_text == "" and by_key["k:sent"].status == "sent"  # the sent-log keeps its place


def test_a_delivered_new_password_link_is_not_readable_in_the_outbox(app, client, create_user, login_as, db):
    """With a mail server the link is the recipient's alone: an administrator reading it could take
    the account over. Without one (development) the outbox is where it is read."""
    create_user(email="fay@example.com", name="Fay Forgetful")
    client.post_form("/password/forgot", {"email": "fay@example.com"})
    [message] = [m for m in _outbox_rows(db) if m.kind == "password_reset"]
    login_as(create_user(roles=("admin",)))
    assert "/password/reset/" in client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)  # status "outbox"
    from community.outreach.models import OutgoingMessage
    from tests.conftest import isolated

    def delivered():
        from community.extensions import db as database

        with app.app_context():
            database.session.execute(OutgoingMessage.__table__.update().values(status="sent"))
            database.session.commit()

    isolated(app, delivered)
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "/password/reset/" not in page and "Holds a personal sign-in link" in page


@pytest.mark.parametrize(("kind", "label"), [
    ("fading_checkin", "A personal message: private to its recipient"),  # not who was found fading
    ("weekly_briefing", "A change manager's briefing: private to its recipient"),
    ("mentorship_requested", "About a mentorship: private to its participants and the change managers"),
    ("handover_needed", "About a mentorship: private to its participants and the change managers"),
    ("reminder_request", "About a mentorship: private to its participants and the change managers"),
    ("nomination_received", "About a nomination or ambassadorship: private to the people it concerns"),
    ("circle_post", "About a learning circle: private to its members"),
])
def test_check_ins_briefings_mentorships_nominations_and_circles_are_their_recipients_alone(
        kind, label, client, create_user, login_as, db):
    """The outbox showed a mentor's check-in ("you have not held a session for a while") and a
    change manager's briefing naming fading mentors to every administrator, word for word."""
    from community.outreach.models import OutgoingMessage

    message = OutgoingMessage(key=f"private-{kind}", recipient="mira@example.com", kind=kind, subject="SECRET subject",
                              body_text="SECRET text", status="outbox", headers={"X-Secret": "SECRET header"})
    db.session.add(message)
    db.session.commit()
    login_as(create_user(roles=("admin",)))
    listing = html.unescape(text_of(client.get("/admin/outbox")))
    assert "mira@example.com" in listing and label in listing and "SECRET" not in listing
    detail = html.unescape(text_of(client.get(f"/admin/outbox/{message.id}")))
    assert label in detail and "SECRET" not in detail and "Only its recipient reads this message." in detail
    assert "check-in" not in listing.lower() and "fading" not in listing.lower()  # nor who was found fading


def test_a_community_reply_stays_readable_in_the_outbox(client, create_user, login_as, db):
    from community.outreach.models import OutgoingMessage

    message = OutgoingMessage(key="reply-1", recipient="rex@example.com", kind="reply", subject="New reply in Tips",
                              body_text="Rex replied: use channels.", status="outbox")
    db.session.add(message)
    db.session.commit()
    login_as(create_user(roles=("admin",)))
    assert "Rex replied: use channels." in text_of(client.get(f"/admin/outbox/{message.id}"))


def test_an_administrator_reads_their_own_private_message_in_full_and_only_they(client, create_user, login_as, db):
    """The outbox hid an administrator's own session reminder from them as from everybody else."""
    from community.outreach.models import OutgoingMessage

    own, other = create_user(roles=("admin",)), create_user(roles=("admin",))
    message = OutgoingMessage(key="own-reminder", recipient=own.email, user_id=own.id, kind="reminder_session",
                              subject="Your session tomorrow", body_text="With Mira at 10:00.", status="outbox")
    db.session.add(message)
    db.session.commit()
    login_as(own)
    assert "Your session tomorrow" in text_of(client.get("/admin/outbox"))
    assert "With Mira at 10:00." in text_of(client.get(f"/admin/outbox/{message.id}"))
    client.post_form("/logout")
    login_as(other)
    detail = text_of(client.get(f"/admin/outbox/{message.id}"))
    assert "With Mira" not in detail and "About a mentoring session: private to its participants" in detail
    assert "Your session tomorrow" not in text_of(client.get("/admin/outbox"))
