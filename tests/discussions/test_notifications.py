"""@mentions and subscriptions: who hears about what, once, and muting wins."""

from sqlalchemy import select

from tests.conftest import text_of


def notes_of(db, user, kind=None):
    from community.notifications.models import Notification

    stmt = select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    db.session.expire_all()
    return list(db.session.scalars(stmt.order_by(Notification.id)))


def test_a_mention_notifies_the_person_once_per_post(db, create_user, create_thread, add_reply):
    author = create_user(roles=["mentor"], name="Mia Mentor")
    peer = create_user(roles=["mentor"], name="Paul Peer")
    thread = create_thread(author, title="Whiteboards", body=f"@{peer.handle} what do you use? cc @{peer.handle}")
    notes = notes_of(db, peer, "discussion_mention")
    assert len(notes) == 1
    assert notes[0].link.startswith(f"/threads/{thread.id}") and notes[0].actor_id == author.id
    from community.notifications.services import render_text

    assert render_text(notes[0]) == "Mia Mentor mentioned you in “Whiteboards”"


def test_editing_a_post_that_keeps_a_mention_does_not_notify_again_new_mentions_do(
    app, db, create_user, create_thread, first_post
):
    from community.accounts.models import User
    from community.discussions import services
    from community.discussions.models import Post

    author = create_user()
    ann = create_user(name="Ann Alt")
    bob = create_user(name="Bob Neu")
    thread = create_thread(author, body=f"Hi @{ann.handle}")
    post = first_post(thread)
    with app.test_request_context():
        services.edit_post(db.session.get(User, author.id), db.session.get(Post, post.id), f"Hi @{ann.handle}, and @{bob.handle}")
        db.session.commit()
    assert len(notes_of(db, ann, "discussion_mention")) == 1
    assert len(notes_of(db, bob, "discussion_mention")) == 1


def test_people_who_cannot_see_the_category_are_not_notified(db, create_user, create_category, create_thread):
    lounge = create_category(visibility="mentors")
    staff = create_user(roles=["staff"])
    create_thread(create_user(roles=["mentor"]), category=lounge, body=f"@{staff.handle} look")
    assert notes_of(db, staff) == []


def test_authors_and_repliers_watch_their_threads(db, create_user, create_thread, add_reply):
    author = create_user()
    first_replier = create_user()
    second_replier = create_user()
    thread = create_thread(author)
    add_reply(first_replier, thread, "me too")
    add_reply(second_replier, thread, "and me")
    assert [n.kind for n in notes_of(db, author)] == ["discussion_reply", "discussion_reply"]
    assert [n.kind for n in notes_of(db, first_replier)] == ["discussion_reply"]
    assert notes_of(db, second_replier) == []


