"""Authors delete their posts as they edit them: not in a locked thread, not once hidden."""

from tests.conftest import isolated


def _lock(app, thread):
    from community.discussions.models import Thread
    from community.extensions import db

    def lock():
        with app.app_context():
            db.session.get(Thread, thread.id).locked = True
            db.session.commit()

    isolated(app, lock)


def _hide(app, post):
    from community.discussions.models import Post
    from community.extensions import db

    def hide():
        with app.app_context():
            db.session.get(Post, post.id).hidden = True
            db.session.commit()

    isolated(app, hide)


def _still_there(db, post):
    from community.discussions.models import Post

    db.session.expire_all()
    return db.session.get(Post, post.id).deleted_at is None


def test_an_author_cannot_delete_a_post_in_a_locked_thread(app, client, login_as, api_token, create_user, create_thread, add_reply, db):
    author = create_user()
    thread = create_thread(create_user())
    post = add_reply(author, thread, "My reply")
    _lock(app, thread)

    login_as(author)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "My reply" in page and f"/posts/{post.id}/delete" not in page
    assert client.post_form(f"/posts/{post.id}/delete", {}).status_code == 403
    edit = client.send_json("PATCH", f"/api/v1/posts/{post.id}", {"body": "changed"}, token=api_token(author))
    delete = client.send_json("DELETE", f"/api/v1/posts/{post.id}", token=api_token(author))
    assert delete.status_code == edit.status_code == 403
    assert "locked" in delete.json["error"]["message"]
    assert _still_there(db, post)


def test_an_author_cannot_delete_a_post_a_moderator_hid(app, client, login_as, api_token, create_user, create_thread, add_reply, db):
    author = create_user()
    thread = create_thread(create_user())
    post = add_reply(author, thread, "Something rude")
    _hide(app, post)

    login_as(author)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "hidden by a moderator" in page and f"/posts/{post.id}/delete" not in page
    assert client.post_form(f"/posts/{post.id}/delete", {}).status_code == 403
    edit = client.send_json("PATCH", f"/api/v1/posts/{post.id}", {"body": "changed"}, token=api_token(author))
    delete = client.send_json("DELETE", f"/api/v1/posts/{post.id}", token=api_token(author))
    assert delete.status_code == edit.status_code == 403
    assert _still_there(db, post)


def test_a_moderator_still_deletes_in_a_locked_thread(app, client, login_as, create_user, create_thread, add_reply, db):
    thread = create_thread(create_user())
    post = add_reply(create_user(), thread, "Off topic")
    _lock(app, thread)
    login_as(create_user(roles=["change_manager"]))
    assert f"/posts/{post.id}/delete" in client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert client.post_form(f"/posts/{post.id}/delete", {}).status_code == 302
    assert not _still_there(db, post)
