"""Who may name, link or pre-fill whom.

People hidden from the directory cannot be found, named or linked by ordinary members
anywhere (mentions, nominations, pre-filled forms), except by people already in a mentorship
or a thread with them. They themselves, change managers and admins (who see hidden profiles)
always may.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import and_, or_, select

from community.accounts.models import User
from community.extensions import db


class Listed(Protocol):
    """What the rule reads of a person: a User, or a row selected with these three columns."""

    @property
    def id(self) -> int: ...
    @property
    def active(self) -> bool: ...
    @property
    def directory_visible(self) -> bool: ...


def nameable_ids(viewer: User, people: Iterable[Listed], *, thread_id: int | None = None) -> set[int]:
    """The ids among `people` that `viewer` may name or link (inactive people: never)."""
    from community.profiles.services import sees_hidden

    allowed: set[int] = set()
    hidden: list[int] = []
    for person in people:
        if not person.active:
            continue
        if person.directory_visible or person.id == viewer.id or sees_hidden(viewer):
            allowed.add(person.id)
        else:
            hidden.append(person.id)
    if hidden:
        allowed |= _related(viewer.id, hidden, thread_id)
    return allowed


def may_name(viewer: User, person: User, *, thread_id: int | None = None) -> bool:
    return person.id in nameable_ids(viewer, [person], thread_id=thread_id)


def _related(viewer_id: int, hidden: list[int], thread_id: int | None) -> set[int]:
    """Hidden people already in a mentorship with the viewer, or who wrote in a thread the
    viewer wrote in (or in `thread_id`, the thread being written in)."""
    from community.discussions.models import Post
    from community.mentoring.models import Mentorship

    related = set()
    for mentor_id, executive_id in db.session.execute(
        select(Mentorship.mentor_id, Mentorship.executive_id).where(or_(
            and_(Mentorship.mentor_id == viewer_id, Mentorship.executive_id.in_(hidden)),
            and_(Mentorship.executive_id == viewer_id, Mentorship.mentor_id.in_(hidden)),
        ))
    ):
        related.add(executive_id if mentor_id == viewer_id else mentor_id)
    threads = select(Post.thread_id).where(Post.author_id == viewer_id)
    shared = or_(Post.thread_id.in_(threads), Post.thread_id == thread_id) if thread_id else Post.thread_id.in_(threads)
    related |= set(db.session.scalars(
        select(Post.author_id).where(Post.author_id.in_(hidden), shared, Post.deleted_at.is_(None)).distinct()
    ))
    return related


def person_by_handle(term: str, viewer: User) -> User | None:
    """Find a person by @handle, or by e-mail for those who see e-mail addresses (change
    managers, admins, the person), for forms that take a person (a nomination, a handover).
    Someone the viewer may not name is not found, exactly like nobody."""
    term = term.strip().lstrip("@").lower()
    if not term:
        return None
    by_email = "@" in term
    if by_email and not viewer.has_role("change_manager", "admin") and term != viewer.email:
        return None  # an e-mail address would confirm that an account exists, and name it
    person: User | None = db.session.scalar(
        select(User).where(User.email == term if by_email else User.handle == term, User.active.is_(True))
    )
    if person is None or not may_name(viewer, person):
        return None
    return person