def test_muting_a_thread_wins_over_watching_and_over_mentions(app, client, login_as, db, create_user, create_thread, add_reply):
    author = create_user()
    thread = create_thread(author)
    login_as(author)
    response = client.post_form(f"/community/follow/thread/{thread.id}", {"level": "muted", "next": f"/threads/{thread.id}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/threads/{thread.id}"
    add_reply(create_user(), thread, f"@{author.handle} are you there?")
    assert notes_of(db, author) == []


def test_muting_a_category_silences_its_threads(client, login_as, db, create_user, create_category, create_thread, add_reply):
    category = create_category()
    author = create_user()
    thread = create_thread(author, category=category)
    login_as(author)
    client.post_form(f"/community/follow/category/{category.id}", {"level": "muted"})
    add_reply(create_user(), thread, "hello")
    assert notes_of(db, author) == []


def test_normal_level_hears_only_mentions_and_direct_replies(client, login_as, db, create_user, create_thread, add_reply, first_post):
    author = create_user()
    thread = create_thread(author)
    login_as(author)
    client.post_form(f"/community/follow/thread/{thread.id}", {"level": "normal"})
    add_reply(create_user(), thread, "a general remark")
    assert notes_of(db, author) == []
    add_reply(create_user(), thread, "answering you", reply_to=first_post(thread))
    assert [n.kind for n in notes_of(db, author)] == ["discussion_reply"]


def test_new_threads_notify_category_and_tag_watchers_once(client, login_as, db, create_user, create_category, create_tag, create_thread):
    category = create_category(name="Tools & tricks")
    tag = create_tag("wiki")
    fan = create_user()
    login_as(fan)
    client.post_form(f"/community/follow/category/{category.id}", {"level": "watching"})
    client.post_form(f"/community/follow/tag/{tag.id}", {"level": "watching"})
    tag_only = create_user()
    client.post_form("/logout")
    login_as(tag_only)
    client.post_form(f"/community/follow/tag/{tag.id}", {"level": "watching"})
    create_thread(create_user(), category=category, title="Wiki gardening", tags=["wiki"])
    assert [n.kind for n in notes_of(db, fan)] == ["discussion_thread"]
    assert [n.kind for n in notes_of(db, tag_only)] == ["discussion_thread"]


def test_watchers_of_a_tag_in_a_mentors_category_are_told_only_if_they_may_see_it(
    client, login_as, db, create_user, create_category, create_tag, create_thread
):
    lounge = create_category(visibility="mentors")
    create_tag("wiki")
    staff = create_user(roles=["staff"])
    login_as(staff)
    from community.expertise.models import Tag

    tag_id = db.session.scalar(select(Tag.id))
    client.post_form(f"/community/follow/tag/{tag_id}", {"level": "watching"})
    create_thread(create_user(roles=["mentor"]), category=lounge, tags=["wiki"])
    assert notes_of(db, staff) == []


def test_following_something_invisible_is_404_and_bad_levels_are_refused(client, login_as, db, create_user, create_category, create_thread):
    lounge = create_category(visibility="mentors")
    thread = create_thread(create_user(roles=["mentor"]), category=lounge)
    login_as(create_user(roles=["staff"]))
    assert client.post_form(f"/community/follow/thread/{thread.id}", {"level": "watching"}).status_code == 404
    assert client.post_form(f"/community/follow/category/{lounge.id}", {"level": "watching"}).status_code == 404
    from community.discussions.models import Subscription

    assert db.session.scalar(select(Subscription).where(Subscription.target_kind == "category")) is None


def test_opening_the_thread_marks_its_notifications_read_and_the_counter_drops(
    client, login_as, db, create_user, create_thread, add_reply
):
    author = create_user()
    thread = create_thread(author)
    other = create_thread(author)
    add_reply(create_user(), thread, "one")
    add_reply(create_user(), thread, "two")
    add_reply(create_user(), other, "elsewhere")
    login_as(author)
    assert 'data-unread>3<' in client.get("/community").get_data(as_text=True)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "data-unread>1<" in page
    unread = [n for n in notes_of(db, author) if n.read_at is None]
    assert [n.link.split("?")[0] for n in unread] == [f"/threads/{other.id}"]


def test_notification_link_opens_the_page_holding_the_post(client, login_as, db, create_user, create_thread, add_reply):
    author = create_user()
    thread = create_thread(author, body="post 1")
    for n in range(2, 25):
        add_reply(author, thread, f"post {n}")
    reply = add_reply(create_user(), thread, f"hey @{author.handle}, the last one")
    link = notes_of(db, author, "discussion_mention")[0].link
    assert link == f"/threads/{thread.id}?post={reply.id}#post-{reply.id}"
    login_as(author)
    page = text_of(client.get(link.split("#")[0]))
    assert "the last one" in page and "Page 2 of 2" in page


def test_watching_a_category_notifies_about_replies_in_its_threads_once(
    client, login_as, db, create_user, create_category, create_thread, add_reply
):
    category = create_category(name="Tools")
    fan = create_user()
    login_as(fan)
    client.post_form(f"/community/follow/category/{category.id}", {"level": "watching"})
    client.post_form("/logout")
    thread = create_thread(create_user(), category=category, title="Pens")
    assert [n.kind for n in notes_of(db, fan)] == ["discussion_thread"]
    add_reply(create_user(), thread, "felt tips")
    assert [n.kind for n in notes_of(db, fan)] == ["discussion_thread", "discussion_reply"]
    # Following the thread as well (by replying) still gives one notification per reply.
    add_reply(fan, thread, "pencils")
    add_reply(create_user(), thread, "crayons")
    assert [n.kind for n in notes_of(db, fan)] == ["discussion_thread", "discussion_reply", "discussion_reply"]


def test_a_thread_set_to_normal_wins_over_watching_its_category(
    client, login_as, db, create_user, create_category, create_thread, add_reply
):
    category = create_category()
    thread = create_thread(create_user(), category=category)
    fan = create_user()
    login_as(fan)
    client.post_form(f"/community/follow/category/{category.id}", {"level": "watching"})
    client.post_form(f"/community/follow/thread/{thread.id}", {"level": "normal"})
    add_reply(create_user(), thread, "a general remark")
    assert notes_of(db, fan) == []


def _move(db, thread, category):
    from community.discussions.models import Thread

    db.session.get(Thread, thread.id).category_id = category.id
    db.session.commit()


def test_a_reply_to_a_post_is_not_told_to_its_author_who_can_no_longer_see_the_thread(
    client, login_as, db, create_user, create_category, create_thread, add_reply, first_post
):
    """The thread moved to a mentors-only category: its staff author gets nothing (no title, no
    link to a 404), on the page or by e-mail; a mentor author of another post still hears."""
    staff = create_user(roles=["staff"])
    thread = create_thread(staff, category=create_category(visibility="members"), title="Plans for the new intranet")
    login_as(staff)
    client.post_form(f"/community/follow/thread/{thread.id}", {"level": "normal"})  # hears direct replies only
    _move(db, thread, create_category(visibility="mentors"))
    add_reply(create_user(roles=["mentor"]), thread, "Answering the opener", reply_to=first_post(thread))
    assert notes_of(db, staff) == []
    assert "Plans for the new intranet" not in text_of(client.get("/notifications/"))
    assert client.get(f"/threads/{thread.id}").status_code == 404

    colleague = create_user(roles=["mentor"])
    post = add_reply(colleague, thread, "A mentor's take")
    add_reply(create_user(roles=["mentor"]), thread, "Answering the mentor", reply_to=post)
    assert [n.kind for n in notes_of(db, colleague)] == ["discussion_reply"]


def test_a_former_mentor_is_not_told_of_replies_to_their_post_in_the_mentor_lounge(
    db, create_user, create_category, create_thread, add_reply, first_post
):
    from community.accounts.models import UserRole
    from community.discussions.models import Subscription

    leaver = create_user(roles=["mentor"])
    thread = create_thread(leaver, category=create_category(visibility="mentors"), title="Doubts about the pilot")
    db.session.execute(UserRole.__table__.update().where(UserRole.user_id == leaver.id).values(role="staff"))
    db.session.execute(Subscription.__table__.delete().where(Subscription.user_id == leaver.id))
    db.session.commit()
    add_reply(create_user(roles=["mentor"]), thread, "Re: doubts", reply_to=first_post(thread))
    assert notes_of(db, leaver) == []


def test_a_hidden_post_is_not_told_to_its_author_who_can_no_longer_see_the_thread(
    db, create_user, create_category, create_thread, add_reply
):
    from community.discussions import moderation
    from community.discussions.models import Post

    staff = create_user(roles=["staff"])
    moderator = create_user(roles=["admin"])
    thread = create_thread(create_user(roles=["mentor"]), category=create_category(visibility="members"))
    post = add_reply(staff, thread, "An opinion")
    _move(db, thread, create_category(visibility="mentors"))
    moderation.set_hidden(moderator, db.session.get(Post, post.id), True)
    db.session.commit()
    assert notes_of(db, staff) == []
    assert db.session.get(Post, post.id).hidden is True


def test_the_daily_digest_leaves_out_threads_the_reader_can_no_longer_see(
    app, db, create_user, create_category, create_thread, add_reply
):
    from datetime import timedelta

    from community import tasks
    from community.database import utcnow
    from community.outreach.models import OutgoingMessage
    from tests.conftest import isolated

    app.config["DIGEST_HOUR"] = 0  # any hour of the day will do
    staff = create_user(roles=["staff"], timezone="UTC")
    public = create_category(visibility="members")
    moved = create_thread(staff, category=public, title="Plans for the new intranet")
    stays = create_thread(staff, category=public, title="Tips for video calls")
    mentor = create_user(roles=["mentor"])
    add_reply(mentor, moved, "A reply before the move")
    add_reply(mentor, stays, "A reply that stays in sight")
    _move(db, moved, create_category(visibility="mentors"))

    def run():
        with app.app_context():
            tasks.run_now("outreach.daily_digests", utcnow() + timedelta(minutes=1))

    isolated(app, run)
    [digest] = db.session.scalars(select(OutgoingMessage).where(OutgoingMessage.kind == "daily_digest",
                                                                OutgoingMessage.user_id == staff.id)).all()
    assert "1 new notification" in digest.subject
    assert "Tips for video calls" in digest.body_text and "Plans for the new intranet" not in digest.body_text


def test_the_daily_digest_leaves_out_what_was_e_mailed_at_once_before_the_reader_chose_the_digest(
    app, db, create_user, create_thread, add_reply
):
    from datetime import timedelta

    from community import tasks
    from community.database import utcnow
    from community.notifications.models import Notification
    from community.outreach.models import NotificationPreference, OutgoingMessage
    from community.outreach.services import at_once_choice, notification_email
    from tests.conftest import isolated

    app.config["DIGEST_HOUR"] = 0  # any hour of the day will do
    reader = create_user(timezone="UTC")
    choice = NotificationPreference(user_id=reader.id, kind=at_once_choice("discussion_reply"), mode="immediately")
    db.session.add(choice)
    db.session.commit()
    thread = create_thread(reader, title="Tips for video calls")
    add_reply(create_user(), thread, "Mute when you are not speaking")
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == reader.id)).all()
    with app.test_request_context():
        assert notification_email(note.id) is not None  # e-mailed at once
    db.session.commit()
    db.session.execute(NotificationPreference.__table__.delete())  # replies as a digest from now on
    db.session.commit()
    add_reply(create_user(), thread, "Use a headset")

    def run():
        with app.app_context():
            tasks.run_now("outreach.daily_digests", utcnow() + timedelta(minutes=1))

    isolated(app, run)
    [digest] = db.session.scalars(select(OutgoingMessage).where(OutgoingMessage.kind == "daily_digest",
                                                                OutgoingMessage.user_id == reader.id)).all()
    assert "1 new notification" in digest.subject  # the reply e-mailed already is not in it again


