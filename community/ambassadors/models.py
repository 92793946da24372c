"""Nominations for the ambassador programme and the criteria change managers set."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.database import utcnow
from community.extensions import Model

if TYPE_CHECKING:
    from community.accounts.models import User

NOMINATION_STATUSES = ("open", "promoted", "declined", "withdrawn")


class Nomination(Model):
    __tablename__ = "nominations"

    id: Mapped[int] = mapped_column(primary_key=True)
    nominee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)

    nominee: Mapped[User] = relationship("User", foreign_keys=[nominee_id], lazy="joined", innerjoin=True)
    nominated_by: Mapped[User | None] = relationship("User", foreign_keys=[nominated_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship("User", foreign_keys=[decided_by_id], lazy="joined")

    __table_args__ = (
        # One open nomination per person, enforced by the database too (concurrent nominations).
        Index(
            "uq_nominations_open_nominee",
            "nominee_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_nominations_status", "status", "created_at"),
    )


class AmbassadorCriteria(Model):
    """Thresholds shown next to each mentor's evidence; one row, edited by change managers."""

    __tablename__ = "ambassador_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    min_sessions: Mapped[int] = mapped_column(default=6)
    min_mentees: Mapped[int] = mapped_column(default=2)
    min_feedback_avg: Mapped[float] = mapped_column(default=4.0)
    min_community_score: Mapped[float] = mapped_column(default=5.0)
    min_topics: Mapped[int] = mapped_column(default=3)
    min_reach: Mapped[int] = mapped_column(default=2)  # distinct departments reached in the network
    activity_days: Mapped[int] = mapped_column(default=180)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
