"""Registration, login, logout and passwords as a person experiences them."""

import re

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, login, text_of


def register(client, **overrides):
    data = {"email": "lea.becker@example.com"}
    data.update(overrides)
    return client.post_form("/register", data)


def outbox_to(db, address):
    from community.outreach.models import OutgoingMessage

    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingMessage).where(OutgoingMessage.recipient == address).order_by(OutgoingMessage.id)))


def link_in(message) -> str:
    found = re.search(r"http://community\.test(/\S+)", message.body_text)
    assert found, message.body_text
    return found.group(1)


def finish(client, path, **overrides):
    data = {"name": "Lea Becker", "password": "a-long-fresh-passphrase", "confirm": "a-long-fresh-passphrase"}
    data.update(overrides)
    return client.post_form(path, data)


def test_newcomer_registers_through_the_link_in_the_email_and_is_signed_in_as_staff(client, db):
    from community.accounts.models import User

    response = register(client)
    assert response.status_code == 200
    assert "Check your inbox" in text_of(response)
    assert db.session.scalar(select(User).where(User.email == "lea.becker@example.com")) is None  # nothing before the link
    [message] = outbox_to(db, "lea.becker@example.com")
    assert message.kind == "registration" and "Finish your registration" in message.subject
    path = link_in(message)
    page = client.get(path)
    assert page.status_code == 200 and "lea.becker@example.com" in text_of(page)
    assert finish(client, path).status_code == 302
    home = client.get("/")
    assert "Hello, Lea Becker" in text_of(home)
    user = db.session.scalar(select(User).where(User.email == "lea.becker@example.com"))
    assert user.roles == ["staff"]
    assert user.password_hash.startswith("pbkdf2:") and "a-long-fresh-passphrase" not in user.password_hash


def test_a_taken_address_gets_the_same_page_and_an_email_with_a_login_link(client, db, create_user):
    create_user(email="taken@example.com", name="Tom Taken")
    new = register(client, email="fresh@example.com")
    taken = register(client, email="Taken@Example.com")
    assert new.status_code == taken.status_code == 200
    assert text_of(new) == text_of(taken)
    assert "exists" not in text_of(taken)
    [message] = outbox_to(db, "taken@example.com")
    assert message.kind == "account_exists" and "account" in message.body_text
    assert link_in(message) == "/login"


def test_a_second_registration_in_a_short_time_sends_no_second_email(client, db):
    register(client)
    again = register(client)
    assert "Check your inbox" in text_of(again)
    assert len(outbox_to(db, "lea.becker@example.com")) == 1


def test_a_used_link_does_not_make_a_second_account(client, db):
    from community.accounts.models import User

    register(client)
    path = link_in(outbox_to(db, "lea.becker@example.com")[0])
    assert finish(client, path).status_code == 302
    client.post_form("/logout", {})
    again = finish(client, path, name="Someone Else")
    assert again.status_code == 200 and "exists already" in text_of(again)
    assert len(list(db.session.scalars(select(User).where(User.email == "lea.becker@example.com")))) == 1


@pytest.mark.parametrize("app_config", [{"REGISTRATION_LINK_MAX_AGE": 3600}])
def test_an_expired_link_is_refused(client, db, monkeypatch):
    import time

    register(client)
    path = link_in(outbox_to(db, "lea.becker@example.com")[0])
    later = time.time() + 2 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    for response in (client.get(path), finish(client, path)):
        assert response.status_code == 404
        assert "not valid or has expired" in text_of(response)


def test_a_forged_or_damaged_link_is_refused(client, db, app):
    from itsdangerous import URLSafeTimedSerializer

    register(client)
    path = link_in(outbox_to(db, "lea.becker@example.com")[0])
    forged = URLSafeTimedSerializer("not-the-secret", salt="accounts.register").dumps({"email": "eve@example.com", "locale": None})
    for bad in (path[:-3] + "abc", "/register/" + forged, "/register/x", "/register/" + "a" * 3000):
        response = client.get(bad)
        assert response.status_code == 404, bad
        assert finish(client, bad).status_code == 404


