"""Categories, threads and posts as members see them: lists, counts, posting, editing,
deleting, visibility of the mentors' lounge, CSRF."""

import re

from sqlalchemy import func, select

from tests.conftest import text_of


def test_community_index_lists_categories_with_exact_counts_and_latest_thread(
    client, login_as, create_user, create_category, create_thread, add_reply
):
    mentor = create_user(roles=["mentor"])
    tools = create_category(name="Tools & tricks", position=2)
    sessions = create_category(name="Sessions that worked", position=1)
    thread = create_thread(mentor, category=tools, title="Whiteboard apps")
    add_reply(mentor, thread, "One more")
    create_thread(mentor, category=tools, title="Shared calendars")
    login_as(mentor)
    page = text_of(client.get("/community"))
    assert page.index("Sessions that worked") < page.index("Tools &amp; tricks")
    # Tools & tricks: 2 threads, 3 posts; the most recently active thread is named.
    assert "Tools &amp; tricks About things" in page
    row = page[page.index("Tools &amp; tricks About"):]
    assert row.split()[5:7] == ["2", "3"] or " 2 3 " in row[:120]
    assert "Shared calendars" in page
    assert sessions.slug in client.get("/community").get_data(as_text=True)



def test_on_a_phone_the_community_index_is_a_compact_list_not_cards_of_labels(
    client, login_as, create_user, create_category, create_thread, add_reply
):
    """Each category on a phone: its description, "2 threads · 3 posts" in one line and its
    latest thread, without "Threads", "Posts" and "Latest activity" on every card; each thread
    likewise with one line of who, where, how many posts and when (tests/stacked.py)."""
    from tests.stacked import tables_in, unlisted

    mentor = create_user(roles=["mentor"], name="Mia Mentor")
    tools = create_category(name="Tools & tricks", position=1)
    create_category(name="Empty corner", position=2)
    thread = create_thread(mentor, category=tools, title="Whiteboard apps")
    add_reply(mentor, thread, "One more")
    create_thread(mentor, category=tools, title="Shared calendars")
    login_as(mentor)
    html = client.get("/community").get_data(as_text=True)
    categories, recent = tables_in(html)
    assert "data-label" not in html
    for table in (categories, recent):
        assert table.rows and unlisted(table) == [], (table.headings, unlisted(table))
    assert categories.rows[0][0].list_line == "2 threads · 3 posts"
    assert categories.rows[1][0].list_line == "0 threads · 0 posts"
    assert categories.rows[0][-1].text == "Latest activity: Shared calendars " + categories.rows[0][-1].text.split("Shared calendars ")[1]
    assert recent.rows[1][0].list_line.startswith("Mia Mentor · Tools & tricks · 2 posts · ")

def test_mentors_lounge_is_invisible_to_staff_in_lists_pages_and_threads(
    client, login_as, create_user, create_category, create_thread
):
    mentor = create_user(roles=["mentor"])
    staff = create_user(roles=["staff"])
    lounge = create_category(name="Mentor lounge", visibility="mentors")
    secret = create_thread(mentor, category=lounge, title="Just between mentors")
    login_as(staff)
    assert "Mentor lounge" not in text_of(client.get("/community"))
    assert client.get(f"/community/c/{lounge.slug}").status_code == 404
    assert client.get(f"/threads/{secret.id}").status_code == 404
    assert client.post_form(f"/threads/{secret.id}/reply", {"body": "let me in"}).status_code == 404
    response = client.post_form("/community/new", {"category": lounge.id, "title": "Hi", "body": "x"})
    assert response.status_code == 200 and "Not a valid choice" in text_of(response)


def test_change_managers_see_the_mentors_lounge(client, login_as, create_user, create_category, create_thread):
    lounge = create_category(name="Mentor lounge", visibility="mentors")
    thread = create_thread(create_user(roles=["mentor"]), category=lounge)
    login_as(create_user(roles=["change_manager"]))
    assert "Mentor lounge" in text_of(client.get("/community"))
    assert client.get(f"/threads/{thread.id}").status_code == 200


