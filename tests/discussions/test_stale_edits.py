"""Two people editing one post: the later save based on an older version does not overwrite."""

import re

from tests.conftest import isolated


def _version(page: str) -> str:
    found = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', page)
    assert found, "the edit form carries the version it is based on"
    return found.group(1) or found.group(2)


def _edit_elsewhere(app, post, body):
    from community.accounts.models import User
    from community.discussions import services
    from community.discussions.models import Post
    from community.extensions import db

    def edit():
        with app.test_request_context():
            stored = db.session.get(Post, post.id)
            services.edit_post(db.session.get(User, stored.author_id), stored, body)
            db.session.commit()

    isolated(app, edit)


def test_a_stale_edit_is_refused_and_keeps_the_typed_text(app, client, login_as, create_user, create_thread, add_reply, db):
    from community.discussions.models import Post

    author = create_user()
    post = add_reply(author, create_thread(create_user()), "First version")
    login_as(author)
    started_from = _version(client.get(f"/posts/{post.id}/edit").get_data(as_text=True))
    _edit_elsewhere(app, post, "Newer version from another tab")

    response = client.post_form(f"/posts/{post.id}/edit", {"body": "My stale text", "version": started_from})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("Someone changed this post while you were editing it") == 1  # said once, not three times
    assert "My stale text" in page and "Newer version from another tab" in page
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "Newer version from another tab"

    # Saving again, now knowing the other version, replaces it.
    again = client.post_form(f"/posts/{post.id}/edit", {"body": "My stale text", "version": _version(page)})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "My stale text"


def test_the_api_refuses_an_edit_based_on_an_older_version(app, client, api_token, create_user, create_thread, add_reply, db):
    from community.discussions.models import Post

    author = create_user()
    thread = create_thread(create_user())
    post = add_reply(author, thread, "First version")
    token = api_token(author)
    seen = client.get(f"/api/v1/threads/{thread.id}", headers={"Authorization": f"Bearer {token}"}).json
    version = seen["posts"]["items"][1]["version"]
    _edit_elsewhere(app, post, "Newer version")

    stale = client.send_json("PATCH", f"/api/v1/posts/{post.id}", {"body": "Stale", "version": version}, token=token)
    assert stale.status_code == 409 and stale.json["error"]["code"] == "conflict"
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "Newer version"

    current = client.get(f"/api/v1/threads/{thread.id}", headers={"Authorization": f"Bearer {token}"}).json
    fresh = current["posts"]["items"][1]["version"]
    ok = client.send_json("PATCH", f"/api/v1/posts/{post.id}", {"body": "Based on the newest", "version": fresh}, token=token)
    assert ok.status_code == 200 and ok.json["body"] == "Based on the newest" and ok.json["version"] != fresh
    # Clients that never send a version keep working.
    assert client.send_json("PATCH", f"/api/v1/posts/{post.id}", {"body": "No version"}, token=token).status_code == 200


def test_the_api_takes_the_version_only_as_a_json_integer(client, api_token, create_user, create_thread, add_reply, db):
    """A version of 2.5e-42 (or "1") was read as 0 and the edit went through (schemathesis)."""
    from community.discussions.models import Post

    author = create_user()
    post = add_reply(author, create_thread(create_user()), "First version")
    token = api_token(author)
    for bad in (2.5890419884777833e-42, "1", True, 2**60):
        answer = client.send_json("PATCH", f"/api/v1/posts/{post.id}", {"body": "Changed", "version": bad}, token=token)
        assert answer.status_code == 422 and "version" in answer.json["error"]["fields"], bad
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "First version"
