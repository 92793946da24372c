"""Whole pages kept once per viewer class (community.page_parts.cached_page): the directory,
topic, topic contacts, profile and community start pages. What belongs to one viewer — the
name, avatar and bell in the header, the CSRF and submission tokens, flashed messages, the
menu of their roles — never reaches another viewer through the kept page."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login, text_of

PAGES = ["/people", "/people?q=ada", "/community", "/tags/{slug}", "/tags/{slug}/contacts", "/people/{person}"]


def _csrf(html: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


@pytest.fixture
def world(create_user, create_tag, give_tags):
    create_tag("prompting")
    expert = create_user(roles=["mentor"], name="Ada Expert")
    give_tags(expert, {"prompting": "expert"})
    return {"slug": "prompting", "person": expert.id}


@pytest.mark.parametrize("page", PAGES)
def test_two_viewers_of_one_class_each_see_their_own_header_and_token(page, world, client, create_user):
    first, second = client, client.application.test_client()
    login(first, create_user(roles=["mentor"], name="Nora Northwind", handle="nora"))
    login(second, create_user(roles=["mentor"], name="Oskar Ostwind", handle="oskar"))
    url = page.format(**world)
    one = first.get(url)
    two = second.get(url)
    assert one.status_code == two.status_code == 200
    html_one, html_two = one.get_data(as_text=True), two.get_data(as_text=True)
    assert _who(html_one) == "Nora Northwind @nora" and _who(html_two) == "Oskar Ostwind @oskar"
    assert _csrf(html_one) != _csrf(html_two)
    # The token on the page is the reader's own: the language switch in the header works with it.
    switched = second.post("/locale", data={"csrf_token": _csrf(html_two), "locale": "de", "next": url})
    assert switched.status_code == 302
    assert second.get(url).get_data(as_text=True).startswith("<!doctype html>\n<html lang=\"de\"")
    # The rest of the page is the same kept page: only the per-viewer parts differ.
    again = first.get(url).get_data(as_text=True)
    assert _without_viewer(again) == _without_viewer(html_one)


def _who(html: str) -> str:
    """The signed-in person named in the header's account menu."""
    return " ".join(re.sub(r"<[^>]+>", " ", re.search(r'<p class="account-menu-who">(.*?)</p>', html, re.S).group(1)).split())


def _without_viewer(html: str) -> str:
    html = re.sub(r'(name="csrf-token" content=")[^"]+', r"\1", html)
    # Each form's CSRF and submission token (a signed token changes with the second).
    return re.sub(r'<input[^>]*name="(?:csrf_token|submission)"[^>]*>', lambda m: re.sub(r'value="[^"]*"', "", m.group(0)), html)


def test_the_menu_follows_the_roles_not_the_first_reader(world, client, create_user):
    admin = client.application.test_client()
    login(admin, create_user(roles=["admin"]))
    login(client, create_user(roles=["staff"]))
    assert "/admin/users" in admin.get("/community").get_data(as_text=True)
    assert "/admin/users" not in client.get("/community").get_data(as_text=True)


def test_a_flashed_message_is_shown_once_on_a_kept_page(world, client, create_user):
    login(client, create_user(roles=["mentor"]))
    client.get("/community")  # kept
    assert client.post_form("/locale", {"locale": "en", "next": "/community"}).status_code == 302
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Saved just now.")]
    assert "Saved just now." in text_of(client.get("/community"))
    assert "Saved just now." not in text_of(client.get("/community"))


def test_the_contacts_form_gets_a_fresh_submission_token_each_time(world, client, create_user):
    login(client, create_user(roles=["staff"]))
    url = f"/tags/{world['slug']}/contacts"
    tokens = [re.findall(r'name="submission" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True))
              for _ in range(2)]
    assert tokens[0] and tokens[1] and tokens[0] != tokens[1]


def test_the_unread_counter_in_a_kept_page_is_the_readers(world, client, create_user, db):
    from community.notifications.models import Notification

    reader = create_user(roles=["mentor"])
    other = client.application.test_client()
    login(other, create_user(roles=["mentor"]))
    login(client, reader)
    other.get("/community")  # kept with the other reader's (empty) bell
    db.session.add(Notification(user_id=reader.id, kind="mention", params={}))
    db.session.commit()
    assert "1 unread notification" in client.get("/community").get_data(as_text=True)
    assert "1 unread notification" not in other.get("/community").get_data(as_text=True)
