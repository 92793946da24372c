"""Subscriptions: watching, following normally or muting a thread, a category or a topic, and
who hears of a new thread or a reply. Flushes, never commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Executable,
    Integer,
    Select,
    and_,
    bindparam,
    exists,
    or_,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from community.accounts.models import User, UserRole
from community.database import utcnow
from community.discussions.access import ReplyTarget, get_category, get_thread
from community.discussions.models import (
    LEVELS,
    MENTOR_AREA_ROLES,
    TARGET_KINDS,
    Category,
    MentionRelink,
    Subscription,
    Thread,
    ThreadTag,
)
from community.errors import NotFoundError, ValidationFailed
from community.expertise.models import Tag
from community.extensions import db


def _insert_ignore(model: type[Subscription] | type[MentionRelink]) -> postgresql.Insert | sqlite.Insert:
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model.__table__)
    return sqlite.insert(model.__table__)


_WATCH_BY_DEFAULT: dict[str, Executable] = {}


def watch_by_default(user_id: int, thread_id: int) -> None:
    """Authors and repliers watch their threads, unless they chose a level before (one
    statement per database, built once and run with bound values: every reply runs it)."""
    dialect = db.session.get_bind().dialect.name
    stmt = _WATCH_BY_DEFAULT.get(dialect)
    if stmt is None:
        stmt = _WATCH_BY_DEFAULT[dialect] = _insert_ignore(Subscription).values(
            user_id=bindparam("watcher", type_=Integer), target_kind="thread",
            target_id=bindparam("watched_thread", type_=Integer), level="watching",
            updated_at=bindparam("moment", type_=Subscription.__table__.c.updated_at.type),
        ).on_conflict_do_nothing(index_elements=["user_id", "target_kind", "target_id"])
    db.session.execute(stmt, {"watcher": user_id, "watched_thread": thread_id, "moment": utcnow()})


def remembered_subscription_level(user: User, kind: str, target_id: int) -> str | None:
    """subscription_level, remembered until the community's data (subscriptions with it) changes."""
    from community.caching import cached

    return cached(("subscription", user.id, kind, target_id), lambda: subscription_level(user, kind, target_id) or "") or None


def subscription_level(user: User, kind: str, target_id: int) -> str | None:
    return db.session.scalar(
        select(Subscription.level).where(
            Subscription.user_id == user.id, Subscription.target_kind == kind, Subscription.target_id == target_id
        )
    )


def set_subscription(user: User, kind: str, target_id: int, level: str) -> Subscription:
    """Watch, follow normally or mute a thread, a category or a tag (which must be visible)."""
    if kind not in TARGET_KINDS:
        raise NotFoundError(_("Nothing to follow here."))
    if level not in LEVELS:
        raise ValidationFailed(_("Choose watching, normal or muted."), {"level": [_("Choose watching, normal or muted.")]})
    if kind == "thread":
        get_thread(user, target_id)
    elif kind == "category":
        get_category(user, target_id)
    elif db.session.get(Tag, target_id) is None:
        raise NotFoundError(_("No such topic."))
    subscription = db.session.scalar(
        select(Subscription).where(
            Subscription.user_id == user.id, Subscription.target_kind == kind, Subscription.target_id == target_id
        )
    )
    if subscription is None:
        subscription = Subscription(user_id=user.id, target_kind=kind, target_id=target_id, level=level)
        db.session.add(subscription)
    else:
        subscription.level = level
    db.session.flush()
    return subscription


def _targets(subscription: type[Subscription], targets: list[tuple[str, int]]) -> ColumnElement[bool]:
    """`(kind, id) in targets` written as OR of equalities, which both databases answer from the
    index on (target_kind, target_id, level); SQLite uses only its first column for a row
    value IN list."""
    return or_(*(and_(subscription.target_kind == kind, subscription.target_id == target_id)
                 for kind, target_id in targets))


def _recipients(watch: list[tuple[str, int]], mute: list[tuple[str, int]], category: Category,
                exclude: Iterable[int]) -> list[int]:
    """People watching any of `watch`, minus anyone who muted any of `mute` (muted wins),
    minus people who cannot see the category.

    The mute is looked up per watcher (NOT EXISTS on the unique (user, kind, id) index), so a
    reply costs the same however many subscriptions the community holds."""
    muted = aliased(Subscription)
    stmt = (
        select(Subscription.user_id)
        .join(User, User.id == Subscription.user_id)
        .where(
            _targets(Subscription, watch),
            Subscription.level == "watching",
            ~exists().where(muted.user_id == Subscription.user_id, _targets(muted, mute), muted.level == "muted"),
            User.active.is_(True),
        )
        .distinct()
    )
    if category.visibility != "members":
        stmt = stmt.where(
            exists().where(UserRole.user_id == Subscription.user_id, UserRole.role.in_(MENTOR_AREA_ROLES))
        )
    skip = set(exclude)
    return [uid for uid in db.session.scalars(stmt) if uid not in skip]


def _on_thread_or_around(thread_id: Any, category_id: Any, topics: Any) -> ColumnElement[bool]:
    """A subscription to the thread, to its category or to one of its topics."""
    return or_(
        and_(Subscription.target_kind == "thread", Subscription.target_id == thread_id),
        and_(Subscription.target_kind == "category", Subscription.target_id == category_id),
        and_(Subscription.target_kind == "tag", Subscription.target_id.in_(topics)),
    )


