"""Surveys of a programme run, and the anonymous answers.

Who answered (`SurveyParticipation`) and what was answered (`SurveyAnswerSet` with its
ratings and levels) are stored apart and never linked: the participation row prevents a
second answer, the answer set carries no person and only the day it was given.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.database import utcnow
from community.extensions import Model

SURVEY_KINDS = ("start", "end")
SURVEY_STATUSES = ("draft", "open", "closed")
SIDES = ("executive", "mentor")
LEVELS = (0, 1, 2, 3, 4)


class Survey(Model):
    """The start or the end survey of one programme run (both sides answer the same survey)."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # start | end
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft | open | closed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    cohort = relationship("Cohort", lazy="joined", innerjoin=True)
    items: Mapped[list[SurveyItem]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", lazy="selectin",
        order_by="(SurveyItem.side, SurveyItem.position, SurveyItem.id)",
    )

    __table_args__ = (
        UniqueConstraint("cohort_id", "kind"),
        CheckConstraint("kind IN ('start', 'end')", name="kind_known"),
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status_known"),
    )


class SurveyItem(Model):
    """One 1–5 question for one side, on one of the article's incentive dimensions."""

    __tablename__ = "survey_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(10))  # executive | mentor
    dimension: Mapped[str] = mapped_column(String(40))
    text_en: Mapped[str] = mapped_column(String(300))
    text_de: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)

    survey: Mapped[Survey] = relationship(back_populates="items")

    __table_args__ = (
        UniqueConstraint("survey_id", "side", "dimension"),
        CheckConstraint("side IN ('executive', 'mentor')", name="side_known"),
    )

    def text_for(self, locale: str | None) -> str:
        return self.text_de if (locale or "").startswith("de") and self.text_de else self.text_en


class SurveyParticipation(Model):
    """That a person answered a survey (one row each: the second answer is refused)."""

    __tablename__ = "survey_participations"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    side: Mapped[str] = mapped_column(String(10))
    answered_on: Mapped[date]


class SurveyAnswerSet(Model):
    """The answers of one respondent, without the respondent."""

    __tablename__ = "survey_answer_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(10))
    answered_on: Mapped[date]

    ratings: Mapped[list[SurveyRating]] = relationship(cascade="all, delete-orphan")
    levels: Mapped[list[SurveyLevel]] = relationship(cascade="all, delete-orphan")


class SurveyRating(Model):
    __tablename__ = "survey_ratings"

    answer_set_id: Mapped[int] = mapped_column(ForeignKey("survey_answer_sets.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("survey_items.id", ondelete="CASCADE"), primary_key=True, index=True)
    rating: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    comment_shared: Mapped[bool] = mapped_column(default=False)  # the author agreed to show it in reports

    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)


class SurveyLevel(Model):
    """A self-assessed level (0–4) on one goal topic: before (start survey) or after (end survey)."""

    __tablename__ = "survey_levels"

    answer_set_id: Mapped[int] = mapped_column(ForeignKey("survey_answer_sets.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)
    level: Mapped[int]

    tag = relationship("Tag", lazy="joined")

    __table_args__ = (CheckConstraint("level BETWEEN 0 AND 4", name="level_range"),)


def _register_tag_links() -> None:
    """Tag merges move self-assessed levels along with every other use."""
    from community.expertise.links import TagLink, register_tag_link

    register_tag_link(TagLink(SurveyLevel.__table__, "tag_id", ("answer_set_id",)))


_register_tag_links()
