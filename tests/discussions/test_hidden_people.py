"""Issue 13, class 2: people hidden from the directory cannot be found, named or linked by
ordinary members — mentions, nominations (form and API), pre-filled forms — except by people
already in a mentorship or a thread with them."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import text_of

REASON = "Explains Teams to everyone, every week."


def notifications_of(db, user) -> int:
    from community.notifications.models import Notification

    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Notification).where(Notification.user_id == user.id))


def test_a_member_cannot_mention_a_hidden_person(db, create_user, create_thread, first_post):
    hidden = create_user(roles=("mentor",), name="Hidden Mentor", directory_visible=False)
    writer = create_user()
    thread = create_thread(writer, body=f"Ask @{hidden.handle} about it")
    html = first_post(thread).html
    assert f"/people/{hidden.id}" not in html and 'class="mention"' not in html
    assert f"@{hidden.handle}" in html  # the text stays as written, like for nobody
    assert notifications_of(db, hidden) == 0


def test_someone_in_a_thread_with_them_may_mention_them(db, create_user, create_thread, add_reply, first_post):
    hidden = create_user(roles=("mentor",), directory_visible=False)
    writer = create_user()
    thread = create_thread(writer, body="A question")
    add_reply(hidden, thread, body="An answer")
    reply = add_reply(writer, thread, body=f"Thanks @{hidden.handle}")
    assert f"/people/{hidden.id}" in reply.html
    assert notifications_of(db, hidden) >= 1


def test_a_mentorship_partner_and_change_managers_may_mention_them(db, create_user, create_thread, first_post):
    from community.mentoring.models import Mentorship

    hidden = create_user(roles=("mentor",), directory_visible=False)
    executive = create_user(roles=("executive",))
    db.session.add(Mentorship(mentor_id=hidden.id, executive_id=executive.id, status="active"))
    db.session.commit()
    assert f"/people/{hidden.id}" in first_post(create_thread(executive, body=f"Thanks @{hidden.handle}")).html
    manager = create_user(roles=("change_manager",))
    assert f"/people/{hidden.id}" in first_post(create_thread(manager, body=f"Hi @{hidden.handle}")).html


def test_the_nomination_form_does_not_find_or_prefill_a_hidden_mentor(client, login_as, create_user):
    hidden = create_user(roles=("mentor",), name="Hidden Mentor", directory_visible=False)
    login_as(create_user())
    prefilled = client.get(f"/ambassadors/nominate?person={hidden.id}").get_data(as_text=True)
    assert hidden.handle not in prefilled
    by_handle = client.post_form("/ambassadors/nominate", {"nominee": "@" + hidden.handle, "reason": REASON})
    nobody = client.post_form("/ambassadors/nominate", {"nominee": "@no.such.person", "reason": REASON})
    assert text_of(by_handle).replace(hidden.handle, "no.such.person") == text_of(nobody)
    assert "Hidden Mentor" not in by_handle.get_data(as_text=True)


def test_the_nomination_form_never_confirms_an_e_mail_address(client, login_as, create_user):
    executive = create_user(roles=("executive",), name="Known Executive")
    login_as(create_user())
    known = client.post_form("/ambassadors/nominate", {"nominee": executive.email, "reason": REASON})
    unknown = client.post_form("/ambassadors/nominate", {"nominee": "nobody@example.com", "reason": REASON})
    assert text_of(known).replace(executive.email, "nobody@example.com") == text_of(unknown)
    assert "Known Executive" not in known.get_data(as_text=True)


def test_the_api_answers_a_hidden_nominee_like_a_missing_one(client, create_user, api_token):
    hidden = create_user(roles=("mentor",), name="Hidden Mentor", directory_visible=False)
    token = api_token(create_user())
    headers = {"Authorization": f"Bearer {token}"}
    hidden_answer = client.post("/api/v1/nominations", json={"nominee_id": hidden.id, "reason": REASON}, headers=headers)
    missing_answer = client.post("/api/v1/nominations", json={"nominee_id": 999_999, "reason": REASON}, headers=headers)
    assert hidden_answer.status_code == missing_answer.status_code == 404
    assert hidden_answer.json == missing_answer.json
    assert "Hidden Mentor" not in hidden_answer.get_data(as_text=True)


def test_a_visible_mentor_is_still_nominated_by_handle(client, login_as, create_user):
    mentor = create_user(roles=("mentor",))
    login_as(create_user())
    assert client.get(f"/ambassadors/nominate?person={mentor.id}").get_data(as_text=True).count("@" + mentor.handle) >= 1
    assert client.post_form("/ambassadors/nominate", {"nominee": "@" + mentor.handle, "reason": REASON}).status_code == 302


def test_a_mention_links_the_profile_only_while_others_may_see_it(client, login_as, create_user, create_thread,
                                                                  api_token):
    """A person who hid from the directory (or whose account was deactivated) after being
    mentioned stayed linked: every reader clicking "@handle" got "not found"."""
    mentor = create_user(roles=("mentor",), name="Mona Mentor")
    writer, reader = create_user(), create_user()
    admin = create_user(roles=("admin",))
    thread = create_thread(writer, body=f"Ask @{mentor.handle} about it")
    link = f'href="/people/{mentor.id}"'

    def page() -> str:
        return client.get(f"/threads/{thread.id}").get_data(as_text=True)

    login_as(reader)
    assert link in page()
    hidden = client.send_json("PATCH", "/api/v1/me", {"directory_visible": False}, token=api_token(mentor))
    assert hidden.status_code == 200
    body = page()
    assert link not in body and f"@{mentor.handle}" in body  # the words stay as written
    assert client.get(f"/people/{mentor.id}").status_code == 404  # what the link led to
    client.send_json("PATCH", "/api/v1/me", {"directory_visible": True}, token=api_token(mentor))
    assert link in page()  # listed again: linked again

    client.post_form("/logout")
    login_as(admin)
    assert client.post_form(f"/admin/users/{mentor.id}/active").status_code == 302
    client.post_form("/logout")
    login_as(reader)
    assert link not in page() and f"@{mentor.handle}" in page()


def test_a_mention_written_while_hidden_is_linked_once_listed_again(client, login_as, create_user, create_thread,
                                                                    api_token):
    """Written while the writer could not name her, the mention stayed plain text (and told
    nobody); once she is listed again it links like any other."""
    mentor = create_user(roles=("mentor",), name="Mona Mentor", directory_visible=False)
    writer, reader = create_user(), create_user()
    thread = create_thread(writer, body=f"Does anyone know @{mentor.handle}?")
    link = f'href="/people/{mentor.id}"'
    login_as(reader)
    assert link not in client.get(f"/threads/{thread.id}").get_data(as_text=True)
    listed = client.send_json("PATCH", "/api/v1/me", {"directory_visible": True}, token=api_token(mentor))
    assert listed.status_code == 200
    assert link in client.get(f"/threads/{thread.id}").get_data(as_text=True)


def test_a_post_whose_writer_was_erased_never_links_a_hidden_person(client, login_as, create_user, create_thread,
                                                                    api_token):
    mentor = create_user(roles=("mentor",), name="Mona Mentor")
    writer, reader = create_user(), create_user()
    admin = create_user(roles=("admin",))
    thread = create_thread(writer, body=f"Ask @{mentor.handle} about it")
    login_as(admin)
    assert client.post_form(f"/admin/users/{writer.id}/erase", {"confirm": "y"}).status_code == 302
    client.post_form("/logout")
    hidden = client.send_json("PATCH", "/api/v1/me", {"directory_visible": False}, token=api_token(mentor))
    assert hidden.status_code == 200
    login_as(reader)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f'href="/people/{mentor.id}"' not in page and f"@{mentor.handle}" in page


def test_erasing_someone_removes_their_handle_also_where_it_never_linked(client, login_as, create_user,
                                                                          create_thread, db, first_post):
    """A mention written while she was hidden (plain text, no notification) still spelled the
    handle built from her name: erasure takes it out there too."""
    mentor = create_user(roles=("mentor",), name="Mona Mentor", directory_visible=False)
    writer, admin = create_user(), create_user(roles=("admin",))
    handle = mentor.handle
    thread = create_thread(writer, body=f"Does anyone know @{handle}? Or @{handle.upper()}.")
    own = create_thread(mentor, body=f"Write to me as @{handle}.")  # to oneself: no Mention row either
    # Written so that the handle only shows once Markdown is read: emphasis, an escaped dot.
    escaped = handle.replace(".", "\\.")
    styled = create_thread(writer, body=f"Thanks _@{handle}_ and **@{escaped}**!")
    linked = first_post(styled).html
    assert linked.count(f'href="/people/{mentor.id}"') == 0  # hidden: never linked for this writer
    login_as(admin)
    assert client.post_form(f"/admin/users/{mentor.id}/erase", {"confirm": "y"}).status_code == 302
    db.session.expire_all()
    for post in (first_post(thread), first_post(own), first_post(styled)):
        assert handle not in post.body.lower() and handle not in post.html.lower()
        assert f'href="/people/{mentor.id}"' not in post.html
    assert first_post(thread).body.count("@former-member") == 2
    assert first_post(styled).body == "Thanks _@former-member_ and **@former-member**!"


def test_erasing_a_listed_person_unlinks_mentions_written_with_markdown_around_them(client, login_as, create_user,
                                                                                   create_thread, db, first_post):
    mentor = create_user(roles=("mentor",), name="Mona Mentor")
    writer, admin = create_user(), create_user(roles=("admin",))
    escaped = mentor.handle.replace(".", "\\.")
    thread = create_thread(writer, body=f"Thanks _@{mentor.handle}_ and @{escaped}!")
    assert first_post(thread).html.count(f'href="/people/{mentor.id}"') == 2
    login_as(admin)
    assert client.post_form(f"/admin/users/{mentor.id}/erase", {"confirm": "y"}).status_code == 302
    db.session.expire_all()
    post = first_post(thread)
    assert f'href="/people/{mentor.id}"' not in post.html and mentor.handle not in post.html.lower()


def _queued_tasks(monkeypatch) -> list[tuple[str, tuple]]:
    """Tasks handed over after each commit, kept instead of run (as a broker would hold them)."""
    from community import tasks

    sent: list[tuple[str, tuple]] = []
    monkeypatch.setattr(tasks, "send", lambda name, *args: sent.append((name, args)))
    return sent


def test_people_listed_again_are_relinked_by_one_background_run(client, create_user, create_thread, db, first_post,
                                                                api_token, monkeypatch):
    """A mass change (an HR sync listing or ending many accounts) read every post once per
    person; now each person is queued once, however often they change before the run, and one
    run covers everyone queued."""
    from community import tasks
    from community.discussions.models import MentionRelink

    sent = _queued_tasks(monkeypatch)
    mona = create_user(roles=("mentor",), name="Mona Mentor", directory_visible=False)
    otto = create_user(roles=("mentor",), name="Otto Mentor", directory_visible=False)
    writer = create_user()
    thread = create_thread(writer, body=f"Does anyone know @{mona.handle} or @{otto.handle}?")
    assert "href=" not in first_post(thread).html
    for visible in (True, False, True):  # Mona changes her mind twice before the run
        assert client.send_json("PATCH", "/api/v1/me", {"directory_visible": visible},
                                token=api_token(mona)).status_code == 200
    assert client.send_json("PATCH", "/api/v1/me", {"directory_visible": True}, token=api_token(otto)).status_code == 200
    relinks = [args for name, args in sent if name == "discussions.relink_mentions"]
    assert len(relinks) == 2  # once per person, not per change
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(MentionRelink)) == 2

    assert tasks.run_now("discussions.relink_mentions", *relinks[0])
    db.session.expire_all()
    html = first_post(thread).html
    assert f'href="/people/{mona.id}"' in html and f'href="/people/{otto.id}"' in html
    assert db.session.scalar(select(func.count()).select_from(MentionRelink)) == 0
    assert tasks.run_now("discussions.relink_mentions", *relinks[1])  # nobody left: nothing to read or write
    assert [name for name, _args in sent].count("discussions.relink_mentions") == 2  # and no run asks for another


def _listed_again(client, create_user, create_thread, api_token, first_post):
    """Mona, asked for in a thread while she was hidden, then listed again (her relinking
    queued, not yet run); with the thread and its page as it was before."""
    mona = create_user(roles=("mentor",), name="Mona Mentor", directory_visible=False)
    thread = create_thread(create_user(), body=f"Ask @{mona.handle}.")
    before = first_post(thread).html
    assert client.send_json("PATCH", "/api/v1/me", {"directory_visible": True}, token=api_token(mona)).status_code == 200
    return mona, thread, before


def _during_the_scan(monkeypatch, db, *statements):
    """The next relinking run meets `statements`, committed by another connection (another
    process) while it scans; returns the scan as it is."""
    from community.discussions import mentions

    scan = mentions._renders_naming

    def meanwhile(people):
        found = scan(people)
        with db.engine.begin() as other:
            for statement in statements:
                other.execute(statement)
        return found

    monkeypatch.setattr(mentions, "_renders_naming", meanwhile)
    return scan


def test_the_background_run_reads_without_the_write_lock_and_keeps_whoever_changed_meanwhile(
        client, create_user, create_thread, db, first_post, api_token, monkeypatch):
    """The run reads and renders every post holding an "@" (seconds at a million posts): other
    writers go on meanwhile (on SQLite the run held the write lock for its whole scan). Someone
    who changes again during the scan makes what the run read stale: it writes nothing, they
    stay queued, and another run follows, which does the work."""
    from community import tasks
    from community.database import utcnow
    from community.discussions import mentions
    from community.discussions.models import MentionRelink

    sent = _queued_tasks(monkeypatch)
    mona, thread, _before = _listed_again(client, create_user, create_thread, api_token, first_post)
    scan = _during_the_scan(monkeypatch, db, MentionRelink.__table__.update().values(queued_at=utcnow()))
    sent.clear()
    assert tasks.run_now("discussions.relink_mentions")
    db.session.expire_all()
    assert "href=" not in first_post(thread).html  # nothing written from a stale read
    assert db.session.scalar(select(MentionRelink.user_id)) == mona.id  # still queued
    assert sent == [("discussions.relink_mentions", ())]  # and run again
    monkeypatch.setattr(mentions, "_renders_naming", scan)
    assert tasks.run_now(*sent[0][:1])
    db.session.expire_all()
    assert f'href="/people/{mona.id}"' in first_post(thread).html
    assert db.session.scalar(select(func.count()).select_from(MentionRelink)) == 0


def test_a_run_that_read_before_a_change_writes_nothing_stale(client, create_user, create_thread, db, first_post,
                                                              api_token, monkeypatch):
    """Two runs at once (several workers, or the hourly run beside one a change asked for):
    run A read while Mona was listed; she hid, and run B rendered that and took her off the
    queue; A's late write linked the hidden Mona for good. A now sees its read is stale."""
    from community import tasks
    from community.accounts.models import User
    from community.discussions.models import MentionRelink, Post

    _queued_tasks(monkeypatch)
    mona, thread, unlinked = _listed_again(client, create_user, create_thread, api_token, first_post)
    _during_the_scan(monkeypatch, db,  # Mona hides; run B stores the unlinked page and takes her off the queue
                     User.__table__.update().where(User.id == mona.id).values(directory_visible=False),
                     Post.__table__.update().values(html=unlinked), MentionRelink.__table__.delete())
    assert tasks.run_now("discussions.relink_mentions")
    db.session.expire_all()
    assert f'href="/people/{mona.id}"' not in first_post(thread).html


