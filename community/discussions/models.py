"""The mentor community: categories, threads with tags, posts with history, mentions,
subscriptions, flags and the moderation log. Full-text search lives outside the ORM
metadata (SQLite FTS5 tables / PostgreSQL GIN indexes), installed by `install_search`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    FromClause,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    exists,
    text,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.database import BilingualMixin, register_schema_extra, utcnow
from community.expertise.links import TagLink, register_tag_link
from community.extensions import Model, db

if TYPE_CHECKING:
    from community.accounts.models import User
    from community.expertise.models import Tag

VISIBILITIES = ("members", "mentors")
# Who sees a "mentors" category besides mentors; the same people moderate.
MENTOR_AREA_ROLES = ("mentor", "change_manager", "admin")
MODERATOR_ROLES = ("change_manager", "admin")
TARGET_KINDS = ("thread", "category", "tag")
LEVELS = ("watching", "normal", "muted")
FLAG_OUTCOMES = ("hidden", "dismissed")
MAX_BODY_CHARS = 20_000
MAX_TITLE_CHARS = 200


class Category(BilingualMixin, Model):
    __tablename__ = "discussion_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_de: Mapped[str | None] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    description_de: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    visibility: Mapped[str] = mapped_column(String(20), default="members")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint("visibility IN ('members', 'mentors')", name="visibility_known"),)

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


class Thread(Model):
    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("discussion_categories.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(MAX_TITLE_CHARS))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_poster_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    # Every post row, deleted ones included (they keep their place in the thread). Kept
    # exact under concurrency by an atomic UPDATE in the posting transaction.
    post_count: Mapped[int] = mapped_column(default=0)
    # The last change of the title or topics (None: as started); the version an editor sends back.
    edited_at: Mapped[datetime | None]
    # Removed by a moderator: kept (and restorable), but gone for members everywhere.
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    removal_reason: Mapped[str | None] = mapped_column(Text)

    category: Mapped[Category] = relationship(lazy="joined", innerjoin=True)
    author: Mapped[User | None] = relationship("User", foreign_keys=[author_id], lazy="joined")
    last_poster: Mapped[User | None] = relationship("User", foreign_keys=[last_poster_id], lazy="joined")
    # Shown only on a removed thread's page (moderators): not joined into every list.
    removed_by: Mapped[User | None] = relationship("User", foreign_keys=[removed_by_id], lazy="select")
    # Loaded when shown (lists ask for them with selectinload); posting needs no tags.
    tag_rows: Mapped[list[ThreadTag]] = relationship(back_populates="thread", cascade="all, delete-orphan")

    __table_args__ = (
        Index("ix_threads_category_activity", "category_id", "pinned", "last_post_at"),
        Index("ix_threads_last_post_at", "last_post_at"),
    )

    @property
    def tags(self):
        return sorted((row.tag for row in self.tag_rows), key=lambda tag: tag.slug)

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.title!r}>"


class ThreadTag(Model):
    __tablename__ = "thread_tags"

    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)

    thread: Mapped[Thread] = relationship(back_populates="tag_rows")
    tag: Mapped[Tag] = relationship("Tag", lazy="joined", innerjoin=True)


class Post(Model):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    # Null once the author's account is erased: the post stays, signed "former member".
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text, default="")  # sanitised rendering, cached
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hidden: Mapped[bool] = mapped_column(default=False)
    reply_to_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))

    thread: Mapped[Thread] = relationship(lazy="raise")
    author: Mapped[User | None] = relationship("User", foreign_keys=[author_id], lazy="joined")

    __table_args__ = (
        Index("ix_posts_thread_order", "thread_id", "id"),
        Index("ix_posts_author_created", "author_id", "created_at"),
        Index("ix_posts_created_at", "created_at"),
        Index("ix_posts_reply_to", "reply_to_post_id"),
    )

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def visible(self) -> bool:
        return self.deleted_at is None and not self.hidden


class PostRevision(Model):
    """The body a post had before an edit, who changed it and when."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    edited_at: Mapped[datetime] = mapped_column(default=utcnow)
    previous_body: Mapped[str] = mapped_column(Text)

    editor: Mapped[User | None] = relationship("User", lazy="joined")


class Mention(Model):
    __tablename__ = "post_mentions"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class MentionRelink(Model):
    """Someone whose visibility to others changed, waiting for the posts that name them to be
    rendered anew (community.discussions.mentions.relink_queued_mentions): one row per person
    however often they changed meanwhile, so a background run covers everyone queued at once."""

    __tablename__ = "mention_relinks"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)


class Subscription(Model):
    """How closely a person follows a thread, a category or a tag."""

    __tablename__ = "discussion_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target_kind: Mapped[str] = mapped_column(String(20))  # thread | category | tag
    target_id: Mapped[int]
    level: Mapped[str] = mapped_column(String(20), default="watching")  # watching | normal | muted
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "target_kind", "target_id"),
        Index("ix_discussion_subscriptions_target", "target_kind", "target_id", "level"),
        CheckConstraint("target_kind IN ('thread', 'category', 'tag')", name="kind_known"),
        CheckConstraint("level IN ('watching', 'normal', 'muted')", name="level_known"),
    )


