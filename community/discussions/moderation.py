"""Moderation: reports (flags), hiding posts, locking, pinning, moving, removing and restoring
threads; every act is logged. Flushes, never commits."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from community.accounts.models import User
from community.database import utcnow
from community.discussions.access import (
    can_see,
    get_post,
    get_thread,
    may_hear,
    require_moderator,
    thread_link,
)
from community.discussions.models import (
    FLAG_OUTCOMES,
    Category,
    Flag,
    ModerationAction,
    Post,
    Thread,
)
from community.errors import ConflictError, NotFoundError, ValidationFailed
from community.extensions import db
from community.notifications.services import notify_many, register_kind

MAX_FLAG_REASON = 1000

register_kind("discussion_hidden", _l("A moderator hid your post in “%(thread)s”"))
register_kind("discussion_removed", _l("A moderator removed your thread “%(thread)s”"))
register_kind("discussion_removed_reason", _l("A moderator removed your thread “%(thread)s”: %(reason)s"))
register_kind("discussion_restored", _l("A moderator restored your thread “%(thread)s”"))


def _names_of(*categories: Category) -> dict[str, dict[str, str]]:
    """Categories' names in both languages by slug, kept with a log entry: the log names a
    category in its reader's language even once it is deleted."""
    return {c.slug: {"en": c.name, "de": c.name_de or c.name} for c in categories}


def _log(actor: User, action: str, *, thread_id: int | None = None, post_id: int | None = None,
         note: str | None = None, data: dict[str, Any] | None = None) -> ModerationAction:
    entry = ModerationAction(actor_id=actor.id, action=action, thread_id=thread_id, post_id=post_id,
                             note=(note or "").strip()[:1000] or None, data=data, created_at=utcnow())
    db.session.add(entry)
    db.session.flush()
    return entry


def flag_refusal(actor: User, post: Post) -> str | None:
    """Why this person cannot report this post now (said before the form is filled in), or None."""
    if post.deleted_at is not None:
        return str(_("This post was deleted already."))
    open_flag = db.session.scalar(
        select(Flag.id).where(Flag.post_id == post.id, Flag.reporter_id == actor.id, Flag.resolved_at.is_(None))
    )
    if open_flag is not None:
        return str(_("You have reported this post already; moderators will look at it."))
    return None


def flag_post(actor: User, post: Post, reason: str) -> Flag:
    get_thread(actor, post.thread_id)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(_("Say what is wrong with this post."), {"reason": [_("Say what is wrong with this post.")]})
    if len(reason) > MAX_FLAG_REASON:
        message = _("At most %(max)d characters.", max=MAX_FLAG_REASON)
        raise ValidationFailed(message, {"reason": [message]})
    why_not = flag_refusal(actor, post)
    if why_not:
        raise ConflictError(why_not)
    flag = Flag(post_id=post.id, reporter_id=actor.id, reason=reason, created_at=utcnow())
    db.session.add(flag)
    db.session.flush()
    return flag


def set_hidden(actor: User, post: Post, hidden: bool, note: str | None = None) -> None:
    require_moderator(actor)
    thread = get_thread(actor, post.thread_id)
    if post.hidden == hidden:
        return
    post.hidden = hidden
    db.session.flush()
    _log(actor, "post.hidden" if hidden else "post.restored", thread_id=thread.id, post_id=post.id, note=note)
    if hidden and post.author_id and may_hear(post.author, thread):
        notify_many([post.author_id], "discussion_hidden", actor=actor, link=thread_link(thread.id, post.id), thread=thread.title)