def test_a_reply_e_mail_sent_late_is_not_sent_once_the_thread_left_the_readers_sight(
    app, db, create_user, create_category, create_thread, add_reply
):
    """With a task queue the e-mail for a reply is made a moment (or, after retries, minutes)
    after the reply: a thread moved to a mentors-only category meanwhile is not e-mailed to a
    follower who can no longer see it; a follower who still can gets it."""
    from community.notifications.models import Notification
    from community.outreach.models import NotificationPreference
    from community.outreach.services import at_once_choice, notification_email

    staff = create_user(roles=["staff"])
    mentor = create_user(roles=["mentor"])
    thread = create_thread(create_user(roles=["mentor"]), category=create_category(visibility="members"),
                           title="Plans for the new intranet")
    for person in (staff, mentor):
        db.session.add(NotificationPreference(user_id=person.id, kind=at_once_choice("discussion_reply"),
                                              mode="immediately"))
    db.session.commit()
    from community.discussions import subscriptions

    for person in (staff, mentor):
        with app.test_request_context():
            subscriptions.set_subscription(db.session.get(type(person), person.id), "thread", thread.id, "watching")
            db.session.commit()
    app.config["TASKS_IN_PROCESS"] = False  # the e-mail task waits in a queue (this test's app only)
    add_reply(create_user(roles=["mentor"]), thread, "The plan is ready")
    _move(db, thread, create_category(visibility="mentors"))
    notes = {n.user_id: n.id for n in db.session.scalars(select(Notification).where(Notification.kind == "discussion_reply"))}
    with app.test_request_context():
        assert notification_email(notes[staff.id]) is None
        sent = notification_email(notes[mentor.id])
        assert sent is not None and "Plans for the new intranet" in sent.body_text


