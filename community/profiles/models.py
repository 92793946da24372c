"""What people say they know: a tag with a level on a person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.database import utcnow
from community.extensions import db


class PersonTag(db.Model):
    __tablename__ = "person_tags"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[str] = mapped_column(String(20))  # interested | practitioner | expert
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    tag = relationship("Tag", lazy="joined")
    user = relationship("User", back_populates="tag_rows")

    __table_args__ = (Index("ix_person_tags_tag_level", "tag_id", "level", "user_id"),)
