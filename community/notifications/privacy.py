"""Notifications: exported, deleted on erasure, and removed after the retention period."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String, cast, delete, select, update

from community.database import rowcount
from community.extensions import db
from community.notifications.models import Notification

if TYPE_CHECKING:
    from community.accounts.models import User


def export(user: User) -> list[dict]:
    from community.notifications.services import render_plain

    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    return [
        {"text": render_plain(n), "kind": n.kind, "link": n.link, "created_at": n.created_at.isoformat(),
         "read_at": n.read_at.isoformat() if n.read_at else None}
        for n in rows
    ]


# Parameters that quote what the actor wrote (a decline reason, a question), and parameters
# that carry a person's name (see the register_kind texts of the features).
QUOTED_PARAMS = ("reason", "message", "note")
NAME_PARAMS = ("nominee", "executive", "mentor", "other", "previous")
# The other parameters name no person: things, times, counts (a test checks every registered
# text's parameters are sorted into one of the three).
OTHER_PARAMS = ("category", "circle", "days", "old", "run", "thread", "topic", "when", "why")


def erase(user: User) -> None:
    """Their own notifications go; in other people's, their words go and their name becomes
    "former member" (the texts are phrased when shown, so the stored parameters must change)."""
    from community.notifications.services import FORMER_MEMBER

    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    for note in db.session.scalars(select(Notification).where(Notification.actor_id == user.id)):
        note.params = {k: v for k, v in (note.params or {}).items() if k not in QUOTED_PARAMS}
    name_in_json = json.dumps(user.name)[1:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    naming = select(Notification).where(cast(Notification.params, String).like(f"%{name_in_json}%", escape="\\"))
    for note in db.session.scalars(naming):
        params = dict(note.params or {})
        for key in NAME_PARAMS:
            if params.get(key) == user.name:
                params[key] = FORMER_MEMBER
        note.params = params
    db.session.flush()
    db.session.execute(update(Notification).where(Notification.actor_id == user.id).values(actor_id=None))


def retain(cutoff: datetime) -> dict[str, int]:
    removed = rowcount(db.session.execute(
        delete(Notification).where(Notification.created_at < cutoff, Notification.read_at.is_not(None))
    ))
    return {"notifications": removed}
