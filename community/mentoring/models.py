"""Programme runs, mentorships with learning goals, sessions with history, notes, feedback."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.database import utcnow
from community.extensions import Model

if TYPE_CHECKING:
    from community.accounts.models import User
    from community.expertise.models import Tag

MENTORSHIP_STATUSES = ("requested", "active", "declined", "completed", "withdrawn")
OPEN_STATUSES = ("requested", "active")
SESSION_STATUSES = ("planned", "done", "cancelled")
COHORT_STATUSES = ("planned", "running", "closed")
HANDOVER_REASONS = ("left", "deactivated", "paused", "erased")
GOAL_PROGRESS = ("planned", "in_progress", "reached")


class Cohort(Model):
    """A programme run (e.g. "Reverse Mentoring 2026")."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="planned")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)


class Mentorship(Model):
    __tablename__ = "mentorships"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    executive_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="requested")
    goal_text: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None]
    completion_reason: Mapped[str | None] = mapped_column(Text)  # shown to the participants
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Handover (a mentor leaves, pauses, is deactivated or erased): requested once, then done
    # by a change manager or the executive; the new mentorship points back to this one.
    handover_requested_at: Mapped[datetime | None]
    handover_reason: Mapped[str | None] = mapped_column(String(20))  # left | deactivated | paused | erased
    handed_over_at: Mapped[datetime | None]
    continues_id: Mapped[int | None] = mapped_column(ForeignKey("mentorships.id", ondelete="SET NULL"), index=True)
    handover_note: Mapped[str | None] = mapped_column(Text)

    mentor: Mapped[User] = relationship("User", foreign_keys=[mentor_id], lazy="joined", innerjoin=True)
    executive: Mapped[User] = relationship("User", foreign_keys=[executive_id], lazy="joined", innerjoin=True)
    cohort: Mapped[Cohort | None] = relationship("Cohort", lazy="joined")
    requested_by: Mapped[User | None] = relationship("User", foreign_keys=[requested_by_id])
    goals: Mapped[list[MentorshipGoal]] = relationship(
        back_populates="mentorship", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        Index("ix_mentorships_mentor_status", "mentor_id", "status"),
        Index("ix_mentorships_executive_status", "executive_id", "status"),
        CheckConstraint("mentor_id <> executive_id", name="not_self"),
    )


class MentorshipGoal(Model):
    """A learning goal: a topic the executive wants to learn in this mentorship."""

    __tablename__ = "mentorship_goals"

    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)
    # Marked by the pair: planned | in_progress | reached
    progress: Mapped[str] = mapped_column(String(20), default="planned", server_default="planned")
    progress_changed_at: Mapped[datetime | None]

    mentorship: Mapped[Mentorship] = relationship(back_populates="goals")
    tag: Mapped[Tag] = relationship("Tag", lazy="joined")

    __table_args__ = (CheckConstraint("progress IN ('planned', 'in_progress', 'reached')", name="progress_known"),)


class MentoringSession(Model):
    """One meeting of a mentor and an executive. `version` guards concurrent changes."""

    __tablename__ = "mentoring_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"), index=True)
    # Copied from the mentorship so double-booking checks need no join.
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    duration_minutes: Mapped[int]
    location: Mapped[str | None] = mapped_column(String(300))  # a place or a video link
    agenda: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    version: Mapped[int] = mapped_column(default=1)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]

    mentorship: Mapped[Mentorship] = relationship(lazy="joined", innerjoin=True)
    agenda_tags: Mapped[list[SessionAgendaTag]] = relationship(
        back_populates="session", cascade="all, delete-orphan", lazy="selectin"
    )
    changes: Mapped[list[SessionChange]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionChange.id"
    )

    @property
    def not_recorded(self) -> bool:
        """Its time is over and nobody said whether it took place (marked done, or cancelled as
        not held): it is shown as "not recorded", never counted as held."""
        return self.status == "planned" and self.ends_at <= utcnow()

    @property
    def shown_status(self) -> str:
        """The status as the pages say it: planned | not_recorded | done | cancelled."""
        return "not_recorded" if self.not_recorded else self.status

    __table_args__ = (
        Index("ix_mentoring_sessions_mentor_time", "mentor_id", "status", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 480", name="duration_range"),
    )


class SessionAgendaTag(Model):
    __tablename__ = "session_agenda_tags"

    session_id: Mapped[int] = mapped_column(ForeignKey("mentoring_sessions.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)

    session: Mapped[MentoringSession] = relationship(back_populates="agenda_tags")
    tag: Mapped[Tag] = relationship("Tag", lazy="joined")


class SessionChange(Model):
    """History of a session: created, rescheduled (old and new time, and old and new end when the
    length changed too), cancelled, done."""

    __tablename__ = "session_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("mentoring_sessions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # created | rescheduled | cancelled | done
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    old_starts_at: Mapped[datetime | None]
    new_starts_at: Mapped[datetime | None]
    # Rescheduled: the end before and after (a change of length only keeps the start).
    old_ends_at: Mapped[datetime | None]
    new_ends_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)

    session: Mapped[MentoringSession] = relationship(back_populates="changes")
    changed_by: Mapped[User | None] = relationship("User", lazy="joined")


class SessionNote(Model):
    """Private notes of a session: visible to its two participants only, never to anyone else."""

    __tablename__ = "session_notes"

    session_id: Mapped[int] = mapped_column(ForeignKey("mentoring_sessions.id", ondelete="CASCADE"), primary_key=True)
    notes: Mapped[str | None] = mapped_column(Text)
    tried: Mapped[str | None] = mapped_column(Text)  # the executive's "what I tried since"
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class SessionFeedback(Model):
    __tablename__ = "session_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("mentoring_sessions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rating: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    shared_with_programme: Mapped[bool] = mapped_column(default=False)  # comment visible to change managers
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("session_id", "author_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )


class CalendarFeed(Model):
    """A personal .ics subscription; the URL carries a secret whose hash is stored here."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _register_tag_links() -> None:
    """Tag merges move learning goals and session agendas along with every other use."""
    from community.expertise.links import TagLink, register_tag_link

    register_tag_link(TagLink(MentorshipGoal.__table__, "tag_id", ("mentorship_id",)))
    register_tag_link(TagLink(SessionAgendaTag.__table__, "tag_id", ("session_id",)))


_register_tag_links()