def test_category_lists_pinned_threads_first_then_by_latest_activity_paginated(
    client, login_as, create_user, create_category, create_thread, add_reply, db
):
    from community.discussions.models import Thread

    mentor = create_user(roles=["mentor"])
    category = create_category()
    old = create_thread(mentor, category=category, title="Old but pinned")
    quiet = create_thread(mentor, category=category, title="Quiet thread")
    busy = create_thread(mentor, category=category, title="Busy thread")
    add_reply(mentor, quiet, "revived")  # now the most recently active
    db.session.get(Thread, old.id).pinned = True
    db.session.commit()
    login_as(mentor)
    page = text_of(client.get(f"/community/c/{category.slug}"))
    assert page.index("Old but pinned") < page.index("Quiet thread") < page.index("Busy thread")
    first = text_of(client.get(f"/community/c/{category.slug}?per_page=2"))
    assert "Busy thread" not in first and "Page 1 of 2" in first
    assert "Busy thread" in text_of(client.get(f"/community/c/{category.slug}?per_page=2&page=2"))
    assert busy.id


def test_member_starts_a_thread_with_topics_and_lands_on_its_fixed_address(
    client, login_as, create_user, create_category, create_tag, db
):
    from community.discussions.models import Post, Thread

    create_tag("microsoft-teams", "Microsoft Teams")
    category = create_category(name="Tools & tricks")
    login_as(create_user(roles=["mentor"]))
    form = client.get(f"/community/new?category={category.slug}")
    assert f'<option selected value="{category.id}"' in form.get_data(as_text=True)
    response = client.post_form("/community/new", {
        "category": category.id, "title": "Channels for a board", "body": "Use **one** channel per topic.",
        "tags": "microsoft-teams",
    })
    thread = db.session.scalar(select(Thread))
    assert response.status_code == 302 and response.headers["Location"] == f"/threads/{thread.id}"
    assert thread.post_count == 1 and [t.slug for t in thread.tags] == ["microsoft-teams"]
    post = db.session.scalar(select(Post))
    assert post.html == "<p>Use <strong>one</strong> channel per topic.</p>\n"  # cached rendering
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "<strong>one</strong>" in page and "Microsoft Teams" in page



def test_publishing_a_thread_says_so_and_so_does_a_reply_without_javascript(client, login_as, create_user, create_category):
    """Replying in place said "Your reply is posted."; publishing a thread said nothing."""
    category = create_category()
    login_as(create_user(roles=["mentor"]))
    published = client.post_form("/community/new", {"category": category.id, "title": "Polls in meetings", "body": "Which app?"},
                                 follow_redirects=True)
    assert published.request.path.startswith("/threads/")
    assert "Your thread is published." in text_of(published)
    assert "Your thread is published." not in text_of(client.get(published.request.path))  # said once
    replied = client.post_form(published.request.path + "/reply", {"body": "Forms, built in."}, follow_redirects=True)
    assert "Your reply is posted." in text_of(replied) and "Forms, built in." in text_of(replied)

def test_unknown_topics_empty_and_oversized_bodies_are_field_errors(client, login_as, create_user, create_category, db):
    from community.discussions.models import Thread

    category = create_category()
    login_as(create_user())
    response = client.post_form("/community/new", {"category": category.id, "title": "T", "body": "x", "tags": "no-such-topic"})
    assert response.status_code == 200 and "Unknown topic" in text_of(response)
    response = client.post_form("/community/new", {"category": category.id, "title": "T", "body": "   "})
    assert response.status_code == 200 and "This field is required" in text_of(response)
    response = client.post_form("/community/new", {"category": category.id, "title": "T", "body": "x" * 20_001})
    assert response.status_code == 200 and "20000" in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0


