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


def erase(user: User) -> None:
    db.session.execute(update(AuditEvent).where(AuditEvent.actor_id == user.id).values(ip=None))
    db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.subject_type == "user", AuditEvent.subject_id == user.id)
        .values(ip=None, note=None)
    )
