"""Moderators remove a whole thread (spam, a thread in the wrong place): kept and restorable,
but gone for members everywhere — lists, start page, topics, search, profiles, notifications,
e-mails, the API — and answering like a thread that never was. Moderators still open it, see
who removed it and why, find it among the removed threads, and restore it."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from tests.conftest import text_of

SPAM = "Cheap watches for everyone"
KEPT = "Teams channels per project"


def _remove(client, thread_id: int, reason: str = "") -> None:
    response = client.post_form(f"/threads/{thread_id}/remove", {"note": reason})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/threads/{thread_id}")


@pytest.fixture
def spam_world(create_user, create_category, create_tag, create_thread, add_reply):
    """A topic, a category with two threads on it, the spam one mentioning a reader (who also
    follows it and got a reply notification), and a moderator."""
    create_tag("microsoft-teams", "Microsoft Teams")
    category = create_category(name="Tools & tricks")
    author = create_user(name="Sam Spammer")
    reader = create_user(name="Rita Reader")
    spam = create_thread(author, category=category, title=SPAM, tags=["microsoft-teams"],
                         body=f"Hi @{reader.handle}, great offer")
    kept = create_thread(create_user(name="Kim Kept"), category=category, title=KEPT, tags=["microsoft-teams"])
    add_reply(reader, spam, "Is this real?")
    add_reply(author, spam, "Sure, buy now")
    return {"category": category, "author": author, "reader": reader, "spam": spam, "kept": kept,
            "moderator": create_user(roles=["change_manager"], name="Mona Moderator")}


def _member_sees(client, world) -> dict[str, str]:
    """What a member reads on every page that lists threads (text and raw HTML)."""
    category, spam, author = world["category"], world["spam"], world["author"]
    pages = {
        "category": f"/community/c/{category.slug}", "start": "/community", "home": "/",
        "topic": "/community/topics/microsoft-teams", "tag page": "/tags/microsoft-teams",
        "search": "/community/search?q=watches", "profile": f"/people/{author.id}", "notifications": "/notifications/",
    }
    seen = {}
    for name, address in pages.items():
        response = client.get(address)
        assert response.status_code == 200, address
        seen[name] = html.unescape(response.get_data(as_text=True))
    seen["thread"] = str(client.get(f"/threads/{spam.id}").status_code)
    return seen


def test_a_removed_thread_disappears_for_members_everywhere_and_answers_like_none(
    app, client, login_as, spam_world, api_token
):
    from community.discussions import queries
    from community.discussions.visibility import still_visible
    from community.notifications.models import Notification
    from community.outreach.services import notification_email

    world, reader = spam_world, spam_world["reader"]
    login_as(reader)
    before = _member_sees(client, world)  # and every cached page is kept meanwhile
    for name in ("category", "start", "home", "topic", "tag page", "search", "profile", "notifications"):
        assert SPAM in before[name], name
    assert before["thread"] == "200"
    assert "data-unread>2<" in before["notifications"]  # the mention and the reply
    client.post_form("/logout")

    login_as(world["moderator"])
    _remove(client, world["spam"].id, "Advertising")
    client.post_form("/logout")

    login_as(reader)
    after = _member_sees(client, world)
    for name in ("category", "start", "home", "topic", "tag page", "search", "profile", "notifications"):
        assert SPAM not in after[name], name
    assert KEPT in after["category"] and KEPT in after["topic"] and KEPT in after["start"]
    assert "data-unread>" not in after["notifications"]  # the bell counts neither notification
    assert "data-unread>" not in client.get("/community").get_data(as_text=True)

    # The thread's address, a reply to it and the follow form answer like an id never used.
    never = 987654
    gone, missing = client.get(f"/threads/{world['spam'].id}"), client.get(f"/threads/{never}")
    assert gone.status_code == missing.status_code == 404
    assert text_of(gone).replace(str(world["spam"].id), "N") == text_of(missing).replace(str(never), "N")
    reply = client.post_form(f"/threads/{world['spam'].id}/reply", {"body": "Still there?"})
    assert reply.status_code == 404

    # The API: not listed, not found, not searchable, no reply.
    token = api_token(reader)
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/threads", headers=headers).json
    assert [t["title"] for t in listed["items"]] == [KEPT] and listed["total"] == 1
    assert client.get("/api/v1/threads?q=watches", headers=headers).json["items"] == []
    assert client.get("/api/v1/threads?tag=microsoft-teams", headers=headers).json["total"] == 1
    gone, missing = client.get(f"/api/v1/threads/{world['spam'].id}", headers=headers), client.get(
        f"/api/v1/threads/{never}", headers=headers)
    assert gone.status_code == missing.status_code == 404 and gone.json == missing.json
    posted = client.send_json("POST", f"/api/v1/threads/{world['spam'].id}/posts", {"body": "Hello?"}, token=token)
    missing = client.send_json("POST", f"/api/v1/threads/{never}/posts", {"body": "Hello?"}, token=token)
    assert posted.status_code == missing.status_code == 404 and posted.json == missing.json

    # E-mails and digests not built yet leave them out too; the start page's figures count it no more.
    with app.test_request_context():
        from community.accounts.models import User
        from community.extensions import db

        person = db.session.get(User, reader.id)
        notes = list(db.session.scalars(select(Notification).where(Notification.user_id == reader.id)))
        assert len(notes) == 2 and still_visible(person, notes) == []
        assert all(notification_email(note.id) is None for note in notes)
        [summary] = [s for s in queries.category_summaries(person) if s.category.id == world["category"].id]
        assert summary.threads == 1 and summary.latest is not None and summary.latest.title == KEPT


def test_moderator_sees_who_removed_it_and_why_finds_it_and_restores_it(
    client, login_as, db, spam_world
):
    from community.discussions.models import ModerationAction, Thread
    from community.notifications.models import Notification

    world = spam_world
    spam_id = world["spam"].id
    login_as(world["moderator"])
    _remove(client, spam_id, "Advertising, not a question")
    page = html.unescape(text_of(client.get(f"/threads/{spam_id}")))
    assert "Removed by Mona Moderator on" in page and "Reason: Advertising, not a question" in page
    assert "Restore thread" in page and "restore it before replying" in page
    assert SPAM not in html.unescape(text_of(client.get(f"/community/c/{world['category'].slug}")))
    removed = html.unescape(text_of(client.get("/community/moderation/removed")))
    assert SPAM in removed and "Advertising, not a question" in removed and "Sam Spammer" in removed
    # A moderator cannot reply to a removed thread either: it is to be restored first.
    assert client.post_form(f"/threads/{spam_id}/reply", {"body": "Hmm"}).status_code == 403

    stored = db.session.get(Thread, spam_id)
    assert stored.removed_at is not None and stored.removed_by_id == world["moderator"].id
    assert stored.removal_reason == "Advertising, not a question"

    # The author is told, with the reason; the notification leads to the category.
    client.post_form("/logout")
    login_as(world["author"])
    told = html.unescape(text_of(client.get("/notifications/")))
    assert f"A moderator removed your thread “{SPAM}”: Advertising, not a question" in told
    note = db.session.scalar(select(Notification).where(Notification.user_id == world["author"].id,
                                                        Notification.kind == "discussion_removed_reason"))
    assert note.link == f"/community/c/{world['category'].slug}"
    assert client.get(f"/threads/{spam_id}").status_code == 404  # the author does not see it either
    assert client.post_form(f"/threads/{spam_id}/restore").status_code == 404
    client.post_form("/logout")

    login_as(world["moderator"])
    assert client.post_form(f"/threads/{spam_id}/restore", {"note": "Was a real offer"}).status_code == 302
    assert "No removed threads" in text_of(client.get("/community/moderation/removed"))
    log = html.unescape(text_of(client.get("/community/moderation/log")))
    assert "removed the thread" in log and "restored the thread" in log and "Was a real offer" in log
    entries = db.session.execute(select(ModerationAction.action, ModerationAction.note, ModerationAction.thread_id)
                                 .order_by(ModerationAction.id)).all()
    assert [tuple(e) for e in entries] == [("thread.removed", "Advertising, not a question", spam_id),
                                           ("thread.restored", "Was a real offer", spam_id)]
    client.post_form("/logout")

    login_as(world["reader"])
    assert client.get(f"/threads/{spam_id}").status_code == 200
    assert SPAM in html.unescape(text_of(client.get(f"/community/c/{world['category'].slug}")))
    client.post_form("/logout")
    login_as(world["author"])
    told = html.unescape(text_of(client.get("/notifications/")))
    assert f"A moderator restored your thread “{SPAM}”" in told


def test_members_may_not_remove_or_restore_a_thread(client, login_as, db, spam_world, create_user, create_category,
                                                    create_thread, api_token):
    from community.discussions.models import ModerationAction, Thread

    world = spam_world
    spam_id = world["spam"].id
    login_as(world["author"])  # not even their own thread
    assert client.post_form(f"/threads/{spam_id}/remove", {"note": "oops"}).status_code == 403
    assert client.get("/community/moderation/removed").status_code == 403
    token = api_token(world["author"])
    assert client.send_json("DELETE", f"/api/v1/threads/{spam_id}", token=token).status_code == 403
    assert client.send_json("POST", f"/api/v1/threads/{spam_id}/restore", token=token).status_code == 403
    # A thread the member cannot see at all: the answer of an id never used, not a refusal.
    lounge = create_thread(create_user(roles=["mentor"]), category=create_category(visibility="mentors"))
    hidden = client.send_json("DELETE", f"/api/v1/threads/{lounge.id}", token=token)
    never = client.send_json("DELETE", "/api/v1/threads/987654", token=token)
    assert hidden.status_code == never.status_code == 404 and hidden.json == never.json
    db.session.expire_all()
    assert db.session.get(Thread, spam_id).removed_at is None
    assert db.session.scalar(select(ModerationAction.id)) is None


def test_moderators_remove_and_restore_through_the_api(client, db, spam_world, api_token):
    from community.notifications.models import Notification

    world = spam_world
    spam_id = world["spam"].id
    moderator, member = api_token(world["moderator"]), api_token(world["reader"])
    removed = client.send_json("DELETE", f"/api/v1/threads/{spam_id}", {"reason": "Spam"}, token=moderator)
    assert removed.status_code == 204
    again = client.open(f"/api/v1/threads/{spam_id}", method="DELETE", headers={"Authorization": f"Bearer {moderator}"})
    assert again.status_code == 204  # no body needed; removing a removed thread changes nothing
    seen = client.get(f"/api/v1/threads/{spam_id}", headers={"Authorization": f"Bearer {moderator}"}).json
    assert seen["removed"] is True and seen["removal_reason"] == "Spam" and seen["removed_at"]
    assert seen["removed_by"]["name"] == "Mona Moderator"
    assert client.get(f"/api/v1/threads/{spam_id}", headers={"Authorization": f"Bearer {member}"}).status_code == 404
    refused = client.send_json("POST", f"/api/v1/threads/{spam_id}/posts", {"body": "Note"}, token=moderator)
    assert refused.status_code == 403 and "restore" in refused.json["error"]["message"]
    too_long = client.send_json("DELETE", f"/api/v1/threads/{world['kept'].id}", {"reason": "x" * 1001}, token=moderator)
    assert too_long.status_code == 422 and "reason" in too_long.json["error"]["fields"]

    restored = client.send_json("POST", f"/api/v1/threads/{spam_id}/restore", token=moderator)
    assert restored.status_code == 200 and restored.json["removed"] is False and restored.json["title"] == SPAM
    shown = client.get(f"/api/v1/threads/{spam_id}", headers={"Authorization": f"Bearer {member}"}).json
    assert shown["removed"] is False and shown["removal_reason"] is None
    kinds = list(db.session.scalars(select(Notification.kind).where(Notification.user_id == world["author"].id)
                                    .order_by(Notification.id)))
    assert kinds[-2:] == ["discussion_removed_reason", "discussion_restored"]


def test_a_removed_thread_is_no_evidence_of_community_activity(app, db, spam_world):
    """Ambassador evidence and the network analysis count threads and replies
    (queries.activity_records): none of a removed thread, until it is restored."""
    from community.accounts.models import User
    from community.discussions import moderation, queries
    from community.discussions.models import Thread

    def records() -> set[tuple[int, str]]:
        return {(person, kind) for person, kind, _at in queries.activity_records()}

    author, reader = spam_world["author"].id, spam_world["reader"].id
    assert {(author, "thread"), (author, "post"), (reader, "post")} <= records()
    with app.test_request_context():
        moderator = db.session.get(User, spam_world["moderator"].id)
        moderation.remove_thread(moderator, db.session.get(Thread, spam_world["spam"].id))
        db.session.flush()
        assert records().isdisjoint({(author, "thread"), (author, "post"), (reader, "post")})
        moderation.restore_thread(moderator, db.session.get(Thread, spam_world["spam"].id))
        db.session.flush()
        assert {(author, "thread"), (author, "post"), (reader, "post")} <= records()
        db.session.rollback()
