"""Issue 13, class 9: a password change offers to revoke every API token, the API and the
tokens page revoke all at once, and "last used" is kept for reads too (at most once a minute)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import PASSWORD, text_of

NEW_PASSWORD = "a brand new passphrase 42"


def me(client, token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_the_password_form_offers_to_revoke_all_tokens_and_does_it(client, login_as, create_user, api_token):
    user = create_user()
    tokens = [api_token(user), api_token(user)]
    login_as(user)
    page = client.get("/settings/password")
    assert "Also revoke all my API tokens" in text_of(page)
    assert 'name="revoke_tokens"' in page.get_data(as_text=True) and "checked" in page.get_data(as_text=True)
    response = client.post_form("/settings/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                       "confirm": NEW_PASSWORD, "revoke_tokens": "y"},
                                follow_redirects=True)
    assert "All your API tokens have been revoked" in text_of(response)
    assert all(me(client, token).status_code == 401 for token in tokens)


def test_a_password_change_without_the_tick_keeps_the_tokens(client, login_as, create_user, api_token):
    user = create_user()
    token = api_token(user)
    login_as(user)
    client.post_form("/settings/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                            "confirm": NEW_PASSWORD})
    assert me(client, token).status_code == 200


def test_the_api_revokes_all_tokens_of_the_caller_only(client, create_user, api_token):
    user, other = create_user(), create_user()
    mine, second, theirs = api_token(user), api_token(user), api_token(other)
    refused = client.open("/api/v1/me/tokens", method="DELETE", json={}, headers={"Authorization": f"Bearer {mine}"})
    assert refused.status_code == 422
    response = client.open("/api/v1/me/tokens", method="DELETE", json={"confirm": True},
                           headers={"Authorization": f"Bearer {mine}"})
    assert response.status_code == 200 and response.json == {"revoked": 2}
    assert me(client, mine).status_code == 401 and me(client, second).status_code == 401
    assert me(client, theirs).status_code == 200


def test_the_tokens_page_revokes_all_after_confirmation(client, login_as, create_user, api_token):
    user = create_user()
    token = api_token(user)
    login_as(user)
    unconfirmed = client.post_form("/settings/tokens/revoke-all", {}, follow_redirects=True)
    assert "Tick" in text_of(unconfirmed)
    assert me(client, token).status_code == 200
    done = client.post_form("/settings/tokens/revoke-all", {"confirm": "y"}, follow_redirects=True)
    assert "1 token revoked." in text_of(done)
    assert me(client, token).status_code == 401
    assert "You have no API tokens" in text_of(client.get("/settings/tokens"))


def test_the_token_help_shows_the_header_without_a_raw_tag(client, login_as, create_user):
    login_as(create_user())
    html = client.get("/settings/tokens").get_data(as_text=True)
    assert "<code>Authorization: Bearer mcn_…</code>" in html
    assert "&lt;token&gt;" not in html and "<token>" not in html


def test_reads_record_when_a_token_was_last_used_at_most_once_a_minute(db, client, create_user, api_token):
    from community.accounts.models import ApiToken

    user = create_user()
    token = api_token(user)

    def last_used():
        db.session.expire_all()
        return db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.user_id == user.id))

    assert last_used() is None
    assert me(client, token).status_code == 200
    first = last_used()
    assert first is not None
    assert me(client, token).status_code == 200
    assert last_used() == first  # not again within the minute
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    row.last_used_at = first - timedelta(days=2, seconds=-10)  # a day boundary must not hide the age
    db.session.commit()
    assert me(client, token).status_code == 200
    assert last_used() > first - timedelta(seconds=1)


def test_someone_without_a_password_has_no_password_page(client, login_as, create_user, db):
    """People who sign in only with the company account (no password) are not offered a
    password they do not have: the settings list omits it and the address explains why."""
    person = create_user(name="Sina Single-Sign-On")
    login_as(person)
    from sqlalchemy import update

    db.session.execute(update(type(person)).where(type(person).id == person.id).values(password_hash=None))
    db.session.commit()
    settings = client.get("/settings/notifications").get_data(as_text=True)
    assert 'href="/settings/password"' not in settings
    response = client.get("/settings/password")
    assert response.status_code == 302 and "/settings/password" not in response.headers["Location"]
    landing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "company account" in landing
    refused = client.post_form("/settings/password", {"current_password": "", "new_password": "x" * 20})
    assert refused.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(person), person.id).password_hash is None


def test_someone_with_a_password_still_sees_the_password_page(client, login_as, create_user):
    login_as(create_user())
    assert 'href="/settings/password"' in client.get("/settings/notifications").get_data(as_text=True)
    assert client.get("/settings/password").status_code == 200
