"""Who may see which discussions, in a module of its own that needs no other feature: the
e-mails of community.outreach ask it whether a notification's thread is still in sight, and
community.discussions.access builds on it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Integer, and_, cast, exists, func, not_, or_, select

from community.accounts.models import User
from community.discussions.models import MENTOR_AREA_ROLES, Category, Thread
from community.extensions import db
from community.notifications.models import Notification
from community.notifications.services import register_in_sight


def sees_mentor_areas(user: User) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(*MENTOR_AREA_ROLES))


def visible_categories_clause(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Category: the categories this person may see."""
    if sees_mentor_areas(user):
        return Category.id.is_not(None)
    return Category.visibility == "members"


def visible_threads_clause(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Thread joined with its Category: the threads this person may find in
    lists, search, counts and notifications. A thread a moderator removed is in none of them,
    for moderators neither (they open it from the moderation page's list of removed threads);
    removed threads are rare, so the condition is a filter on rows read anyway, not a query."""
    return and_(visible_categories_clause(user), Thread.removed_at.is_(None))


_THREAD_LINK = re.compile(r"/threads/(\d+)(?:[?#]|$)")


def still_visible(user: User, notes: Iterable[Notification]) -> list[Notification]:
    """The notifications among `notes` about threads `user` can still see (the thread may have
    moved to a mentors-only category since, or the person lost the role, or a moderator
    removed it, or it is gone);
    notifications about anything else pass unchanged."""
    notes = list(notes)
    threads = {note.id: int(found.group(1)) for note in notes
               if note.link and (found := _THREAD_LINK.match(note.link))}
    if not threads:
        return notes
    seen = set(db.session.scalars(
        select(Thread.id).join(Category, Category.id == Thread.category_id)
        .where(Thread.id.in_(set(threads.values())), visible_threads_clause(user))
    ))
    return [note for note in notes if note.id not in threads or threads[note.id] in seen]


_THREAD_PREFIX = "/threads/"


def _linked_thread_id() -> ColumnElement[int]:
    """The thread id of a notification's link (`/threads/12`, `/threads/12?post=3#post-3`)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.substring(Notification.link, r"^/threads/([0-9]+)"), Integer)
    # SQLite's CAST reads the leading digits and stops at "?" or "#".
    return cast(func.substr(Notification.link, len(_THREAD_PREFIX) + 1), Integer)


def notification_in_sight(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Notification, `still_visible` in SQL: a notification about a thread
    only while the thread exists, not removed, in a category the person may see (found by the
    thread's primary key, so it costs the same however many threads there are)."""
    return or_(
        Notification.link.is_(None),
        not_(Notification.link.like(_THREAD_PREFIX + "%")),
        exists().where(Thread.id == _linked_thread_id(), Category.id == Thread.category_id, visible_threads_clause(user)),
    )


register_in_sight(notification_in_sight)
