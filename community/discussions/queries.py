"""Read-only queries for the community pages, the API and the network analysis.

Every page query runs a constant number of SQL statements, whatever the number of threads
or posts on it (joined authors, tags in one extra SELECT).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import combinations
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import InstrumentedAttribute, aliased, lazyload, selectinload

from community.accounts.models import User
from community.discussions import search
from community.discussions.access import POST_LOADS, THREAD_LOADS, is_moderator, require_moderator
from community.discussions.models import (
    Category,
    Mention,
    ModerationAction,
    Post,
    Thread,
    ThreadTag,
)
from community.discussions.services import visible_post_clause
from community.discussions.subscriptions import subscription_level
from community.discussions.visibility import visible_categories_clause, visible_threads_clause
from community.expertise.models import Tag
from community.extensions import db
from community.pagination import Page, paginate, paginate_capped

# Lists show a thread's topics by name: their synonyms are not loaded with them.
THREAD_TAG_LOADS = (selectinload(Thread.tag_rows).joinedload(ThreadTag.tag).lazyload(Tag.synonyms),)

# Who removed a thread, shown by name only (one SELECT for the page, without roles and languages).
REMOVED_BY_LOADS = selectinload(Thread.removed_by).options(lazyload(User.role_rows), lazyload(User.language_rows))

# co_thread edges: only the K most recent participants of a thread are paired (K² / 2 pairs
# at most per thread instead of n² for a thread with hundreds of posters).
CO_THREAD_PARTICIPANTS = 12


@dataclass
class CategorySummary:
    category: Category
    threads: int
    posts: int
    last_post_at: datetime | None
    latest: Thread | None


def visible_categories(user: User) -> list[Category]:
    return list(db.session.scalars(
        select(Category).where(visible_categories_clause(user)).order_by(Category.position, Category.name)
    ))


def category_page(user: User, *, page: int, per_page: int) -> Page:
    stmt = select(Category).where(visible_categories_clause(user)).order_by(Category.position, Category.name)
    return paginate(stmt, page=page, per_page=per_page)


def _category_figures() -> dict[int, tuple[int, int, datetime | None, int | None]]:
    """Per category (all of them): threads, posts, time of the last post and the id of the
    thread with the latest post, removed threads left out. Two aggregates over every thread,
    so they are cached until the community's data changes (community.caching, area "community")."""
    kept = Thread.removed_at.is_(None)
    counts = db.session.execute(
        select(
            Thread.category_id,
            func.count(Thread.id).label("threads"),
            func.coalesce(func.sum(Thread.post_count), 0).label("posts"),
            func.max(Thread.last_post_at).label("last_post_at"),
        ).where(kept).group_by(Thread.category_id)
    ).all()
    newest = (
        select(Thread.category_id, func.max(Thread.last_post_at).label("at"))
        .where(kept)
        .group_by(Thread.category_id)
        .subquery()
    )
    latest: dict[int, int] = {}
    for thread_id, category_id in db.session.execute(
        select(Thread.id, Thread.category_id)
        .join(newest, (newest.c.category_id == Thread.category_id) & (newest.c.at == Thread.last_post_at))
        .where(kept)
        .order_by(Thread.id)
    ):
        latest.setdefault(category_id, thread_id)
    return {row.category_id: (int(row.threads), int(row.posts), row.last_post_at, latest.get(row.category_id))
            for row in counts}


def category_summaries(user: User) -> list[CategorySummary]:
    """Categories with exact thread and post counts and their latest thread: the figures come
    from the cache (or two aggregates), then the visible categories and their latest threads."""
    from community.caching import cached

    categories = visible_categories(user)
    if not categories:
        return []
    figures: dict[int, tuple[int, int, datetime | None, int | None]] = cached(("community-categories",), _category_figures)
    wanted = sorted({latest_id for c in categories if (latest_id := figures.get(c.id, (0, 0, None, None))[3]) is not None})
    latest: dict[int, Thread] = {}
    if wanted:
        latest = {thread.id: thread for thread in db.session.scalars(
            select(Thread).where(Thread.id.in_(wanted)).options(*THREAD_LOADS, *THREAD_TAG_LOADS)
        )}
    result = []
    for category in categories:
        threads, posts, last_post_at, latest_id = figures.get(category.id, (0, 0, None, None))
        result.append(
            CategorySummary(
                category=category,
                threads=threads,
                posts=posts,
                last_post_at=last_post_at,
                latest=latest.get(latest_id) if latest_id is not None else None,
            )
        )
    return result


