"""Changes to threads and posts: start a thread, reply, edit and delete posts, change a
thread's title and topics. Services flush and never commit; the request commits once.

The community's other changes have modules of their own: who may see and do what
(community.discussions.access), mentions (.mentions), subscriptions (.subscriptions), flags
and moderation (.moderation), categories (.categories).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Executable,
    Integer,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    not_,
    select,
    update,
)
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from community import tasks
from community.accounts.models import User
from community.database import rowcount, utcnow
from community.discussions.access import (
    ReplyTarget,
    can_delete,
    can_edit,
    can_see,
    can_see_history,
    get_thread,
    is_moderator,
    may_hear,
    thread_link,
)
from community.discussions.mentions import _notify_mentions, render_body
from community.discussions.models import (
    MAX_BODY_CHARS,
    MAX_TITLE_CHARS,
    Category,
    Post,
    PostRevision,
    Subscription,
    Thread,
    ThreadTag,
)
from community.discussions.moderation import _log
from community.discussions.subscriptions import (
    _muted_among,
    _recipients,
    _reply_followers,
    reply_followers,
    reply_recipients,
    watch_by_default,
)
from community.errors import ConflictError, NotFoundError, PermissionDenied, ValidationFailed
from community.expertise.models import Tag
from community.expertise.services import resolve_tags
from community.extensions import db
from community.notifications.services import notify_many, register_kind

MAX_TAGS = 5

register_kind("discussion_reply", _l("%(actor)s replied in “%(thread)s”"))
register_kind("discussion_thread", _l("%(actor)s started “%(thread)s” in %(category)s"))


class BodyTooLong(ValidationFailed):
    """An oversized post: a field error on forms, 413 in the API."""

    status = 413
    code = "too_large"


# Bodies and titles ---------------------------------------------------------------------------

def check_body(body: str | None, field: str = "body") -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationFailed(_("Write something first."), {field: [_("Write something first.")]})
    if len(body) > MAX_BODY_CHARS:
        message = _("Posts have at most %(max)d characters.", max=MAX_BODY_CHARS)
        raise BodyTooLong(message, {field: [message]})
    return body


def check_title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationFailed(_("Give the thread a title."), {"title": [_("Give the thread a title.")]})
    if not any(character.isalnum() for character in title):  # "?!?!" says nothing in a list of threads
        message = _("Say in words what the thread is about: the title has no letters or digits.")
        raise ValidationFailed(message, {"title": [message]})
    if len(title) > MAX_TITLE_CHARS:
        message = _("Titles have at most %(max)d characters.", max=MAX_TITLE_CHARS)
        raise ValidationFailed(message, {"title": [message]})
    return title


# Threads and posts -------------------------------------------------------------------------

def create_thread(actor: User, *, category: Category, title: str, body: str, tags: Iterable[str] = ()) -> Thread:
    if not can_see(actor, category):
        raise NotFoundError(_("No such category."))
    title = check_title(title)
    body = check_body(body)
    tag_list = resolve_tags(list(tags), field="tags")
    if len(tag_list) > MAX_TAGS:
        message = _("Choose at most %(max)d topics.", max=MAX_TAGS)
        raise ValidationFailed(message, {"tags": [message]})
    html, mentioned = render_body(body, actor)
    now = utcnow()
    thread = Thread(
        category_id=category.id, title=title, author_id=actor.id, created_at=now, last_post_at=now,
        last_poster_id=actor.id, post_count=1,
    )
    thread.tag_rows = [ThreadTag(tag_id=tag.id) for tag in tag_list]
    db.session.add(thread)
    db.session.flush()
    post = Post(thread_id=thread.id, author_id=actor.id, body=body, html=html, created_at=now)
    db.session.add(post)
    db.session.flush()
    watch_by_default(actor.id, thread.id)
    told = _notify_mentions(actor, post, thread, mentioned)
    watch = [("category", category.id)] + [("tag", tag.id) for tag in tag_list]
    recipients = _recipients(watch, watch, category, exclude=told | {actor.id})
    notify_many(recipients, "discussion_thread", actor=actor, link=thread_link(thread.id),
                thread=thread.title, category=category)
    tasks.enqueue("outreach.post_thread", thread.id)  # to the category's Teams / Slack channel, if any
    thread.unseen_mentions = post.unseen_mentions  # type: ignore[attr-defined]  # (see views._say_unseen)
    return thread


def require_can_post(user: User, thread: Thread | ReplyTarget) -> None:
    if thread.removed:
        if not is_moderator(user):
            raise NotFoundError(_("No such thread."))  # as if it never was
        raise PermissionDenied(_("This thread was removed; restore it before replying."))
    if thread.locked and not is_moderator(user):
        raise PermissionDenied(_("This thread is locked; only moderators can reply."))


def reply_target(user: User, thread_id: int) -> ReplyTarget:
    """A thread the person may reply to (404 like get_thread, 403 when locked), with its
    followers, read apart on a connection of its own that takes no write lock
    (community.unit_of_work.reading_connection). The reply then writes only: on SQLite writers
    take turns, so a reply that read under the write lock kept every other writer waiting
    meanwhile. `reply` checks in its own transaction that the thread is as it was read; what
    else was read here (who follows, who wants e-mail at once, the replier's own level) is as
    of a moment before the reply, like a reply sent a moment earlier. Two statements: the
    thread with the replier's level, the followers with their e-mail choice."""
    from community.unit_of_work import reading_connection

    with reading_connection() as connection:
        row = connection.execute(_REPLY_TARGET, {"thread_id": thread_id, "watcher": user.id}).first()
        if row is None:
            raise NotFoundError(_("No such thread."))
        thread, category_id, visibility, locked, title, subscribed, removed_at = row
        target = ReplyTarget(thread, category_id, visibility, locked, title, subscribed=bool(subscribed),
                             removed=removed_at is not None)
        if not can_see(user, target):
            raise NotFoundError(_("No such thread."))
        require_can_post(user, target)
        pref_key, followers_stmt = _reply_followers(target.visibility != "members")
        rows = reply_followers(connection.execute(followers_stmt, {
            "thread_id": target.id, "category_id": target.category_id, "pref_key": pref_key}))
    followers = tuple(uid for uid, _at_once in rows)
    emailed = None if pref_key is None else frozenset(uid for uid, at_once in rows if at_once)
    return target._replace(followers=followers, emailed=emailed)


_REPLY_TARGET = (
    select(Thread.id, Thread.category_id, Category.visibility, Thread.locked, Thread.title,
           exists().where(Subscription.user_id == bindparam("watcher", type_=Integer),
                          Subscription.target_kind == "thread", Subscription.target_id == Thread.id),
           Thread.removed_at)
    .join(Category, Category.id == Thread.category_id)
    .where(Thread.id == bindparam("thread_id", type_=Integer))
)


def _thread_moves_on(moderator: bool) -> Executable:
    """A reply's UPDATE of its thread (count, last activity, last poster), only while the
    thread is as the reply saw it: same category, not removed and, unless a moderator writes,
    not locked.
    Built once per case on the table (no ORM bulk-update machinery; the loaded thread, if any,
    is expired by `reply`) and run with bound values."""
    threads = Thread.__table__
    now = bindparam("moment", type_=threads.c.last_post_at.type)
    seen = [threads.c.id == bindparam("seen_thread", type_=Integer),
            threads.c.category_id == bindparam("seen_category", type_=Integer), threads.c.removed_at.is_(None)]
    if not moderator:
        seen.append(threads.c.locked.is_(False))
    return (
        update(threads)
        .where(*seen)
        .values(post_count=threads.c.post_count + 1,
                last_post_at=case((threads.c.last_post_at < now, now), else_=threads.c.last_post_at),
                last_poster_id=bindparam("poster", type_=Integer))
    )


_THREAD_MOVES_ON = {False: _thread_moves_on(False), True: _thread_moves_on(True)}


_NEW_POST = insert(Post.__table__).returning(Post.__table__.c.id)


def reply(actor: User, thread: Thread | ReplyTarget, body: str, *, reply_to_post_id: int | None = None) -> Post:
    """Add a post; the thread's count and last activity move in the same transaction.

    `thread` is the thread as loaded (its page) or as read apart (`reply_target`). Either way
    the thread moves on only as it was seen: not locked since (unless the writer moderates),
    not removed and still in the same category; otherwise it is looked at again in this
    transaction."""
    target = thread if isinstance(thread, ReplyTarget) else ReplyTarget.of(thread)
    if not can_see(actor, target):
        raise NotFoundError(_("No such thread."))
    require_can_post(actor, target)
    body = check_body(body)
    parent = None
    if reply_to_post_id is not None:
        parent = db.session.get(Post, reply_to_post_id)
        if parent is None or parent.thread_id != target.id:
            message = _("You can only reply to a post of this thread.")
            raise ValidationFailed(message, {"reply_to_post_id": [message]})
    html, mentioned = render_body(body, actor, thread_id=target.id)
    now = utcnow()
    # Atomic in SQL: concurrent replies never lose an increment.
    moved = db.session.execute(_THREAD_MOVES_ON[is_moderator(actor)], {
        "seen_thread": target.id, "seen_category": target.category_id, "moment": now, "poster": actor.id})
    if not rowcount(moved):
        # Locked, moved, removed or gone since it was read: look again, now in this transaction.
        fresh = get_thread(actor, target.id, people=False)
        if isinstance(thread, Thread) and fresh is thread:
            db.session.refresh(fresh)
        require_can_post(actor, fresh)
        if ReplyTarget.of(fresh)[:5] == target[:5]:
            raise ConflictError(_("The thread changed while you replied; please try again."))  # never loops
        return reply(actor, fresh, body, reply_to_post_id=reply_to_post_id)
    values = {"thread_id": target.id, "author_id": actor.id, "body": body, "html": html, "created_at": now,
              "reply_to_post_id": parent.id if parent else None, "hidden": False}
    # The table's own INSERT (no unit of work to sort out for one row); the post then joins
    # the session as a loaded row, its author known already (no query to answer with it).
    post = Post(id=db.session.execute(_NEW_POST, values).scalar_one(), edited_at=None, deleted_at=None,
                deleted_by_id=None, **values)
    post.author = actor._get_current_object() if hasattr(actor, "_get_current_object") else actor
    make_transient_to_detached(post)
    db.session.add(post)
    if isinstance(thread, Thread):
        db.session.expire(thread, ["post_count", "last_post_at", "last_poster_id", "last_poster"])
    if not target.subscribed:  # a level chosen before stays (and then there is nothing to write)
        watch_by_default(actor.id, target.id)
    told = _notify_mentions(actor, post, target, mentioned)
    mute = [("thread", target.id), ("category", target.category_id)]
    recipients = set(reply_recipients(target, exclude=told | {actor.id}))
    emailed = target.emailed
    # The author of the post replied to hears about it unless they muted the thread, or can
    # no longer see it (moved to a mentors-only category, or they lost the role since).
    if (
        parent is not None
        and parent.author_id
        and parent.author_id not in told | {actor.id} | recipients
        and may_hear(parent.author, target)
        and not _muted_among([parent.author_id], mute)
    ):
        recipients.add(parent.author_id)
        emailed = None  # not among the followers read before: the e-mail task looks
    notify_many(recipients, "discussion_reply", actor=actor, link=thread_link(target.id, post.id), emailed=emailed,
                thread=target.title)
    return post


def require_can_edit(actor: User, post: Post) -> Thread:
    thread = get_thread(actor, post.thread_id)
    if post.deleted_at is not None:
        raise ConflictError(_("This post was deleted and cannot be edited."))
    if not can_edit(actor, post):
        raise PermissionDenied(_("You can only edit your own posts."))
    if thread.locked and not is_moderator(actor):
        raise PermissionDenied(_("This thread is locked; posts can no longer be edited."))
    return thread


def post_version(post: Post) -> int:
    """Which version of its body a post has: 0 until its first edit, then the moment of its last
    edit in microseconds (UTC). An editor sends back the version they started from."""
    if post.edited_at is None:
        return 0
    moment = post.edited_at
    return calendar.timegm(moment.utctimetuple()) * 1_000_000 + moment.microsecond


def edit_post(actor: User, post: Post, body: str, *, version: int | None = None) -> Post:
    """Change a post's body; the previous body is kept as a revision.

    `version` is the post's version the editor started from (post_version; None: the one
    loaded now). A post edited since, by anyone, is not overwritten: ConflictError."""
    thread = require_can_edit(actor, post)
    body = check_body(body)
    stale = ConflictError(_("Someone changed this post while you were editing it. Your text is kept below; "
                            "compare it with the current version and save again."))
    if version is not None and version != post_version(post):
        raise stale
    if body == post.body:
        return post
    html, mentioned = render_body(body, actor, thread_id=thread.id)
    now, seen_edit, previous_body = utcnow(), post.edited_at, post.body
    # Compare and set: of two edits saved at the same moment from the same version, one wins.
    saved = db.session.execute(
        update(Post).where(Post.id == post.id, Post.deleted_at.is_(None),
                           Post.edited_at.is_(None) if seen_edit is None else Post.edited_at == seen_edit)
        .values(body=body, html=html, edited_at=now).execution_options(synchronize_session=False)
    )
    if not rowcount(saved):
        raise stale
    db.session.add(PostRevision(post_id=post.id, editor_id=actor.id, edited_at=now, previous_body=previous_body))
    set_committed_value(post, "body", body)
    set_committed_value(post, "html", html)
    set_committed_value(post, "edited_at", now)
    db.session.flush()
    _notify_mentions(actor, post, thread, mentioned)  # only people not mentioned before
    if post.author_id != actor.id:
        _log(actor, "post.edited", thread_id=thread.id, post_id=post.id)
    return post


def can_edit_thread(user: User, thread: Thread) -> bool:
    """Who may change a thread's title and topics: moderators, and its author while it is not
    locked (as for their posts)."""
    if is_moderator(user):
        return True
    return thread.author_id is not None and thread.author_id == user.id and not thread.locked


def require_can_edit_thread(actor: User, thread: Thread) -> None:
    if can_edit_thread(actor, thread):
        return
    if thread.author_id is not None and thread.author_id == actor.id:
        raise PermissionDenied(_("This thread is locked; its title can no longer be changed."))
    raise PermissionDenied(_("You can only change the title of your own threads."))


def thread_version(thread: Thread) -> int:
    """Which version of its title and topics a thread has (as post_version: 0 until the first
    change, then the moment of the last one in microseconds)."""
    if thread.edited_at is None:
        return 0
    moment = thread.edited_at
    return calendar.timegm(moment.utctimetuple()) * 1_000_000 + moment.microsecond


def _thread_changes(thread: Thread, title: str | None, tags: Iterable[str] | None) -> tuple[str, list[Tag] | None]:
    """The title and topics asked for (None: unchanged), checked as when a thread is started;
    every field's error at once."""
    errors: dict[str, list[str]] = {}
    new_title, tag_list = thread.title, None
    if title is not None:
        try:
            new_title = check_title(title)
        except ValidationFailed as error:
            errors.update(error.fields)
    if tags is not None:
        try:
            tag_list = resolve_tags(list(tags), field="tags")
        except ValidationFailed as error:
            errors.update(error.fields)
        else:
            if len(tag_list) > MAX_TAGS:
                errors["tags"] = [_("Choose at most %(max)d topics.", max=MAX_TAGS)]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)
    return new_title, tag_list


