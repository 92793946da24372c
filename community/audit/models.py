from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.database import utcnow
from community.extensions import Model

if TYPE_CHECKING:
    from community.accounts.models import User


class AuditEvent(Model):
    """One thing done. `by_person` says a person did it (an actor was given): it stays true when
    their account is deleted later and `actor_id` becomes NULL, so the trail tells "a deleted
    account" from the system (periodic tasks, directory sync, the command line). Nothing else
    about the person is kept for it: a deleted account stays anonymous."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    by_person: Mapped[bool] = mapped_column(default=False, server_default=false())
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship("User", foreign_keys=[actor_id])

    __table_args__ = (
        Index("ix_audit_events_subject", "subject_type", "subject_id"),
        Index("ix_audit_events_action", "action", "created_at"),
    )