def test_reply_appears_in_order_and_counts_move(client, login_as, create_user, create_thread, db):
    from community.discussions.models import Thread

    author = create_user(roles=["mentor"], name="Ann Author")
    thread = create_thread(author, body="First things first")
    login_as(create_user(roles=["mentor"], name="Rita Replier"))
    response = client.post_form(f"/threads/{thread.id}/reply", {"body": "Second, with _style_"})
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert page.index("First things first") < page.index("Second, with style")
    assert "2 posts" in page
    assert db.session.get(Thread, thread.id).post_count == 2


def test_empty_reply_is_a_field_error_and_oversized_too(client, login_as, create_user, create_thread, db):
    thread = create_thread(create_user())
    login_as(create_user())
    response = client.post_form(f"/threads/{thread.id}/reply", {"body": ""})
    assert response.status_code == 200 and "This field is required" in text_of(response)
    response = client.post_form(f"/threads/{thread.id}/reply", {"body": "y" * 20_001})
    assert response.status_code == 200 and "20000 characters" in text_of(response)


def test_thread_posts_are_paginated_in_order(client, login_as, create_user, create_thread, add_reply):
    author = create_user()
    thread = create_thread(author, body="post number 0")
    for n in range(1, 5):
        add_reply(author, thread, f"post number {n}")
    login_as(author)
    first = text_of(client.get(f"/threads/{thread.id}?per_page=2"))
    assert "post number 0" in first and "post number 1" in first and "post number 2" not in first
    assert "Page 1 of 3" in first
    last = text_of(client.get(f"/threads/{thread.id}?per_page=2&page=3"))
    assert "post number 4" in last and "#5" in last


def test_forms_need_a_csrf_token(client, login_as, create_user, create_thread, create_category):
    thread = create_thread(create_user())
    category = create_category()
    login_as(create_user())
    assert client.post(f"/threads/{thread.id}/reply", data={"body": "no token"}).status_code == 400
    assert client.post("/community/new", data={"category": category.id, "title": "t", "body": "b"}).status_code == 400


def test_locked_thread_refuses_replies_but_moderators_may_still_post(client, login_as, create_user, create_thread, db):
    from community.discussions.models import Thread

    thread = create_thread(create_user())
    db.session.get(Thread, thread.id).locked = True
    db.session.commit()
    login_as(create_user(roles=["mentor"]))
    assert "This thread is locked" in text_of(client.get(f"/threads/{thread.id}"))
    assert client.post_form(f"/threads/{thread.id}/reply", {"body": "still here?"}).status_code == 403
    client.post_form("/logout")
    login_as(create_user(roles=["change_manager"]))
    assert client.post_form(f"/threads/{thread.id}/reply", {"body": "Closing note."}).status_code == 302
    assert db.session.get(Thread, thread.id).post_count == 2


def test_author_edits_a_post_and_the_history_keeps_the_previous_body(
    client, login_as, create_user, create_thread, first_post, db
):
    from community.discussions.models import PostRevision

    author = create_user()
    thread = create_thread(author, body="Teams is great")
    post = first_post(thread)
    login_as(author)
    editor = client.get(f"/posts/{post.id}/edit")
    assert editor.status_code == 200
    # A way back without saving, to the post (the editor had none but the thread's title).
    assert f'class="btn btn-link" href="/threads/{thread.id}?post={post.id}#post-{post.id}">Cancel</a>' in \
        editor.get_data(as_text=True)
    response = client.post_form(f"/posts/{post.id}/edit", {"body": "Teams is **really** great"})
    assert response.status_code == 302
    page = text_of(client.get(f"/threads/{thread.id}"))
    assert "Teams is really great" in page and "edited" in page
    revision = db.session.scalar(select(PostRevision))
    assert revision.previous_body == "Teams is great" and revision.editor_id == author.id
    history = text_of(client.get(f"/posts/{post.id}/history"))
    assert "Teams is great" in history and "Teams is **really** great" in history


