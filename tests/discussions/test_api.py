"""The community API: SPEC's shapes, visibility, sizes, permissions, history."""

from sqlalchemy import func, select


def test_categories_list_applies_visibility(client, create_user, api_token, create_category):
    create_category(name="Tools & tricks", position=1)
    create_category(name="Mentor lounge", visibility="mentors", position=2)
    staff = client.get("/api/v1/categories", headers={"Authorization": f"Bearer {api_token(create_user())}"}).json
    assert [c["name"] for c in staff["items"]] == ["Tools & tricks"] and staff["total"] == 1
    assert set(staff["items"][0]) >= {"id", "slug", "name", "description", "visibility"}
    mentor = client.get("/api/v1/categories", headers={"Authorization": f"Bearer {api_token(create_user(roles=['mentor']))}"}).json
    assert [c["visibility"] for c in mentor["items"]] == ["members", "mentors"]


def test_member_starts_a_thread_and_replies_through_the_api(client, create_user, api_token, create_category, create_tag, db):
    from community.discussions.models import Thread

    create_tag("microsoft-teams")
    category = create_category()
    peer = create_user(name="Paula Peer")
    token = api_token(create_user(roles=["mentor"], name="Max Mentor"))
    response = client.send_json("POST", "/api/v1/threads", {
        "category_id": category.id, "title": "  Channels  per topic ", "body": f"Hi @{peer.handle}, **thoughts**?",
        "tags": ["microsoft-teams"],
    }, token=token)
    assert response.status_code == 201, response.json
    thread = response.json
    assert thread["title"] == "Channels per topic" and thread["tags"] == ["microsoft-teams"]
    assert thread["post_count"] == 1 and thread["locked"] is False and thread["pinned"] is False
    assert thread["author"]["name"] == "Max Mentor" and thread["category_id"] == category.id
    first = thread["posts"]["items"][0]
    assert f'href="/people/{peer.id}"' in first["html"] and "<strong>thoughts</strong>" in first["html"]
    reply = client.send_json("POST", f"/api/v1/threads/{thread['id']}/posts", {"body": "Reply *here*"}, token=token)
    assert reply.status_code == 201
    assert set(reply.json) >= {"id", "author", "body", "html", "created_at", "edited_at", "deleted"}
    assert reply.json["html"] == "<p>Reply <em>here</em></p>\n" and reply.json["deleted"] is False
    assert db.session.get(Thread, thread["id"]).post_count == 2


def test_thread_posts_are_paginated(client, create_user, api_token, create_thread, add_reply):
    author = create_user()
    thread = create_thread(author, body="p0")
    for n in range(1, 5):
        add_reply(author, thread, f"p{n}")
    token = api_token(author)
    body = client.get(f"/api/v1/threads/{thread.id}?page=2&per_page=2", headers={"Authorization": f"Bearer {token}"}).json
    assert body["post_count"] == 5
    assert body["posts"]["total"] == 5 and body["posts"]["page"] == 2 and body["posts"]["per_page"] == 2
    assert [p["body"] for p in body["posts"]["items"]] == ["p2", "p3"]