def thread_list_statement(user: User, *, category_id: int | None = None, tag: Tag | None = None, q: str = "",
                          ids_only: bool = False) -> Select[Any]:
    """Visible threads (not removed), pinned first, then by latest activity; optional filters
    and search. `ids_only`: their ids (a search sorts and cuts its matches before anything is
    joined)."""
    stmt = select(Thread.id) if ids_only else select(Thread).options(*THREAD_LOADS, *THREAD_TAG_LOADS)
    stmt = stmt.join(Category, Category.id == Thread.category_id).where(visible_threads_clause(user))
    if category_id is not None:
        stmt = stmt.where(Thread.category_id == category_id)
    if tag is not None:
        stmt = stmt.where(Thread.id.in_(select(ThreadTag.thread_id).where(ThreadTag.tag_id == tag.id)))
    if q:
        stmt = search.filter_threads(stmt, q)
        return stmt.order_by(Thread.last_post_at.desc(), Thread.id.desc())
    return stmt.order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())


def list_threads(user: User, *, page: int, per_page: int, category_id: int | None = None, tag: Tag | None = None,
                 q: str = "") -> Page:
    """A page of threads. A search counts them only up to search.COUNT_LIMIT ("more than") and
    takes the page's ids first, then loads those threads with what lists show."""
    if not q:
        return paginate(thread_list_statement(user, category_id=category_id, tag=tag), page=page, per_page=per_page)
    found = paginate_capped(thread_list_statement(user, category_id=category_id, tag=tag, q=q, ids_only=True),
                            page=page, per_page=per_page, count_limit=search.COUNT_LIMIT)
    threads = {thread.id: thread for thread in db.session.scalars(
        select(Thread).where(Thread.id.in_(found.items)).options(*THREAD_LOADS, *THREAD_TAG_LOADS)).unique()}
    found.items = [threads[thread_id] for thread_id in found.items]
    return found


def recent_threads(user: User, limit: int = 5) -> list[Thread]:
    stmt = thread_list_statement(user).order_by(None).order_by(Thread.last_post_at.desc()).limit(limit)
    return list(db.session.scalars(stmt))


@dataclass
class PersonActivity:
    threads_started: int
    posts: int
    recent: list[Thread]  # threads the person wrote in lately, newest first


def person_activity(viewer: User, person_id: int, limit: int = 3) -> PersonActivity:
    """What a person did in the community, as far as the viewer may see it (not in removed
    threads): two queries."""
    visible = and_(Post.author_id == person_id, visible_post_clause(), visible_threads_clause(viewer))
    posts, started = db.session.execute(
        select(func.count(Post.id), func.count(func.distinct(case((Thread.author_id == person_id, Thread.id)))))
        .join(Thread, Thread.id == Post.thread_id).join(Category, Category.id == Thread.category_id)
        .where(visible)
    ).one()
    latest = (
        select(Post.thread_id, func.max(Post.created_at).label("at"))
        .join(Thread, Thread.id == Post.thread_id).join(Category, Category.id == Thread.category_id)
        .where(visible).group_by(Post.thread_id).subquery()
    )
    recent = list(db.session.scalars(
        select(Thread).join(latest, latest.c.thread_id == Thread.id).options(*THREAD_LOADS)
        .order_by(latest.c.at.desc(), Thread.id.desc()).limit(limit)
    ).unique())
    return PersonActivity(threads_started=int(started or 0), posts=int(posts or 0), recent=recent)


@dataclass
class ThreadView:
    thread: Thread
    posts: Page
    first_number: int  # the number (#n) of the first post on the page
    parents: dict[int, Post]  # posts replied to by posts on this page
    level: str | None  # the reader's subscription level
    moderator: bool


def page_of_post(thread_id: int, post_id: int, per_page: int) -> int:
    before = db.session.execute(
        select(func.count()).select_from(Post).where(Post.thread_id == thread_id, Post.id < post_id)
    ).scalar_one()
    return before // per_page + 1


def own_posts_on_page(user: User, thread_id: int, *, page: int, per_page: int) -> tuple[int, ...]:
    """The reader's own posts on a page of a thread (their buttons differ), from who wrote
    which post on it, remembered until the community changes."""
    from community.caching import cached

    authors = cached(("thread-authors", thread_id, page, per_page), lambda: tuple(
        (int(post_id), author_id) for post_id, author_id in db.session.execute(
            select(Post.id, Post.author_id).where(Post.thread_id == thread_id).order_by(Post.id)
            .limit(per_page).offset((page - 1) * per_page))))
    return tuple(post_id for post_id, author_id in authors if author_id == user.id)


