"""Community data in the personal export and on erasure: what others wrote stays readable."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import PASSWORD, login, text_of


def test_export_lists_my_posts_follows_reports_and_mentions(client, create_user, create_thread, add_reply,
                                                          first_post, api_token, login_as):
    alice = create_user(roles=["mentor"], name="Alice Author")
    bob = create_user(roles=["mentor"], name="Bob Replier")
    thread = create_thread(alice, title="Teams etiquette", body="Mute when you are not talking.")
    bobs = add_reply(bob, thread, f"Good one, @{alice.handle}!")
    login_as(alice)
    assert client.post_form(f"/community/follow/thread/{thread.id}", {"level": "watching"}).status_code == 302
    assert client.post_form(f"/posts/{bobs.id}/flag", {"reason": "Off topic, sorry"}).status_code == 302
    token = api_token(alice)
    post_id = first_post(thread).id
    assert client.send_json("PATCH", f"/api/v1/posts/{post_id}", {"body": "Mute yourself when silent."},
                            token=token).status_code == 200

    data = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {token}"}).json["discussions"]
    assert data["threads_started"][0]["title"] == "Teams etiquette"
    assert [p["body"] for p in data["posts"]] == ["Mute yourself when silent."]
    assert data["earlier_versions_of_my_posts"][0]["body"] == "Mute when you are not talking."
    assert data["mentioned_in"] == [{"post_id": bobs.id, "thread_id": thread.id, "created_at": data["mentioned_in"][0]["created_at"],
                                     "thread_removed": False}]
    assert {"kind": "thread", "id": thread.id, "level": "watching"} in data["following"]
    assert data["reports_filed"][0]["reason"] == "Off topic, sorry"
    # Bob's export does not contain Alice's things; it shows the report on his post, not who filed it.
    bob_data = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {api_token(bob)}"}).json["discussions"]
    assert [r["reason"] for r in bob_data["reports_on_my_posts"]] == ["Off topic, sorry"]
    assert "Alice" not in str(bob_data["reports_on_my_posts"]) and "reporter" not in str(bob_data["reports_on_my_posts"])
    assert [p["id"] for p in bob_data["posts"]] == [bobs.id] and bob_data["reports_filed"] == []
    assert bob_data["mentioned_in"] == [] and bob_data["threads_started"] == []
    # Once a moderator removes the thread, the mention is still exported, marked as in a removed thread.
    moderator = create_user(roles=["admin"], name="Mo Derator")
    assert client.send_json("DELETE", f"/api/v1/threads/{thread.id}", {"reason": "Duplicate"},
                            token=api_token(moderator)).status_code == 204
    data = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {token}"}).json["discussions"]
    assert [(m["post_id"], m["thread_removed"]) for m in data["mentioned_in"]] == [(bobs.id, True)]


def test_after_erasure_posts_stay_readable_as_former_member_and_personal_traces_go(
        app, client, create_user, create_thread, add_reply, login_as, api_token, db):
    from community.discussions.models import Flag, Mention, Subscription

    alice = create_user(roles=["mentor"], name="Alice Author")
    bob = create_user(roles=["mentor"], name="Bob Replier")
    thread = create_thread(alice, title="Teams etiquette", body="Mute when you are not talking.")
    bobs = add_reply(bob, thread, f"Good one, @{alice.handle}!")
    login_as(alice)
    client.post_form(f"/community/follow/thread/{thread.id}", {"level": "watching"})
    client.post_form(f"/posts/{bobs.id}/flag", {"reason": "Off topic, sorry"})
    assert client.send_json("DELETE", "/api/v1/me", {"password": PASSWORD}, token=api_token(alice)).status_code == 204

    assert db.session.scalar(select(func.count()).select_from(Subscription).where(Subscription.user_id == alice.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(Mention).where(Mention.user_id == alice.id)) == 0
    flag = db.session.scalar(select(Flag))
    assert flag is not None and flag.reporter_id is None and flag.reason == "Off topic, sorry"

    reader = app.test_client_class(app, app.response_class, use_cookies=True)
    assert login(reader, create_user(roles=["staff"])).status_code == 302
    page = text_of(reader.get(f"/threads/{thread.id}"))
    assert "Mute when you are not talking." in page and "Former member" in page and "Alice Author" not in page
    assert "Good one, @former-member!" in page and alice.handle not in reader.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Good one" not in text_of(reader.get("/community/search", query_string={"q": alice.handle.split(".")[1]}))


def test_a_moderators_export_lists_their_moderation_acts(client, create_user, create_thread, first_post, api_token,
                                                         login_as):
    author = create_user(roles=["mentor"])
    thread = create_thread(author, title="Spam?", body="Buy now!")
    moderator = create_user(roles=["change_manager"])
    login_as(moderator)
    assert client.post_form(f"/posts/{first_post(thread).id}/hide", {"note": "Advertising"}).status_code == 302
    data = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {api_token(moderator)}"}).json
    acts = data["discussions"]["moderation_acts"]
    assert [(a["action"], a["note"]) for a in acts] == [("post.hidden", "Advertising")]


def test_an_erased_author_is_a_former_member_in_each_readers_language(
        app, client, create_user, create_thread, login_as, db):
    """The name was stored in the language of whoever erased the person: an English admin's
    erasure read "Former member" to every German reader, a German admin's "Ehemaliges Mitglied"
    to every English one. The audit trail reads the name in SQL and follows the same rule."""
    alice = create_user(roles=["mentor"], name="Alice Author")
    thread = create_thread(alice, title="Teams etiquette", body="Mute when you are not talking.")
    admin = create_user(roles=["admin"], locale="en")
    login_as(admin)
    assert client.post_form(f"/admin/users/{alice.id}/erase", {"confirm": "y"}).status_code == 302
    assert "Former member" in text_of(client.get("/admin/audit"))
    for locale, shown, not_shown in (("de", "Ehemaliges Mitglied", "Former member"),
                                     ("en", "Former member", "Ehemaliges Mitglied")):
        reader = app.test_client_class(app, app.response_class, use_cookies=True)
        assert login(reader, create_user(roles=["staff"], locale=locale)).status_code == 302
        page = text_of(reader.get(f"/threads/{thread.id}"))
        assert "Mute when you are not talking." in page and shown in page and not_shown not in page
        assert "Alice Author" not in page


def test_my_export_marks_the_threads_a_moderator_removed_with_when_and_why_but_not_who(
        client, create_user, create_thread, add_reply, api_token, login_as):
    """The author was told "A moderator removed your thread …: reason" (no name): the export says
    the same of each removed thread, and marks their posts in removed threads, through their thread."""
    import json

    alice = create_user(roles=["mentor"], name="Alice Author")
    bob = create_user(roles=["mentor"], name="Bob Starter")
    moderator = create_user(roles=["change_manager"], name="Mona Moderator")
    spam = create_thread(alice, title="Cheap watches", body="Buy now")
    kept = create_thread(alice, title="Teams etiquette", body="Mute when silent")
    quiet = create_thread(alice, title="Old poll", body="Who comes?")
    bobs = create_thread(bob, title="Off-topic rant", body="Rant")
    my_reply = add_reply(alice, bobs, "Agreed!")
    mod = api_token(moderator)
    for thread, reason in ((spam, "Advertising"), (quiet, None), (bobs, "Not about the programme")):
        body = {"reason": reason} if reason else None
        assert client.send_json("DELETE", f"/api/v1/threads/{thread.id}", body, token=mod).status_code == 204

    token = api_token(alice)
    whole = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {token}"}).json
    data = whole["discussions"]
    started = {t["title"]: t for t in data["threads_started"]}
    assert started["Cheap watches"]["removed"] is True and started["Cheap watches"]["removal_reason"] == "Advertising"
    assert started["Cheap watches"]["removed_at"] > started["Cheap watches"]["created_at"]
    assert started["Old poll"]["removed"] is True and started["Old poll"]["removal_reason"] is None
    assert started["Old poll"]["removed_at"]
    assert started["Teams etiquette"] | {"created_at": None} == {
        "id": kept.id, "title": "Teams etiquette", "created_at": None, "removed": False, "removed_at": None,
        "removal_reason": None}
    # Her posts say whether their thread was removed, and since when; the reason only where she was told it.
    posts = {p["thread_id"]: p for p in data["posts"]}
    assert {tid: p["thread_removed"] for tid, p in posts.items()} == {
        spam.id: True, kept.id: False, quiet.id: True, bobs.id: True}
    assert posts[spam.id]["thread_removed_at"] == started["Cheap watches"]["removed_at"]
    assert posts[kept.id]["thread_removed_at"] is None and posts[bobs.id]["id"] == my_reply.id
    assert posts[bobs.id]["thread_removed_at"]
    text = json.dumps(whole, ensure_ascii=False)
    assert "Not about the programme" not in text  # Bob's thread: Bob was told, not her
    assert "Mona Moderator" not in text and moderator.handle not in text and "removed_by" not in text

    # The download on /settings/privacy is the same export; a restored thread is no longer marked.
    login_as(alice)
    download = client.get("/settings/privacy/export.json")
    assert download.status_code == 200 and download.json["discussions"]["threads_started"] == data["threads_started"]
    assert client.send_json("POST", f"/api/v1/threads/{spam.id}/restore", token=mod).status_code == 200
    again = client.get("/settings/privacy/export.json").json["discussions"]
    restored = next(t for t in again["threads_started"] if t["id"] == spam.id)
    assert restored["removed"] is False and restored["removed_at"] is None and restored["removal_reason"] is None
    assert next(p for p in again["posts"] if p["thread_id"] == spam.id)["thread_removed"] is False


def test_the_export_reads_my_posts_and_their_threads_in_the_same_statements_however_many(
        client, db, create_user, create_thread, add_reply, api_token):
    from tests.discussions.test_queries import count_statements

    alice, moderator = create_user(roles=["mentor"]), create_user(roles=["change_manager"])
    mod, headers = api_token(moderator), {"Authorization": f"Bearer {api_token(alice)}"}

    def write_and_remove(count: int) -> int:
        for n in range(count):
            thread = create_thread(create_user(roles=["mentor"]) if n % 2 else alice)
            add_reply(alice, thread, f"Reply {n}")
            if n % 3:
                client.send_json("DELETE", f"/api/v1/threads/{thread.id}", {"reason": f"R{n}"}, token=mod)
        client.get("/api/v1/me/export", headers=headers)  # remembers the token's owner: not counted
        return count_statements(db, lambda: client.get("/api/v1/me/export", headers=headers))

    few = write_and_remove(3)
    many = write_and_remove(12)
    assert many == few, (few, many)
