"""Full-text search of people behind one interface: SQLite FTS5 or PostgreSQL tsvector.

Both databases index the same prepared text (`fold`: lower case, accents removed, only
letters and digits), and user input becomes the same safe prefix terms, so they return the
same people for the same data. Nothing of the user's input reaches the query syntax: quotes,
`*`, `-`, `NEAR`, parentheses and colons are separators, every term is quoted.

The index follows the data by itself: a session hook notes people whose name, bio,
department, location or tags changed (and tags whose names or synonyms changed) and
refreshes their documents when the transaction commits. Bulk writers (demo data) call
`refresh_all()`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Float,
    Integer,
    delete,
    event,
    func,
    insert,
    inspect,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session

from community.accounts.models import User
from community.expertise.models import Tag, TagSynonym
from community.extensions import db
from community.profiles.models import POSTGRES_TSVECTOR, PersonSearch, PersonTag
from community.spelling import ASCII_SPELLING, place_aliases

MAX_TERMS = 8
MAX_QUERY_CHARS = 200
CHUNK = 500
PROFILE_TEXT_FIELDS = ("stored_name", "bio", "department", "location")  # mapped attributes (User.name reads stored_name)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SPELLED = ASCII_SPELLING  # letters without a Unicode decomposition, spelled in ASCII


def fold(value: str | None) -> str:
    """Lower-case words without accents, separated by single spaces."""
    if not value:
        return ""
    value = unicodedata.normalize("NFKD", value.lower().translate(_SPELLED))
    value = "".join(ch for ch in value if not unicodedata.combining(ch)).translate(_SPELLED)
    return " ".join(_WORD.findall(value))


def search_terms(query: str | None) -> list[str]:
    """Safe search terms from anything a person may type (at most MAX_TERMS, deduplicated)."""
    words = fold((query or "")[:MAX_QUERY_CHARS]).split()
    return list(dict.fromkeys(words))[:MAX_TERMS]


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def matches(terms: list[str]):
    """A subquery (user_id, score) of people whose document has every term as a word prefix;
    higher score = better match."""
    if _is_sqlite():
        match = " ".join(f'"{term}"*' for term in terms)
        return (
            text(
                "SELECT rowid AS user_id, -bm25(person_search_fts) AS score "
                "FROM person_search_fts WHERE person_search_fts MATCH :match"
            )
            .bindparams(match=match)
            .columns(user_id=Integer, score=Float)
            .subquery("matches")
        )
    vector, query = _vector(), _tsquery(terms)
    # Materialised: the matches are read from the index once, whole (a relevance order needs
    # them all anyway); a counting LIMIT can then never make the planner walk every document
    # and test each, which a too high estimate for a rare prefix made it do.
    return (
        select(PersonSearch.user_id.label("user_id"), func.ts_rank(vector, query).label("score"))
        .where(vector.op("@@")(query))
        .cte("matches").prefix_with("MATERIALIZED")
    )


def _vector() -> ColumnClause[Any]:
    return literal_column(f"person_search.{POSTGRES_TSVECTOR}")


def _tsquery_text(terms: list[str]) -> str:
    return " & ".join(f"'{term}':*" for term in terms)


def _tsquery(terms: list[str]):
    return func.to_tsquery(literal_column("'simple'::regconfig"), _tsquery_text(terms))


# PostgreSQL: a word in at least this many documents, and this share of all, lists the people
# it finds by name (walks_people); ranking them would rank every match (11,700 for a department
# among 100,000 people: 40 ms), while the walk reads a few hundred people for a page.
WALK_FROM_PEOPLE = 2_000
WALK_FROM_SHARE = 0.05


def walks_people(terms: list[str]) -> bool:
    """Whether the words are common enough to walk the listed people in name order and ask each
    whether their document matches (PostgreSQL's own estimate of the matches, as the community
    search asks it; SQLite's FTS5 ranks its matches quickly enough)."""
    if not terms or _is_sqlite():
        return False
    plan = db.session.execute(
        text("EXPLAIN (FORMAT JSON) SELECT 1 FROM person_search WHERE search_vector @@ "  # models.POSTGRES_TSVECTOR
             "to_tsquery('simple'::regconfig, :q)"),
        {"q": _tsquery_text(terms)},
    ).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    matching = float(plan[0]["Plan"]["Plan Rows"])
    everything = float(db.session.execute(
        text("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'person_search'::regclass")).scalar_one())
    return matching >= WALK_FROM_PEOPLE and matching >= WALK_FROM_SHARE * everything


def has_match(terms: list[str], user_id) -> ColumnElement[bool]:
    """Whether the person `user_id` (a column of the outer query) has a document with every
    term: asked person by person (a scalar subquery that stops at its row, which the planner
    cannot turn into a join over every match). PostgreSQL."""
    first = (
        select(PersonSearch.user_id)
        .where(PersonSearch.user_id == user_id, _vector().op("@@")(_tsquery(terms)))
        .limit(1).scalar_subquery()
    )
    return first.is_not(None)


# Documents ------------------------------------------------------------------------------

def _documents(session, user_ids: list[int]) -> dict[int, str]:
    """Search text for these people, in three queries whatever their number."""
    people = session.execute(
        select(User.id, User.name, User.bio, User.department, User.location).where(User.id.in_(user_ids))
    ).all()
    tags_of: dict[int, list[int]] = defaultdict(list)
    for user_id, tag_id in session.execute(
        select(PersonTag.user_id, PersonTag.tag_id).where(PersonTag.user_id.in_(user_ids))
    ):
        tags_of[user_id].append(tag_id)
    words_of_tag = _tag_words(session, {tag_id for ids in tags_of.values() for tag_id in ids})
    return {
        person.id: fold(
            " ".join(
                [person.name or "", person.department or "", person.location or "",
                 *place_aliases(fold(person.location)),  # "Munich" is found as "München" too
                 *(words_of_tag.get(tag_id, "") for tag_id in sorted(tags_of[person.id])), person.bio or ""]
            )
        )
        for person in people
    }


def _tag_words(session, tag_ids: set[int]) -> dict[int, str]:
    if not tag_ids:
        return {}
    words: dict[int, list[str]] = defaultdict(list)
    for tag_id, name, name_de in session.execute(select(Tag.id, Tag.name, Tag.name_de).where(Tag.id.in_(tag_ids))):
        words[tag_id] += [name, name_de or ""]
    for tag_id, term in session.execute(select(TagSynonym.tag_id, TagSynonym.term).where(TagSynonym.tag_id.in_(tag_ids))):
        words[tag_id].append(term)
    return {tag_id: " ".join(parts) for tag_id, parts in words.items()}


def refresh_people(user_ids: Iterable[int], session=None) -> int:
    """Rewrite the search documents of these people (missing people lose theirs)."""
    session = session or db.session
    ids = sorted(set(user_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        documents = _documents(session, chunk)
        session.execute(delete(PersonSearch).where(PersonSearch.user_id.in_(chunk)))
        if documents:
            session.execute(insert(PersonSearch), [{"user_id": uid, "body": body} for uid, body in documents.items()])
    return len(ids)


def refresh_tag_holders(tag_ids: Iterable[int], session=None) -> int:
    session = session or db.session
    tag_ids = list(set(tag_ids))
    if not tag_ids:
        return 0
    holders = session.scalars(select(PersonTag.user_id).where(PersonTag.tag_id.in_(tag_ids)).distinct())
    return refresh_people(list(holders), session)


def refresh_all(session=None) -> int:
    """Rebuild every document (demo data, repairs)."""
    session = session or db.session
    session.execute(delete(PersonSearch))
    return refresh_people(list(session.scalars(select(User.id))), session)


# Keeping the index in step --------------------------------------------------------------

PENDING_PEOPLE = "search_pending_people"
PENDING_TAGS = "search_pending_tags"


def mark_tags_changed(tag_ids: Iterable[int]) -> None:
    db.session.info.setdefault(PENDING_TAGS, set()).update(tag_ids)


def _changed(obj, names: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _after_flush(session: Session, flush_context) -> None:
    people: set[int] = session.info.setdefault(PENDING_PEOPLE, set())
    tags: set[int] = session.info.setdefault(PENDING_TAGS, set())
    for obj in session.new:
        if isinstance(obj, User):
            people.add(obj.id)
        elif isinstance(obj, PersonTag):
            people.add(obj.user_id)
        elif isinstance(obj, TagSynonym):
            tags.add(obj.tag_id)
    for obj in session.dirty:
        if isinstance(obj, User) and _changed(obj, PROFILE_TEXT_FIELDS):
            people.add(obj.id)
        elif isinstance(obj, PersonTag) and _changed(obj, ("tag_id",)):
            people.add(obj.user_id)
        elif isinstance(obj, Tag) and _changed(obj, ("name", "name_de")):
            tags.add(obj.id)
        elif isinstance(obj, TagSynonym) and _changed(obj, ("term", "tag_id")):
            tags.add(obj.tag_id)
    for obj in session.deleted:
        if isinstance(obj, PersonTag):
            people.add(obj.user_id)
        elif isinstance(obj, TagSynonym):
            tags.add(obj.tag_id)


def _before_commit(session: Session) -> None:
    if not session.info.get(PENDING_PEOPLE) and not session.info.get(PENDING_TAGS):
        return
    session.flush()
    people = session.info.pop(PENDING_PEOPLE, set())
    tags = session.info.pop(PENDING_TAGS, set())
    people.discard(None)
    tags.discard(None)
    if tags:
        people |= set(session.scalars(select(PersonTag.user_id).where(PersonTag.tag_id.in_(tags)).distinct()))
    if people:
        refresh_people(people, session)


def forget_pending(session: Session, *args) -> None:
    """Drop noted changes (after a full rebuild made them moot)."""
    session.info.pop(PENDING_PEOPLE, None)
    session.info.pop(PENDING_TAGS, None)


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    # Only the outermost rollback undoes everything; a savepoint's rollback (one bad row of
    # an import) leaves the other changes to be indexed. Stale ids are harmless: a refresh
    # reads what is in the database.
    if previous_transaction.parent is None:
        forget_pending(session)


def install_listeners() -> None:
    from community.expertise.links import register_tags_changed_listener

    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)
    register_tags_changed_listener(mark_tags_changed)


install_listeners()
