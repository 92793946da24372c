"""Issue 13, class 1: on every page and API route, something the caller may not see answers
exactly like something that does not exist — same status, same body. The route list comes
from the app itself, so a new route is checked too."""

from __future__ import annotations

import re

import pytest

from tests.access_world import ROLES, build_world
from tests.conftest import isolated, text_of
from tests.test_access_matrix import all_routes, signed_in_client, url_args

MISSING = 999_999
SKIP = {"static", "api-docs.openapi_json", "accounts.logout"}


@pytest.fixture
def hidden_world(app):
    """The access-matrix world, with the objects the roles may not see: the mentor hidden from
    the directory, a thread in the mentors-only category and its first post."""

    def build():
        from sqlalchemy import select

        from community.accounts.models import User
        from community.discussions.models import Post
        from community.extensions import db

        world = build_world(app)
        with app.app_context():
            db.session.get(User, world.ids["user_mentor"]).directory_visible = False
            world.ids["thread"] = world.ids["lounge_thread"]
            world.ids["post"] = db.session.scalar(select(Post.id).where(Post.thread_id == world.ids["lounge_thread"]))
            db.session.commit()
        return world

    return isolated(app, build)


def _missing_ids(world):
    class Missing:
        ids = {key: (MISSING if isinstance(value, int) else value) for key, value in world.ids.items()}
        tokens = world.tokens

    Missing.ids.update(tag="no-such-topic", category="no-such-category", feed_token="no-such-token")
    return Missing


def _send(app, world, ids_world, role, rule_obj, method, client):
    headers = {}
    if rule_obj.rule.startswith("/api/"):
        client = app.test_client()
        if role != "anonymous":
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
    with app.test_request_context():
        from flask import url_for

        url = url_for(rule_obj.endpoint, **url_args(ids_world, rule_obj))
    if method == "GET":
        return client.get(url, headers=headers)
    if rule_obj.rule.startswith("/api/"):
        return client.open(url, method=method, json={}, headers=headers)
    return client.post_form(url, {}) if method == "POST" else client.open(url, method=method, headers=headers)


# Where a role looks at each kind of object: a 403 for an action on something the role can
# see is an ordinary refusal; on something it cannot see, it would be an oracle.
VIEWS = {
    "person_id": "/people/{}", "thread_id": "/threads/{}", "mentorship_id": "/mentoring/mentorships/{}",
    "session_id": "/sessions/{}", "nomination_id": "/ambassadors/nominations/{}", "slug": "/tags/{}",
    "question_id": "/questions/{}",
}


def _sees_everything(app, world, role, rule_obj, client) -> bool:
    values = url_args(world, rule_obj)
    if "post_id" in values:
        values["thread_id"] = world.ids["thread"]  # the post lives in this thread
    for name, value in values.items():
        if name in VIEWS and client.get(VIEWS[name].format(value)).status_code != 200:
            return False
    return True


def _forget_messages(client) -> None:
    with client.session_transaction() as session:
        session.pop("_flashes", None)


def _body(response) -> str:
    if response.is_json:
        return str(response.get_json())
    return re.sub(r"\d{5,}", "N", text_of(response))


@pytest.mark.parametrize("role", ROLES[1:])
def test_hidden_things_answer_exactly_like_missing_ones(app, hidden_world, role):
    missing = _missing_ids(hidden_world)
    client = isolated(app, signed_in_client, app, hidden_world, role)
    oracles = []
    for rule_obj, method in all_routes(app):
        if rule_obj.endpoint in SKIP or not rule_obj.arguments:
            continue
        if "picture" in rule_obj.endpoint or rule_obj.endpoint.startswith("network."):
            continue  # change managers and admins only (403 for everyone else, whatever the id)
        _forget_messages(client)  # an earlier route's redirect with a message is not this route's answer
        absent = isolated(app, _send, app, hidden_world, missing, role, rule_obj, method, client)
        _forget_messages(client)
        present = isolated(app, _send, app, hidden_world, hidden_world, role, rule_obj, method, client)
        if present.status_code in (403, 404) and absent.status_code == 404:
            if present.status_code == 403 and isolated(app, _sees_everything, app, hidden_world, role, rule_obj, client):
                continue
            if present.status_code != absent.status_code or _body(present) != _body(absent):
                oracles.append(f"{method} {rule_obj.rule}: hidden {present.status_code} {_body(present)[:120]!r} "
                               f"vs missing {absent.status_code} {_body(absent)[:120]!r}")
    print("\n".join(oracles))
    assert oracles == []


