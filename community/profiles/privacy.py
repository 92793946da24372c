"""Export and erasure of profile data: topics with levels, questions with their answers, the search text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select

from community.accounts.models import User
from community.database import rowcount
from community.extensions import db
from community.profiles.models import Answer, PersonSearch, PersonTag, Question


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export(user: User) -> dict:
    topics = db.session.scalars(select(PersonTag).where(PersonTag.user_id == user.id))
    questions = db.session.scalars(
        select(Question)
        .where(or_(Question.asker_id == user.id, Question.contact_id == user.id))
        .order_by(Question.id)
    )
    asked, received = [], []
    for q in questions:
        item = {
            "id": q.id, "topic": q.tag.slug, "message": q.body, "status": q.status, "helpful": q.helpful,
            "created_at": _iso(q.created_at), "resolved_at": _iso(q.resolved_at),
            "answers": [{"by": a.author.name, "body": a.body, "created_at": _iso(a.created_at)} for a in q.answers],
        }
        if q.asker_id == user.id:
            asked.append({**item, "to": q.contact.name})
        if q.contact_id == user.id:
            received.append({**item, "from": q.asker.name})
    return {
        "topics": sorted(
            ({"slug": t.tag.slug, "name": t.tag.name, "level": t.level, "updated_at": _iso(t.updated_at)} for t in topics),
            key=lambda t: t["slug"],
        ),
        "topic_questions_asked": asked,
        "topic_questions_received": received,
    }


def erase(user: User) -> None:
    db.session.execute(delete(PersonTag).where(PersonTag.user_id == user.id))
    # A question belongs to its two people: it goes with either of them, with its answers.
    mine = select(Question.id).where(or_(Question.asker_id == user.id, Question.contact_id == user.id))
    db.session.execute(delete(Answer).where(Answer.question_id.in_(mine)))
    db.session.execute(delete(Question).where(or_(Question.asker_id == user.id, Question.contact_id == user.id)))
    db.session.execute(delete(PersonSearch).where(PersonSearch.user_id == user.id))
    db.session.expire(user, ["tag_rows"])


def retain(cutoff: datetime) -> dict[str, int]:
    """Questions (with their answers) are kept no longer than the retention period after their last activity."""
    old = select(Question.id).where(Question.updated_at < cutoff)
    db.session.execute(delete(Answer).where(Answer.question_id.in_(old)))
    removed = rowcount(db.session.execute(delete(Question).where(Question.updated_at < cutoff)))
    return {"topic_questions": removed}