@pytest.mark.parametrize("app_config", [{"ALLOWED_EMAIL_DOMAINS": ["corp.example"]}])
def test_registration_refuses_addresses_outside_the_company_domains(client, db):
    response = register(client, email="someone@gmail.example")
    assert response.status_code == 200
    assert "corp.example" in text_of(response)
    assert outbox_to(db, "someone@gmail.example") == []
    assert "Check your inbox" in text_of(register(client, email="someone@corp.example"))


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 10 characters"),
        ("password123", "too common"),
        ("qwertzuiop", "too common"),
        ("aaaaaaaaaaaa", "too few different characters"),
        ("leabecker2024", "name or e-mail"),
    ],
)
def test_registration_refuses_weak_passwords_with_a_reason(client, db, password, message):
    register(client)
    path = link_in(outbox_to(db, "lea.becker@example.com")[0])
    response = finish(client, path, password=password, confirm=password)
    assert response.status_code == 200
    assert message in text_of(response)


@pytest.mark.parametrize("app_config", [{"REGISTRATION_OPEN": False}])
def test_closed_registration_is_refused(client):
    response = register(client)
    assert response.status_code == 403


def test_a_form_without_csrf_token_is_refused(client):
    response = client.post("/register", data={"email": "x@example.com"})
    assert response.status_code == 400
    assert "form expired" in text_of(response)


def test_wrong_password_gives_one_message_for_unknown_and_known_accounts(client, create_user):
    user = create_user()
    wrong = login(client, user, "not the password")
    unknown = login(client, "nobody@example.com", "whatever")
    assert wrong.status_code == unknown.status_code == 200
    assert "E-mail or password is not correct" in text_of(wrong)
    assert "E-mail or password is not correct" in text_of(unknown)


