"""Profile pages are rendered once per viewer class and cached (community.page_parts): the
e-mail address, the edit link and hidden profiles stay with those allowed to see them, and
an edit shows at once."""

from __future__ import annotations

from tests.conftest import login, text_of


def test_email_and_edit_link_never_reach_a_viewer_through_the_cache(client, login_as, create_user):
    person = create_user(roles=["mentor"], email="mira.private@example.com", name="Mira Mentor")
    admin, change_manager = client.application.test_client(), client.application.test_client()
    login(admin, create_user(roles=["admin"]))
    login(change_manager, create_user(roles=["change_manager"]))
    login_as(create_user(roles=["mentor"]))  # all sign in first (a sign-in renews every cached part)
    email, edit = "mira.private@example.com", f"/people/{person.id}/edit"
    # (<wbr>: where a shown address may wrap)
    seen = admin.get(f"/people/{person.id}").get_data(as_text=True).replace("<wbr>", "")
    assert email in seen and edit in seen
    seen = change_manager.get(f"/people/{person.id}").get_data(as_text=True).replace("<wbr>", "")
    assert email in seen and edit not in seen
    page = client.get(f"/people/{person.id}").get_data(as_text=True).replace("<wbr>", "")
    assert "Mira Mentor" in page and email not in page and edit not in page


def test_a_hidden_profile_stays_hidden_after_an_admin_viewed_it(client, login_as, create_user):
    hidden = create_user(roles=["mentor"], directory_visible=False)
    admin = client.application.test_client()
    login(admin, create_user(roles=["admin"]))
    login_as(create_user(roles=["staff"]))
    assert admin.get(f"/people/{hidden.id}").status_code == 200
    assert client.get(f"/people/{hidden.id}").status_code == 404


def test_an_edited_profile_shows_at_once(client, login_as, create_user, db):
    from community.accounts.models import User

    person = create_user(roles=["mentor"], department="Sales")
    login_as(create_user(roles=["staff"]))
    assert "Sales" in text_of(client.get(f"/people/{person.id}"))
    db.session.get(User, person.id).department = "Logistics"
    db.session.commit()
    page = text_of(client.get(f"/people/{person.id}"))
    assert "Logistics" in page and "Sales" not in page


def test_the_own_profile_keeps_its_pause_form_with_the_readers_token(client, login_as, create_user):
    me = create_user(roles=["mentor"])
    login_as(me)
    first = client.get(f"/people/{me.id}").get_data(as_text=True)
    again = client.get(f"/people/{me.id}").get_data(as_text=True)
    assert "Pause mentoring" in again and first.count('name="csrf_token"') == again.count('name="csrf_token"') >= 1
    assert "\x00" not in again
