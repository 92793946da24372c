"""Issue 13, class 6: the README's list of what erasure removes is checked item by item
against a person who has something of every kind."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, or_, select

from tests.access_world import build_world
from tests.conftest import isolated

README = Path(__file__).resolve().parents[2] / "README.md"
DECLINE_REASON = "Sorry, my calendar is full until summer, Mentor Person here."
QUESTION = "Could you show me Teams channels, please?"
NOMINATION_REASON = "Executive nominates for all the help with Teams."


def readme_items() -> list[str]:
    text = README.read_text()
    block = text[text.index("<!-- erasure-list -->"):text.index("<!-- /erasure-list -->")]
    return [line.strip()[2:] for line in block.splitlines() if line.strip().startswith("- ")]


@pytest.fixture
def erased(app, db):
    """The access world's mentor, with a declined request, a question, a nomination of someone
    else, a follow, feedback, a moved session and a note; then erased."""

    def arrange():
        from community.accounts.models import User
        from community.ambassadors import services as ambassadors
        from community.discussions import services as discussions
        from community.discussions import subscriptions
        from community.discussions.models import Thread
        from community.extensions import db as database
        from community.mentoring import services as mentoring
        from community.mentoring.models import MentoringSession, SessionFeedback, SessionNote
        from community.privacy.services import erase_as_system
        from community.profiles.models import TopicQuestion

        world = build_world(app)
        with app.test_request_context():
            mentor = database.session.get(User, world.ids["user_mentor"])
            other_mentor = database.session.get(User, world.ids["user_staff"])
            other_mentor.role_rows  # noqa: B018 - loaded before the roles change below
            from community.accounts.models import UserRole

            database.session.add(UserRole(user_id=other_mentor.id, role="mentor"))
            executive = database.session.get(User, world.ids["user_executive"])
            from community.mentoring.models import Mentorship

            request = Mentorship(mentor_id=mentor.id, executive_id=world.ids["user_change_manager"], status="requested")
            database.session.add(request)
            database.session.flush()
            mentoring.decline_mentorship(mentor, request, DECLINE_REASON)
            database.session.add(TopicQuestion(asker_id=mentor.id, person_id=other_mentor.id, tag_id=1, message=QUESTION))
            database.session.flush()
            database.session.refresh(other_mentor)
            ambassadors.nominate(mentor, other_mentor.id, NOMINATION_REASON)
            subscriptions.set_subscription(mentor, "category", world.ids["category_id"], "watching")
            session = database.session.get(MentoringSession, world.ids["session"])
            database.session.add(SessionNote(session_id=session.id, notes="Mentor's private words", tried="Executive tried"))
            database.session.add(SessionFeedback(session_id=session.id, author_id=mentor.id, rating=5, comment="Mentor's comment"))
            mentoring.reschedule_session(mentor, session, starts_at=session.starts_at + timedelta(days=1),
                                         reason="Mentor's move reason", version=session.version)
            thread = database.session.get(Thread, world.ids["thread"])
            discussions.reply(executive, thread, f"Thanks again @{mentor.handle}!")
            from community.admin.models import PeopleImport
            from community.audit import services as audit
            from community.outreach.models import OutgoingMessage

            database.session.add(OutgoingMessage(
                key="test:kept", recipient=executive.email, user_id=executive.id, kind="mentorship_declined",
                subject=f"{mentor.name} declined", body_text=f"{mentor.name} (@{mentor.handle}) declined.", status="outbox"))
            # A delivered digest naming them by name only, made from their notification.
            database.session.add(OutgoingMessage(
                key="digest:kept", recipient=executive.email, user_id=executive.id, kind="daily_digest",
                subject="Your daily digest", body_text=f"- {mentor.name} declined your request", status="sent",
                named_ids=[mentor.id]))
            database.session.add(PeopleImport(filename="hr.csv", content=f"name,email\nM,{mentor.email}\n",
                                              header=["name", "email"], preview=[["2", "updated", mentor.name, "M", mentor.email]]))
            audit.record("scim.user_created", subject_type="user", subject_id=mentor.id,
                         data={"userName": mentor.email, "externalId": "hr-0042"})
            database.session.commit()
            snapshot = {"name": mentor.name, "handle": mentor.handle, "email": mentor.email, "id": mentor.id,
                        "executive": executive.id}
            erase_as_system(database.session.get(User, mentor.id))
            database.session.commit()
            return world, snapshot
        return None

    return isolated(app, arrange)


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def check_account(db, world, was):
    from community.accounts.models import User

    user = db.session.get(User, was["id"])
    assert user.name == "Former member" and was["name"] not in user.email and user.handle != was["handle"]
    assert user.password_hash is None
    for attr in ("department", "location", "locale", "bio", "bio_html", "availability", "link"):
        assert getattr(user, attr) is None, attr


def check_rows(db, world, was):
    from community.accounts.models import ApiToken, LoginSession, UserLanguage, UserRole
    from community.mentoring.models import CalendarFeed
    from community.profiles.models import PersonTag

    for model in (UserRole, UserLanguage, PersonTag, ApiToken, LoginSession, CalendarFeed):
        assert _count(db, model, model.user_id == was["id"]) == 0, model.__name__


def check_community(db, world, was):
    from community.discussions.models import Mention, Post, PostRevision, Subscription

    assert _count(db, Subscription, Subscription.user_id == was["id"]) == 0
    assert _count(db, Mention, Mention.user_id == was["id"]) == 0
    handle = "@" + was["handle"]
    assert _count(db, Post, Post.body.contains(handle)) == 0
    assert _count(db, Post, Post.html.contains(handle)) == 0
    assert _count(db, PostRevision, PostRevision.previous_body.contains(handle)) == 0


def check_notifications(db, world, was):
    from community.notifications.models import Notification
    from community.notifications.privacy import NAME_PARAMS

    assert _count(db, Notification, Notification.user_id == was["id"]) == 0
    for note in db.session.scalars(select(Notification)):
        stored = json.dumps(note.params or {}, ensure_ascii=False)
        assert was["name"] not in stored, (note.kind, stored)
        named_ids = "|".join(NAME_PARAMS)  # the id kept beside a name (not a session's id)
        assert not re.search(rf'"({named_ids})_id": {was["id"]}\b', stored), (note.kind, stored)
        assert DECLINE_REASON not in stored and QUESTION not in stored, (note.kind, stored)
    assert _count(db, Notification, Notification.actor_id == was["id"]) == 0


def check_analysis(db, world, was):
    from community.network.models import AnalysisSnapshot, PersonFigure

    assert _count(db, PersonFigure, PersonFigure.user_id == was["id"]) == 0
    for snapshot in db.session.scalars(select(AnalysisSnapshot)):
        assert not re.search(rf'"(id|user_id|person_id)": {was["id"]}\b', json.dumps(snapshot.findings or {}))


def check_questions(db, world, was):
    from community.profiles.models import TopicQuestion

    assert _count(db, TopicQuestion, or_(TopicQuestion.asker_id == was["id"], TopicQuestion.person_id == was["id"])) == 0


def check_nominations(db, world, was):
    from community.ambassadors.models import Nomination

    assert _count(db, Nomination, Nomination.nominee_id == was["id"]) == 0
    assert _count(db, Nomination, Nomination.reason.contains("Teams"), Nomination.nominated_by_id.is_(None)) == 0
    assert _count(db, Nomination, Nomination.reason == NOMINATION_REASON) == 0


def check_notes(db, world, was):
    from community.mentoring.models import SessionNote

    assert _count(db, SessionNote, SessionNote.session_id == world.ids["session"]) == 0


def check_words(db, world, was):
    from community.mentoring.models import Mentorship, SessionChange, SessionFeedback

    feedback = db.session.scalars(select(SessionFeedback).where(SessionFeedback.author_id == was["id"])).all()
    assert feedback and all(f.comment is None and f.rating == 5 for f in feedback)
    assert _count(db, Mentorship, Mentorship.executive_id == was["id"], Mentorship.goal_text.is_not(None)) == 0
    assert _count(db, Mentorship, Mentorship.decision_reason == DECLINE_REASON) == 0
    assert _count(db, SessionChange, SessionChange.changed_by_id == was["id"]) == 0
    assert _count(db, SessionChange, SessionChange.reason == "Mentor's move reason") == 0


def check_traces(db, world, was):
    from community.admin.models import PeopleImport
    from community.audit.models import AuditEvent
    from community.outreach.models import OutgoingMessage

    for message in db.session.scalars(select(OutgoingMessage)):
        text = message.subject + message.body_text + (message.body_html or "")
        assert was["name"] not in text and was["email"] not in text + message.recipient and "@" + was["handle"] not in text
    for job in db.session.scalars(select(PeopleImport)):
        assert was["email"] not in job.content + json.dumps(job.preview)
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == was["id"])):
        assert "hr-0042" not in json.dumps(event.data) and was["email"] not in json.dumps(event.data)


CHECKS = {
    "name, e-mail address, @handle, password, department, location, language, bio, availability and link": check_account,
    "roles, languages, topics, API tokens, login sessions and the calendar feed": check_rows,
    "follows, mentions of them, and their @handle in other people's posts and earlier versions "
    "(also where it never linked: written while they were hidden, or to oneself)": check_community,
    "notifications to them; in other people's notifications their name (also a name they had before being renamed; never a namesake's) and their quoted words": check_notifications,
    "their analysis figures, and their id in stored findings": check_analysis,
    "questions they asked or received": check_questions,
    "nominations about them; the reasons they nominated others with and the notes they decided with": check_nominations,
    "the private notes of all their sessions (the note is shared: the other participant's text goes too)": check_notes,
    "their feedback comments and goal texts (ratings stay), their reasons for accepting or declining a request, "
    "and their reasons for moving or cancelling a session": check_words,
    "in e-mails and channel posts kept for others in the outbox, those made from notifications by or about them "
    "(daily digests too), those naming them as a nominee, fading mentor, session partner or thread author, and those "
    "naming their address or @handle (delivered ones keep only their place in the sent-log; undelivered ones are "
    "not delivered, and a daily digest is made again without them; a namesake's stay); "
    "in people imports, their rows (one waiting to start is called off); in the audit trail, "
    "the userName and externalId an HR system gave them": check_traces,
}


def test_the_readme_list_and_the_checks_are_the_same():
    assert readme_items() == list(CHECKS)


@pytest.mark.parametrize("item", list(CHECKS))
def test_erasure_removes_what_the_readme_lists(item, db, erased):
    """Each README item has its check (asserting inside) run on the erased mentor's world."""
    from community.accounts.models import User

    world, was = erased
    db.session.expire_all()
    assert db.session.get(User, was["id"]).erased_at is not None  # the world the checks look at was erased
    CHECKS[item](db, world, was)


def test_the_other_side_no_longer_sees_the_erased_mentors_words(app, db, client, erased, api_token):
    from community.accounts.models import User

    world, was = erased
    executive = db.session.get(User, was["executive"])
    token = world.tokens["executive"]
    exported = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {token}"}).get_data(as_text=True)
    assert was["name"] not in exported and DECLINE_REASON not in exported
    assert executive is not None
