"""Moderation by change managers and admins: reports, review queue, hide/restore, lock,
pin, move, and a log of every act."""

import html
import re

from sqlalchemy import select

from tests.conftest import text_of


def test_member_reports_a_post_and_a_moderator_hides_it_from_the_queue(
    client, login_as, db, create_user, create_thread, first_post
):
    from community.discussions.models import Flag, ModerationAction, Post
    from community.notifications.models import Notification

    author = create_user(name="Tess Troll")
    thread = create_thread(author, title="Hot take", body="something offensive")
    post = first_post(thread)
    reporter = create_user()
    login_as(reporter)
    form = client.get(f"/posts/{post.id}/flag")
    assert form.status_code == 200 and "Tess Troll wrote on" in text_of(form)  # whose post is reported
    response = client.post_form(f"/posts/{post.id}/flag", {"reason": "Insults a colleague"})
    assert response.status_code == 302
    # A second report is refused before a reason is typed (the whole form was shown again).
    second = client.get(f"/posts/{post.id}/flag")
    assert second.status_code == 302 and "reported this post already" in text_of(client.get(second.location))
    again = client.post_form(f"/posts/{post.id}/flag", {"reason": "Still insulting"})
    assert again.status_code == 302 and "reported this post already" in text_of(client.get(again.location))
    assert db.session.query(Flag).count() == 1
    assert client.get("/community/moderation").status_code == 403
    client.post_form("/logout")

    moderator = create_user(roles=["change_manager"])
    login_as(moderator)
    queue = text_of(client.get("/community/moderation"))
    assert "Insults a colleague" in queue and "something offensive" in queue
    flag = db.session.scalar(select(Flag))
    response = client.post_form(f"/community/flags/{flag.id}/resolve", {"outcome": "hidden", "note": "rule 2"})
    assert response.status_code == 302
    assert "No open reports" in text_of(client.get("/community/moderation"))
    db.session.expire_all()
    assert db.session.get(Post, post.id).hidden is True
    assert db.session.get(Flag, flag.id).outcome == "hidden"
    actions = list(db.session.scalars(select(ModerationAction.action).order_by(ModerationAction.id)))
    assert actions == ["post.hidden", "flag.hidden"]
    log = text_of(client.get("/community/moderation/log"))
    assert "hid a post" in log and "upheld a report" in log and "rule 2" in log and "Hot take" in log
    # The author learns about it; members see a placeholder, not the text.
    assert db.session.scalar(select(Notification.kind).where(Notification.user_id == author.id)) == "discussion_hidden"
    client.post_form("/logout")
    login_as(reporter)
    page = text_of(client.get(f"/threads/{thread.id}"))
    assert "hidden by a moderator" in page and "something offensive" not in page


def test_moderator_dismisses_a_report_and_restores_a_hidden_post(client, login_as, db, create_user, create_thread, first_post):
    from community.discussions.models import Flag, ModerationAction, Post

    thread = create_thread(create_user(), body="fine words")
    post = first_post(thread)
    login_as(create_user())
    client.post_form(f"/posts/{post.id}/flag", {"reason": "I just dislike it"})
    client.post_form("/logout")
    login_as(create_user(roles=["admin"]))
    flag = db.session.scalar(select(Flag))
    client.post_form(f"/community/flags/{flag.id}/resolve", {"outcome": "dismissed"})
    assert db.session.get(Post, post.id).hidden is False
    client.post_form(f"/posts/{post.id}/hide", {"note": "checking"})
    db.session.expire_all()
    assert db.session.get(Post, post.id).hidden is True
    client.post_form(f"/posts/{post.id}/restore")
    db.session.expire_all()
    assert db.session.get(Post, post.id).hidden is False
    actions = list(db.session.scalars(select(ModerationAction.action).order_by(ModerationAction.id)))
    assert actions == ["flag.dismissed", "post.hidden", "post.restored"]


