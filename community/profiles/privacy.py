"""Export and erasure of profile data: topics with levels, topic questions, the search text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select

from community.accounts.models import User
from community.database import rowcount
from community.extensions import db
from community.profiles.models import PersonSearch, PersonTag, TopicQuestion


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export(user: User) -> dict:
    topics = db.session.scalars(select(PersonTag).where(PersonTag.user_id == user.id))
    questions = db.session.scalars(
        select(TopicQuestion)
        .where(or_(TopicQuestion.asker_id == user.id, TopicQuestion.person_id == user.id))
        .order_by(TopicQuestion.id)
    )
    asked, received = [], []
    for q in questions:
        item = {"topic": q.tag.slug, "message": q.message, "created_at": _iso(q.created_at)}
        if q.asker_id == user.id:
            asked.append({**item, "to": q.person.name})
        if q.person_id == user.id:
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
    db.session.execute(
        delete(TopicQuestion).where(or_(TopicQuestion.asker_id == user.id, TopicQuestion.person_id == user.id))
    )
    db.session.execute(delete(PersonSearch).where(PersonSearch.user_id == user.id))
    db.session.expire(user, ["tag_rows"])


def retain(cutoff: datetime) -> dict[str, int]:
    """Topic questions are kept no longer than the retention period."""
    removed = rowcount(db.session.execute(delete(TopicQuestion).where(TopicQuestion.created_at < cutoff)))
    return {"topic_questions": removed}