def test_a_post_changed_since_the_scan_keeps_its_page_and_is_looked_at_again(client, create_user, create_thread, db,
                                                                             first_post, api_token, monkeypatch):
    """Another rendering (an edit, another person's relinking) since the scan wins over the
    run's older one; the run's people are queued again."""
    from community import tasks
    from community.discussions.models import MentionRelink, Post

    sent = _queued_tasks(monkeypatch)
    mona, thread, _before = _listed_again(client, create_user, create_thread, api_token, first_post)
    _during_the_scan(monkeypatch, db, Post.__table__.update().values(html="<p>rendered meanwhile</p>"))
    sent.clear()
    assert tasks.run_now("discussions.relink_mentions")
    db.session.expire_all()
    assert first_post(thread).html == "<p>rendered meanwhile</p>"
    assert db.session.scalar(select(MentionRelink.user_id)) == mona.id and sent == [("discussions.relink_mentions", ())]


def test_a_mention_written_as_an_entity_follows_the_persons_visibility(client, create_user, create_thread, db,
                                                                      first_post, api_token, create_category):
    """"&#64;handle" is read as "@handle": the page shows and links it, though the text holds no "@"."""
    staff = create_user(roles=("staff",), name="Sara Staff")  # cannot see a mentors' category: no Mention row
    thread = create_thread(create_user(roles=("mentor",)), category=create_category(visibility="mentors"),
                           body=f"Ask &#64;{staff.handle} about it")
    assert f'href="/people/{staff.id}"' in first_post(thread).html
    assert client.send_json("PATCH", "/api/v1/me", {"directory_visible": False}, token=api_token(staff)).status_code == 200
    db.session.expire_all()
    assert f'href="/people/{staff.id}"' not in first_post(thread).html


