"""Search over thread titles and post bodies: prefixes, hostile input, visibility, and an
index that follows edits, deletes and moderation. On PostgreSQL every test runs both ways a
search can take: reading the index (rarer words) and walking the threads newest first
(frequent words)."""

import pytest

from tests.conftest import text_of


@pytest.fixture(autouse=True, params=["index", "walk"])
def search_way(request, app, monkeypatch):
    from community.discussions import search

    if request.param == "walk":
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            pytest.skip("SQLite's FTS5 search has one way")
        monkeypatch.setattr(search, "WALK_FROM_POSTS", 0)
        monkeypatch.setattr(search, "WALK_FROM_SHARE", 0)
    else:
        monkeypatch.setattr(search, "WALK_FROM_POSTS", float("inf"))
    return request.param


def found(client, q):
    response = client.get("/community/search", query_string={"q": q})
    assert response.status_code == 200, q
    return text_of(response)


def test_search_finds_titles_and_bodies_by_word_prefix(client, login_as, create_user, create_thread, add_reply):
    author = create_user()
    create_thread(author, title="Whiteboard collaboration", body="Use sticky notes")
    other = create_thread(author, title="Calendars", body="Meeting-free Fridays")
    add_reply(author, other, "Our team tried **asynchronous** standups")
    login_as(author)
    assert "Whiteboard collaboration" in found(client, "whiteb")
    assert "Calendars" in found(client, "asynchron")
    assert "Calendars" in found(client, "asynchronous standups")
    page = found(client, "sticky")
    assert "Whiteboard collaboration" in page and "Calendars" not in page and "1 thread found" in page
    assert "0 threads found" in found(client, "sticky fridays")  # every word must match


def test_search_ignores_case_and_on_sqlite_diacritics(client, login_as, create_user, create_thread, app):
    author = create_user()
    create_thread(author, title="Übergabe an das Führungsteam", body="Schöne Grüße")
    login_as(author)
    assert "Übergabe" in found(client, "übergabe")
    assert "Übergabe" in found(client, "FÜHRUNG")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert "Übergabe" in found(client, "schone")


HOSTILE = [
    '"', '""', "'", "*", "-", "- -x", "NEAR", "NEAR(a b)", "a NEAR/2 b", "(", ")", "((a)", "a OR", "AND",
    "NOT x", "a:b", "title:x", "^a", "a & b | !c", "x:*", "\\", "%", "_", "🙂", "ß" * 300, "a" * 1000,
    "'; DROP TABLE posts; --", "<script>", "whiteboard*", '"whiteboard', "-whiteboard", "whiteboard)",
]


def test_hostile_search_input_never_breaks_the_page(client, login_as, create_user, create_thread):
    create_thread(create_user(), title="NEAR the whiteboard", body="a b c")
    login_as(create_user())
    for q in HOSTILE:
        response = client.get("/community/search", query_string={"q": q})
        assert response.status_code == 200, q
        api = client.get("/api/v1/threads", query_string={"q": q})
        assert api.status_code == (200 if len(q) <= 200 else 422) and api.is_json, q
    # Operators are plain words: these still find the thread.
    for q in ("whiteboard*", '"whiteboard', "-whiteboard", "whiteboard)", "NEAR"):
        assert "NEAR the whiteboard" in found(client, q), q


def test_search_respects_category_visibility(client, login_as, create_user, create_category, create_thread):
    lounge = create_category(visibility="mentors")
    create_thread(create_user(roles=["mentor"]), category=lounge, title="Secret lounge plans")
    login_as(create_user(roles=["staff"]))
    assert "0 threads found" in found(client, "lounge")
    client.post_form("/logout")
    login_as(create_user(roles=["mentor"]))
    assert "Secret lounge plans" in found(client, "lounge")


def test_deleted_and_hidden_posts_are_not_found_and_edits_are(app, db, client, login_as, create_user, create_thread, add_reply):
    from community.accounts.models import User
    from community.discussions import moderation, services
    from community.discussions.models import Post

    author = create_user()
    moderator = create_user(roles=["admin"])
    thread = create_thread(author, title="Misc")
    deleted = add_reply(author, thread, "zeppelin facts")
    hidden = add_reply(author, thread, "walrus opinions")
    edited = add_reply(author, thread, "original wording")
    with app.test_request_context():
        services.delete_post(db.session.get(User, author.id), db.session.get(Post, deleted.id))
        moderation.set_hidden(db.session.get(User, moderator.id), db.session.get(Post, hidden.id), True)
        services.edit_post(db.session.get(User, author.id), db.session.get(Post, edited.id), "improved phrasing")
        db.session.commit()
    login_as(create_user())
    assert "0 threads found" in found(client, "zeppelin")
    assert "0 threads found" in found(client, "walrus")
    assert "0 threads found" in found(client, "original")
    assert "Misc" in found(client, "improved")
    with app.test_request_context():
        moderation.set_hidden(db.session.get(User, moderator.id), db.session.get(Post, hidden.id), False)
        db.session.commit()
    assert "Misc" in found(client, "walrus")


def test_search_shows_an_excerpt_of_the_matching_post(client, login_as, create_user, create_thread, add_reply):
    author = create_user()
    thread = create_thread(author, title="Tips")
    add_reply(author, thread, "Try the **kanban** board in Planner")
    login_as(author)
    page = found(client, "kanban")
    assert "Try the kanban board in Planner" in page


def test_moved_thread_is_found_in_its_new_category(client, login_as, create_user, create_category, create_thread, db):
    from community.discussions.models import Thread

    thread = create_thread(create_user(), title="Podcast gear")
    db.session.get(Thread, thread.id).title = "Podcast microphones"
    db.session.commit()
    login_as(create_user())
    assert "Podcast microphones" in found(client, "microph")


def test_a_search_with_many_matches_stops_counting_and_still_pages(client, login_as, create_user, create_thread,
                                                                    monkeypatch):
    from community.discussions import search

    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    author = create_user()
    for n in range(6):
        create_thread(author, title=f"Board {n}", body="Our kanban board")
    create_thread(author, title="Unrelated", body="Something else")
    login_as(author)
    first = text_of(client.get("/community/search", query_string={"q": "kanban", "per_page": 2}))
    assert "More than 3 threads found" in first and "Page 1 of more than 2" in first
    assert "Board 5" in first and "Board 4" in first and "Board 3" not in first  # newest first
    assert "Next" in first
    last = text_of(client.get("/community/search", query_string={"q": "kanban", "per_page": 2, "page": 3}))
    assert "6 threads found" in last and "Page 3 of 3" in last  # counted to the end of this page
    assert "Board 1" in last and "Board 0" in last and "Next" not in last
    api = client.get("/api/v1/threads", query_string={"q": "kanban", "per_page": 2}).get_json()
    assert api["total"] == 3 and api["more"] is True and len(api["items"]) == 2
    api = client.get("/api/v1/threads", query_string={"q": "kanban", "per_page": 2, "page": 3}).get_json()
    assert api["total"] == 6 and api["more"] is False
    assert "1 thread found" in found(client, "something")


def test_more_than_is_said_in_german(client, login_as, create_user, create_thread, monkeypatch):
    from community.discussions import search

    monkeypatch.setattr(search, "COUNT_LIMIT", 2)
    author = create_user(locale="de")
    for n in range(4):
        create_thread(author, title=f"Tafel {n}", body="Unser Kanban-Board")
    login_as(author)
    page = text_of(client.get("/community/search", query_string={"q": "kanban", "per_page": 1}))
    assert "Mehr als 2 Diskussionen gefunden" in page and "Seite 1 von mehr als 2" in page
