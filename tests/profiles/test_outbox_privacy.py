"""The admins' outbox does not open what only its participants see: a question's text, a
session's details; and an erased person's name leaves the messages sent to others."""

from __future__ import annotations

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
    listing = client.get("/admin/outbox").get_data(as_text=True)
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
