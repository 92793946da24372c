"""Peer learning circles: 4–6 mentors (ambassadors may join), topics, a meeting rhythm and a
private discussion thread for the members who accepted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.database import utcnow
from community.expertise.links import TagLink, register_tag_link
from community.extensions import Model

MEMBER_STATUSES = ("invited", "accepted", "declined")


class Circle(Model):
    __tablename__ = "circles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    rhythm_weeks: Mapped[int] = mapped_column(default=4)  # meets every N weeks
    first_meeting_at: Mapped[datetime | None]
    duration_minutes: Mapped[int] = mapped_column(default=60)
    location: Mapped[str | None] = mapped_column(String(300))

    members: Mapped[list[CircleMember]] = relationship(back_populates="circle", cascade="all, delete-orphan",
                                                       lazy="selectin", order_by="CircleMember.user_id")
    topics: Mapped[list[CircleTopic]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    __table_args__ = (
        CheckConstraint("rhythm_weeks BETWEEN 1 AND 12", name="rhythm_range"),
        CheckConstraint("duration_minutes BETWEEN 15 AND 480", name="duration_range"),
    )


class CircleMember(Model):
    __tablename__ = "circle_members"

    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="invited")
    responded_at: Mapped[datetime | None]

    circle: Mapped[Circle] = relationship(back_populates="members")
    user = relationship("User", lazy="joined", innerjoin=True)

    __table_args__ = (Index("ix_circle_members_user", "user_id", "status"),)


class CircleTopic(Model):
    __tablename__ = "circle_topics"

    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)

    tag = relationship("Tag", lazy="joined")


class CirclePost(Model):
    """The circle's private discussion: readable and writable by members who accepted."""

    __tablename__ = "circle_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")


register_tag_link(TagLink(CircleTopic.__table__, "tag_id", ("circle_id",)))