def resolve_flag(actor: User, flag_id: int, outcome: str, note: str | None = None) -> Flag:
    """Decide on a report: hide the post or dismiss the report. Other open reports of the
    same post are resolved alike."""
    require_moderator(actor)
    if outcome not in FLAG_OUTCOMES:
        message = _("Choose whether to hide the post or dismiss the report.")
        raise ValidationFailed(message, {"outcome": [message]})
    flag = db.session.get(Flag, flag_id)
    if flag is None:
        raise NotFoundError(_("No such report."))
    post = get_post(actor, flag.post_id)
    if flag.resolved_at is not None:
        raise ConflictError(_("This report was resolved already."))
    if outcome == "hidden":
        set_hidden(actor, post, True, note=note)
    now = utcnow()
    db.session.execute(
        update(Flag)
        .where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=actor.id, outcome=outcome)
        .execution_options(synchronize_session=False)
    )
    _log(actor, "flag." + outcome, thread_id=post.thread_id, post_id=post.id, note=note, data={"flag_id": flag.id})
    db.session.expire(flag)
    return flag


def set_locked(actor: User, thread: Thread, locked: bool, note: str | None = None) -> None:
    require_moderator(actor)
    if thread.locked != locked:
        thread.locked = locked
        db.session.flush()
        _log(actor, "thread.locked" if locked else "thread.unlocked", thread_id=thread.id, note=note)


def set_pinned(actor: User, thread: Thread, pinned: bool, note: str | None = None) -> None:
    require_moderator(actor)
    if thread.pinned != pinned:
        thread.pinned = pinned
        db.session.flush()
        _log(actor, "thread.pinned" if pinned else "thread.unpinned", thread_id=thread.id, note=note)


def move_thread(actor: User, thread: Thread, category_id: int, note: str | None = None) -> None:
    require_moderator(actor)
    target = db.session.get(Category, category_id)
    if target is None or not can_see(actor, target):
        raise ValidationFailed(_("Choose a category."), {"category": [_("Choose a category.")]})
    if target.id == thread.category_id:
        return
    source = thread.category
    thread.category_id = target.id
    db.session.flush()
    db.session.expire(thread, ["category"])
    _log(actor, "thread.moved", thread_id=thread.id, note=note,
         data={"from": source.slug, "to": target.slug, "names": _names_of(source, target)})


MAX_REMOVAL_REASON = 1000


def _category_link(thread: Thread) -> str:
    return f"/community/c/{thread.category.slug}"


def remove_thread(actor: User, thread: Thread, reason: str | None = None) -> None:
    """Take a thread down (soft: kept, restorable). Members no longer find it anywhere; it
    answers 404 like a thread that never was. The author is told, with the reason if given
    (their notification leads to the category: the thread is out of their sight)."""
    require_moderator(actor)
    reason = " ".join((reason or "").split()) or None
    if reason is not None and len(reason) > MAX_REMOVAL_REASON:
        message = _("At most %(max)d characters.", max=MAX_REMOVAL_REASON)
        raise ValidationFailed(message, {"reason": [message]})
    if thread.removed_at is not None:
        return
    thread.removed_at = utcnow()
    thread.removed_by_id = actor.id
    thread.removal_reason = reason
    db.session.flush()
    _log(actor, "thread.removed", thread_id=thread.id, note=reason)
    if thread.author_id and may_hear(thread.author, thread):
        link = _category_link(thread)
        if reason:
            notify_many([thread.author_id], "discussion_removed_reason", actor=actor, link=link, thread=thread.title,
                        reason=reason)
        else:
            notify_many([thread.author_id], "discussion_removed", actor=actor, link=link, thread=thread.title)


def restore_thread(actor: User, thread: Thread, note: str | None = None) -> None:
    """Bring a removed thread back as it was; its author, told of the removal, is told of this too."""
    require_moderator(actor)
    if thread.removed_at is None:
        return
    thread.removed_at = None
    thread.removed_by_id = None
    thread.removal_reason = None
    db.session.flush()
    _log(actor, "thread.restored", thread_id=thread.id, note=note)
    if thread.author_id and may_hear(thread.author, thread):
        notify_many([thread.author_id], "discussion_restored", actor=actor, link=thread_link(thread.id), thread=thread.title)