def test_members_cannot_moderate(client, login_as, db, create_user, create_thread, first_post, create_category):
    from community.discussions.models import Post, Thread

    thread = create_thread(create_user())
    post = first_post(thread)
    elsewhere = create_category()
    login_as(create_user(roles=["mentor"]))
    for action in ("lock", "pin"):
        assert client.post_form(f"/threads/{thread.id}/{action}").status_code == 403
    assert client.post_form(f"/posts/{post.id}/hide").status_code == 403
    assert client.get(f"/threads/{thread.id}/move").status_code == 403
    assert client.post_form(f"/threads/{thread.id}/move", {"category": elsewhere.id}).status_code == 403
    assert client.get("/community/moderation/log").status_code == 403
    db.session.expire_all()
    stored = db.session.get(Thread, thread.id)
    assert not stored.locked and not stored.pinned and stored.category_id != elsewhere.id
    assert db.session.get(Post, post.id).hidden is False


def test_moderator_locks_pins_and_moves_a_thread_and_each_act_is_logged(
    client, login_as, db, create_user, create_category, create_thread
):
    from community.discussions.models import ModerationAction, Thread

    source = create_category(name="Questions from staff")
    target = create_category(name="Tools & tricks")
    thread = create_thread(create_user(), category=source, title="Which tool for polls?")
    login_as(create_user(roles=["change_manager"]))
    client.post_form(f"/threads/{thread.id}/pin")
    client.post_form(f"/threads/{thread.id}/lock", {"note": "answered"})
    page = text_of(client.get(f"/threads/{thread.id}"))
    assert "Pinned" in page and "Locked" in page
    assert client.get(f"/threads/{thread.id}/move").status_code == 200
    assert client.post_form(f"/threads/{thread.id}/move", {"category": target.id}).status_code == 302
    client.post_form(f"/threads/{thread.id}/unlock")
    client.post_form(f"/threads/{thread.id}/unpin")
    stored = db.session.get(Thread, thread.id)
    assert stored.category_id == target.id and not stored.locked and not stored.pinned
    assert list(db.session.scalars(select(ModerationAction.action).order_by(ModerationAction.id))) == [
        "thread.pinned", "thread.locked", "thread.moved", "thread.unlocked", "thread.unpinned",
    ]
    log = html.unescape(text_of(client.get("/community/moderation/log")))
    assert f"moved the thread ({source.name} → {target.name})" in log and "answered" in log
    assert "Which tool for polls?" in text_of(client.get(f"/community/c/{target.slug}"))


def test_move_to_an_unknown_category_is_a_field_error(client, login_as, create_user, create_thread):
    thread = create_thread(create_user())
    login_as(create_user(roles=["admin"]))
    response = client.post_form(f"/threads/{thread.id}/move", {"category": 98765})
    assert response.status_code == 200 and "Not a valid choice" in text_of(response)


def test_reporting_needs_a_reason(client, login_as, create_user, create_thread, first_post):
    thread = create_thread(create_user())
    login_as(create_user())
    response = client.post_form(f"/posts/{first_post(thread).id}/flag", {"reason": "  "})
    assert response.status_code == 200 and "This field is required" in text_of(response)


def test_a_report_another_moderator_resolved_first_returns_to_the_queue_with_a_message(
    app, client, login_as, db, create_user, create_thread, first_post
):
    from community.discussions.models import Flag
    from tests.discussions.test_categories import signed_in

    thread = create_thread(create_user(), body="Borderline joke")
    post = first_post(thread)
    login_as(create_user())
    client.post_form(f"/posts/{post.id}/flag", {"reason": "Not funny"})
    client.post_form("/logout")
    flag_id = db.session.scalar(select(Flag.id))

    quicker = signed_in(app, create_user(roles=["admin"]))
    assert quicker.post_form(f"/community/flags/{flag_id}/resolve", {"outcome": "dismissed"}).status_code == 302
    login_as(create_user(roles=["change_manager"]))
    late = client.post_form(f"/community/flags/{flag_id}/resolve", {"outcome": "hidden"}, follow_redirects=True)
    assert late.status_code == 200 and late.request.path == "/community/moderation"
    assert "This report was resolved already." in text_of(late) and "No open reports" in text_of(late)
    db.session.expire_all()
    assert db.session.get(Flag, flag_id).outcome == "dismissed"


