"""The signed CSRF token of a login session is signed once per process and reused on its later
pages (community.security.csrf_token): it still works on every form, another session never gets
it, and a new login gets a new one."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace

import itsdangerous.timed

from tests.conftest import login


def _csrf(html: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def test_later_pages_carry_the_same_token_and_it_still_works(client, create_user, monkeypatch):
    login(client, create_user(roles=["mentor"], name="Nora Northwind"))
    first = _csrf(client.get("/community").get_data(as_text=True))
    # Seconds later: a token signed again would carry another timestamp.
    later = time.time() + 5
    monkeypatch.setattr(itsdangerous.timed, "time", SimpleNamespace(time=lambda: later))
    second = _csrf(client.get("/people").get_data(as_text=True))
    assert first == second
    switched = client.post("/locale", data={"csrf_token": second, "locale": "de", "next": "/people"})
    assert switched.status_code == 302
    assert client.get("/people").get_data(as_text=True).startswith('<!doctype html>\n<html lang="de"')


def test_another_session_and_a_new_login_get_their_own_token(app, client, create_user):
    nora = create_user(roles=["mentor"], name="Nora Northwind")
    login(client, nora)
    mine = _csrf(client.get("/community").get_data(as_text=True))
    other = app.test_client()
    login(other, create_user(roles=["mentor"], name="Oskar Ostwind"))
    theirs = _csrf(other.get("/community").get_data(as_text=True))
    assert theirs != mine
    # Oskar's session refuses Nora's token: it is signed for her session's raw token only.
    refused = other.post("/locale", data={"csrf_token": mine, "locale": "de", "next": "/people"})
    assert refused.status_code == 400
    # Logging out and in again starts a new session with a new token.
    client.post("/logout", data={"csrf_token": mine})
    login(client, nora)
    assert _csrf(client.get("/community").get_data(as_text=True)) != mine