def _replace_topics(thread: Thread, tag_list: list[Tag]) -> None:
    wanted = {tag.id for tag in tag_list}
    for row in list(thread.tag_rows):
        if row.tag_id not in wanted:
            thread.tag_rows.remove(row)
    kept = {row.tag_id for row in thread.tag_rows}
    thread.tag_rows.extend(ThreadTag(tag_id=tag.id, tag=tag) for tag in tag_list if tag.id not in kept)


def edit_thread(actor: User, thread: Thread, *, title: str | None = None, tags: Iterable[str] | None = None,
                version: int | None = None) -> Thread:
    """Change a thread's title and/or topics (None: unchanged), checked as when it was started.
    `version` is the thread's version the editor started from (thread_version; None: the one
    loaded now): a change saved meanwhile by anyone is not overwritten (ConflictError). A
    moderator's change of someone else's thread is logged with the titles before and after."""
    require_can_edit_thread(actor, thread)
    new_title, tag_list = _thread_changes(thread, title, tags)
    stale = ConflictError(_("Someone changed this thread's title or topics while you were editing them. "
                            "Compare with the current version and save again."))
    if version is not None and version != thread_version(thread):
        raise stale
    old_tags = [tag.slug for tag in thread.tags]
    new_tags = sorted(tag.slug for tag in tag_list) if tag_list is not None else old_tags
    if new_title == thread.title and new_tags == old_tags:
        return thread
    now, seen_edit, old_title = utcnow(), thread.edited_at, thread.title
    # Compare and set: of two changes saved at the same moment from the same version, one wins.
    saved = db.session.execute(
        update(Thread).where(Thread.id == thread.id,
                             Thread.edited_at.is_(None) if seen_edit is None else Thread.edited_at == seen_edit)
        .values(title=new_title, edited_at=now).execution_options(synchronize_session=False)
    )
    if not rowcount(saved):
        raise stale
    set_committed_value(thread, "title", new_title)
    set_committed_value(thread, "edited_at", now)
    if tag_list is not None and new_tags != old_tags:
        _replace_topics(thread, tag_list)
    db.session.flush()
    if thread.author_id != actor.id:
        data: dict[str, Any] = {"old_title": old_title, "new_title": new_title}
        if new_tags != old_tags:
            data.update(old_tags=old_tags, new_tags=new_tags)
        _log(actor, "thread.edited", thread_id=thread.id, data=data)
    return thread