def test_a_404_never_names_the_kind_of_thing_or_a_person(client, login_as, create_user, api_token):
    login_as(create_user())
    page = client.get("/people/999999")
    assert page.status_code == 404
    assert "does not exist, or you cannot see it" in text_of(page)
    api = client.get("/api/v1/mentorships/999999", headers={"Authorization": f"Bearer {api_token(create_user())}"})
    assert api.status_code == 404 and api.json["error"]["message"] == "This page or object does not exist, or you cannot see it."


# Ids sent in the query string, which the route list above does not see: the address (with {}
# for the id) and the world's object asked about, hidden from the directory for the test.
QUERY_IDS = (
    ("/api/v1/mentors/suggestions?executive={}", "user_executive"),
    ("/mentoring/suggestions?executive={}", "user_executive"),
)


@pytest.mark.parametrize("role", ROLES[1:])
def test_hidden_ids_in_the_query_string_answer_exactly_like_missing_ones(app, hidden_world, role):
    def hide_everyone_asked_about():
        from community.accounts.models import User
        from community.extensions import db

        with app.app_context():
            for _address, key in QUERY_IDS:
                db.session.get(User, hidden_world.ids[key]).directory_visible = False
            db.session.commit()

    isolated(app, hide_everyone_asked_about)
    client = isolated(app, signed_in_client, app, hidden_world, role)
    api = app.test_client()
    headers = {"Authorization": f"Bearer {hidden_world.tokens[role]}"}

    def get(address: str):
        return isolated(app, (api.get if address.startswith("/api/") else client.get), address,
                        headers=headers if address.startswith("/api/") else None)

    oracles = []
    for address, key in QUERY_IDS:
        present, absent = get(address.format(hidden_world.ids[key])), get(address.format(MISSING))
        if present.status_code in (403, 404) and absent.status_code == 404:
            if present.status_code == 403 and get(VIEWS["person_id"].format(hidden_world.ids[key])).status_code == 200:
                continue  # the role sees this person: refusing to act on them reveals nothing
            if present.status_code != absent.status_code or _body(present) != _body(absent):
                oracles.append(f"GET {address}: hidden {present.status_code} {_body(present)[:120]!r} "
                               f"vs missing {absent.status_code} {_body(absent)[:120]!r}")
    assert oracles == []


@pytest.fixture
def removed_world(app):
    """The access-matrix world with its members' thread (the mentor's, with the staff member's
    reply) removed by a moderator."""

    def build():
        from community.accounts.models import User
        from community.discussions import moderation
        from community.discussions.models import Thread
        from community.extensions import db

        world = build_world(app)
        with app.test_request_context():
            moderator = db.session.get(User, world.users["change_manager"].id)
            moderation.remove_thread(moderator, db.session.get(Thread, world.ids["thread"]), reason="Spam")
            db.session.commit()
        return world

    return isolated(app, build)


@pytest.mark.parametrize("role", ("mentor", "executive", "staff"))
def test_a_removed_thread_answers_exactly_like_a_missing_one_even_to_its_author(app, removed_world, role):
    """Every page and API route about the removed thread or a post in it, for members (the
    mentor started it, the staff member replied in it): the answer of an id never used."""
    missing = _missing_ids(removed_world)
    client = isolated(app, signed_in_client, app, removed_world, role)
    oracles, checked = [], 0
    for rule_obj, method in all_routes(app):
        if not {"thread_id", "post_id"} & set(rule_obj.arguments) and rule_obj.endpoint != "discussions.follow":
            continue
        absent = isolated(app, _send, app, removed_world, missing, role, rule_obj, method, client)
        present = isolated(app, _send, app, removed_world, removed_world, role, rule_obj, method, client)
        checked += 1
        if present.status_code != absent.status_code or _body(present) != _body(absent):
            oracles.append(f"{method} {rule_obj.rule}: removed {present.status_code} {_body(present)[:120]!r} "
                           f"vs missing {absent.status_code} {_body(absent)[:120]!r}")
    assert checked >= 15 and oracles == [], "\n".join(oracles)