def test_thread_list_filters_by_category_tag_and_words(client, create_user, api_token, create_category, create_tag, create_thread):
    create_tag("wiki")
    one, two = create_category(), create_category()
    author = create_user()
    create_thread(author, category=one, title="Wiki gardening", tags=["wiki"])
    create_thread(author, category=two, title="Calendar hygiene")
    token = api_token(author)

    def titles(query):
        response = client.get("/api/v1/threads", query_string=query, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        return [t["title"] for t in response.json["items"]]

    assert titles({}) == ["Calendar hygiene", "Wiki gardening"]
    assert titles({"category_id": one.id}) == ["Wiki gardening"]
    assert titles({"tag": "wiki"}) == ["Wiki gardening"]
    assert titles({"tag": "unknown-topic"}) == []
    assert titles({"q": "hygien"}) == ["Calendar hygiene"]


def test_hidden_categories_and_their_threads_are_404_in_the_api(client, create_user, api_token, create_category, create_thread, db):
    from community.discussions.models import Thread

    lounge = create_category(visibility="mentors")
    thread = create_thread(create_user(roles=["mentor"]), category=lounge, title="Lounge talk")
    token = api_token(create_user(roles=["executive"]))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/threads/{thread.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/threads?category_id={lounge.id}", headers=headers).status_code == 404
    assert client.get("/api/v1/threads", headers=headers).json["total"] == 0
    assert client.send_json("POST", f"/api/v1/threads/{thread.id}/posts", {"body": "hi"}, token=token).status_code == 404
    response = client.send_json("POST", "/api/v1/threads", {"category_id": lounge.id, "title": "t", "body": "b"}, token=token)
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 1


def test_bad_bodies_are_refused_with_the_right_status(client, create_user, api_token, create_thread, db):
    from community.discussions.models import Post

    thread = create_thread(create_user())
    token = api_token(create_user())
    url = f"/api/v1/threads/{thread.id}/posts"
    too_big = client.send_json("POST", url, {"body": "x" * 20_001}, token=token)
    assert too_big.status_code == 413 and too_big.json["error"]["code"] == "too_large"
    assert "body" in too_big.json["error"]["fields"]
    assert client.send_json("POST", url, {"body": "x" * 20_000}, token=token).status_code == 201
    empty = client.send_json("POST", url, {"body": "   "}, token=token)
    assert empty.status_code == 422 and "body" in empty.json["error"]["fields"]
    assert client.send_json("POST", url, {}, token=token).status_code == 422
    assert client.send_json("POST", url, {"body": "x", "author_id": 1}, token=token).status_code == 422
    assert client.send_json("POST", url, {"body": 42}, token=token).status_code == 422
    assert client.send_json("POST", url, {"body": "x", "reply_to_post_id": 99999}, token=token).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Post)) == 2


def test_new_thread_needs_title_and_known_topics(client, create_user, api_token, create_category):
    category = create_category()
    token = api_token(create_user())
    no_title = client.send_json("POST", "/api/v1/threads", {"category_id": category.id, "title": " ", "body": "b"}, token=token)
    assert no_title.status_code == 422 and "title" in no_title.json["error"]["fields"]
    marks = client.send_json("POST", "/api/v1/threads", {"category_id": category.id, "title": "?!?! …", "body": "b"}, token=token)
    assert marks.status_code == 422
    assert marks.json["error"]["fields"]["title"] == ["Say in words what the thread is about: the title has no letters or digits."]
    short = client.send_json("POST", "/api/v1/threads", {"category_id": category.id, "title": "KI?", "body": "b"}, token=token)
    assert short.status_code == 201  # a word of two letters is a title
    unknown = client.send_json("POST", "/api/v1/threads", {"category_id": category.id, "title": "t", "body": "b", "tags": ["nope"]}, token=token)
    assert unknown.status_code == 422 and "tags" in unknown.json["error"]["fields"]
    huge = client.send_json("POST", "/api/v1/threads", {"category_id": category.id, "title": "t", "body": "b" * 30_000}, token=token)
    assert huge.status_code == 413


def test_locked_thread_refuses_api_replies_except_from_moderators(client, create_user, api_token, create_thread, db):
    from community.discussions.models import Thread

    thread = create_thread(create_user())
    db.session.get(Thread, thread.id).locked = True
    db.session.commit()
    member = client.send_json("POST", f"/api/v1/threads/{thread.id}/posts", {"body": "hi"}, token=api_token(create_user()))
    assert member.status_code == 403 and member.json["error"]["code"] == "forbidden"
    admin = client.send_json("POST", f"/api/v1/threads/{thread.id}/posts", {"body": "closing"}, token=api_token(create_user(roles=["admin"])))
    assert admin.status_code == 201


