"""A forgotten password: a link by e-mail sets a new one, once, within its time; the page never
tells whether an address has an account; imported people without a password get in this way."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.accounts.test_registration_and_login import outbox_to
from tests.conftest import PASSWORD, login, text_of

NEW = "another-long-passphrase-42"


def reset_links(message) -> list[str]:
    return re.findall(r"http://community\.test(/password/reset/\S+)", message.body_text)


def ask(client, email):
    return client.post_form("/password/forgot", {"email": email})


def test_a_forgotten_password_is_set_anew_from_the_link_once_and_old_logins_end(app, client, db, create_user):
    user = create_user(email="fay@example.com", name="Fay Forgetful")
    elsewhere = app.test_client()
    assert login(elsewhere, user).status_code == 302
    assert "Forgot your password?" in text_of(client.get("/login"))
    known, unknown = ask(client, "Fay@Example.com"), ask(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert text_of(known) == text_of(unknown) and "Check your inbox" in text_of(known)
    assert outbox_to(db, "nobody@example.com") == []
    [message] = outbox_to(db, "fay@example.com")
    assert message.kind == "password_reset"
    [path] = reset_links(message)
    page = client.get(path)
    assert page.status_code == 200 and "fay@example.com" in text_of(page)
    weak = client.post_form(path, {"password": "short", "confirm": "short"})
    assert weak.status_code == 200 and "at least" in text_of(weak)
    assert client.post_form(path, {"password": NEW, "confirm": NEW}).status_code == 302
    assert "Hello, Fay Forgetful" in text_of(client.get("/"))
    assert elsewhere.get("/settings").status_code == 302  # the other browser's login ended
    assert app.test_client().post_form("/login", {"email": "fay@example.com", "password": NEW}).status_code == 302
    assert app.test_client().post_form("/login", {"email": "fay@example.com", "password": PASSWORD}).status_code != 302
    used = app.test_client().get(path)  # the link worked once
    assert used.status_code == 404 and "expired or was used" in text_of(used)
    from community.audit.models import AuditEvent

    db.session.expire_all()
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.subject_id == user.id,
                                                             AuditEvent.action == "user.password_reset"))


def test_an_imported_person_without_a_password_learns_how_to_get_one(client, db, create_user):
    from community.accounts.models import User

    imported = create_user(email="ian@example.com", name="Ian Imported")
    db.session.execute(User.__table__.update().where(User.id == imported.id).values(password_hash=None))
    db.session.commit()
    client.post_form("/register", {"email": "ian@example.com"})  # "I have no account yet"
    [message] = outbox_to(db, "ian@example.com")
    assert message.kind == "account_exists" and "never had one" in message.body_text
    [path] = reset_links(message)
    assert client.post_form(path, {"password": NEW, "confirm": NEW}).status_code == 302
    assert "Hello, Ian Imported" in text_of(client.get("/"))


def test_no_link_for_a_deactivated_or_erased_account_nor_a_forged_or_expired_one(app, client, db, create_user, monkeypatch):
    create_user(email="dee@example.com", active=False)
    ask(client, "dee@example.com")
    assert outbox_to(db, "dee@example.com") == []
    assert client.get("/password/reset/not-a-token").status_code == 404
    create_user(email="eve@example.com")
    ask(client, "eve@example.com")
    [path] = reset_links(outbox_to(db, "eve@example.com")[0])
    app.config["REGISTRATION_LINK_MAX_AGE"] = -1
    assert client.get(path).status_code == 404


def test_a_bad_address_is_refused_at_the_field(client):
    page = ask(client, "not an address")
    assert page.status_code == 200 and "valid e-mail address" in text_of(page)