def test_a_task_queued_by_the_previous_version_still_relinks_its_person(app, create_user, create_thread, db,
                                                                       first_post):
    """Tasks in the broker at an upgrade carry the person's id, and the person has no queue row."""
    from community import tasks
    from community.accounts.models import User

    mona = create_user(roles=("mentor",), name="Mona Mentor", directory_visible=False)
    thread = create_thread(create_user(), body=f"Ask @{mona.handle}.")
    with app.app_context():
        db.session.execute(User.__table__.update().where(User.id == mona.id).values(directory_visible=True))
        db.session.commit()
    assert tasks.run_now("discussions.relink_mentions", mona.id)
    db.session.expire_all()
    assert f'href="/people/{mona.id}"' in first_post(thread).html


def test_someone_whose_run_never_came_is_relinked_by_the_hourly_run(client, create_user, create_thread, db, first_post,
                                                                    api_token, monkeypatch, app):
    """A run lost for good (its worker failed every retry) leaves the person queued; the
    periodic tasks pick them up."""
    sent = _queued_tasks(monkeypatch)
    mona = create_user(roles=("mentor",), name="Mona Mentor", directory_visible=False)
    thread = create_thread(create_user(), body=f"Ask @{mona.handle}.")
    assert client.send_json("PATCH", "/api/v1/me", {"directory_visible": True}, token=api_token(mona)).status_code == 200
    assert ("discussions.relink_mentions", ()) in sent  # handed over, then lost
    assert "href=" not in first_post(thread).html
    monkeypatch.undo()
    result = app.test_cli_runner().invoke(args=["tasks", "periodic"])
    assert "ran discussions.relink_mentions" in result.output
    db.session.expire_all()
    assert f'href="/people/{mona.id}"' in first_post(thread).html


def test_many_people_changed_in_one_transaction_need_one_run(app, create_user, db, monkeypatch):
    """An import that lists several people again asks for one run, not one per person."""
    from community import tasks
    from community.accounts import services as accounts
    from community.discussions.models import MentionRelink
    from community.unit_of_work import commit

    sent = _queued_tasks(monkeypatch)
    people = [create_user(roles=("mentor",), directory_visible=False) for _ in range(3)]
    with app.test_request_context(method="POST"):
        for person in people:
            person = db.session.merge(person)
            person.directory_visible = True
            accounts.visibility_changed(person)
        commit()
        tasks.dispatch_ready()
    assert sent == [("discussions.relink_mentions", ())]
    assert db.session.scalar(select(func.count()).select_from(MentionRelink)) == 3