def test_deactivated_person_cannot_log_in(client, create_user):
    user = create_user(active=False)
    response = login(client, user)
    assert response.status_code == 200
    assert "not correct, or the account is inactive" in text_of(response)


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "http:/evil", "\t//evil.example"],
)
def test_login_never_redirects_to_another_site(client, create_user, target):
    user = create_user()
    response = client.post_form("/login", {"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_a_local_next_page(client, create_user):
    user = create_user()
    response = client.post_form("/login", {"email": user.email, "password": PASSWORD, "next": "/notifications/?unread=1"})
    assert response.headers["Location"] == "/notifications/?unread=1"


def test_logout_is_post_only(client, login_as, create_user):
    login_as(create_user())
    assert client.get("/logout").status_code == 405


def test_captured_cookie_stops_working_after_logout(app, client, login_as, create_user):
    login_as(create_user())
    stolen = client.get_cookie("community_session").value
    assert client.get("/notifications/").status_code == 200
    client.post_form("/logout")
    thief = app.test_client()
    thief.set_cookie("community_session", stolen)
    response = thief.get("/notifications/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_logs_out_other_browsers_but_not_this_one(app, client, login_as, create_user):
    user = create_user()
    other = app.test_client()
    login(other, user)
    assert other.get("/notifications/").status_code == 200
    login_as(user)
    response = client.post_form(
        "/settings/password",
        {"current_password": PASSWORD, "new_password": "another-good-passphrase", "confirm": "another-good-passphrase"},
    )
    assert response.status_code == 302
    assert client.get("/notifications/").status_code == 200
    assert other.get("/notifications/").status_code == 302
    assert login(app.test_client(), user, "another-good-passphrase").status_code == 302


def test_password_change_needs_the_current_password(client, login_as, create_user):
    login_as(create_user())
    response = client.post_form(
        "/settings/password", {"current_password": "wrong", "new_password": "another-good-passphrase", "confirm": "another-good-passphrase"}
    )
    assert response.status_code == 200
    assert "current password is not correct" in text_of(response)


def test_deactivation_ends_a_running_session(app, client, login_as, create_user, db):
    from community.accounts import services
    from community.accounts.models import User

    admin = create_user(roles=["admin"])
    user = create_user()
    login_as(user)
    assert client.get("/notifications/").status_code == 200
    services.set_active(db.session.get(User, admin.id), db.session.get(User, user.id), False)
    db.session.commit()
    assert client.get("/notifications/").status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, create_user):
    response = login(client, create_user())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_config_marks_cookies_secure(monkeypatch, tmp_path):
    from community.config import default_config

    monkeypatch.setenv("COMMUNITY_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    config = default_config(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"] and config["HSTS_ENABLED"]


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    from community.config import default_config

    monkeypatch.setenv("COMMUNITY_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError):
        default_config(str(tmp_path))


def test_development_secret_is_generated_once_and_reused(monkeypatch, tmp_path):
    from community.config import default_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = default_config(str(tmp_path))["SECRET_KEY"]
    second = default_config(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").read_text().strip() == first


@pytest.mark.parametrize("app_config", [{"LOGIN_RATE_LIMIT": "3 per minute"}])
def test_repeated_login_attempts_are_rate_limited_with_retry_after(client, create_user):
    user = create_user()
    for _ in range(3):
        assert login(client, user, "wrong").status_code == 200
    response = login(client, user, "wrong")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    # The login page again, the e-mail as typed (never the password), and when to try again.
    page = text_of(response)
    assert "Too many log-in attempts. Please try again in " in page and "Too many requests" not in page
    html = response.get_data(as_text=True)
    assert f'value="{user.email}"' in html and 'value="wrong"' not in html
    assert 'name="password"' in html


@pytest.mark.parametrize("app_config", [{"LOGIN_RATE_LIMIT": "3 per minute", "LOGIN_ACCOUNT_RATE_LIMIT": "3 per hour"}])
def test_successful_sign_ins_from_one_address_do_not_use_up_its_login_limit(client, create_user):
    """Colleagues behind one company address (a proxy, NAT) signing in one after another locked
    everyone out for an hour once the address's limit was reached: only attempts that sign nobody
    in count, so wrong passwords are still limited."""
    people = [create_user() for _ in range(5)]
    for person in people:  # five sign-ins from one address, over a limit of three
        response = login(client, person)
        assert response.status_code == 302, response.status_code
        client.post_form("/logout")
    for _ in range(3):
        assert login(client, people[0], "wrong").status_code == 200
    assert login(client, people[1], "wrong").status_code == 429  # the address's three failures
    assert login(client, people[1]).status_code == 429  # and then no one signs in from there for a while


def test_a_login_expires_on_the_server_after_its_lifetime(app, client, login_as, create_user, db):
    """A cookie kept beyond PERMANENT_SESSION_LIFETIME (12 h) no longer signs anyone in."""
    from datetime import timedelta

    from sqlalchemy import update

    from community.accounts.models import LoginSession
    from community.database import utcnow

    user = create_user()
    login_as(user)
    assert client.get("/notifications/").status_code == 200
    db.session.execute(update(LoginSession).where(LoginSession.user_id == user.id)
                       .values(created_at=utcnow() - timedelta(hours=13)))
    db.session.commit()
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_registration_e_mail_and_the_account_follow_the_language_the_page_was_shown_in(client, db):
    """A German browser saw the page in German but got the e-mail (and the account) in English:
    only a language chosen with the switcher was passed on."""
    from community.accounts.models import User

    page = client.post_form("/register", {"email": "lea.becker@example.com"}, headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert "Posteingang" in text_of(page) or "E-Mail" in text_of(page)
    [message] = outbox_to(db, "lea.becker@example.com")
    assert "Registrierung" in message.subject and 'lang="de"' in message.body_html
    path = link_in(message)
    assert finish(client, path).status_code == 302
    assert db.session.scalar(select(User.locale).where(User.email == "lea.becker@example.com")) == "de"
