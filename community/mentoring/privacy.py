"""Mentoring data of a person: exported in full, erased or anonymised on erasure, old notes retired.

Erasure keeps the programme's history readable (who met whom, how often, the ratings behind
the run's averages) while the person's own words go: goal texts, private notes, "what I tried",
feedback comments and reasons they gave. Open mentorships end, so the mentor's place frees up.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, or_, select, update

from community.database import rowcount, utcnow
from community.extensions import db
from community.labels import shown, stored_phrase
from community.mentoring.models import (
    CalendarFeed,
    MentoringSession,
    Mentorship,
    SessionChange,
    SessionFeedback,
    SessionNote,
)

if TYPE_CHECKING:
    from community.accounts.models import User

ERASED_REASON = stored_phrase("account_erased")  # shown in the reader's language


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _involving(user: User):
    return or_(Mentorship.mentor_id == user.id, Mentorship.executive_id == user.id)


def export(user: User) -> dict:
    mentorships = db.session.scalars(
        select(Mentorship).where(or_(_involving(user), Mentorship.requested_by_id == user.id)).order_by(Mentorship.id)
    ).unique().all()
    ids = [m.id for m in mentorships if user.id in (m.mentor_id, m.executive_id)]
    sessions = db.session.scalars(
        select(MentoringSession).where(MentoringSession.mentorship_id.in_(ids)).order_by(MentoringSession.starts_at)
    ).unique().all() if ids else []
    session_ids = [s.id for s in sessions]
    history, notes, feedback = _session_records(user, session_ids)
    given = {f.session_id for f in feedback if f.author_id == user.id}
    feed = db.session.get(CalendarFeed, user.id)
    return {
        "mentorships": [_mentorship_data(user, m) for m in mentorships],
        "sessions": [_session_data(s, history, notes) for s in sessions],
        # What the person wrote, and what the other side wrote once the person had given theirs.
        "feedback": [
            {"session_id": f.session_id, "mine": f.author_id == user.id, "rating": f.rating, "comment": f.comment,
             "shared_with_programme": f.shared_with_programme, "created_at": _iso(f.created_at)}
            for f in feedback if f.author_id == user.id or f.session_id in given
        ],
        "calendar_feed": {"created_at": _iso(feed.created_at)} if feed else None,
    }


def _session_records(user, session_ids: list[int]) -> tuple[dict[int, list[dict]], dict, list]:
    """(history per session, notes per session, feedback) of these sessions."""
    if not session_ids:
        return {}, {}, []
    changes = db.session.scalars(
        select(SessionChange).where(SessionChange.session_id.in_(session_ids)).order_by(SessionChange.id)
    ).all()
    notes = {n.session_id: n for n in db.session.scalars(
        select(SessionNote).where(SessionNote.session_id.in_(session_ids)))}
    feedback = db.session.scalars(
        select(SessionFeedback).where(SessionFeedback.session_id.in_(session_ids)).order_by(SessionFeedback.id)
    ).all()
    history: dict[int, list[dict]] = {}
    for c in changes:
        history.setdefault(c.session_id, []).append({
            "kind": c.kind, "at": _iso(c.changed_at), "by_me": c.changed_by_id == user.id,
            "old_starts_at": _iso(c.old_starts_at), "new_starts_at": _iso(c.new_starts_at),
            "old_ends_at": _iso(c.old_ends_at), "new_ends_at": _iso(c.new_ends_at), "reason": shown(c.reason),
        })
    return history, notes, list(feedback)


def _mentorship_data(user, m: Mentorship) -> dict:
    role = "mentor" if m.mentor_id == user.id else "executive" if m.executive_id == user.id else "requester"
    return {"id": m.id, "role": role,
            "mentor": m.mentor.name, "executive": m.executive.name, "cohort": m.cohort.name if m.cohort else None,
            "status": m.status, "goals": [g.tag.slug for g in m.goals],
            "goal_progress": {g.tag.slug: g.progress for g in m.goals}, "goal_text": m.goal_text,
            "requested_at": _iso(m.requested_at), "decided_at": _iso(m.decided_at), "decision_reason": shown(m.decision_reason),
            "completed_at": _iso(m.completed_at), "completion_reason": m.completion_reason}


def _session_data(s: MentoringSession, history: dict[int, list[dict]], notes: dict) -> dict:
    note = notes.get(s.id)
    return {"id": s.id, "mentorship_id": s.mentorship_id, "starts_at": _iso(s.starts_at),
            "duration_minutes": s.duration_minutes,
            "location": s.location, "agenda_tags": [row.tag.slug for row in s.agenda_tags], "agenda": s.agenda,
            "status": s.status, "cancel_reason": shown(s.cancel_reason), "history": history.get(s.id, []),
            "notes": note.notes if note is not None else None, "tried": note.tried if note is not None else None}


def erase(user: User) -> None:
    from community.mentoring.services import cancel_sessions_of_leaver, request_handovers_for_mentor

    # Their executives need a new mentor: the change managers are told before the mentorships end.
    for mentorship in request_handovers_for_mentor(user, "erased"):
        db.session.expire(mentorship)
    now = utcnow()
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    mine = select(Mentorship.id).where(_involving(user))
    sessions = select(MentoringSession.id).where(MentoringSession.mentorship_id.in_(mine))
    # Planned sessions are called off (the other one of each pair is told, with the calendar
    # cancellation) and open mentorships end: the person is gone.
    cancel_sessions_of_leaver(user, ERASED_REASON)
    # The mentor's own words when accepting or declining go (the other side's export too).
    db.session.execute(
        update(Mentorship).where(Mentorship.mentor_id == user.id, Mentorship.decision_reason.is_not(None))
        .values(decision_reason=None)
        .execution_options(synchronize_session=False)
    )
    # So do the words given when ending a mentorship, theirs or about them.
    db.session.execute(
        update(Mentorship)
        .where(or_(_involving(user), Mentorship.completed_by_id == user.id), Mentorship.completion_reason.is_not(None))
        .values(completion_reason=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Mentorship).where(_involving(user), Mentorship.status == "requested")
        .values(status="declined", decided_at=now, decision_reason=ERASED_REASON)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Mentorship).where(_involving(user), Mentorship.status == "active")
        .values(status="completed", completed_at=now)
        .execution_options(synchronize_session=False)
    )
    # Their own words go; the shape of the history stays.
    db.session.execute(
        update(Mentorship).where(Mentorship.executive_id == user.id).values(goal_text=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Mentorship).where(Mentorship.requested_by_id == user.id).values(requested_by_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(SessionNote).where(SessionNote.session_id.in_(sessions)))
    db.session.execute(
        update(SessionFeedback).where(SessionFeedback.author_id == user.id)
        .values(comment=None, shared_with_programme=False)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(SessionChange).where(SessionChange.changed_by_id == user.id).values(changed_by_id=None, reason=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(MentoringSession).where(MentoringSession.created_by_id == user.id).values(created_by_id=None)
        .execution_options(synchronize_session=False)
    )


def retain(cutoff: datetime) -> dict[str, int]:
    """Private notes of sessions that ended before the cutoff, and old feedback comments, are removed;
    dates, topics and ratings stay for the programme's history."""
    old_sessions = select(MentoringSession.id).where(MentoringSession.ends_at < cutoff)
    notes = rowcount(db.session.execute(delete(SessionNote).where(SessionNote.session_id.in_(old_sessions))))
    comments = rowcount(db.session.execute(
        update(SessionFeedback).where(SessionFeedback.created_at < cutoff, SessionFeedback.comment.is_not(None))
        .values(comment=None, shared_with_programme=False)
        .execution_options(synchronize_session=False)
    ))
    return {"session_notes": notes, "feedback_comments": comments}