def thread_view(user: User, thread: Thread, *, page: int, per_page: int) -> ThreadView:
    """Posts in order (deleted and hidden ones keep their place), with what the page shows."""
    stmt = select(Post).where(Post.thread_id == thread.id).order_by(Post.id).options(*POST_LOADS)
    # The thread's post_count is exact (updated atomically with every post): no COUNT needed.
    posts = paginate(stmt, page=page, per_page=per_page, total=thread.post_count)
    parent_ids = {p.reply_to_post_id for p in posts.items if p.reply_to_post_id}
    parents: dict[int, Post] = {}
    if parent_ids:
        parents = {p.id: p for p in db.session.scalars(
            select(Post).where(Post.id.in_(sorted(parent_ids))).options(*POST_LOADS)
        )}
    return ThreadView(
        thread=thread,
        posts=posts,
        first_number=(posts.page - 1) * posts.per_page + 1,
        parents=parents,
        level=subscription_level(user, "thread", thread.id),
        moderator=is_moderator(user),
    )


@dataclass
class ThreadOutline(ThreadView):
    authors: list[tuple[int, int | None]]  # (post id, author id) of the posts on the page, in order


def thread_view_outline(user: User, thread: Thread, *, page: int, per_page: int) -> ThreadOutline:
    """A page of a thread without its posts: who wrote which post on it (one small statement),
    the reader's subscription and role; enough to find the page's cached posts."""
    authors = [(int(post_id), author_id) for post_id, author_id in db.session.execute(
        select(Post.id, Post.author_id).where(Post.thread_id == thread.id).order_by(Post.id)
        .limit(per_page).offset((page - 1) * per_page)
    )]
    return ThreadOutline(
        thread=thread,
        posts=Page(items=[], page=page, per_page=per_page, total=thread.post_count),
        first_number=(page - 1) * per_page + 1,
        parents={},
        level=subscription_level(user, "thread", thread.id),
        moderator=is_moderator(user),
        authors=authors,
    )


def search_page(user: User, q: str, *, page: int, per_page: int) -> tuple[Page, dict[int, Post]]:
    """Threads whose title or a visible post matches, with the first matching post of each."""
    result = list_threads(user, page=page, per_page=per_page, q=q)
    hits = search.first_matching_posts(q, [t.id for t in result.items])
    return result, hits


def categories_to_manage(actor: User) -> list[Any]:
    """Every category the moderator sees, with its figures, for the categories page."""
    require_moderator(actor)
    return category_summaries(actor)


def open_flags(actor: User, *, page: int, per_page: int) -> Page:
    """Reports waiting for a moderator (moderators only)."""
    from community.discussions.models import Flag

    require_moderator(actor)

    stmt = select(Flag).where(Flag.resolved_at.is_(None)).order_by(Flag.created_at, Flag.id)
    return paginate(stmt, page=page, per_page=per_page)


def removed_threads(actor: User, *, page: int, per_page: int) -> Page:
    """Threads moderators removed, most recently removed first (moderators only), in the
    categories the moderator sees: with their category, author, topics and who removed them,
    in the same few statements however many there are (the page and the API list them)."""
    require_moderator(actor)
    stmt = (
        select(Thread).options(*THREAD_LOADS, *THREAD_TAG_LOADS, REMOVED_BY_LOADS)
        .join(Category, Category.id == Thread.category_id)
        .where(visible_categories_clause(actor), Thread.removed_at.is_not(None))
        .order_by(Thread.removed_at.desc(), Thread.id.desc())
    )
    return paginate(stmt, page=page, per_page=per_page)


def moderation_log(actor: User, *, page: int, per_page: int) -> Page:
    require_moderator(actor)
    stmt = select(ModerationAction).order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
    return paginate(stmt, page=page, per_page=per_page)


def log_category_names(entries: Iterable[ModerationAction]) -> dict[str, str]:
    """The names, in the reader's language, of the categories log entries name by slug: a
    category's current name while it exists, else the name kept with the entry (one query)."""
    from flask_babel import get_locale

    language = str(get_locale() or "en")
    names: dict[str, str] = {}
    for entry in entries:
        for slug, kept in ((entry.data or {}).get("names") or {}).items():
            names[slug] = kept.get(language) or kept.get("en") or slug
    slugs = {str(value) for entry in entries for key, value in (entry.data or {}).items()
             if key in ("from", "to", "category") and value}
    if slugs:
        for category in db.session.scalars(select(Category).where(Category.slug.in_(slugs))):
            names[category.slug] = category.display_name
    return names


# For the network analysis --------------------------------------------------------------------------

def _period(column: InstrumentedAttribute[datetime], since: datetime | None,
            until: datetime | None) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if since is not None:
        clauses.append(column >= since)
    if until is not None:
        clauses.append(column < until)
    return clauses


