"""Who may see and do what in the community, the checks every discussion service starts from,
and a thread's address.

Who may do what:
- a category with visibility "mentors" exists only for mentors, change managers and admins
  (404 for everyone else, threads and posts in it too);
- moderators (change managers, admins) hide/restore posts, lock/pin/move threads, remove
  and restore threads, resolve flags, may post in locked threads and edit or delete any post
  or change any thread's title and topics; every such act is logged;
- a removed thread is gone for everyone else: 404 like a thread that never was, in no list,
  search, count or notification; moderators still open it (and restore it);
- authors edit and delete their own posts, and change their own thread's title and topics
  (not in a locked thread, not once hidden).
"""

from __future__ import annotations

from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, joinedload, lazyload
from sqlalchemy.orm.strategy_options import _AbstractLoad

from community.accounts.models import User
from community.discussions.models import MODERATOR_ROLES, Category, Post, Thread
from community.discussions.visibility import sees_mentor_areas
from community.errors import NotFoundError, PermissionDenied
from community.extensions import db


def is_moderator(user: User) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(*MODERATOR_ROLES))


def can_see(user: User, category: Category | ThreadFacts | ReplyTarget) -> bool:
    return category.visibility == "members" or sees_mentor_areas(user)


def may_hear(person: User | None, thread: Thread | ReplyTarget) -> bool:
    """Whether `person` may be told about something in `thread`: active, and able to see it."""
    where = thread.category if isinstance(thread, Thread) else thread
    return person is not None and person.active and can_see(person, where)


def can_edit(user: User, post: Post) -> bool:
    if post.deleted_at is not None:
        return False
    if is_moderator(user):
        return True
    return post.author_id == user.id and not post.hidden


def can_delete(user: User, post: Post) -> bool:
    """Like can_edit: not once hidden (unless a moderator deletes). A locked thread is checked
    apart, as for editing: by delete_post, and by the page, which knows the thread."""
    if post.deleted_at is not None:
        return False
    if is_moderator(user):
        return True
    return post.author_id == user.id and not post.hidden


def can_see_history(user: User, post: Post) -> bool:
    return is_moderator(user) or (post.author_id is not None and post.author_id == user.id)


def get_category(user: User, slug_or_id: str | int) -> Category:
    column = Category.id if isinstance(slug_or_id, int) else Category.slug
    category = db.session.scalar(select(Category).where(column == slug_or_id))
    if category is None or not can_see(user, category):
        raise NotFoundError(_("No such category."))
    return category


def _people_plain(relationship: InstrumentedAttribute[User | None]) -> _AbstractLoad:
    """Load people shown by name only, without their roles and languages."""
    return joinedload(relationship).options(lazyload(User.role_rows), lazyload(User.language_rows))


# Threads and posts show their people by name: no need for roles and languages.
THREAD_LOADS = (_people_plain(Thread.author), _people_plain(Thread.last_poster))
POST_LOADS = (_people_plain(Post.author),)
THREAD_ONLY = (lazyload(Thread.author), lazyload(Thread.last_poster))


class ThreadFacts(NamedTuple):
    """What a kept thread page needs to know before it is looked up: who may see it (the
    category's visibility; removed: moderators only), whether it is locked, how many posts it
    has, who started it (they may change its title). Defaults: facts kept before these were."""

    id: int
    visibility: str
    locked: bool
    post_count: int
    removed: bool = False
    author_id: int | None = None


class ReplyTarget(NamedTuple):
    """What a reply needs of its thread, read before the write begins (`reply_target`): the
    thread, its category, who follows it, which of them may want the reply e-mailed at once
    (None: any of them), whether the replier chose a level for the thread already (None:
    not known) and whether a moderator removed it. `followers` is None when they are to be
    looked up in the reply's own transaction."""

    id: int
    category_id: int
    visibility: str
    locked: bool
    title: str
    followers: tuple[int, ...] | None = None
    emailed: frozenset[int] | None = None
    subscribed: bool | None = None
    removed: bool = False

    @classmethod
    def of(cls, thread: Thread) -> ReplyTarget:
        return cls(thread.id, thread.category_id, thread.category.visibility, thread.locked, thread.title,
                   removed=thread.removed)


def visible_thread(user: User, thread_id: int) -> ThreadFacts:
    """get_thread's answer without loading the thread (remembered until the community changes);
    404 the same way for a missing thread, a removed one and one in a category the reader may
    not see."""
    from community.caching import cached

    def load() -> ThreadFacts | tuple[()]:
        row = db.session.execute(
            select(Thread.id, Category.visibility, Thread.locked, Thread.post_count, Thread.removed_at, Thread.author_id)
            .join(Category, Category.id == Thread.category_id).where(Thread.id == thread_id)).first()
        if row is None:
            return ()
        return ThreadFacts(row[0], row[1], bool(row[2]), row[3], row[4] is not None, row[5])

    facts: ThreadFacts | tuple[()] = cached(("thread-facts", thread_id), load)
    if not isinstance(facts, ThreadFacts) or not can_see(user, facts) or (facts.removed and not is_moderator(user)):
        raise NotFoundError(_("No such thread."))
    return facts


def get_thread(user: User, thread_id: int, *, people: bool = True) -> Thread:
    """A thread the person may see (404 otherwise: also a removed one, but for moderators),
    with its category; with its author and last poster unless `people` is False (answering
    with a new post shows neither)."""
    thread = db.session.get(Thread, thread_id, options=THREAD_LOADS if people else THREAD_ONLY)
    if thread is None or not can_see(user, thread.category) or (thread.removed_at is not None and not is_moderator(user)):
        raise NotFoundError(_("No such thread."))
    return thread


def get_post(user: User, post_id: int) -> Post:
    post = db.session.get(Post, post_id, options=POST_LOADS)
    if post is None:
        raise NotFoundError(_("No such thread."))  # like a post in a thread the caller may not see
    get_thread(user, post.thread_id)
    return post


def thread_of(post: Post) -> Thread:
    thread = db.session.get(Thread, post.thread_id)
    if thread is None:
        raise NotFoundError(_("No such thread."))
    return thread


def require_moderator(user: User) -> None:
    if not is_moderator(user):
        raise PermissionDenied(_("Only moderators (change managers and administrators) may do this."))


def thread_link(thread_id: int, post_id: int | None = None) -> str:
    """The fixed address /threads/<id>; with a post, one that opens the page holding it."""
    if post_id is None:
        return f"/threads/{thread_id}"
    return f"/threads/{thread_id}?post={post_id}#post-{post_id}"
