"""A mention of someone who cannot read the category (a staff member in the mentors' lounge)
links them but tells them nothing: the writer is told so, and the @mention picker of such a
thread offers only people who can read it."""

from tests.conftest import text_of


def test_the_writer_is_told_who_cannot_see_the_category(client, login_as, create_user, create_category, create_thread,
                                                         db):
    from community.notifications.models import Notification

    mentor = create_user(roles=["mentor"], name="Marlene Mentor")
    staff = create_user(name="Andrea Becker")
    other = create_user(roles=["mentor"], name="Olga Other")
    lounge = create_category(name="Lounge", visibility="mentors")
    thread = create_thread(mentor, category=lounge, title="Feeling out of my depth")
    login_as(mentor)
    sent = client.post_form(f"/threads/{thread.id}/reply", {"body": f"@{staff.handle} @{other.handle} what do you think?"})
    assert sent.status_code == 302
    page = text_of(client.get(sent.location))
    assert "Andrea Becker cannot see this category and was not told." in page
    assert db.session.query(Notification).filter_by(user_id=staff.id).count() == 0
    assert db.session.query(Notification).filter_by(user_id=other.id).count() == 1
    # In place (htmx), the reply box says it beside "Your reply is posted."
    htmx = client.post_form(f"/threads/{thread.id}/reply", {"body": f"Again, @{staff.handle}"}, headers={"HX-Request": "true"})
    assert "Andrea Becker cannot see this category and was not told." in text_of(htmx)
    # An open category: nothing to say.
    open_thread = create_thread(mentor, title="Teams tips")
    fine = client.post_form(f"/threads/{open_thread.id}/reply", {"body": f"@{staff.handle} see this"})
    assert "cannot see this category" not in text_of(client.get(fine.location))


def test_the_picker_of_a_mentors_only_thread_offers_only_who_can_read_it(client, login_as, create_user, create_category,
                                                                        create_thread):
    mentor = create_user(roles=["mentor"], name="Marlene Mentor")
    create_user(name="Andrea Becker")
    create_user(roles=["mentor"], name="Andreas Mentor")
    lounge = create_category(name="Lounge", visibility="mentors")
    thread = create_thread(mentor, category=lounge, title="Lounge talk")
    login_as(mentor)
    html = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert 'data-suggest-role="mentor,change_manager,admin"' in html
    picked = client.get("/suggest/people?q=andr&role=mentor,change_manager,admin").json["items"]
    assert [item["name"] for item in picked] == ["Andreas Mentor"]
    everyone = client.get("/suggest/people?q=andr").json["items"]
    assert {item["name"] for item in everyone} == {"Andrea Becker", "Andreas Mentor"}
    open_thread = create_thread(mentor, title="Teams tips")
    assert "data-suggest-role" not in client.get(f"/threads/{open_thread.id}").get_data(as_text=True)
