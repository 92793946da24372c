"""Full-text search over thread titles and post bodies, the directory's way: SQLite FTS5
(unicode61, diacritics removed, prefix per term) or PostgreSQL to_tsvector('simple') with GIN
(posts: a stored tsvector column, threads: an expression index).

On PostgreSQL a search takes one of two ways, by how many visible posts PostgreSQL's own
statistics expect to match (the planner's row estimate, as in the PostgreSQL wiki's "count
estimate"): words in a good share of all posts walk the threads newest first and ask, thread
by thread, whether a post matches (the first page needs a few dozen threads, however many
match); rarer words read their matches from the index and join them to their threads. The
planner alone walks for rare prefix words too (it prices GIN prefix scans high and the
per-thread check low), which reads thousands of threads. Either way a search counts its
threads only up to COUNT_LIMIT (pages then say "more than").

User input never reaches the query syntax: it is cut into word terms, each quoted (FTS5) or
written as a prefix lexeme (tsquery), all of them required. Quotes, *, -, NEAR, parentheses
are just separators or words.
"""

from __future__ import annotations

import json
import re

from sqlalchemy import (
    Integer,
    Select,
    and_,
    column,
    func,
    literal_column,
    not_,
    or_,
    select,
    text,
    union,
)
from sqlalchemy.orm import aliased

from community.discussions.models import POSTS_TSVECTOR, Post, Thread
from community.extensions import db

TERM = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 8
MAX_TERM_CHARS = 40
COUNT_LIMIT = 100  # threads counted at most (beyond the current page)
# PostgreSQL: walk the threads newest first when at least this many visible posts, and this
# share of all posts, are expected to match (with 20 posts a thread, 3 % of the posts are in
# about half of the threads). Above the planner's guess without statistics (2 %): a rare word
# taken for a frequent one would walk every thread, the other mistake only reads its matches.
WALK_FROM_POSTS = 10_000
WALK_FROM_SHARE = 0.03


def terms_of(q: str | None) -> list[str]:
    seen: list[str] = []
    for match in TERM.finditer((q or "")[:500]):
        term = match.group(0).lower()[:MAX_TERM_CHARS]
        if term not in seen:
            seen.append(term)
        if len(seen) == MAX_TERMS:
            break
    return seen


def fts5_query(terms: list[str]) -> str:
    return " ".join(f'"{term}"*' for term in terms)


def tsquery_text(terms: list[str]) -> str:
    return " & ".join(f"{term}:*" for term in terms)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _visible(post=Post):
    return and_(post.deleted_at.is_(None), not_(post.hidden))


def matching_thread_ids(terms: list[str]):
    """A SELECT of thread ids whose title or a visible post matches every term."""
    if _dialect() == "sqlite":
        query = fts5_query(terms)
        return (
            text(
                "SELECT rowid AS thread_id FROM thread_search WHERE thread_search MATCH :title_q "
                "UNION SELECT posts.thread_id FROM post_search JOIN posts ON posts.id = post_search.rowid "
                "WHERE post_search MATCH :body_q AND posts.deleted_at IS NULL AND NOT posts.hidden"
            )
            .bindparams(title_q=query, body_q=query)
            .columns(column("thread_id", Integer))
        )
    tsq = func.to_tsquery("simple", tsquery_text(terms))
    titled = aliased(Thread, name="titled")
    titles = select(titled.id.label("thread_id")).where(func.to_tsvector("simple", titled.title).op("@@")(tsq))
    bodies = select(Post.thread_id).where(_visible(), _post_vector().op("@@")(tsq))
    return union(titles, bodies)


def _post_vector():
    return literal_column(f"posts.{POSTS_TSVECTOR}")


def expected_posts(terms: list[str]) -> tuple[float, float]:
    """PostgreSQL's estimate of the visible posts matching every term, and of all posts."""
    plan = db.session.execute(
        text("EXPLAIN (FORMAT JSON) SELECT 1 FROM posts WHERE deleted_at IS NULL AND NOT hidden "
             "AND search_vector @@ to_tsquery('simple', :q)"),  # models.POSTS_TSVECTOR
        {"q": tsquery_text(terms)},
    ).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    everything = db.session.execute(text("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'posts'::regclass")).scalar_one()
    return float(plan[0]["Plan"]["Plan Rows"]), float(everything)


def walks_threads(terms: list[str]) -> bool:
    """Whether the words are frequent enough to walk the threads newest first (PostgreSQL)."""
    matching, everything = expected_posts(terms)
    return matching >= WALK_FROM_POSTS and matching >= WALK_FROM_SHARE * everything


def filter_threads(stmt: Select, q: str) -> Select:
    terms = terms_of(q)
    if not terms:
        return stmt.where(Thread.id.is_(None))  # nothing searchable: no results
    if _dialect() != "sqlite" and walks_threads(terms):
        # A scalar subquery, not EXISTS: the planner would turn EXISTS into a join or a hashed
        # list of every match; this is asked thread by thread and stops at the first match.
        tsq = func.to_tsquery("simple", tsquery_text(terms))
        first_match = (
            select(Post.id).where(Post.thread_id == Thread.id, _visible(), _post_vector().op("@@")(tsq))
            .limit(1).correlate(Thread).scalar_subquery()
        )
        return stmt.where(or_(func.to_tsvector("simple", Thread.title).op("@@")(tsq), first_match.is_not(None)))
    hits = matching_thread_ids(terms)
    if _dialect() == "sqlite":
        found = hits.subquery("hits")
        return stmt.where(Thread.id.in_(select(found.c.thread_id)))
    # A join (the union has no duplicates): IN (…) lets the planner walk the threads and
    # compare each with every hit.
    found = hits.cte("hits").prefix_with("MATERIALIZED")
    return stmt.join(found, found.c.thread_id == Thread.id)


def first_matching_posts(q: str, thread_ids: list[int]) -> dict[int, Post]:
    """For each given thread, its first visible post matching the query (for an excerpt)."""
    terms = terms_of(q)
    if not terms or not thread_ids:
        return {}
    if _dialect() == "sqlite":
        hits = (
            text(
                "SELECT posts.thread_id AS thread_id, MIN(posts.id) AS post_id FROM post_search "
                "JOIN posts ON posts.id = post_search.rowid WHERE post_search MATCH :body_q "
                "AND posts.deleted_at IS NULL AND NOT posts.hidden GROUP BY posts.thread_id"
            )
            .bindparams(body_q=fts5_query(terms))
            .columns(column("thread_id", Integer), column("post_id", Integer))
            .subquery("hits")
        )
        ids = select(hits.c.post_id).where(hits.c.thread_id.in_(thread_ids))
    else:
        tsq = func.to_tsquery("simple", tsquery_text(terms))
        ids = (
            select(func.min(Post.id))
            .where(Post.thread_id.in_(thread_ids), _visible(), _post_vector().op("@@")(tsq))
            .group_by(Post.thread_id)
        )
    return {post.thread_id: post for post in db.session.scalars(select(Post).where(Post.id.in_(ids)))}


def excerpt(body: str, q: str, width: int = 220) -> str:
    """Plain text around the first matching term (the template escapes it)."""
    plain = " ".join(re.sub(r"[*_`#>\[\]()!|~]", " ", body).split())
    lowered = plain.lower()
    position = min((lowered.find(t) for t in terms_of(q) if lowered.find(t) >= 0), default=0)
    start = max(0, position - width // 3)
    snippet = plain[start:start + width]
    return ("…" if start else "") + snippet + ("…" if start + width < len(plain) else "")
