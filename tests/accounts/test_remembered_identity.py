"""A signed-in person is remembered for a few seconds (community.accounts.auth): each request
merges one object, with roles and languages carried as names instead of rows. What they see and
may do is the same as when they are read from the database, and changes show at once."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.conftest import isolated
from tests.profiles.test_profiles import edit_form


@pytest.fixture
def app_config():
    return {"IDENTITY_CACHE_SECONDS": 600}


def _me(client, token):
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return sorted(response.json["roles"]), response.json["languages"]


def _statements(app, fn):
    from community.extensions import db

    seen: list[str] = []

    def note(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return [s for s in seen if "user_roles" in s or "user_languages" in s]


def test_remembered_roles_and_languages_are_the_stored_ones_without_reading_them(app, client, create_user, api_token):
    person = create_user(roles=["mentor", "change_manager"], languages=["de", "en"])
    token = api_token(person)
    first = _me(client, token)
    reads = _statements(app, lambda: _me(client, token))
    assert first == _me(client, token) == (["change_manager", "mentor"], ["de", "en"])
    assert reads == []  # the second request read neither roles nor languages


def test_a_change_of_roles_shows_on_the_next_request(app, client, create_user, api_token, login_as):
    admin = create_user(roles=["admin"])
    person = create_user(roles=["mentor"], languages=["en"])
    token = api_token(person)
    assert _me(client, token) == (["mentor"], ["en"])
    login_as(admin)
    saved = client.post_form(f"/admin/users/{person.id}", {"roles-roles": ["mentor", "executive"]})
    assert saved.status_code == 302
    assert _me(app.test_client(), token) == (["executive", "mentor"], ["en"])


def test_an_admin_changes_their_own_roles_while_remembered(app, client, create_user, login_as):
    from community.accounts.models import User
    from community.extensions import db

    admin = create_user(roles=["admin"])
    create_user(roles=["admin"])  # not the last administrator
    login_as(admin)
    assert client.get("/admin/users").status_code == 200  # remembered from here on

    def stored():
        with app.app_context():
            return sorted(db.session.get(User, admin.id).roles)

    saved = client.post_form(f"/admin/users/{admin.id}", {"roles-roles": ["admin", "change_manager"]})
    assert saved.status_code == 302
    assert isolated(app, stored) == ["admin", "change_manager"]
    assert client.get("/network").status_code == 200  # a change manager's page, on the new roles
    # removing one's own administrator role is still refused on the remembered identity
    refused = client.post_form(f"/admin/users/{admin.id}", {"roles-roles": ["change_manager"]})
    assert "You cannot remove your own administrator role." in refused.get_data(as_text=True)
    assert isolated(app, stored) == ["admin", "change_manager"]


def test_editing_ones_own_languages_while_remembered(app, client, create_user, login_as):
    from community.accounts.models import User
    from community.extensions import db

    me = create_user(roles=["mentor"], languages=["en"])
    login_as(me)
    assert client.get(f"/people/{me.id}").status_code == 200
    saved = client.post_form(f"/people/{me.id}/edit", edit_form(me, languages="de, fr"))
    assert saved.status_code == 302, saved.get_data(as_text=True)[:400]

    def stored():
        with app.app_context():
            return db.session.get(User, me.id).languages

    assert isolated(app, stored) == ["de", "fr"]
    assert "German, French" in client.get(f"/people/{me.id}").get_data(as_text=True)


def test_the_first_post_of_a_token_reads_who_it_is_without_the_write_lock(app, db, create_user, api_token):
    """Not yet remembered, a token is looked up apart (community.accounts.auth._look_up_apart):
    while another process writes, a POST still learns who sent it at once, and the request's
    own write transaction has not begun. Then it is remembered: the next request reads nothing."""
    import threading
    import time

    from flask import request

    from community.accounts.auth import load_token_user
    from tests.writers import hold_a_write

    person = create_user(name="Wanda Writer", roles=["mentor"])
    token = api_token(person)
    held, done = threading.Event(), threading.Event()
    writer = hold_a_write(app.config["SQLALCHEMY_DATABASE_URI"], held, done)
    assert held.wait(10)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with app.test_request_context("/api/v1/threads/1/posts", method="POST", headers=headers):
            started = time.monotonic()
            user = load_token_user(request)
            took = time.monotonic() - started
            assert user is not None and user.id == person.id and user.name == "Wanda Writer"
            assert sorted(user.roles) == ["mentor"]
            assert user in db.session
    finally:
        done.set()
        writer.join(10)
    assert took < 1.0

    def again():
        with app.test_request_context("/api/v1/me", headers=headers):
            assert load_token_user(request).id == person.id

    assert _statements(app, again) == []  # remembered: no roles or languages read
