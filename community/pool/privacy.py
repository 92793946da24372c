"""Export and erasure of the mentor-pool data: circle memberships and circle posts, pausing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from community.accounts.models import User
from community.extensions import db
from community.pool.models import Circle, CircleMember, CirclePost


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export(user: User) -> dict:
    memberships = db.session.execute(
        select(Circle.name, CircleMember.status, CircleMember.responded_at)
        .join(CircleMember, CircleMember.circle_id == Circle.id).where(CircleMember.user_id == user.id)
        .order_by(Circle.id)
    ).all()
    posts = db.session.execute(
        select(Circle.name, CirclePost.body, CirclePost.created_at)
        .join(CirclePost, CirclePost.circle_id == Circle.id).where(CirclePost.author_id == user.id)
        .order_by(CirclePost.id)
    ).all()
    return {
        "mentoring_paused": bool(user.mentoring_paused),
        "circles": [{"circle": name, "status": status, "responded_at": _iso(at)} for name, status, at in memberships],
        "circle_posts": [{"circle": name, "body": body, "created_at": _iso(at)} for name, body, at in posts],
    }


def erase(user: User) -> None:
    """Leave every circle; the posts stay in their circle under "former member", as community posts do."""
    db.session.execute(delete(CircleMember).where(CircleMember.user_id == user.id))
    user.mentoring_paused = False
