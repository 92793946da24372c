"""Progressive enhancement: htmx requests (HX-Request) get fragments, ordinary requests the
full page or a redirect; the CSRF token travels in the X-CSRFToken header; the refusals are
the same as without JavaScript."""

from sqlalchemy import select

HX = {"HX-Request": "true"}


def raw(response) -> str:
    return response.get_data(as_text=True)


def _hx_post(client, url, data):
    return client.post(url, data=data, headers={**HX, "X-CSRFToken": client.csrf_token()})


def test_reply_in_place_answers_with_the_new_post_and_a_fresh_box(client, login_as, create_user, create_thread, db):
    from community.discussions.models import Post

    mentor = create_user(roles=["mentor"], name="Mia Mentor")
    thread = create_thread(mentor, title="Whiteboards")
    login_as(mentor)
    answer = _hx_post(client, f"/threads/{thread.id}/reply", {"body": "Built-in whiteboard works fine."})
    html = raw(answer)
    assert answer.status_code == 200 and "<html" not in html  # a fragment, not a page
    assert 'id="reply"' in html and 'hx-swap-oob="beforeend:#posts"' in html
    assert "Built-in whiteboard works fine." in html and "2 posts" in html and "#2" in html
    assert 'name="body"' in html and "Built-in whiteboard works fine.</textarea>" not in html  # the box is empty again
    assert db.session.scalar(select(Post).where(Post.body == "Built-in whiteboard works fine.")) is not None


def test_a_reply_in_place_to_a_post_leaves_the_reply_links_address(client, login_as, create_user, create_thread, db):
    """The "Reply" link's address (?reply_to=…) stayed in the address bar: reloaded, the box
    answered the same post again."""
    from community.discussions.models import Post

    mentor = create_user(roles=["mentor"], name="Mia Mentor")
    thread = create_thread(mentor, title="Whiteboards")
    first = db.session.scalar(select(Post.id).where(Post.thread_id == thread.id))
    login_as(create_user(roles=["mentor"], name="Paul Peer"))
    answer = _hx_post(client, f"/threads/{thread.id}/reply", {"body": "Agreed.", "reply_to": str(first)})
    assert answer.status_code == 200, raw(answer)
    new = db.session.scalar(select(Post.id).where(Post.body == "Agreed."))
    assert answer.headers["HX-Replace-Url"] == f"/threads/{thread.id}#post-{new}"
    assert "reply_to" not in answer.headers["HX-Replace-Url"]


def test_reply_in_place_with_an_error_answers_with_the_box_and_its_error_summary(client, login_as, create_user, create_thread):
    mentor = create_user(roles=["mentor"])
    thread = create_thread(mentor)
    login_as(mentor)
    html = raw(_hx_post(client, f"/threads/{thread.id}/reply", {"body": ""}))
    assert "<html" not in html and "There is a problem" in html and 'href="#body"' in html


def test_reply_without_javascript_still_redirects_to_the_post(client, login_as, create_user, create_thread):
    mentor = create_user(roles=["mentor"])
    thread = create_thread(mentor)
    login_as(mentor)
    answer = client.post_form(f"/threads/{thread.id}/reply", {"body": "Plain form"})
    assert answer.status_code == 302 and f"/threads/{thread.id}?post=" in answer.location


def test_reply_in_place_refuses_what_the_form_refuses(client, login_as, create_user, create_category, create_thread):
    mentor = create_user(roles=["mentor"])
    staff = create_user(roles=["staff"])
    lounge = create_category(visibility="mentors")
    secret = create_thread(mentor, category=lounge)
    login_as(staff)
    assert _hx_post(client, f"/threads/{secret.id}/reply", {"body": "let me in"}).status_code == 404
    login_as(mentor)
    no_token = client.post(f"/threads/{secret.id}/reply", data={"body": "no token"}, headers=HX)
    assert no_token.status_code == 400


def test_follow_in_place_saves_and_answers_with_the_form(client, login_as, create_user, create_thread):
    from community.discussions import subscriptions

    mentor = create_user(roles=["mentor"])
    thread = create_thread(mentor)
    login_as(mentor)
    html = raw(_hx_post(client, f"/community/follow/thread/{thread.id}", {"level": "watching", "next": "/community"}))
    assert "<html" not in html and "Your notification setting is saved." in html
    assert "selected value=\"watching\"" in html or "value=\"watching\" selected" in html
    with client.application.app_context():
        assert subscriptions.subscription_level(mentor, "thread", thread.id) == "watching"
    plain = client.post_form(f"/community/follow/thread/{thread.id}", {"level": "muted", "next": "/community"})
    assert plain.status_code == 302


def test_reply_box_names_the_author_of_the_post_it_answers(client, login_as, create_user, create_thread, add_reply):
    mentor = create_user(roles=["mentor"], name="Mia Mentor")
    peer = create_user(roles=["mentor"], name="Paul Peer")
    thread = create_thread(mentor)
    post = add_reply(peer, thread, "A first answer")
    login_as(mentor)
    from tests.conftest import text_of

    html = text_of(client.get(f"/threads/{thread.id}?reply_to={post.id}"))
    assert "Your reply answers the post by Paul Peer." in html
    assert f"answers post {post.id}" not in html


def test_notifications_are_marked_read_in_place_and_the_bell_follows(client, login_as, create_user, create_thread, db):
    from community.notifications.models import Notification

    mia = create_user(roles=["mentor"], name="Mia Mentor")
    paul = create_user(roles=["mentor"], name="Paul Peer")
    create_thread(mia, title="Hello", body=f"Hi @{paul.handle} and again")
    create_thread(mia, title="Second", body=f"Once more @{paul.handle}")
    notes = db.session.scalars(select(Notification).where(Notification.user_id == paul.id).order_by(Notification.id)).all()
    assert len(notes) == 2
    login_as(paul)
    one = raw(_hx_post(client, f"/notifications/{notes[0].id}/read", {}))
    assert "<html" not in one and f'id="notification-{notes[0].id}"' in one
    assert "id=\"notif-bell\"" in one and "hx-swap-oob=\"true\"" in one and "1 unread notification" in one
    everything = raw(_hx_post(client, "/notifications/read", {}))
    assert "All notifications are marked as read." in everything and "0 unread notifications" in everything
    db.session.expire_all()
    assert all(n.read_at is not None for n in db.session.scalars(select(Notification).where(Notification.user_id == paul.id)))


def test_nobody_marks_another_persons_notification(client, login_as, create_user, create_thread, db):
    from community.notifications.models import Notification

    mia = create_user(roles=["mentor"])
    paul = create_user(roles=["mentor"])
    create_thread(mia, body=f"Hi @{paul.handle}")
    note = db.session.scalar(select(Notification).where(Notification.user_id == paul.id))
    login_as(mia)
    answer = _hx_post(client, f"/notifications/{note.id}/read", {})
    assert answer.status_code == 302  # back to one's own list, as for a missing one
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is None
