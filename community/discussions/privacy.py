"""Community data in the personal export and on erasure.

What a person wrote stays readable for the others after erasure — under "former member", as
the account row is anonymised — while what only concerns them goes: whom and what they follow,
that they were mentioned, and their name on the posts they reported.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, or_, select, update

from community.discussions.models import (
    Flag,
    Mention,
    ModerationAction,
    Post,
    PostRevision,
    Subscription,
    Thread,
)
from community.extensions import db
from community.labels import shown

if TYPE_CHECKING:
    from community.accounts.models import User


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _thread_started(thread_id: int, title: str, created_at: datetime, removed_at: datetime | None,
                    reason: str | None) -> dict:
    """One of my threads; a removed one says when and why, as its author was told (the
    notification names no moderator, so neither does this)."""
    return {"id": thread_id, "title": title, "created_at": _iso(created_at), "removed": removed_at is not None,
            "removed_at": _iso(removed_at), "removal_reason": shown(reason)}


def _post(post: Post, thread_removed_at: datetime | None) -> dict:
    """One of my posts; in a removed thread it says so (the thread's entry, when it is mine, has the reason)."""
    return {"id": post.id, "thread_id": post.thread_id, "body": post.body, "created_at": _iso(post.created_at),
            "edited_at": _iso(post.edited_at), "deleted": post.deleted_at is not None, "hidden": post.hidden,
            "thread_removed": thread_removed_at is not None, "thread_removed_at": _iso(thread_removed_at)}


def export(user: User) -> dict:
    threads = db.session.execute(
        select(Thread.id, Thread.title, Thread.created_at, Thread.removed_at, Thread.removal_reason)
        .where(Thread.author_id == user.id).order_by(Thread.id)
    )
    posts = db.session.execute(
        select(Post, Thread.removed_at).join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == user.id).order_by(Post.id)
    )
    revisions = db.session.execute(
        select(PostRevision.post_id, PostRevision.edited_at, PostRevision.previous_body)
        .join(Post, Post.id == PostRevision.post_id)
        .where(Post.author_id == user.id)
        .order_by(PostRevision.id)
    )
    mentions = db.session.execute(
        select(Post.id, Post.thread_id, Post.created_at, Thread.removed_at).join(Mention, Mention.post_id == Post.id)
        .join(Thread, Thread.id == Post.thread_id).where(Mention.user_id == user.id).order_by(Post.id)
    )
    follows = db.session.scalars(select(Subscription).where(Subscription.user_id == user.id).order_by(Subscription.id))
    flags = db.session.scalars(select(Flag).where(Flag.reporter_id == user.id).order_by(Flag.id))
    # Reports on my posts: what was said and decided, never who reported.
    reports_on_mine = db.session.execute(
        select(Flag.post_id, Flag.reason, Flag.created_at, Flag.outcome)
        .join(Post, Post.id == Flag.post_id).where(Post.author_id == user.id).order_by(Flag.id)
    )
    acts = db.session.scalars(select(ModerationAction).where(ModerationAction.actor_id == user.id)
                              .order_by(ModerationAction.id))
    return {
        "threads_started": [_thread_started(*row) for row in threads],
        "posts": [_post(post, removed_at) for post, removed_at in posts],
        "earlier_versions_of_my_posts": [
            {"post_id": pid, "edited_at": _iso(at), "body": body} for pid, at, body in revisions
        ],
        # A mention in a removed thread is still stored about me, and says that the thread is removed (as my posts do).
        "mentioned_in": [{"post_id": pid, "thread_id": tid, "created_at": _iso(at), "thread_removed": removed_at is not None}
                         for pid, tid, at, removed_at in mentions],
        "following": [{"kind": s.target_kind, "id": s.target_id, "level": s.level} for s in follows],
        "reports_filed": [
            {"post_id": f.post_id, "reason": f.reason, "created_at": _iso(f.created_at), "outcome": f.outcome}
            for f in flags
        ],
        "reports_on_my_posts": [
            {"post_id": pid, "reason": reason, "created_at": _iso(at), "outcome": outcome}
            for pid, reason, at, outcome in reports_on_mine
        ],
        "moderation_acts": [
            {"action": a.action, "thread_id": a.thread_id, "post_id": a.post_id, "note": a.note,
             "created_at": _iso(a.created_at)}
            for a in acts
        ],
    }


# What replaces "@handle" of an erased person in other people's posts: no account has it.
ERASED_MENTION = "@former-member"


def _without_handle(handle: str):
    """"@anna.berg" wherever the renderer reads it as a mention: also with Markdown around it
    ("_@anna.berg_", "**@anna.berg**"), escaped ("@anna\\.berg") or before a full stop; not
    as part of "@anna.berg.x" or "a@anna.berg"."""
    spelled = "".join(re.escape(ch) if ch.isalnum() else r"\\?" + re.escape(ch) for ch in handle)
    pattern = re.compile(rf"(?<![a-z0-9@/.])@{spelled}(?![a-z0-9]|[._-]+[a-z0-9])", re.IGNORECASE)
    return lambda text: pattern.sub(ERASED_MENTION, text) if text else text


def erase(user: User) -> None:
    """Runs before accounts anonymise the person, so their handle is still known here."""
    from community.discussions.mentions import naming_posts, render_body

    db.session.execute(delete(Subscription).where(Subscription.user_id == user.id))
    # Mentions of them in other people's posts (and the earlier versions) lose the handle,
    # which is built from the name; the search index follows the bodies.
    scrub = _without_handle(user.handle)
    mentioned_in = list(db.session.scalars(select(Post.id).where(naming_posts(user))))  # before any is changed
    for post in db.session.scalars(select(Post).where(Post.id.in_(mentioned_in))):
        # The page is rendered anew even where the text kept nothing of them: no link to them stays.
        post.body = scrub(post.body)
        post.html = render_body(post.body, post.author, thread_id=post.thread_id, never=user.id)[0]
    said_before = func.lower(PostRevision.previous_body).contains(f"@{user.handle.lower()}", autoescape=True)
    for revision in db.session.scalars(select(PostRevision).where(or_(PostRevision.post_id.in_(mentioned_in), said_before))):
        revision.previous_body = scrub(revision.previous_body)
    db.session.flush()
    db.session.execute(delete(Mention).where(Mention.user_id == user.id))
    db.session.execute(
        update(Flag).where(Flag.reporter_id == user.id).values(reporter_id=None)
        .execution_options(synchronize_session=False)
    )
