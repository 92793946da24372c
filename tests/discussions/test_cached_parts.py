"""The community start page and thread pages are rendered once per reader class and cached
(community.page_parts): what one reader may see never reaches another, the CSRF token is each
reader's own, and a change shows at once."""

from __future__ import annotations

import re

from tests.conftest import login, text_of


def _browser(client):
    return client.application.test_client()


def _tokens(response) -> set[str]:
    return set(re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)))


def test_moderator_buttons_and_csrf_tokens_stay_with_their_reader(client, login_as, create_user, create_thread, add_reply):
    author = create_user(roles=["mentor"], name="Alma Author")
    thread = create_thread(author, title="Whiteboards")
    add_reply(create_user(roles=["mentor"], name="Rita Replier"), thread, "Me too")
    moderator_a = _browser(client)
    login(moderator_a, create_user(roles=["change_manager"]))
    moderator_b = _browser(client)
    login(moderator_b, create_user(roles=["change_manager"]))
    login_as(author)  # everyone signs in first (a sign-in changes people, which renews every cached part)
    page_a, page_b = moderator_a.get(f"/threads/{thread.id}"), moderator_b.get(f"/threads/{thread.id}")
    assert "Hide" in text_of(page_a) and "Hide" in text_of(page_b)
    tokens_a, tokens_b = _tokens(page_a), _tokens(page_b)
    assert len(tokens_a) == 1 and len(tokens_b) == 1 and tokens_a != tokens_b  # each reader's own session token
    # A member reading after the moderators sees no moderation, and may edit only their own post.
    page = text_of(client.get(f"/threads/{thread.id}"))
    assert "Hide" not in page and "Lock" not in page
    assert page.count("Edit") == 1 and page.count("Report") == 1


def test_a_new_reply_a_new_thread_and_a_hidden_post_show_at_once(client, login_as, create_user, create_thread,
                                                                 add_reply, db):
    from community.discussions.models import Post

    author = create_user(roles=["mentor"])
    thread = create_thread(author, title="Calendars")
    login_as(create_user(roles=["mentor"]))
    assert "Fresh words" not in text_of(client.get(f"/threads/{thread.id}"))
    assert "Whiteboards" not in text_of(client.get("/community"))
    reply = add_reply(author, thread, "Fresh words")
    assert "Fresh words" in text_of(client.get(f"/threads/{thread.id}"))
    create_thread(author, category=None, title="Whiteboards")
    assert "Whiteboards" in text_of(client.get("/community"))
    db.session.get(Post, reply.id).hidden = True
    db.session.commit()
    page = text_of(client.get(f"/threads/{thread.id}"))
    assert "Fresh words" not in page and "This post was hidden by a moderator." in page


def test_the_mentors_lounge_never_reaches_staff_through_the_cache(client, login_as, create_user, create_category,
                                                                  create_thread):
    lounge = create_category(name="Mentor lounge", visibility="mentors")
    create_thread(create_user(roles=["mentor"]), category=lounge, title="Between mentors")
    mentor = _browser(client)
    login(mentor, create_user(roles=["mentor"]))
    login_as(create_user(roles=["staff"]))
    assert "Mentor lounge" in text_of(mentor.get("/community"))
    page = text_of(client.get("/community"))
    assert "Mentor lounge" not in page and "Between mentors" not in page


def test_the_start_page_speaks_each_readers_language(client, login_as, create_user, create_thread):
    create_thread(create_user(roles=["mentor"]), title="Tips")
    german = _browser(client)
    login(german, create_user(roles=["mentor"], locale="de"))
    login_as(create_user(roles=["mentor"], locale="en"))
    assert "Kategorien" in text_of(german.get("/community"))
    assert "Categories" in text_of(client.get("/community"))


def _level(response) -> str:
    select = re.search(r'<select[^>]*id="level-thread".*?</select>', response.get_data(as_text=True), re.S).group(0)
    return re.search(r'<option selected value="([^"]+)"|<option value="([^"]+)" selected', select).group(0)


def test_a_kept_thread_page_shows_each_reader_their_own_follow_setting_and_fresh_tokens(
        client, login_as, create_user, create_thread):
    thread = create_thread(create_user(roles=["mentor"]), title="Shared drives")
    other = _browser(client)
    login(other, create_user(roles=["mentor"]))
    login_as(create_user(roles=["mentor"]))
    url = f"/threads/{thread.id}"
    assert client.post_form(f"/community/follow/thread/{thread.id}", {"level": "muted", "next": url}).status_code == 302
    mine, theirs = client.get(url), other.get(url)
    assert "muted" in _level(mine) and "muted" not in _level(theirs)
    submissions = [re.findall(r'name="submission" type="hidden" value="([^"]+)"', other.get(url).get_data(as_text=True))
                   for _ in range(2)]
    assert submissions[0] and submissions[1] and submissions[0] != submissions[1]  # each reply box its own token
    # The reply box works with the tokens the kept page was filled with.
    page = other.get(url).get_data(as_text=True)
    token = re.search(r'name="submission" type="hidden" value="([^"]+)"', page).group(1)
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    sent = other.post(f"/threads/{thread.id}/reply", data={"csrf_token": csrf, "submission": token, "body": "Count me in"})
    assert sent.status_code == 302 and "Count me in" in text_of(other.get(url))


def test_opening_a_kept_thread_page_marks_its_notifications_read(client, login_as, create_user, create_thread,
                                                                 add_reply):
    reader = create_user(roles=["mentor"])
    thread = create_thread(reader, title="Pinned chats")
    login_as(reader)
    url = f"/threads/{thread.id}"
    client.get(url)  # kept, before anyone answered
    add_reply(create_user(roles=["mentor"]), thread, "An answer for you")  # notifies the author
    assert 'aria-label="1 unread notification"' in client.get("/community").get_data(as_text=True)
    page = client.get(url)
    assert "An answer for you" in text_of(page) and 'aria-label="0 unread notifications"' in page.get_data(as_text=True)
    assert 'aria-label="0 unread notifications"' in client.get("/community").get_data(as_text=True)


def test_a_reply_box_answering_one_post_is_never_shared(client, login_as, create_user, create_thread, add_reply):
    thread = create_thread(create_user(roles=["mentor"]), title="Meeting notes")
    post = add_reply(create_user(roles=["mentor"]), thread, "Where do they live?")
    other = _browser(client)
    login(other, create_user(roles=["mentor"]))
    login_as(create_user(roles=["mentor"]))
    url = f"/threads/{thread.id}?reply_to={post.id}"
    pages = [client.get(url), other.get(url), client.get(url)]
    tokens = [re.findall(r'name="submission" type="hidden" value="([^"]+)"', page.get_data(as_text=True)) for page in pages]
    assert all(tokens) and len({found[0] for found in tokens}) == 3


def test_a_thread_address_with_digits_int_cannot_read_is_answered_not_failed(client, login_as, create_user,
                                                                            create_thread):
    """"²" is a digit to str.isdigit() but not a number to int(): such addresses show the thread."""
    thread = create_thread(create_user(roles=["mentor"]), title="Superscripts")
    login_as(create_user(roles=["mentor"]))
    for query in ("post=%C2%B2", "reply_to=%C2%B2", "post=%D9%A3"):
        response = client.get(f"/threads/{thread.id}?{query}")
        assert response.status_code == 200 and "Superscripts" in text_of(response), query
