"""The tables that point at tags, and who wants to hear when tags change.

Models register their link tables here at import time (a merge of two tags moves every use),
so this module imports only the tag models and the database: models may import it without
pulling in the services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, FromClause, Table, delete, event
from sqlalchemy.orm import Session

from community.expertise.models import Tag, TagSynonym
from community.extensions import db


@dataclass(frozen=True)
class TagLink:
    """A table that points at tags: `owner_columns` + `tag_column` identify one use."""

    table: Table
    tag_column: str
    owner_columns: tuple[str, ...]
    # Called before duplicates are dropped, to fold the source row into the target row
    # (e.g. keep the higher level of a person's two tags).
    fold: Callable[[Table, int, int], None] | None = None
    # For a table that points at other things too (no foreign key to tags, e.g. follows of a
    # thread, a category or a topic): which of its rows point at tags. Such rows are also
    # deleted with their tag, which no ON DELETE CASCADE does for them.
    scope: Callable[[FromClause], ColumnElement[bool]] | None = None

    def where_tag(self, table: FromClause, tag_id: int) -> ColumnElement[bool]:
        """Rows of `table` (the link's table or an alias of it) that point at `tag_id`."""
        found = table.c[self.tag_column] == tag_id
        return found if self.scope is None else found & self.scope(table)


TAG_LINKS: list[TagLink] = []
# Functions (tag_ids) -> None told after tags changed in ways plain ORM events do not show
# (a merge moves rows with bulk UPDATEs); e.g. the people search refreshes holders' text.
TAGS_CHANGED_LISTENERS: list[Callable[[Iterable[int]], None]] = []


def register_tag_link(link: TagLink) -> None:
    if all(existing.table is not link.table for existing in TAG_LINKS):
        TAG_LINKS.append(link)


def register_tags_changed_listener(listener: Callable[[Iterable[int]], None]) -> None:
    if listener not in TAGS_CHANGED_LISTENERS:
        TAGS_CHANGED_LISTENERS.append(listener)


def tags_changed(tag_ids: Iterable[int]) -> None:
    ids = list(tag_ids)
    for listener in TAGS_CHANGED_LISTENERS:
        listener(ids)


def tag_links() -> list[TagLink]:
    """Registered links plus any other table with a foreign key to tags.id.

    A feature that forgot to register its table still has its uses moved by a merge (as a
    plain update) instead of losing them to ON DELETE CASCADE.
    """
    links = list(TAG_LINKS)
    known = {link.table.name for link in links} | {TagSynonym.__tablename__, Tag.__tablename__}
    for table in db.metadata.sorted_tables:
        if table.name in known:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == Tag.__tablename__ and fk.column.name == "id":
                owners = tuple(c.name for c in table.primary_key.columns if c.name != fk.parent.name)
                if fk.parent.name not in {c.name for c in table.primary_key.columns}:
                    owners = ()
                links.append(TagLink(table, fk.parent.name, owners))
    return links


def _forget_uses_of_deleted_tags(session: Session, flush_context, instances) -> None:
    """Rows of scoped links (no foreign key) go with their tag; otherwise a later tag given the
    same id (SQLite reuses the highest one) would inherit them."""
    gone = [obj.id for obj in session.deleted if isinstance(obj, Tag) and obj.id is not None]
    for link in TAG_LINKS if gone else ():
        if link.scope is not None:
            column = link.table.c[link.tag_column]
            session.execute(delete(link.table).where(column.in_(gone), link.scope(link.table)))


if not event.contains(Session, "before_flush", _forget_uses_of_deleted_tags):
    event.listen(Session, "before_flush", _forget_uses_of_deleted_tags)