def test_patch_keeps_history_and_only_author_or_moderators_may(client, create_user, api_token, create_thread, first_post, db):
    from community.discussions.models import PostRevision

    author = create_user()
    thread = create_thread(author, body="v1")
    post = first_post(thread)
    stranger = client.send_json("PATCH", f"/api/v1/posts/{post.id}", {"body": "hijack"}, token=api_token(create_user()))
    assert stranger.status_code == 403
    own = client.send_json("PATCH", f"/api/v1/posts/{post.id}", {"body": "v2"}, token=api_token(author))
    assert own.status_code == 200 and own.json["body"] == "v2" and own.json["edited_at"] is not None
    moderator = client.send_json("PATCH", f"/api/v1/posts/{post.id}", {"body": "v3"}, token=api_token(create_user(roles=["change_manager"])))
    assert moderator.status_code == 200
    assert [r.previous_body for r in db.session.scalars(select(PostRevision).order_by(PostRevision.id))] == ["v1", "v2"]
    assert client.send_json("PATCH", f"/api/v1/posts/{post.id}", {"body": "y" * 20_001}, token=api_token(author)).status_code == 413


def test_delete_soft_deletes_and_hides_the_text_from_members(client, create_user, api_token, create_thread, add_reply, db):
    from community.discussions.models import Post

    author = create_user()
    thread = create_thread(author)
    post = add_reply(author, thread, "to be removed")
    assert client.send_json("DELETE", f"/api/v1/posts/{post.id}", token=api_token(create_user())).status_code == 403
    assert client.send_json("DELETE", f"/api/v1/posts/{post.id}", token=api_token(author)).status_code == 204
    assert db.session.get(Post, post.id).body == "to be removed"
    member_view = client.get(f"/api/v1/threads/{thread.id}", headers={"Authorization": f"Bearer {api_token(create_user())}"}).json
    deleted = member_view["posts"]["items"][1]
    assert deleted["deleted"] is True and deleted["body"] == "" and deleted["html"] == ""
    moderator_view = client.get(f"/api/v1/threads/{thread.id}", headers={"Authorization": f"Bearer {api_token(create_user(roles=['admin']))}"}).json
    assert moderator_view["posts"]["items"][1]["body"] == "to be removed"
    assert client.send_json("PATCH", f"/api/v1/posts/{post.id}", {"body": "undo"}, token=api_token(author)).status_code == 409


def test_cookie_session_api_writes_need_csrf(client, login_as, create_user, create_thread):
    thread = create_thread(create_user())
    login_as(create_user())
    response = client.open(f"/api/v1/threads/{thread.id}/posts", method="POST", json={"body": "no token"})
    assert response.status_code == 400
    assert client.send_json("POST", f"/api/v1/threads/{thread.id}/posts", {"body": "with token"}).status_code == 201


def test_posting_is_rate_limited_per_person(app, client, create_user, api_token, create_thread):
    app.config["POST_RATE_LIMIT"] = "3 per minute"
    thread = create_thread(create_user())
    token = api_token(create_user())
    statuses = [client.send_json("POST", f"/api/v1/threads/{thread.id}/posts", {"body": f"n{n}"}, token=token).status_code
                for n in range(4)]
    assert statuses == [201, 201, 201, 429]
    other = client.send_json("POST", f"/api/v1/threads/{thread.id}/posts", {"body": "me"}, token=api_token(create_user()))
    assert other.status_code == 201


def test_openapi_documents_the_community_paths(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/categories", "/api/v1/threads", "/api/v1/threads/{thread_id}",
                 "/api/v1/threads/{thread_id}/posts", "/api/v1/posts/{post_id}"):
        assert path in paths, path


def test_an_api_reply_emails_followers_who_want_replies_immediately_and_only_them(
    client, create_user, api_token, create_thread, add_reply, db
):
    from community.accounts.models import User
    from community.outreach import services as outreach
    from community.outreach.models import OutgoingMessage

    eager, patient, replier = create_user(name="Eve Eager"), create_user(name="Pat Patient"), create_user(name="Rae Replier")
    thread = create_thread(eager, title="Offsite ideas")
    add_reply(patient, thread, "Following along")  # both now watch the thread
    outreach.set_preferences(db.session.get(User, eager.id), {"reply": "immediately"})
    db.session.commit()

    answer = client.send_json("POST", f"/api/v1/threads/{thread.id}/posts", {"body": "A boat trip?"}, token=api_token(replier))

    assert answer.status_code == 201
    db.session.expire_all()
    mails = list(db.session.scalars(select(OutgoingMessage).where(OutgoingMessage.kind == "discussion_reply")))
    assert [m.user_id for m in mails] == [eager.id]
    assert "Rae Replier" in mails[0].subject and "Offsite ideas" in mails[0].subject


