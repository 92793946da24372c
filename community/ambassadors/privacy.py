"""Nominations about a person are deleted on erasure; nominations they made lose their name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update

from community.ambassadors.models import Nomination
from community.extensions import db

if TYPE_CHECKING:
    from community.accounts.models import User


def export(user: User) -> dict:
    def row(n: Nomination) -> dict:
        return {"id": n.id, "nominee_id": n.nominee_id, "reason": n.reason, "status": n.status,
                "created_at": n.created_at.isoformat(), "note": n.note}

    received = db.session.scalars(select(Nomination).where(Nomination.nominee_id == user.id))
    made = db.session.scalars(select(Nomination).where(Nomination.nominated_by_id == user.id))
    return {"nominations_received": [row(n) for n in received], "nominations_made": [row(n) for n in made]}


def erase(user: User) -> None:
    db.session.execute(delete(Nomination).where(Nomination.nominee_id == user.id))
    # Their words about others go with their name: the reason they nominated with, the note they decided with.
    db.session.execute(update(Nomination).where(Nomination.nominated_by_id == user.id).values(nominated_by_id=None, reason=""))
    db.session.execute(update(Nomination).where(Nomination.decided_by_id == user.id).values(decided_by_id=None, note=None))