def interaction_edges(since: datetime | None = None, until: datetime | None = None) -> list[tuple[int, int, str, datetime]]:
    """(source_user_id, target_user_id, kind, at) for posts in [since, until).

    - "reply": a post's author → the author of the post it replies to, or of the thread's
      first post when it replies to nothing in particular;
    - "mention": a post's author → each person mentioned in it;
    - "co_thread": people posting in the same thread, one edge per pair (source: the one
      whose latest post is later), dated by the later of the two latest posts; only the
      CO_THREAD_PARTICIPANTS most recent participants of a thread are paired.
    Deleted and hidden posts (on either side), threads a moderator removed, erased authors and
    self-pairs are left out.
    Three SQL statements, whatever the number of posts.
    """
    p = aliased(Post, name="p")
    target = aliased(Post, name="target")
    removed = select(Thread.id).where(Thread.removed_at.is_not(None))  # a spam thread ties nobody together
    visible_p = (p.deleted_at.is_(None), p.hidden.is_(False), p.author_id.is_not(None), p.thread_id.not_in(removed))
    first = (
        select(Post.thread_id, func.min(Post.id).label("first_id"))
        .group_by(Post.thread_id)
        .subquery("first")
    )
    target_id = func.coalesce(p.reply_to_post_id, first.c.first_id)
    reply_rows = db.session.execute(
        select(p.author_id, target.author_id, p.created_at)
        .join(first, first.c.thread_id == p.thread_id)
        .join(target, target.id == target_id)
        .where(
            *visible_p,
            *_period(p.created_at, since, until),
            p.id != first.c.first_id,
            target.deleted_at.is_(None),
            target.hidden.is_(False),
            target.author_id.is_not(None),
            target.author_id != p.author_id,
        )
        .order_by(p.created_at, p.id)
    )
    edges: list[tuple[int, int, str, datetime]] = [
        (a, b, "reply", at) for a, b, at in reply_rows if a is not None and b is not None  # both filtered in SQL
    ]

    mention_rows = db.session.execute(
        select(p.author_id, Mention.user_id, p.created_at)
        .join(Mention, Mention.post_id == p.id)
        .where(*visible_p, *_period(p.created_at, since, until), Mention.user_id != p.author_id)
        .order_by(p.created_at, p.id, Mention.user_id)
    )
    edges.extend((a, b, "mention", at) for a, b, at in mention_rows if a is not None)

    latest = db.session.execute(
        select(p.thread_id, p.author_id, func.max(p.created_at).label("at"))
        .where(*visible_p, *_period(p.created_at, since, until))
        .group_by(p.thread_id, p.author_id)
        .order_by(p.thread_id)
    )
    by_thread: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for thread_id, author_id, at in latest:
        if author_id is None:  # filtered in SQL
            continue
        by_thread[thread_id].append((_aware(at), author_id))
    for participants in by_thread.values():
        if len(participants) < 2:
            continue
        participants.sort(key=lambda item: (item[0], item[1]), reverse=True)
        recent = participants[:CO_THREAD_PARTICIPANTS]
        for (at_a, a), (_at_b, b) in combinations(recent, 2):
            edges.append((a, b, "co_thread", at_a))  # a's post is the later one
    return edges


def activity_records(since: datetime | None = None) -> list[tuple[int, str, datetime]]:
    """(person_id, "thread" | "post", at): a "thread" for each thread started, a "post" for
    each reply (a thread's first post is its "thread"); visible posts of existing people, none
    of a thread a moderator removed (a spam thread is no evidence of community activity)."""
    first = select(func.min(Post.id)).group_by(Post.thread_id)
    removed = select(Thread.id).where(Thread.removed_at.is_not(None))
    threads = db.session.execute(
        select(Thread.author_id, Thread.created_at)
        .where(Thread.author_id.is_not(None), Thread.removed_at.is_(None), *_period(Thread.created_at, since, None))
        .order_by(Thread.created_at, Thread.id)
    )
    records: list[tuple[int, str, datetime]] = [(a, "thread", at) for a, at in threads if a is not None]
    posts = db.session.execute(
        select(Post.author_id, Post.created_at)
        .where(
            Post.author_id.is_not(None), visible_post_clause(), Post.id.not_in(first), Post.thread_id.not_in(removed),
            *_period(Post.created_at, since, None),
        )
        .order_by(Post.created_at, Post.id)
    )
    records.extend((a, "post", at) for a, at in posts if a is not None)
    return records


def _aware(value: datetime | str) -> datetime:
    # func.max() over a UTC column comes back without the column's type on SQLite.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def author_names(ids: Iterable[int]) -> dict[int, User]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted)))}
