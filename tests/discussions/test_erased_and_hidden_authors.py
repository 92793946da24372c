"""An erased account is no person any more, for anyone: not found, like an id never used; and
a hidden ambassador's posts carry no badge that the ambassador list keeps to itself."""

from __future__ import annotations

import pytest

from tests.conftest import login, text_of


@pytest.fixture
def erased(client, login_as, create_user, create_thread):
    admin = create_user(roles=["admin", "change_manager"])
    leaver = create_user(roles=["mentor"], name="Lea Leaver", email="lea.leaver@example.com")
    thread = create_thread(leaver, title="Lea's tips")
    login_as(admin)
    assert client.post_form(f"/admin/users/{leaver.id}/erase", {"confirm": "lea.leaver@example.com"}).status_code == 302
    client.get("/")  # shows the flashed "erased" message
    return admin, leaver, thread


def test_an_erased_account_is_the_same_404_as_no_account_for_admins_and_change_managers(client, api_token, erased):
    admin, leaver, _thread = erased
    never = leaver.id + 1000
    for path in ("/people/{}", "/people/{}/peers", "/ambassadors/evidence/{}"):
        gone, missing = client.get(path.format(leaver.id)), client.get(path.format(never))
        assert gone.status_code == missing.status_code == 404, path
        assert text_of(gone) == text_of(missing), path
    token = api_token(admin)
    gone = client.send_json("GET", f"/api/v1/people/{leaver.id}", None, token=token)
    missing = client.send_json("GET", f"/api/v1/people/{never}", None, token=token)
    assert gone.status_code == missing.status_code == 404 and gone.json == missing.json


def test_the_user_list_marks_an_erased_account_erased_without_its_placeholder_address(client, erased):
    _admin, leaver, _thread = erased
    page = client.get("/admin/users?q=former")
    text = text_of(page)
    assert "Former member" in text and "erased" in text
    assert f"erased-{leaver.id}@erased.invalid" not in page.get_data(as_text=True)


def test_an_erased_authors_posts_name_a_former_member_without_a_link(client, erased):
    _admin, leaver, thread = erased
    html = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f'href="/people/{leaver.id}"' not in html
    assert "Former member" in html


def test_a_hidden_ambassador_posts_without_the_badge(client, login_as, api_token, create_user, create_thread):
    hidden = create_user(roles=["mentor"], name="Hanna Hidden", is_ambassador=True, directory_visible=False)
    shown = create_user(roles=["mentor"], name="Vera Visible", is_ambassador=True)
    hidden_thread, shown_thread = create_thread(hidden, title="Hidden's thread"), create_thread(shown, title="Shown's thread")
    reader = create_user(roles=["staff"])
    login_as(reader)
    assert "badge ambassador" not in client.get(f"/threads/{hidden_thread.id}").get_data(as_text=True)
    assert "badge ambassador" in client.get(f"/threads/{shown_thread.id}").get_data(as_text=True)
    token = api_token(reader)
    assert client.send_json("GET", f"/api/v1/threads/{hidden_thread.id}", None, token=token).json["author"]["is_ambassador"] is False
    assert client.send_json("GET", f"/api/v1/threads/{shown_thread.id}", None, token=token).json["author"]["is_ambassador"] is True


def test_a_deactivated_or_hidden_author_is_named_without_a_link_to_a_profile_that_would_be_404(
        app, create_user, create_thread):
    """A post's author who left (deactivated) or hid from the directory is still named, but
    their name linked to a profile that answers 404 to members. Now it links only for those
    who can open it (change managers and administrators); visible authors stay linked."""
    left = create_user(roles=["mentor"], name="Lena Left", active=False)
    hidden = create_user(roles=["mentor"], name="Hugo Hidden", directory_visible=False)
    shown = create_user(roles=["mentor"], name="Vera Visible")
    threads = {person: create_thread(person, title=f"{person.name}'s tips") for person in (left, hidden, shown)}
    member, manager = create_user(roles=["staff"]), create_user(roles=["change_manager"])
    browsers = {viewer.id: app.test_client() for viewer in (member, manager)}
    for viewer in (member, manager):  # everyone signs in first: a sign-in renews every kept part
        assert login(browsers[viewer.id], viewer).status_code == 302
    links = {}
    for viewer in (member, manager):  # the member first: what is kept for them must not reach the manager
        client = browsers[viewer.id]
        for person, thread in threads.items():
            page = client.get(f"/threads/{thread.id}")
            assert person.name in text_of(page)
            # Started by, the post's author and "In this thread": each linked or none.
            links[viewer.id, person.id] = page.get_data(as_text=True).count(f'href="/people/{person.id}"')
            assert client.get(f"/people/{person.id}").status_code == (200 if links[viewer.id, person.id] else 404)
    assert links[member.id, shown.id] == links[manager.id, shown.id] == 3
    assert links[member.id, left.id] == links[member.id, hidden.id] == 0
    assert links[manager.id, left.id] == links[manager.id, hidden.id] == 3


def test_profile_links_outside_a_request_leave_hidden_people_unlinked(app, create_user, monkeypatch):
    """What a worker renders (no request, nobody signed in) links only the profiles everyone
    may open; it never fails for want of a reader."""
    from community.accounts.models import User
    from community.extensions import db
    from community.templating import profile_url

    hidden_id = create_user(name="Hugo Hidden", directory_visible=False).id
    shown_id = create_user(name="Vera Visible").id
    monkeypatch.setitem(app.config, "SERVER_NAME", "community.example")  # url_for without a request
    with app.app_context():
        assert profile_url(db.session.get(User, hidden_id)) is None
        assert profile_url(db.session.get(User, shown_id)).endswith(f"/people/{shown_id}")
        assert profile_url(None) is None