def test_a_mention_e_mail_quotes_the_post_and_not_once_a_moderator_hid_it(app, db, create_user, create_thread, add_reply):
    """The reader sees what was said before opening it: the post as plain text, cut between
    words; nothing of it once a moderator has hidden it."""
    from community.discussions import moderation
    from community.discussions.models import Post
    from community.notifications.models import Notification
    from community.outreach.models import OutgoingMessage
    from community.outreach.services import notification_email

    reader = create_user(roles=["mentor"], name="Paula Peer")
    author = create_user(roles=["mentor"], name="Mia Mentor")
    thread = create_thread(author, title="Whiteboards")
    body = f"@{reader.handle} which **whiteboard** do you use in *hybrid* workshops? " + "More detail. " * 40
    post = add_reply(author, thread, body)
    note = db.session.scalar(select(Notification).where(Notification.user_id == reader.id,
                                                        Notification.kind == "discussion_mention"))
    db.session.execute(OutgoingMessage.__table__.delete())  # made after the reply, if wanted at once
    db.session.commit()
    with app.test_request_context():
        message = notification_email(note.id)
    assert message is not None
    assert "which whiteboard do you use in hybrid workshops?" in message.body_text
    assert "**" not in message.body_text and "More detail. More detail…”" in message.body_text
    assert "<blockquote" in message.body_html and "which whiteboard" in message.body_html
    db.session.execute(OutgoingMessage.__table__.delete())
    moderation.set_hidden(create_user(roles=["admin"]), db.session.get(Post, post.id), True)
    db.session.commit()
    with app.test_request_context():
        hidden = notification_email(note.id)
    assert hidden is not None and "whiteboard" not in hidden.body_text