def test_nobody_edits_another_persons_post_nor_reads_its_history(client, login_as, create_user, create_thread, first_post, db):
    author = create_user()
    thread = create_thread(author, body="mine")
    post = first_post(thread)
    login_as(create_user())
    assert client.get(f"/posts/{post.id}/edit").status_code == 403
    assert client.post_form(f"/posts/{post.id}/edit", {"body": "yours now"}).status_code == 403
    assert client.get(f"/posts/{post.id}/history").status_code == 403
    db.session.expire_all()
    assert first_post(thread).body == "mine"


def test_moderator_edits_any_post_reads_history_and_the_edit_is_logged(
    client, login_as, create_user, create_thread, first_post, db
):
    from community.discussions.models import ModerationAction

    thread = create_thread(create_user(), body="call me at 0171 555")
    post = first_post(thread)
    login_as(create_user(roles=["admin"]))
    assert client.post_form(f"/posts/{post.id}/edit", {"body": "call me (number removed)"}).status_code == 302
    assert "0171 555" in text_of(client.get(f"/posts/{post.id}/history"))
    assert db.session.scalar(select(ModerationAction.action)) == "post.edited"


def test_soft_delete_keeps_the_row_and_shows_deleted(client, login_as, create_user, create_thread, add_reply, db):
    from community.discussions.models import Post, Thread

    author = create_user()
    thread = create_thread(author, body="opening")
    post = add_reply(author, thread, "regrettable words")
    login_as(author)
    assert client.post_form(f"/posts/{post.id}/delete").status_code == 302
    page = text_of(client.get(f"/threads/{thread.id}"))
    assert "This post was deleted." in page and "regrettable words" not in page
    row = db.session.get(Post, post.id)
    assert row.body == "regrettable words" and row.deleted_at is not None and row.deleted_by_id == author.id
    assert db.session.get(Thread, thread.id).post_count == 2  # the post keeps its place


def test_others_cannot_delete_a_post_moderators_can(client, login_as, create_user, create_thread, first_post, db):
    from community.discussions.models import Post

    thread = create_thread(create_user(), body="opening")
    post = first_post(thread)
    login_as(create_user())
    assert client.post_form(f"/posts/{post.id}/delete").status_code == 403
    client.post_form("/logout")
    login_as(create_user(roles=["change_manager"]))
    client.post_form(f"/posts/{post.id}/delete")
    assert db.session.get(Post, post.id).deleted_at is not None
    # Moderators may still read what was deleted.
    assert "opening" in text_of(client.get(f"/threads/{thread.id}"))


def test_erased_author_is_shown_as_former_member(client, login_as, create_user, create_thread, db):
    from community.accounts.models import User

    leaver = create_user(name="Lea Leaving")
    thread = create_thread(leaver, title="Left behind", body="my legacy")
    db.session.delete(db.session.get(User, leaver.id))
    db.session.commit()
    login_as(create_user())
    page = text_of(client.get(f"/threads/{thread.id}"))
    assert "former member" in page and "my legacy" in page and "Lea Leaving" not in page


def test_ambassadors_get_a_badge_next_to_their_name(client, login_as, create_user, create_thread):
    ambassador = create_user(roles=["mentor"], name="Amy Ambassador", is_ambassador=True)
    thread = create_thread(ambassador)
    login_as(create_user())
    html = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert 'class="badge ambassador"' in html


def test_reply_to_a_post_links_back_to_it(client, login_as, create_user, create_thread, first_post, db):
    from community.discussions.models import Post

    author = create_user(name="Otto Opener")
    thread = create_thread(author)
    opening = first_post(thread)
    login_as(create_user())
    form = client.get(f"/threads/{thread.id}?reply_to={opening.id}").get_data(as_text=True)
    assert f'name="reply_to" type="hidden" value="{opening.id}"' in form
    client.post_form(f"/threads/{thread.id}/reply", {"body": "Good point", "reply_to": opening.id})
    reply = db.session.scalar(select(Post).order_by(Post.id.desc()))
    assert reply.reply_to_post_id == opening.id
    assert "in reply to Otto Opener" in text_of(client.get(f"/threads/{thread.id}"))