def _reported(client, login_as, create_user, create_thread, first_post, body="Borderline words"):
    from sqlalchemy import select as _select

    from community.discussions.models import Flag
    from community.extensions import db as _db

    post = first_post(create_thread(create_user(), body=body))
    login_as(create_user())
    client.post_form(f"/posts/{post.id}/flag", {"reason": "Please check"})
    client.post_form("/logout")
    return post, _db.session.scalar(_select(Flag.id).where(Flag.post_id == post.id))


def test_the_queue_preselects_no_decision(client, login_as, create_user, create_thread, first_post):
    """"Decide" alone hid the post: "Hide the post" was the select's first, chosen option."""
    _post, flag_id = _reported(client, login_as, create_user, create_thread, first_post)
    login_as(create_user(roles=["change_manager"]))
    page = client.get("/community/moderation").get_data(as_text=True)
    radios = re.findall(r'<input[^>]*name="outcome"[^>]*>', page)
    assert len(radios) == 2 and not any("checked" in radio for radio in radios), radios
    assert "selected>Hide the post" not in page and "<option value=\"hidden\"" not in page
    for number in (0, 1):  # each choice has its own label, per report
        assert f'for="outcome-{flag_id}-{number}"' in page and f'id="outcome-{flag_id}-{number}"' in page


def test_deciding_without_a_choice_is_a_field_error_and_changes_nothing(
    client, login_as, db, create_user, create_thread, first_post
):
    from community.discussions.models import Flag, ModerationAction, Post

    post, flag_id = _reported(client, login_as, create_user, create_thread, first_post)
    login_as(create_user(roles=["admin"]))
    response = client.post_form(f"/community/flags/{flag_id}/resolve", {"note": "looked at it"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert f'<a href="#outcome-{flag_id}-0">Decision: Choose whether to hide the post or dismiss the report.</a>' in page
    assert f'id="outcome-{flag_id}-errors"' in page and f'aria-describedby="outcome-{flag_id}-errors"' in page
    assert 'value="looked at it"' in page  # what was typed stays
    db.session.expire_all()
    assert db.session.get(Post, post.id).hidden is False
    assert db.session.get(Flag, flag_id).resolved_at is None
    assert db.session.scalar(select(ModerationAction.id)) is None


def test_an_unknown_decision_is_refused_on_the_field(client, login_as, db, create_user, create_thread, first_post):
    from community.discussions.models import Flag, Post

    post, flag_id = _reported(client, login_as, create_user, create_thread, first_post)
    login_as(create_user(roles=["change_manager"]))
    response = client.post_form(f"/community/flags/{flag_id}/resolve", {"outcome": "delete"})
    assert response.status_code == 422
    assert "Choose whether to hide the post or dismiss the report." in text_of(response)
    db.session.expire_all()
    assert db.session.get(Post, post.id).hidden is False and db.session.get(Flag, flag_id).resolved_at is None


def test_an_undecided_report_no_longer_in_the_queue_returns_to_it_with_the_message(
    app, client, login_as, db, create_user, create_thread, first_post
):
    from tests.discussions.test_categories import signed_in

    _post, flag_id = _reported(client, login_as, create_user, create_thread, first_post)
    assert signed_in(app, create_user(roles=["admin"])).post_form(
        f"/community/flags/{flag_id}/resolve", {"outcome": "dismissed"}).status_code == 302
    login_as(create_user(roles=["change_manager"]))
    late = client.post_form(f"/community/flags/{flag_id}/resolve", {}, follow_redirects=True)
    assert late.status_code == 200 and late.request.path == "/community/moderation"
    assert "Choose whether to hide the post or dismiss the report." in text_of(late) and "No open reports" in text_of(late)

