"""The person's mentoring data in their export; erasure ends open mentorships and removes their words."""

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.mentoring.conftest import in_days


def test_export_contains_mentorships_sessions_notes_and_visible_feedback(people, create_mentorship, create_session, api):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, goal_text="Teams for my board")
    done = create_session(mentorship_id, starts_at=in_days(-3), status="done", agenda="Channels")
    api(executive)("PATCH", f"/api/v1/sessions/{done}", {"notes": "my note", "tried": "a channel"})
    api(mentor)("POST", f"/api/v1/sessions/{done}/feedback", {"rating": 5, "comment": "MENTOR-SAYS"})
    data = api(executive)("GET", "/api/v1/me/export").json["mentoring"]
    assert data["mentorships"][0]["goal_text"] == "Teams for my board" and data["mentorships"][0]["role"] == "executive"
    session = data["sessions"][0]
    assert session["agenda"] == "Channels" and session["notes"] == "my note" and session["tried"] == "a channel"
    assert session["history"][0]["kind"] == "created"
    assert data["feedback"] == []  # the mentor's comment stays hidden until the executive gives feedback
    api(executive)("POST", f"/api/v1/sessions/{done}/feedback", {"rating": 4})
    feedback = api(executive)("GET", "/api/v1/me/export").json["mentoring"]["feedback"]
    assert {(f["mine"], f["comment"]) for f in feedback} == {(True, None), (False, "MENTOR-SAYS")}


def test_erasing_an_executive_ends_their_mentorships_and_removes_their_words(app, client, people, create_mentorship,
                                                                             create_session, create_user, api, db):
    from community.mentoring.models import (
        MentoringSession,
        Mentorship,
        SessionFeedback,
        SessionNote,
    )

    mentor, executive = people(capacity=1)
    mentorship_id = create_mentorship(mentor, executive, goal_text="PERSONAL-GOAL")
    done = create_session(mentorship_id, starts_at=in_days(-3), status="done")
    planned = create_session(mentorship_id, starts_at=in_days(3))
    api(executive)("PATCH", f"/api/v1/sessions/{done}", {"notes": "PRIVATE"})
    api(executive)("POST", f"/api/v1/sessions/{done}/feedback", {"rating": 4, "comment": "EXEC-COMMENT", "shared_with_programme": True})
    token = api(executive)
    assert token("DELETE", "/api/v1/me", {"password": PASSWORD}).status_code == 204
    db.session.expire_all()
    mentorship = db.session.get(Mentorship, mentorship_id)
    assert mentorship.status == "completed" and mentorship.goal_text is None
    assert db.session.get(MentoringSession, planned).status == "cancelled"
    assert db.session.scalar(select(SessionNote)) is None
    feedback = db.session.scalar(select(SessionFeedback))
    assert feedback.rating == 4 and feedback.comment is None and not feedback.shared_with_programme
    # The mentor's place is free again.
    other = create_user(roles=("executive",))
    assert api(other)("POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "goal_text": "x"}).status_code == 201


def test_retention_removes_old_notes_and_comments_but_keeps_ratings(app, people, create_mentorship, create_session, api, db):
    from community.mentoring.models import SessionFeedback, SessionNote
    from community.privacy.services import run_retention

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    old = create_session(mentorship_id, starts_at=in_days(-900), status="done")
    recent = create_session(mentorship_id, starts_at=in_days(-10), status="done")
    for session_id in (old, recent):
        api(executive)("PATCH", f"/api/v1/sessions/{session_id}", {"notes": f"note {session_id}"})
        api(executive)("POST", f"/api/v1/sessions/{session_id}/feedback", {"rating": 5, "comment": "nice"})
    feedback = db.session.scalar(select(SessionFeedback).where(SessionFeedback.session_id == old))
    feedback.created_at = feedback.created_at - timedelta(days=900)
    db.session.commit()
    removed = run_retention(24)
    db.session.commit()
    assert removed["session_notes"] == 1 and removed["feedback_comments"] == 1
    assert [n.session_id for n in db.session.scalars(select(SessionNote))] == [recent]
    ratings = {f.session_id: (f.rating, f.comment) for f in db.session.scalars(select(SessionFeedback))}
    assert ratings == {old: (5, None), recent: (5, "nice")}


def test_the_completion_reason_is_in_the_export_and_goes_when_a_participant_is_erased(people, create_mentorship, api, db):
    from community.mentoring.models import Mentorship

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/complete", {"reason": "MENTOR-CLOSING-WORDS"})
    exported = api(executive)("GET", "/api/v1/me/export").json["mentoring"]["mentorships"][0]
    assert exported["completion_reason"] == "MENTOR-CLOSING-WORDS"
    assert api(mentor)("DELETE", "/api/v1/me", {"password": PASSWORD}).status_code == 204
    db.session.expire_all()
    assert db.session.get(Mentorship, mentorship_id).completion_reason is None
    assert "MENTOR-CLOSING-WORDS" not in str(api(executive)("GET", "/api/v1/me/export").json)