def _reply_recipients_stmt(mentor_area: bool) -> Select[int]:
    """People who hear about a reply, in one statement (built once, run with bound values):
    those watching the thread, and those watching its category or one of its topics unless
    they chose "normal" for the thread itself (a thread's own level wins over its category's
    and topics'); minus anyone who muted the thread, the category or one of its topics (muted
    wins), minus inactive people, and in a mentors-only category minus people who cannot see
    it. A watcher of the thread has no other row for it, so one NOT EXISTS on the unique
    (user, kind, id) index covers both refusals."""
    thread_id, category_id = bindparam("thread_id", type_=Integer), bindparam("category_id", type_=Integer)
    other = aliased(Subscription)
    thread_topics = select(ThreadTag.tag_id).where(ThreadTag.thread_id == thread_id).scalar_subquery()
    stmt = (
        select(Subscription.user_id)
        .join(User, User.id == Subscription.user_id)
        .where(
            _on_thread_or_around(thread_id, category_id, thread_topics),
            Subscription.level == "watching",
            ~exists().where(
                other.user_id == Subscription.user_id,
                or_(
                    and_(other.target_kind == "thread", other.target_id == thread_id,
                         other.level.in_(["muted", "normal"])),
                    and_(other.target_kind == "category", other.target_id == category_id, other.level == "muted"),
                    and_(other.target_kind == "tag", other.target_id.in_(thread_topics), other.level == "muted"),
                ),
            ),
            User.active.is_(True),
        )
        .distinct()
    )
    if mentor_area:
        stmt = stmt.where(
            exists().where(UserRole.user_id == Subscription.user_id, UserRole.role.in_(MENTOR_AREA_ROLES))
        )
    return stmt


_REPLY_RECIPIENTS = {False: _reply_recipients_stmt(False), True: _reply_recipients_stmt(True)}


def reply_recipients(thread: Thread | ReplyTarget, exclude: Iterable[int]) -> list[int]:
    """Followers told about a reply in `thread` (see `_reply_recipients_stmt`), minus `exclude`."""
    target = thread if isinstance(thread, ReplyTarget) else ReplyTarget.of(thread)
    skip = set(exclude)
    if target.followers is not None:
        return [uid for uid in target.followers if uid not in skip]
    stmt = _REPLY_RECIPIENTS[target.visibility != "members"]
    return [uid for uid in db.session.scalars(stmt, {"thread_id": target.id, "category_id": target.category_id})
            if uid not in skip]


_REPLY_FOLLOWERS: dict[bool, tuple[str | None, Executable]] = {}


def _reply_followers(mentor_area: bool) -> tuple[str | None, Executable]:
    """What decides who follows a reply, for `reply_followers`: every subscription of an active
    person to the thread, its category or one of its topics, with its kind and level, whether
    the person chose to have replies e-mailed at once (community.outreach.services
    .at_once_choice) and, in a mentors-only category, whether they may see it; and the choice's
    key, or None when anyone may want it (then every follower is a candidate).

    The rules of `_reply_recipients_stmt` are applied to these rows in Python: written as one
    statement with NOT EXISTS and subqueries, PostgreSQL planned it afresh for every reply
    (it kept choosing custom plans), which cost it more than running it."""
    found = _REPLY_FOLLOWERS.get(mentor_area)
    if found is None:
        from community.outreach.models import NotificationPreference
        from community.outreach.services import at_once_choice

        thread_id, category_id = bindparam("thread_id", type_=Integer), bindparam("category_id", type_=Integer)
        thread_topics = select(ThreadTag.tag_id).where(ThreadTag.thread_id == thread_id).scalar_subquery()
        chose = exists().where(NotificationPreference.user_id == Subscription.user_id,
                               NotificationPreference.kind == bindparam("pref_key"),
                               NotificationPreference.mode == "immediately")
        sees = (exists().where(UserRole.user_id == Subscription.user_id, UserRole.role.in_(MENTOR_AREA_ROLES))
                if mentor_area else true())
        stmt = (
            select(Subscription.user_id, Subscription.target_kind, Subscription.level, chose, sees)
            .join(User, User.id == Subscription.user_id)
            .where(_on_thread_or_around(thread_id, category_id, thread_topics), User.active.is_(True))
        )
        found = _REPLY_FOLLOWERS[mentor_area] = (at_once_choice("discussion_reply"), stmt)
    return found


def reply_followers(rows: Iterable[tuple[int, str, str, bool, bool]]) -> list[tuple[int, bool]]:
    """The followers of a reply from `_reply_followers`' rows, each with their e-mail choice,
    by the rules of `_reply_recipients_stmt`: watching the thread, its category or a topic;
    not if they muted any of them or chose "normal" for the thread itself (a thread's own
    level wins); only those who may see the category."""
    watching: dict[int, bool] = {}
    refused: set[int] = set()
    for user_id, kind, level, at_once, sees in rows:
        if not sees or level == "muted" or (kind == "thread" and level == "normal"):
            refused.add(user_id)
        elif level == "watching":
            watching[user_id] = bool(at_once)
    return sorted((user_id, at_once) for user_id, at_once in watching.items() if user_id not in refused)


def _muted_among(user_ids: Iterable[int], mute: list[tuple[str, int]]) -> set[int]:
    ids = list(user_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Subscription.user_id).where(
                Subscription.user_id.in_(ids),
                _targets(Subscription, mute),
                Subscription.level == "muted",
            )
        )
    )