def test_unknown_thread_and_post_are_404(client, login_as, create_user):
    login_as(create_user())
    assert client.get("/threads/999").status_code == 404
    assert client.get("/posts/999/edit").status_code == 404
    assert client.get("/community/c/nope").status_code == 404


def test_pages_need_a_login(client):
    assert client.get("/community").status_code == 302
    assert client.get("/threads/1").status_code == 302


def test_every_community_form_refuses_a_post_without_csrf_token(client, login_as, create_user, create_thread, first_post, db):
    from community.discussions.models import Flag, Post, Subscription, Thread

    thread = create_thread(create_user())
    post = first_post(thread)
    login_as(create_user(roles=["admin"]))
    for url, data in [
        (f"/posts/{post.id}/edit", {"body": "x"}), (f"/posts/{post.id}/delete", {}), (f"/posts/{post.id}/flag", {"reason": "x"}),
        (f"/posts/{post.id}/hide", {}), (f"/threads/{thread.id}/lock", {}), (f"/threads/{thread.id}/pin", {}),
        (f"/threads/{thread.id}/move", {"category": thread.category_id}), (f"/community/follow/thread/{thread.id}", {"level": "muted"}),
        ("/community/flags/1/resolve", {"outcome": "hidden"}),
    ]:
        assert client.post(url, data=data).status_code == 400, url
    stored = db.session.get(Post, post.id)
    assert stored.body == "Hello community" and stored.deleted_at is None and not stored.hidden
    assert not db.session.get(Thread, thread.id).locked
    assert db.session.query(Flag).count() == 0
    assert db.session.query(Subscription).filter_by(level="muted").count() == 0


def test_a_new_post_keeps_the_cached_directory_and_contacts_but_a_new_person_renews_them(app, create_user, create_thread):
    """Neither the directory nor topic contacts show posts, so a busy community keeps their caches."""
    from community import caching

    author = create_user(roles=["mentor"])
    with app.test_request_context():
        directory, contacts = caching.generation("directory"), caching.generation("contacts")
    create_thread(author, body="A tip about Teams")
    with app.test_request_context():
        assert caching.generation("directory") == directory and caching.generation("contacts") == contacts
    create_user(roles=["mentor"], name="Somebody New")
    with app.test_request_context():
        assert caching.generation("directory") != directory and caching.generation("contacts") != contacts


def test_topic_page_lists_the_discussions_the_viewer_may_see(app, client, login_as, create_user, create_tag,
                                                              create_thread, create_category):
    create_tag("microsoft-teams", "Microsoft Teams")
    create_tag("sharepoint", "SharePoint")
    author = create_user(roles=["mentor"])
    create_thread(author, title="Channels or chats?", tags=["microsoft-teams"])
    create_thread(author, category=create_category(visibility="mentors"), title="Mentors-only Teams tips",
                  tags=["microsoft-teams"])
    login_as(create_user(roles=["staff"]))
    page = text_of(client.get("/tags/microsoft-teams"))
    assert "Channels or chats?" in page and "Mentors-only Teams tips" not in page
    assert "All 1 discussion on this topic" in page
    empty = client.get("/tags/sharepoint").get_data(as_text=True)
    assert "No discussion on this topic yet." in empty and "/community/new?tag=sharepoint" in empty
    assert 'value="sharepoint"' in client.get("/community/new?tag=sharepoint").get_data(as_text=True)


def test_profile_shows_community_activity_the_viewer_may_see(app, client, login_as, create_user, create_thread,
                                                              create_category, add_reply):
    mia = create_user(roles=["mentor"], name="Mia Mentor")
    other = create_user(roles=["mentor"])
    create_thread(mia, title="Loop components explained")
    add_reply(mia, create_thread(other, title="Who uses Planner?"), "I do, daily.")
    create_thread(mia, category=create_category(visibility="mentors"), title="Secret mentor matters")
    login_as(create_user(roles=["staff"]))
    page = text_of(client.get(f"/people/{mia.id}"))
    community = page.split("Lately wrote in")[1]
    assert "Loop components explained" in community and "Who uses Planner?" in community
    assert "Secret mentor matters" not in page
    assert "All-time threads started 1" in page and "All-time posts 2" in page
    quiet = create_user(roles=["staff"], name="Quinn Quiet")
    assert "No posts in the community yet." in text_of(client.get(f"/people/{quiet.id}"))


