"""Full-text search over thread titles and post bodies, the directory's way: SQLite FTS5
(unicode61, diacritics removed, prefix per term) or PostgreSQL to_tsvector('simple') with GIN.

User input never reaches the query syntax: it is cut into word terms, each quoted (FTS5) or
written as a prefix lexeme (tsquery), all of them required. Quotes, *, -, NEAR, parentheses
are just separators or words.
"""

from __future__ import annotations

import re

from sqlalchemy import Integer, Select, and_, column, func, not_, select, text

from community.discussions.models import Post, Thread
from community.extensions import db

TERM = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 8
MAX_TERM_CHARS = 40


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
    titles = select(Thread.id.label("thread_id")).where(func.to_tsvector("simple", Thread.title).op("@@")(tsq))
    bodies = select(Post.thread_id).where(_visible(), func.to_tsvector("simple", Post.body).op("@@")(tsq))
    return titles.union(bodies)


def filter_threads(stmt: Select, q: str) -> Select:
    terms = terms_of(q)
    if not terms:
        return stmt.where(Thread.id.is_(None))  # nothing searchable: no results
    hits = matching_thread_ids(terms).subquery("hits")
    return stmt.where(Thread.id.in_(select(hits.c.thread_id)))


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
            .where(Post.thread_id.in_(thread_ids), _visible(), func.to_tsvector("simple", Post.body).op("@@")(tsq))
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
