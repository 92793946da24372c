"""A thread moved where someone can no longer see it leaves their notifications and bell."""

from tests.conftest import text_of


def test_notifications_about_a_thread_moved_out_of_sight_leave_the_list_and_the_bell(
    client, login_as, create_user, create_category, create_thread, add_reply
):
    staff = create_user(name="Stefan Staff")
    open_area, lounge = create_category(name="Tools"), create_category(name="Lounge", visibility="mentors")
    secret = create_thread(staff, category=open_area, title="Budget for the reorganisation")
    kept = create_thread(staff, category=open_area, title="Teams channels")
    add_reply(create_user(), secret, "A reply")
    add_reply(create_user(), kept, "Another reply")

    login_as(staff)
    before = client.get("/notifications/").get_data(as_text=True)
    assert "Budget for the reorganisation" in before and "data-unread>2<" in before
    client.post_form("/logout")

    login_as(create_user(roles=["change_manager"]))
    assert client.post_form(f"/threads/{secret.id}/move", {"category": lounge.id}).status_code == 302
    client.post_form("/logout")

    login_as(staff)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Budget for the reorganisation" not in page and "Teams channels" in text_of(client.get("/notifications/"))
    assert "data-unread>1<" in page
    assert "Budget for the reorganisation" not in client.get("/notifications/?unread=1").get_data(as_text=True)
    assert "data-unread>1<" in client.get("/community").get_data(as_text=True)
