"""An author who deletes the only post of their thread takes the thread down with it. It stayed
listed as a title over "This post was deleted." with an open reply box, and the author had no
way to take it down."""

import html

from tests.conftest import text_of


def test_deleting_the_only_post_takes_the_thread_down_and_moderators_can_bring_it_back(
        client, login_as, create_user, create_category, create_thread, first_post, db):
    from community.discussions.models import Thread

    category = create_category(name="Questions from staff")
    author = create_user(roles=["staff"])
    thread = create_thread(author, category=category, title="Where is the Teams guide?", body="Anyone?")
    login_as(author)
    page = text_of(client.get(f"/threads/{thread.id}"))
    assert "Delete your thread? Nobody has answered it" in page and "Delete thread" in page
    deleted = client.post_form(f"/posts/{first_post(thread).id}/delete")
    assert deleted.status_code == 302 and deleted.headers["Location"].endswith(f"/community/c/{category.slug}")
    listed = html.unescape(text_of(client.get(deleted.headers["Location"])))
    assert "Your thread is deleted; moderators can still see it." in listed and "Where is the Teams guide?" not in listed
    stored = db.session.get(Thread, thread.id)
    assert stored.removed_at is not None and stored.removed_by_id == author.id
    assert client.get(f"/threads/{thread.id}").status_code == 404  # as for any removed thread
    client.post_form("/logout")
    login_as(create_user())
    assert client.get(f"/threads/{thread.id}").status_code == 404
    assert "Where is the Teams guide?" not in text_of(client.get("/community"))
    client.post_form("/logout")
    moderator = create_user(roles=["change_manager"])
    login_as(moderator)
    removed = html.unescape(text_of(client.get("/community/moderation/removed")))
    assert "Where is the Teams guide?" in removed and "Its author deleted its only post." in removed
    listed = client.get("/api/v1/threads/removed").get_json()["items"]
    assert [t["removal_reason"] for t in listed if t["id"] == thread.id] == ["Its author deleted its only post."]
    log = html.unescape(text_of(client.get("/community/moderation/log")))
    assert "Its author deleted its only post." in log
    client.post_form("/logout")
    login_as(create_user(roles=["change_manager"], locale="de"))
    assert "Die Person, die sie begonnen hat, hat ihren einzigen Beitrag gelöscht." in html.unescape(text_of(client.get("/community/moderation/removed")))


def test_a_thread_with_an_answer_stays_when_its_opening_post_is_deleted(
        client, login_as, create_user, create_thread, add_reply, first_post, api_token, db):
    from community.discussions.models import Thread

    author = create_user()
    thread = create_thread(author, title="Whiteboards", body="Which one?")
    add_reply(create_user(), thread, "The built-in one.")
    login_as(author)
    page = text_of(client.get(f"/threads/{thread.id}"))
    assert "Delete your thread?" not in page and "Delete this post? The thread keeps a note" in page
    assert client.send_json("DELETE", f"/api/v1/posts/{first_post(thread).id}", token=api_token(author)).status_code == 204
    assert db.session.get(Thread, thread.id).removed_at is None
    shown = text_of(client.get(f"/threads/{thread.id}"))
    assert "This post was deleted." in shown and "The built-in one." in shown


def test_through_the_api_too_and_only_by_its_author(client, create_user, create_thread, add_reply, first_post, api_token, db):
    from community.discussions.models import Thread

    author = create_user()
    answered_then_withdrawn = create_thread(author, title="Short-lived")
    reply = add_reply(create_user(), answered_then_withdrawn, "Gone soon")
    moderator = api_token(create_user(roles=["admin"]))
    assert client.send_json("DELETE", f"/api/v1/posts/{reply.id}", token=moderator).status_code == 204
    assert client.send_json("DELETE", f"/api/v1/posts/{first_post(answered_then_withdrawn).id}",
                            token=api_token(author)).status_code == 204
    db.session.expire_all()
    assert db.session.get(Thread, answered_then_withdrawn.id).removed_at is not None  # nothing left to read
    other = create_thread(author, title="A moderator deletes its post")
    assert client.send_json("DELETE", f"/api/v1/posts/{first_post(other).id}", token=moderator).status_code == 204
    db.session.expire_all()
    assert db.session.get(Thread, other.id).removed_at is None  # moderators remove threads as such, with a reason