def test_the_topic_hint_names_topics_that_exist(app, db):
    """The new-thread form's example topics are accepted (it suggested "wiki", then refused it)."""
    import re

    from flask_babel import force_locale

    from community.discussions.forms import ThreadForm
    from community.expertise.services import find_tag, seed_taxonomy

    with app.test_request_context():
        seed_taxonomy()
        db.session.commit()
        for language in ("en", "de"):
            with force_locale(language):
                hint = str(ThreadForm.tags.kwargs["description"])
                example = re.search(r"[“„]([^”“]+)[”“]", hint).group(1)
                assert all(find_tag(word.strip()) is not None for word in example.split(",")), (language, example)


def test_dates_read_the_same_on_every_page_of_a_language(client, login_as, create_user, create_thread):
    """German pages wrote "04.12.26, 22:27" (two-digit year) in the community and notifications
    and "04.12.2026" on the mentoring pages; English ones "04/12/2026, 10:27" beside
    "15 Jan 2027, 09:30"."""
    import re

    author = create_user(locale="de")
    thread = create_thread(author, title="Datumsformat")
    login_as(author)
    for url in ("/community", f"/threads/{thread.id}", "/"):
        text = text_of(client.get(url))
        assert re.search(r"\b\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}\b", text), url
        assert not re.search(r"\b\d{2}\.\d{2}\.\d{2}, \d{2}:\d{2}\b", text), url
    client.post_form("/locale", {"locale": "en"})
    for url in ("/community", f"/threads/{thread.id}"):
        text = text_of(client.get(url))
        assert re.search(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}\b", text), url
        assert not re.search(r"\b\d{2}/\d{2}/\d{4}\b", text), url


def test_a_category_page_past_the_end_shows_its_last_threads(client, create_user, login_as, create_category, create_thread):
    author = create_user()
    category = create_category()
    for n in range(3):
        create_thread(author, category=category, title=f"Thread number {n}")
    login_as(author)
    response = client.get(f"/community/c/{category.slug}?per_page=2&page=500")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/community/c/{category.slug}?per_page=2&page=2"
    last = text_of(client.get(response.headers["Location"]))
    assert "Thread number 0" in last and "No threads here" not in last


def test_a_thread_page_past_the_end_shows_its_last_posts(client, create_user, login_as, create_thread):
    author = create_user()
    thread = create_thread(author, title="Only one page", body="The very first post")
    login_as(author)
    response = client.get(f"/threads/{thread.id}?page=7")
    assert response.status_code == 302 and response.headers["Location"] == f"/threads/{thread.id}?page=1"
    assert "The very first post" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_new_thread_asks_for_its_category_unless_the_writer_came_from_one(client, login_as, create_user, create_category, db):
    """The first category was chosen for everyone: staff asked their questions in "Sessions that worked"."""
    import html

    from community.discussions.models import Thread

    create_category(name="Sessions that worked", position=1)
    questions = create_category(name="Questions from staff", position=2)
    login_as(create_user(roles=["staff"]))
    form = client.get("/community/new").get_data(as_text=True)
    assert re.search(r'name="category" required><option selected value="">Choose a category</option>', form)
    refused = client.post_form("/community/new", {"category": "", "title": "Where is the guide?", "body": "For Teams"})
    assert refused.status_code == 200 and "Choose a category." in html.unescape(text_of(refused))
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0
    came_from = client.get(f"/community/new?category={questions.slug}").get_data(as_text=True)
    assert f'<option selected value="{questions.id}">' in came_from
    assert client.post_form("/community/new", {"category": questions.id, "title": "Where is the guide?",
                                               "body": "For Teams"}).status_code == 302