class Flag(Model):
    """A member's report of a post; moderators resolve it (hide the post or dismiss)."""

    __tablename__ = "post_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(20))

    post: Mapped[Post] = relationship(lazy="joined", innerjoin=True)
    reporter: Mapped[User | None] = relationship("User", foreign_keys=[reporter_id], lazy="joined")
    resolved_by: Mapped[User | None] = relationship("User", foreign_keys=[resolved_by_id], lazy="joined")

    __table_args__ = (Index("ix_post_flags_open", "resolved_at", "created_at"),)


class ModerationAction(Model):
    """The moderation log: every hide, restore, lock, pin, move, removal, flag decision and delete."""

    __tablename__ = "moderation_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship("User", lazy="joined")
    thread: Mapped[Thread] = relationship("Thread", lazy="joined")


register_tag_link(TagLink(ThreadTag.__table__, "tag_id", ("thread_id",)))


def _follows_a_tag(table: FromClause) -> ColumnElement[bool]:
    return table.c.target_kind == "tag"


def _keep_stronger_follow(table: Table, source_id: int, target_id: int) -> None:
    """Before a merge drops a person's follow of the source topic (they follow the target too),
    give the kept follow the stronger choice: muted wins, as it does everywhere here (a
    "never tell me" is never undone behind the person's back), then watching over normal."""
    source = table.alias("source_follow")
    same_person = and_(source.c.user_id == table.c.user_id, source.c.target_kind == "tag",
                       source.c.target_id == source_id)
    follows_target = and_(table.c.target_kind == "tag", table.c.target_id == target_id)
    db.session.execute(update(table).where(follows_target, table.c.level != "muted",
                                           exists().where(same_person, source.c.level == "muted"))
                       .values(level="muted"))
    db.session.execute(update(table).where(follows_target, table.c.level == "normal",
                                           exists().where(same_person, source.c.level == "watching"))
                       .values(level="watching"))


# Follows of a topic move with a merge (and go when a topic is deleted): no foreign key points
# at tags from here, since the same column holds threads and categories too.
register_tag_link(TagLink(Subscription.__table__, "target_id", ("user_id",), fold=_keep_stronger_follow,
                          scope=_follows_a_tag))


# Full-text search --------------------------------------------------------------------------
# SQLite: FTS5 tables holding visible post bodies and thread titles (rowid = the row's id),
# kept in sync by triggers, so bulk inserts (demo) and every service are covered alike.
# PostgreSQL: the posts' tsvector in a stored generated column (POSTS_TSVECTOR, not in the
# model: the database computes it) with a GIN index on visible posts, so checking a post reads
# it instead of parsing the body again; a GIN expression index over thread titles. Nothing to
# keep in sync.

SQLITE_SEARCH_SQL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS post_search USING fts5("
    "body, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS thread_search USING fts5("
    "title, tokenize = 'unicode61 remove_diacritics 2')",
    """CREATE TRIGGER IF NOT EXISTS posts_search_insert AFTER INSERT ON posts
       WHEN NEW.deleted_at IS NULL AND NEW.hidden = 0
       BEGIN INSERT INTO post_search(rowid, body) VALUES (NEW.id, NEW.body); END""",
    """CREATE TRIGGER IF NOT EXISTS posts_search_update AFTER UPDATE OF body, deleted_at, hidden ON posts
       BEGIN
         DELETE FROM post_search WHERE rowid = OLD.id;
         INSERT INTO post_search(rowid, body) SELECT NEW.id, NEW.body
           WHERE NEW.deleted_at IS NULL AND NEW.hidden = 0;
       END""",
    """CREATE TRIGGER IF NOT EXISTS posts_search_delete AFTER DELETE ON posts
       BEGIN DELETE FROM post_search WHERE rowid = OLD.id; END""",
    """CREATE TRIGGER IF NOT EXISTS threads_search_insert AFTER INSERT ON threads
       BEGIN INSERT INTO thread_search(rowid, title) VALUES (NEW.id, NEW.title); END""",
    """CREATE TRIGGER IF NOT EXISTS threads_search_update AFTER UPDATE OF title ON threads
       BEGIN
         DELETE FROM thread_search WHERE rowid = OLD.id;
         INSERT INTO thread_search(rowid, title) VALUES (NEW.id, NEW.title);
       END""",
    """CREATE TRIGGER IF NOT EXISTS threads_search_delete AFTER DELETE ON threads
       BEGIN DELETE FROM thread_search WHERE rowid = OLD.id; END""",
)

POSTS_TSVECTOR = "search_vector"
POSTGRESQL_SEARCH_SQL = (
    f"ALTER TABLE posts ADD COLUMN IF NOT EXISTS {POSTS_TSVECTOR} tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED",
    f"CREATE INDEX IF NOT EXISTS ix_posts_search ON posts USING GIN ({POSTS_TSVECTOR}) "
    "WHERE deleted_at IS NULL AND NOT hidden",
    "CREATE INDEX IF NOT EXISTS ix_threads_search ON threads USING GIN (to_tsvector('simple', title))",
)


def install_search(connection) -> None:
    """Idempotent: create the search tables/indexes for this database."""
    statements = SQLITE_SEARCH_SQL if connection.dialect.name == "sqlite" else POSTGRESQL_SEARCH_SQL
    for statement in statements:
        connection.execute(text(statement))


register_schema_extra(install_search)
