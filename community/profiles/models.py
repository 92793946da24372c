"""What people say they know (a tag with a level), the directory's search text, questions to
topic contacts with their answers (the ask loop: only the asker and the contact see one;
status `open` until the contact answers, then `answered`, `resolved` once the asker says
whether it helped)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Case,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    case,
    exists,
    select,
    text,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column, relationship, synonym

from community.database import register_schema_extra, utcnow
from community.expertise.links import TagLink, register_tag_link
from community.extensions import Model, db

if TYPE_CHECKING:
    from community.accounts.models import User
    from community.expertise.models import Tag

LEVELS = ("interested", "practitioner", "expert")
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS, start=1)}


class PersonTag(Model):
    __tablename__ = "person_tags"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[str] = mapped_column(String(20))  # interested | practitioner | expert
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    tag: Mapped[Tag] = relationship("Tag", lazy="joined")
    user: Mapped[User] = relationship("User", back_populates="tag_rows")

    __table_args__ = (Index("ix_person_tags_tag_level", "tag_id", "level", "user_id"),)

    @property
    def rank(self) -> int:
        """interested 1, practitioner 2, expert 3: for sorting strongest first."""
        return LEVEL_RANK.get(self.level, 0)


class PersonSearch(Model):
    """One search document per person: name, bio, department, location, topic names and
    synonyms, folded to lower-case ASCII-ish words (see profiles.search.fold). The database's
    own full-text index sits on it: SQLite FTS5 (external content) or a PostgreSQL GIN index."""

    __tablename__ = "person_search"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    body: Mapped[str] = mapped_column(Text, default="")


QUESTION_STATUSES = ("open", "answered", "resolved")


class Question(Model):
    """Someone asked a listed person about a topic (the contacts page, or the API)."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | answered | resolved
    helpful: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # the asker's verdict
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(nullable=True)  # the contact's first answer
    resolved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)  # last answer or resolution

    asker: Mapped[User] = relationship("User", foreign_keys=[asker_id], lazy="joined")
    contact: Mapped[User] = relationship("User", foreign_keys=[contact_id], lazy="joined")
    tag: Mapped[Tag] = relationship("Tag", lazy="joined")
    answers: Mapped[list[Answer]] = relationship(
        "Answer", back_populates="question", order_by="Answer.id", cascade="all, delete-orphan", passive_deletes=True,
    )

    # The names of the earlier topic_questions table, for code that still reads them.
    person_id = synonym("contact_id")
    message = synonym("body")

    __table_args__ = (
        Index("ix_questions_contact_created", "contact_id", "created_at"),
        Index("ix_questions_asker_created", "asker_id", "created_at"),
    )

    @property
    def person(self) -> User:
        return self.contact

    def involves(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in (self.asker_id, self.contact_id)


class Answer(Model):
    """One message in a question's thread, by the contact or (a follow-up) by the asker."""

    __tablename__ = "question_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship("Question", back_populates="answers")
    author: Mapped[User] = relationship("User", lazy="joined")


# The earlier name (table topic_questions, migrated into questions by 0021).
TopicQuestion = Question


# Full-text index DDL (copy into the migration). SQLite: an FTS5 table over person_search
# (external content, so the text is stored once) kept in step by triggers. PostgreSQL: a GIN
# index on the 'simple' tsvector of the same column; queries use the identical expression.
SQLITE_FTS_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS person_search_fts USING fts5("
    "body, content='person_search', content_rowid='user_id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
)
SQLITE_FTS_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS person_search_ai AFTER INSERT ON person_search BEGIN "
    "INSERT INTO person_search_fts(rowid, body) VALUES (new.user_id, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS person_search_ad AFTER DELETE ON person_search BEGIN "
    "INSERT INTO person_search_fts(person_search_fts, rowid, body) VALUES ('delete', old.user_id, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS person_search_au AFTER UPDATE ON person_search BEGIN "
    "INSERT INTO person_search_fts(person_search_fts, rowid, body) VALUES ('delete', old.user_id, old.body); "
    "INSERT INTO person_search_fts(rowid, body) VALUES (new.user_id, new.body); END",
)
SQLITE_FTS_REBUILD = "INSERT INTO person_search_fts(person_search_fts) VALUES ('rebuild')"
# PostgreSQL keeps each document's tsvector in a stored generated column: ranking thousands of
# matches (ts_rank) then reads it instead of parsing every body again (5x faster on 100,000
# people, see bench/scale_pg.py). Not in the model: the database computes and indexes it.
POSTGRES_TSVECTOR = "search_vector"
POSTGRES_TSVECTOR_COLUMN = (
    "ALTER TABLE person_search ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED"
)
POSTGRES_GIN_INDEX = (
    f"CREATE INDEX IF NOT EXISTS ix_person_search_tsv ON person_search USING gin ({POSTGRES_TSVECTOR})"
)


def install_search_index(connection) -> None:
    """Idempotent: create the full-text index objects for person_search."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        existed = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE name = 'person_search_fts'")
        ).first()
        connection.execute(text(SQLITE_FTS_TABLE))
        for statement in SQLITE_FTS_TRIGGERS:
            connection.execute(text(statement))
        if not existed:
            connection.execute(text(SQLITE_FTS_REBUILD))
    elif dialect == "postgresql":
        connection.execute(text(POSTGRES_TSVECTOR_COLUMN))
        connection.execute(text(POSTGRES_GIN_INDEX))


register_schema_extra(install_search_index)


def level_rank(column: ColumnElement[str] | InstrumentedAttribute[str]) -> Case[int]:
    """SQL expression: interested 1, practitioner 2, expert 3 (unknown 0)."""
    return case(LEVEL_RANK, value=column, else_=0)


def _keep_higher_level(table: Table, source_id: int, target_id: int) -> None:
    """Before a merge drops a person's duplicate row, give the target row the higher level."""
    source = table.alias("source_row")
    same_person = (source.c.user_id == table.c.user_id) & (source.c.tag_id == source_id)
    db.session.execute(
        update(table)
        .where(
            table.c.tag_id == target_id,
            exists().where(same_person, level_rank(source.c.level) > level_rank(table.c.level)),
        )
        .values(level=select(source.c.level).where(same_person).scalar_subquery())
    )


register_tag_link(TagLink(PersonTag.__table__, "tag_id", ("user_id",), fold=_keep_higher_level))
# Questions are a history, not a set: they simply follow the topic.
register_tag_link(TagLink(Question.__table__, "tag_id", ()))