def delete_post(actor: User, post: Post) -> bool:
    """Soft delete: the row (and its history) stays, the thread shows "deleted". An author who
    deletes the opening post of a thread in which nothing else is left to read takes the thread
    down with it (`withdraw_thread`): True then."""
    thread = get_thread(actor, post.thread_id)
    if post.deleted_at is not None:
        return False
    if not can_delete(actor, post):
        if post.author_id == actor.id:
            raise PermissionDenied(_("A moderator hid this post; it can no longer be deleted."))
        raise PermissionDenied(_("You can only delete your own posts."))
    if thread.locked and not is_moderator(actor):
        raise PermissionDenied(_("This thread is locked; posts can no longer be deleted."))
    post.deleted_at = utcnow()
    post.deleted_by_id = actor.id
    db.session.flush()
    _last_activity_without(thread, post)
    from community.notifications.services import retract_about

    retract_about(thread_link(thread.id, post.id))  # the mention and reply notices about it
    if post.author_id != actor.id:
        _log(actor, "post.deleted", thread_id=thread.id, post_id=post.id)
        return False
    return withdraw_thread(actor, thread, post)


def withdraw_thread(actor: User, thread: Thread, deleted: Post) -> bool:
    """A thread whose author deleted its opening post, with no other post left to read, goes
    too: removed as a moderator removes one (kept, listed for the moderators, restorable), by
    its author. It stayed listed as a title over "This post was deleted" and an open reply box,
    and its author had no way to take it down."""
    from community.labels import stored_phrase

    opening = db.session.scalar(select(func.min(Post.id)).where(Post.thread_id == thread.id))
    if deleted.id != opening or thread.author_id != actor.id or thread.removed_at is not None:
        return False
    if db.session.scalar(select(Post.id).where(Post.thread_id == thread.id, visible_post_clause()).limit(1)) is not None:
        return False  # an answer still stands: the thread stays, its opening post reads "deleted"
    thread.removed_at, thread.removed_by_id, thread.removal_reason = utcnow(), actor.id, stored_phrase("thread_withdrawn")
    db.session.flush()
    _log(actor, "thread.removed", thread_id=thread.id, note=thread.removal_reason)
    return True


