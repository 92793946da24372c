"""The audit trail is kept on erasure, but minimal: no addresses, no free text about the person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import or_, select, update

from community.audit.models import AuditEvent
from community.extensions import db

if TYPE_CHECKING:
    from community.accounts.models import User


def export(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.actor_id == user.id, (AuditEvent.subject_type == "user") & (AuditEvent.subject_id == user.id)))
        .order_by(AuditEvent.id)
    )
    return [
        {"at": e.created_at.isoformat(), "action": e.action, "by_me": e.actor_id == user.id, "note": e.note, "ip": e.ip}
        for e in rows
    ]


# Details that name the person (an HR system's userName is often the address, its externalId
# the personnel number): they go with the person; counts and lists of changed fields stay.
IDENTIFYING_KEYS = frozenset({"userName", "externalId", "email", "name"})


def erase(user: User) -> None:
    db.session.execute(update(AuditEvent).where(AuditEvent.actor_id == user.id).values(ip=None))
    about = (AuditEvent.subject_type == "user") & (AuditEvent.subject_id == user.id)
    db.session.execute(update(AuditEvent).where(about).values(ip=None, note=None))
    for event in db.session.scalars(select(AuditEvent).where(about)):
        if isinstance(event.data, dict) and IDENTIFYING_KEYS & event.data.keys():
            event.data = {key: value for key, value in event.data.items() if key not in IDENTIFYING_KEYS}
