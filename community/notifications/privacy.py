"""Notifications: exported, deleted on erasure, and removed after the retention period."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update

from community.database import rowcount
from community.extensions import db
from community.notifications.models import Notification

if TYPE_CHECKING:
    from community.accounts.models import User


def export(user: User) -> list[dict]:
    from community.notifications.services import render_text

    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    return [
        {"text": render_text(n), "kind": n.kind, "link": n.link, "created_at": n.created_at.isoformat(),
         "read_at": n.read_at.isoformat() if n.read_at else None}
        for n in rows
    ]


def erase(user: User) -> None:
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(update(Notification).where(Notification.actor_id == user.id).values(actor_id=None))


def retain(cutoff: datetime) -> dict[str, int]:
    removed = rowcount(db.session.execute(
        delete(Notification).where(Notification.created_at < cutoff, Notification.read_at.is_not(None))
    ))
    return {"notifications": removed}