def _last_activity_without(thread: Thread, gone: Post) -> None:
    """A deleted latest post no longer dates the thread's last activity (the thread jumped to
    the top of "latest activity" at the deleted post's time): the latest post still shown does."""
    if thread.last_post_at is None or gone.created_at < thread.last_post_at:
        return
    latest = db.session.execute(
        select(Post.created_at, Post.author_id).where(Post.thread_id == thread.id, visible_post_clause())
        .order_by(Post.created_at.desc(), Post.id.desc()).limit(1)
    ).first()
    if latest is not None:
        thread.last_post_at, thread.last_poster_id = latest.created_at, latest.author_id
    else:  # nothing shown any more: the thread dates from its start
        thread.last_post_at, thread.last_poster_id = thread.created_at, thread.author_id
    db.session.expire(thread, ["last_poster"])


def revisions(user: User, post: Post) -> list[PostRevision]:
    if not can_see_history(user, post):
        raise PermissionDenied(_("Only the author and moderators see the edit history."))
    return list(db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id).order_by(PostRevision.id.desc())))


# Notifications for a thread ----------------------------------------------------------------------

def mark_thread_read(user: User, thread_id: int) -> int:
    """Opening a thread marks its notifications read (community.notifications.services.mark_read_about)."""
    from community.notifications.services import mark_read_about

    return mark_read_about(user, thread_link(thread_id))


def visible_post_clause() -> ColumnElement[bool]:
    return and_(Post.deleted_at.is_(None), not_(Post.hidden))
