"""A deleted post leaves no traces beyond its "deleted" placeholder: the thread's last activity
is the latest post still shown (it jumped to the top of "latest activity" at the deleted post's
time), its author is no longer "in this thread" for it, and the notices about it (a mention, a
reply) are withdrawn instead of leading to "This post was deleted"."""

from datetime import timedelta

from sqlalchemy import update

from tests.conftest import text_of


def test_a_deleted_post_leaves_no_traces(app, client, login_as, create_user, create_thread, add_reply, db):
    from community.discussions.models import Post, Thread
    from community.notifications.models import Notification

    opener = create_user(name="Olga Opener")
    mentioned = create_user(name="Mia Mentioned")
    writer = create_user(name="Wanda Writer")
    thread = create_thread(opener, title="Teams channels", body="opening")
    kept = add_reply(opener, thread, "a kept reply")
    with app.app_context():  # the kept reply an hour ago, so the deleted one is clearly the latest
        from community.extensions import db as app_db

        earlier = app_db.session.get(Post, kept.id).created_at - timedelta(hours=1)
        app_db.session.execute(update(Post).where(Post.thread_id == thread.id, Post.id != kept.id)
                               .values(created_at=earlier - timedelta(hours=1)))
        app_db.session.execute(update(Post).where(Post.id == kept.id).values(created_at=earlier))
        app_db.session.execute(update(Thread).where(Thread.id == thread.id).values(last_post_at=earlier))
        app_db.session.commit()
    gone = add_reply(writer, thread, f"regrettable words, @{mentioned.handle}")
    assert db.session.query(Notification).filter_by(user_id=mentioned.id).count() == 1
    assert db.session.query(Notification).filter_by(user_id=opener.id).count() == 1  # a reply in a watched thread

    login_as(writer)
    assert "Wanda Writer" in text_of(client.get(f"/threads/{thread.id}"))
    assert client.post_form(f"/posts/{gone.id}/delete").status_code == 302
    db.session.expire_all()
    row = db.session.get(Thread, thread.id)
    assert row.last_post_at == earlier and row.last_poster_id == opener.id
    assert row.post_count == 3  # the placeholder keeps its place
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    people = page.split('id="people-heading"')[1].split("</section>")[0]
    assert "Wanda Writer" not in people and "Olga Opener" in people
    assert db.session.query(Notification).filter_by(user_id=mentioned.id).count() == 0
    assert db.session.query(Notification).filter_by(user_id=opener.id).count() == 0
    client.post_form("/logout")
    login_as(mentioned)
    assert "regrettable" not in text_of(client.get("/notifications/"))
    assert "Teams channels" not in text_of(client.get("/notifications/"))


def test_deleting_an_older_post_keeps_the_last_activity(client, login_as, create_user, create_thread, add_reply, db):
    from community.discussions.models import Thread

    author = create_user()
    thread = create_thread(author, body="opening")
    older = add_reply(author, thread, "older")
    add_reply(author, thread, "newer")
    db.session.expire_all()
    before = db.session.get(Thread, thread.id).last_post_at
    login_as(author)
    assert client.post_form(f"/posts/{older.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).last_post_at == before
