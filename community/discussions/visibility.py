"""Who may see which discussions, in a module of its own that needs no other feature: the
e-mails of community.outreach ask it whether a notification's thread is still in sight, and
community.discussions.services (which re-exports these) builds on it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import ColumnElement, select

from community.accounts.models import User
from community.discussions.models import MENTOR_AREA_ROLES, Category, Thread
from community.extensions import db
from community.notifications.models import Notification


def sees_mentor_areas(user: User) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(*MENTOR_AREA_ROLES))


def visible_categories_clause(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Category: the categories this person may see."""
    if sees_mentor_areas(user):
        return Category.id.is_not(None)
    return Category.visibility == "members"


_THREAD_LINK = re.compile(r"/threads/(\d+)(?:[?#]|$)")


def still_visible(user: User, notes: Iterable[Notification]) -> list[Notification]:
    """The notifications among `notes` about threads `user` can still see (the thread may have
    moved to a mentors-only category since, or the person lost the role, or it is gone);
    notifications about anything else pass unchanged."""
    notes = list(notes)
    threads = {note.id: int(found.group(1)) for note in notes
               if note.link and (found := _THREAD_LINK.match(note.link))}
    if not threads:
        return notes
    seen = set(db.session.scalars(
        select(Thread.id).join(Category, Category.id == Thread.category_id)
        .where(Thread.id.in_(set(threads.values())), visible_categories_clause(user))
    ))
    return [note for note in notes if note.id not in threads or threads[note.id] in seen]