def test_an_api_reply_to_a_post_emails_its_author_who_stopped_following_but_wants_replies_at_once(
    client, create_user, api_token, create_thread, first_post, db
):
    """Who may want an e-mail is read with the followers before the write; the author of the
    post replied to is not among them (level "normal") and is still e-mailed at once."""
    from community.accounts.models import User
    from community.discussions import subscriptions
    from community.outreach import services as outreach
    from community.outreach.models import OutgoingMessage

    author, replier = create_user(name="Ada Author"), create_user(name="Rae Replier")
    thread = create_thread(author, title="Offsite ideas")
    subscriptions.set_subscription(db.session.get(User, author.id), "thread", thread.id, "normal")
    outreach.set_preferences(db.session.get(User, author.id), {"reply": "immediately"})
    db.session.commit()
    token = api_token(replier)

    general = client.send_json("POST", f"/api/v1/threads/{thread.id}/posts", {"body": "A boat trip?"}, token=token)
    direct = client.send_json("POST", f"/api/v1/threads/{thread.id}/posts",
                              {"body": "Or a hike?", "reply_to_post_id": first_post(thread).id}, token=token)

    assert general.status_code == 201 and direct.status_code == 201
    db.session.expire_all()
    mails = list(db.session.scalars(select(OutgoingMessage).where(OutgoingMessage.kind == "discussion_reply")))
    assert [m.user_id for m in mails] == [author.id]
    assert "Rae Replier" in mails[0].subject


def test_an_api_reply_watches_the_thread_for_a_newcomer_and_keeps_a_level_chosen_before(
    client, create_user, api_token, create_thread, db
):
    from community.accounts.models import User
    from community.discussions import subscriptions
    from community.discussions.models import Post, Subscription

    quiet, newcomer = create_user(), create_user()
    thread = create_thread(create_user())
    subscriptions.set_subscription(db.session.get(User, quiet.id), "thread", thread.id, "normal")
    db.session.commit()

    for person in (quiet, newcomer, newcomer):
        answer = client.send_json("POST", f"/api/v1/threads/{thread.id}/posts", {"body": "Count me in"}, token=api_token(person))
        assert answer.status_code == 201
        assert answer.json["author"]["id"] == person.id and answer.json["html"] == "<p>Count me in</p>\n"

    db.session.expire_all()
    levels = dict(db.session.execute(select(Subscription.user_id, Subscription.level).where(
        Subscription.target_kind == "thread", Subscription.target_id == thread.id, Subscription.user_id.in_([quiet.id, newcomer.id]))
    ).all())
    assert levels == {quiet.id: "normal", newcomer.id: "watching"}
    assert db.session.scalar(select(func.count()).select_from(Post).where(Post.thread_id == thread.id)) == 4


def test_a_reply_to_a_post_of_another_thread_names_the_api_field(client, create_user, api_token, create_thread, first_post):
    author = create_user()
    thread, elsewhere = create_thread(author), create_thread(author)
    response = client.send_json("POST", f"/api/v1/threads/{thread.id}/posts",
                                {"body": "Re", "reply_to_post_id": first_post(elsewhere).id}, token=api_token(author))
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["reply_to_post_id"]
    assert response.json["error"]["fields"]["reply_to_post_id"] == ["You can only reply to a post of this thread."]


def test_categories_give_their_german_name_and_description_as_topics_do(client, create_user, api_token, create_category):
    create_category(name="Tools & tricks", name_de="Tools & Tricks", description="Shortcuts", description_de="Abkürzungen")
    create_category(name="English only")
    reader = create_user(locale="de")
    items = client.get("/api/v1/categories", headers={"Authorization": f"Bearer {api_token(reader)}"}).json["items"]
    by_name = {item["name"]: item for item in items}
    tools, english = by_name["Tools & tricks"], by_name["English only"]
    assert (tools["name"], tools["name_de"], tools["description_de"]) == ("Tools & tricks", "Tools & Tricks", "Abkürzungen")
    assert english["name"] == "English only" and english["name_de"] is None
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Category"]["properties"]
    assert {"name", "name_de", "description", "description_de"} <= set(schema)