def test_a_new_thread_is_told_with_the_category_in_the_readers_language_and_its_first_post_quoted(
        app, client, login_as, db, create_user, create_category, create_thread):
    """A German reader read the English category name ("Tools & tricks") in the notification,
    the e-mail and the digest; and a new thread's e-mail quoted nothing of what was written."""
    from community.notifications.models import Notification
    from community.notifications.services import render_plain
    from community.outreach.models import NotificationPreference
    from community.outreach.services import at_once_choice, notification_email

    category = create_category(name="Tools & tricks", name_de="Kniffe und Werkzeuge")
    german, english = create_user(locale="de"), create_user(locale="en")
    db.session.add(NotificationPreference(user_id=german.id, kind=at_once_choice("discussion_thread"),
                                          mode="immediately"))
    db.session.commit()
    for reader in (german, english):
        login_as(reader)
        client.post_form(f"/community/follow/category/{category.id}", {"level": "watching"})
        client.post_form("/logout")
    create_thread(create_user(name="Ivan Schmidt"), category=category, title="Whiteboards",
                  body="Which **whiteboard** do you use in hybrid workshops?")
    notes = {note.user_id: note for note in db.session.scalars(select(Notification))}
    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale("de"):
            assert render_plain(notes[german.id]) == "Ivan Schmidt hat „Whiteboards“ in Kniffe und Werkzeuge begonnen"
        with force_locale("en"):
            assert render_plain(notes[english.id]) == "Ivan Schmidt started “Whiteboards” in Tools & tricks"
        mail = notification_email(notes[german.id].id)
    assert mail is not None and "Kniffe und Werkzeuge" in mail.subject
    assert "Which whiteboard do you use in hybrid workshops?" in mail.body_text
    login_as(german)
    assert "Kniffe und Werkzeuge" in text_of(client.get("/notifications/"))
