"""A thread's title and topics can be corrected: by its author while the thread is not locked
(as for their posts) and by moderators, checked as when the thread was started; lists and
search show the new title at once; a moderator's change of someone else's thread is logged
with the titles before and after."""

from __future__ import annotations

import html

from sqlalchemy import select

from tests.conftest import text_of


def _thread(db, thread_id):
    from community.discussions.models import Thread

    db.session.expire_all()
    return db.session.get(Thread, thread_id)


def test_author_corrects_title_and_topics_and_search_finds_only_the_new_title(
    client, login_as, db, create_user, create_category, create_tag, create_thread, api_token
):
    from community.discussions.models import ModerationAction

    create_tag("microsoft-teams")
    create_tag("sharepoint")
    category = create_category()
    author = create_user(name="Alma Author")
    thread = create_thread(author, category=category, title="Which whitebord for workshops?", tags=["microsoft-teams"])
    login_as(author)
    assert "whitebord" in text_of(client.get("/community/search?q=whitebord"))  # found, and the page kept
    page = text_of(client.get(f"/threads/{thread.id}"))
    assert "Change title and topics" in page
    form = client.get(f"/threads/{thread.id}/edit")
    assert form.status_code == 200 and 'value="microsoft-teams"' in form.get_data(as_text=True)
    saved = client.post_form(f"/threads/{thread.id}/edit", {
        "title": "  Which   whiteboard for workshops? ", "tags": "sharepoint, microsoft-teams", "version": "0"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/threads/{thread.id}")
    stored = _thread(db, thread.id)
    assert stored.title == "Which whiteboard for workshops?" and stored.edited_at is not None
    assert [tag.slug for tag in stored.tags] == ["microsoft-teams", "sharepoint"]

    assert "Which whiteboard for workshops?" in html.unescape(text_of(client.get(f"/threads/{thread.id}")))
    assert "Which whiteboard" in html.unescape(text_of(client.get(f"/community/c/{category.slug}")))
    assert "Which whiteboard" in html.unescape(text_of(client.get("/community/topics/sharepoint")))
    assert "Which whiteboard" in html.unescape(text_of(client.get("/community/search?q=whiteboard")))
    assert "whitebord" not in text_of(client.get("/community/search?q=whitebord"))
    token = api_token(author)
    found = client.get("/api/v1/threads?q=whiteboard", headers={"Authorization": f"Bearer {token}"}).json
    assert [t["title"] for t in found["items"]] == ["Which whiteboard for workshops?"]
    assert client.get("/api/v1/threads?q=whitebord", headers={"Authorization": f"Bearer {token}"}).json["items"] == []
    assert db.session.scalar(select(ModerationAction.id)) is None  # one's own thread: nothing to log


def test_moderator_retitles_someone_elses_thread_through_the_api_and_the_log_keeps_both_titles(
    client, login_as, db, create_user, create_tag, create_thread, api_token
):
    from community.discussions.models import ModerationAction

    create_tag("excel")
    thread = create_thread(create_user(), title="HELP!!! excel broken", tags=[])
    moderator = create_user(roles=["admin"], name="Ada Admin")
    token = api_token(moderator)
    shown = client.get(f"/api/v1/threads/{thread.id}", headers={"Authorization": f"Bearer {token}"}).json
    assert shown["version"] == 0 and shown["edited_at"] is None
    response = client.send_json("PATCH", f"/api/v1/threads/{thread.id}", {
        "title": "Excel: formulas show as text", "tags": ["excel"], "version": shown["version"]}, token=token)
    assert response.status_code == 200, response.json
    assert response.json["title"] == "Excel: formulas show as text" and response.json["tags"] == ["excel"]
    assert response.json["version"] > 0
    entry = db.session.scalar(select(ModerationAction))
    assert entry.action == "thread.edited" and entry.thread_id == thread.id and entry.actor_id == moderator.id
    assert entry.data["old_title"] == "HELP!!! excel broken" and entry.data["new_title"] == "Excel: formulas show as text"
    assert entry.data["old_tags"] == [] and entry.data["new_tags"] == ["excel"]
    login_as(moderator)
    log = html.unescape(text_of(client.get("/community/moderation/log")))
    assert "changed the title or topics" in log
    assert "(“HELP!!! excel broken” → “Excel: formulas show as text”)" in log

    # Only the title: the topics stay; an edit based on the old version is refused (409).
    stale = client.send_json("PATCH", f"/api/v1/threads/{thread.id}", {"title": "Other", "version": 0}, token=token)
    assert stale.status_code == 409
    title_only = client.send_json("PATCH", f"/api/v1/threads/{thread.id}", {"title": "Excel: formulas as text"},
                                  token=token)
    assert title_only.status_code == 200 and title_only.json["tags"] == ["excel"]


def test_other_members_may_not_change_a_title(client, login_as, db, create_user, create_category, create_thread,
                                              api_token):
    author = create_user()
    thread = create_thread(author, title="Kept as it is")
    other = create_user(roles=["mentor"])
    login_as(other)
    assert "Change title and topics" not in text_of(client.get(f"/threads/{thread.id}"))
    assert client.get(f"/threads/{thread.id}/edit").status_code == 403
    assert client.post_form(f"/threads/{thread.id}/edit", {"title": "Mine now"}).status_code == 403
    token = api_token(other)
    refused = client.send_json("PATCH", f"/api/v1/threads/{thread.id}", {"title": "Mine now"}, token=token)
    assert refused.status_code == 403
    # A thread in a category the member cannot see: the answer of an id never used.
    lounge = create_thread(create_user(roles=["mentor"]), category=create_category(visibility="mentors"))
    staff_token = api_token(create_user(roles=["staff"]))
    hidden = client.send_json("PATCH", f"/api/v1/threads/{lounge.id}", {"title": "x"}, token=staff_token)
    never = client.send_json("PATCH", "/api/v1/threads/987654", {"title": "x"}, token=staff_token)
    assert hidden.status_code == never.status_code == 404 and hidden.json == never.json
    assert _thread(db, thread.id).title == "Kept as it is"


def test_a_locked_thread_keeps_its_title_against_its_author_but_not_a_moderator(
    client, login_as, db, create_user, create_thread, api_token
):
    author = create_user()
    thread = create_thread(author, title="Locked topic")
    moderator = create_user(roles=["change_manager"])
    login_as(moderator)
    client.post_form(f"/threads/{thread.id}/lock")
    client.post_form("/logout")
    login_as(author)
    assert "Change title and topics" not in text_of(client.get(f"/threads/{thread.id}"))
    refused = client.get(f"/threads/{thread.id}/edit")
    assert refused.status_code == 403 and "locked" in text_of(refused)
    assert client.post_form(f"/threads/{thread.id}/edit", {"title": "New"}).status_code == 403
    api = client.send_json("PATCH", f"/api/v1/threads/{thread.id}", {"title": "New"}, token=api_token(author))
    assert api.status_code == 403 and "locked" in api.json["error"]["message"]
    assert _thread(db, thread.id).title == "Locked topic"
    by_moderator = client.send_json("PATCH", f"/api/v1/threads/{thread.id}", {"title": "Locked: answered"},
                                    token=api_token(moderator))
    assert by_moderator.status_code == 200 and _thread(db, thread.id).title == "Locked: answered"


def test_titles_and_topics_are_checked_as_when_a_thread_is_started(
    client, login_as, db, create_user, create_tag, create_thread, api_token
):
    for slug in ("a-one", "a-two", "a-three", "a-four", "a-five", "a-six"):
        create_tag(slug)
    author = create_user()
    thread = create_thread(author, title="Good title")
    token = api_token(author)

    def refused(body: dict) -> dict:
        response = client.send_json("PATCH", f"/api/v1/threads/{thread.id}", body, token=token)
        assert response.status_code == 422, response.json
        return response.json["error"]["fields"]

    assert "title" in refused({"title": "   "})
    assert "title" in refused({"title": "x" * 201})
    assert "Unknown topic: nonsense." in refused({"tags": ["nonsense"]})["tags"]
    assert "tags" in refused({"tags": ["a-one", "a-two", "a-three", "a-four", "a-five", "a-six"]})
    assert client.send_json("PATCH", f"/api/v1/threads/{thread.id}", {}, token=token).status_code == 200

    login_as(author)
    page = client.post_form(f"/threads/{thread.id}/edit", {"title": "Fine", "tags": "nonsense", "version": "0"})
    assert page.status_code == 200 and "Unknown topic: nonsense." in text_of(page)
    blank = client.post_form(f"/threads/{thread.id}/edit", {"title": "", "version": "0"})
    assert blank.status_code == 200 and "This field is required." in text_of(blank)
    marks = client.post_form(f"/threads/{thread.id}/edit", {"title": "???", "version": "0"})
    assert marks.status_code == 200 and "the title has no letters or digits" in text_of(marks)
    stored = _thread(db, thread.id)
    assert stored.title == "Good title" and stored.edited_at is None


def test_a_page_edit_based_on_an_older_version_shows_the_current_title_and_keeps_the_typed_one(
    client, login_as, db, create_user, create_thread, api_token
):
    author = create_user()
    thread = create_thread(author, title="First title")
    login_as(author)
    client.send_json("PATCH", f"/api/v1/threads/{thread.id}", {"title": "Second title"},
                     token=api_token(create_user(roles=["admin"])))
    stale = client.post_form(f"/threads/{thread.id}/edit", {"title": "My third title", "version": "0"})
    assert stale.status_code == 200
    page = text_of(stale)
    assert "Current version" in page and "Second title" in page and 'value="My third title"' in stale.get_data(as_text=True)
    assert _thread(db, thread.id).title == "Second title"
