"""Notifications: exported, deleted on erasure, and removed after the retention period."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, String, cast, delete, or_, select, update

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


def naming(user_id: int) -> ColumnElement[bool]:
    """Notifications that may name the person (SQL, a first pass: `people_named` decides, as
    "executive_id": 12 also begins "executive_id": 123)."""
    id_in_json = _like_escaped(f'_id": {user_id}')
    return or_(Notification.actor_id == user_id, cast(Notification.params, String).like(f"%{id_in_json}%", escape="\\"))


def people_named(note: Notification) -> set[int]:
    """The people a notification names: its actor and the people among its parameters (by
    the id stored beside each name, see community.notifications.services.stored_params)."""
    named = {note.actor_id} if note.actor_id is not None else set()
    params = note.params or {}
    for key in NAME_PARAMS:
        value = params.get(f"{key}_id")
        if isinstance(value, int) and not isinstance(value, bool):
            named.add(value)
    return named


def erase(user: User) -> None:
    """Their own notifications go; in other people's, their words go and their name becomes
    "former member" (the texts are phrased when shown, so the stored parameters must change).
    A person is found by the id stored beside their name (`executive_id`, see
    community.notifications.services.stored_params), whatever they were called then and
    never mixed up with someone of the same name; notifications made before ids were stored
    (no `<key>_id` beside the name) are found by the person's present name."""
    from community.notifications.services import FORMER_MEMBER

    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    for note in db.session.scalars(select(Notification).where(Notification.actor_id == user.id)):
        # Their words go; the actor reads "Former member" (not "—") once the link to them is cut.
        note.params = {**{k: v for k, v in (note.params or {}).items() if k not in QUOTED_PARAMS},
                       "actor": FORMER_MEMBER}
    as_text = cast(Notification.params, String)
    by_name = as_text.like(f"%{_like_escaped(json.dumps(user.name)[1:-1])}%", escape="\\")
    id_in_json = _like_escaped(f'_id": {user.id}')  # e.g. "executive_id": 12 (and 123: checked below)
    by_id = as_text.like(f"%{id_in_json}%", escape="\\")
    for note in db.session.scalars(select(Notification).where(by_name | by_id)):
        params = dict(note.params or {})
        for key in NAME_PARAMS:
            named = f"{key}_id"
            if params.get(named) == user.id or (named not in params and params.get(key) == user.name):
                params[key] = FORMER_MEMBER
                params.pop(named, None)
        if params != note.params:
            note.params = params
    db.session.flush()
    db.session.execute(update(Notification).where(Notification.actor_id == user.id).values(actor_id=None))


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def retain(cutoff: datetime) -> dict[str, int]:
    removed = rowcount(db.session.execute(
        delete(Notification).where(Notification.created_at < cutoff, Notification.read_at.is_not(None))
    ))
    return {"notifications": removed}
