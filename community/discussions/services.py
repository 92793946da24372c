"""Changes to the community: threads, posts, edits, deletes, mentions, subscriptions, flags,
moderation. Services flush and never commit; the request commits once.

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

import calendar
import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, NamedTuple

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Executable,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import (
    InstrumentedAttribute,
    aliased,
    joinedload,
    lazyload,
    make_transient_to_detached,
)
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.strategy_options import _AbstractLoad
from sqlalchemy.orm.util import identity_key

from community import tasks
from community.accounts import services as accounts
from community.accounts.models import User, UserRole
from community.database import rowcount, utcnow
from community.discussions.models import (
    FLAG_OUTCOMES,
    LEVELS,
    MAX_BODY_CHARS,
    MAX_TITLE_CHARS,
    MENTOR_AREA_ROLES,
    MODERATOR_ROLES,
    TARGET_KINDS,
    VISIBILITIES,
    Category,
    Flag,
    Mention,
    MentionRelink,
    ModerationAction,
    Post,
    PostRevision,
    Subscription,
    Thread,
    ThreadTag,
)
from community.discussions.visibility import (
    sees_mentor_areas,
)
from community.errors import ConflictError, NotFoundError, PermissionDenied, ValidationFailed
from community.expertise.models import Tag
from community.expertise.services import resolve_tags
from community.extensions import db
from community.markdown import render_with_mentions
from community.notifications.services import notify_many, register_kind
from community.unit_of_work import read_apart

MAX_TAGS = 5
MAX_MENTIONS = 50  # more handles than this in one post are not notified (no mass pings)
MAX_FLAG_REASON = 1000

register_kind("discussion_mention", _l("%(actor)s mentioned you in “%(thread)s”"))
register_kind("discussion_reply", _l("%(actor)s replied in “%(thread)s”"))
register_kind("discussion_thread", _l("%(actor)s started “%(thread)s” in %(category)s"))
register_kind("discussion_hidden", _l("A moderator hid your post in “%(thread)s”"))
register_kind("discussion_removed", _l("A moderator removed your thread “%(thread)s”"))
register_kind("discussion_removed_reason", _l("A moderator removed your thread “%(thread)s”: %(reason)s"))
register_kind("discussion_restored", _l("A moderator restored your thread “%(thread)s”"))


class BodyTooLong(ValidationFailed):
    """An oversized post: a field error on forms, 413 in the API."""

    status = 413
    code = "too_large"


# Who may see and do what ---------------------------------------------------------------------

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


# Bodies, titles, rendering --------------------------------------------------------------------

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
    if len(title) > MAX_TITLE_CHARS:
        message = _("Titles have at most %(max)d characters.", max=MAX_TITLE_CHARS)
        raise ValidationFailed(message, {"title": [message]})
    return title


def profile_path(user_id: int) -> str:
    return f"/people/{user_id}"


def render_body(body: str, actor: User | None = None, *, thread_id: int | None = None,
                never: int | None = None) -> tuple[str, list[User]]:
    """Sanitised HTML with @handles linked to profiles, and the people mentioned.

    The Markdown is parsed once and one query resolves every handle of the post. A person
    hidden from the directory is linked (and notified) only when the writer may name them
    (community.profiles.naming): otherwise "@handle" stays plain text, as for nobody.
    """
    people: dict[str, User] = {}

    def resolve_all(handles: set[str]) -> dict[str, str]:
        wanted = sorted(handles)[: MAX_MENTIONS * 2]
        # "@anna.berg." at the end of a sentence: the trailing dot is punctuation.
        candidates = sorted(set(wanted) | {h.rstrip("._-") for h in wanted})
        found = {u.handle.lower(): u for u in db.session.scalars(
            select(User).where(User.handle.in_(candidates), User.active.is_(True))
        ) if u.id != never}  # never: a person being erased
        if actor is not None and found:
            from community.profiles.naming import nameable_ids

            allowed = nameable_ids(actor, found.values(), thread_id=thread_id)
            found = {handle: user for handle, user in found.items() if user.id in allowed}
        elif found:  # no writer (erased): only people everyone may name
            found = {handle: user for handle, user in found.items() if user.directory_visible}
        urls = {}
        for handle in wanted:
            user = found.get(handle) or found.get(handle.rstrip("._-"))
            if user is not None:
                people[handle] = user
                urls[handle] = profile_path(user.id)
        return urls

    html, _handles = render_with_mentions(body, resolve_all)
    mentioned = {user.id: user for _handle, user in sorted(people.items())}
    return html, list(mentioned.values())[:MAX_MENTIONS]


def naming_posts(person: User) -> ColumnElement[bool]:
    """The posts that mention a person: those that notified them (Mention rows) and any whose
    text or page holds "@handle" or links them — written while the writer could not name them,
    to oneself, in a category they cannot see, beyond the mentions a post notifies. A few may
    merely look alike ("@anna.bergmann"); rendering them anew changes nothing."""
    handle = f"@{person.handle.lower()}"
    return or_(
        Post.id.in_(select(Mention.post_id).where(Mention.user_id == person.id)),
        func.lower(Post.body).contains(handle, autoescape=True),
        # As rendered: a link to them, or their handle as the reader sees it however it was
        # written ("_@anna.berg_", "@anna\\.berg").
        Post.html.contains(f'href="{profile_path(person.id)}"', autoescape=True),
        func.lower(Post.html).contains(handle, autoescape=True),
    )


def relink_mentions_of(person: User) -> int:
    """Whether others may see a person changed (hidden from the directory, deactivated, back
    again): the posts that told them (Mention rows, indexed) are rendered anew, as if written
    now, so "@handle" links to the profile only while its writer may name them — never to a
    page that answers "not found". The other posts naming them follow in the background
    (`relink_queued_mentions`). A post edited meanwhile keeps the HTML of its new text.
    Returns how many posts changed."""
    posts = db.session.scalars(select(Post).where(
        Post.id.in_(select(Mention.post_id).where(Mention.user_id == person.id))).order_by(Post.id))
    changes = [Render(post.id, post.body, post.html, html) for post in posts
               if (html := render_body(post.body, post.author, thread_id=post.thread_id)[0]) != post.html]
    return _store_renders(changes)[0]


class Render(NamedTuple):
    """A post rendered anew: its text and HTML as read, and the new HTML."""

    post_id: int
    body: str
    html_read: str
    html: str


def _store_renders(changes: list[Render]) -> tuple[int, int]:
    """The posts' new HTML, each only while its text and HTML are still the ones read (an edit
    or another rendering meanwhile wins). Returns (stored, refused)."""
    stored = refused = 0
    for change in changes:
        if rowcount(db.session.execute(
            update(Post).where(Post.id == change.post_id, Post.body == change.body, Post.html == change.html_read)
            .values(html=change.html).execution_options(synchronize_session=False)
        )):
            stored += 1
        else:
            refused += 1
        post = db.session.identity_map.get(identity_key(Post, change.post_id))
        if post is not None:
            db.session.expire(post, ["html"])
    return stored, refused


RELINK_BATCH = 200  # people per run: one pass over the posts covers them all
RELINK_STALE = timedelta(minutes=15)  # a queued person whose run never came is queued again


def _on_visibility_change(person: User) -> None:
    """The posts that link or told them change at once (they are indexed); the rest — a mention
    written while they were hidden, to oneself, in a category they cannot see — follow in the
    background, which reads the text of every post that holds an "@" (seconds at a million
    posts, not the request's to wait for). The person is queued once however often they change
    before it runs, and one run covers everyone queued: a mass deactivation through SCIM reads
    the posts once, not once per person."""
    relink_mentions_of(person)
    _queue_relink([person.id])


def _queue_relink(user_ids: list[int]) -> None:
    """Queue people for `relink_queued_mentions` (again: their time moves on) and ask for a run
    unless one was asked for lately."""
    now = utcnow()
    recent = set(db.session.scalars(select(MentionRelink.user_id).where(
        MentionRelink.user_id.in_(user_ids), MentionRelink.queued_at >= now - RELINK_STALE)))
    for user_id in user_ids:
        db.session.execute(_insert_ignore(MentionRelink).values(user_id=user_id, queued_at=now)
                           .on_conflict_do_update(index_elements=["user_id"], set_={"queued_at": now}))
    if set(user_ids) - recent:
        tasks.enqueue_once("discussions.relink_mentions")  # one run, however many change in this request


@tasks.task("discussions.relink_mentions", every=60 * 60)
def relink_queued_mentions(person_id: int | None = None) -> int:
    """Render anew every post naming someone queued by `_on_visibility_change`.

    The posts are read and rendered apart, without the write lock (SQLite: no other writer
    waits for the scan). The write then first checks, holding the queue's rows, that nobody it
    covered changed since (their queued time is the one read): otherwise what it read may be
    stale, so it writes nothing and runs again for whoever is still queued. A post is written
    only while its text and HTML are the ones read; one changed meanwhile queues the run's
    people again. The task also runs again while more people wait than one run takes, and
    hourly, for anyone whose run failed for good. `person_id`: a task queued by an earlier
    version names the person it is for. Returns how many posts changed."""
    with read_apart():
        queued = db.session.execute(select(MentionRelink.user_id, MentionRelink.queued_at)
                                    .order_by(MentionRelink.queued_at, MentionRelink.user_id).limit(RELINK_BATCH)).all()
        ids = {user_id for user_id, _at in queued} | ({int(person_id)} if person_id is not None else set())
        people = list(db.session.scalars(select(User).where(
            User.id.in_(ids), User.erased_at.is_(None)))) if ids else []  # erasure took the handle out
        changes = _renders_naming(people) if people else []
    if not ids:
        return 0
    seen = dict(queued)
    now_queued = dict(db.session.execute(  # on PostgreSQL a visibility change waits for this write
        select(MentionRelink.user_id, MentionRelink.queued_at).where(MentionRelink.user_id.in_(list(seen)))
        .with_for_update()).all()) if seen else {}
    if now_queued != seen:  # changed again, or taken by another run, since the scan
        if now_queued:
            tasks.enqueue("discussions.relink_mentions")
        return 0
    stored, refused = _store_renders(changes)
    for user_id, queued_at in queued:
        db.session.execute(delete(MentionRelink).where(MentionRelink.user_id == user_id,
                                                       MentionRelink.queued_at == queued_at))
    if refused:  # a post changed since it was read: look again
        _queue_relink([person.id for person in people])
        tasks.enqueue_once("discussions.relink_mentions")
    elif len(queued) == RELINK_BATCH:
        tasks.enqueue("discussions.relink_mentions")
    return stored


def _renders_naming(people: list[User]) -> list[Render]:
    """The posts naming any of `people` whose HTML renders differently now. Naming is what
    `naming_posts` says, matched here in one pass, whatever the number of people, over the
    posts whose text or page holds an "@": every mention is written with one, or with an
    entity the page shows as one ("&#64;anna.berg")."""
    ids = [person.id for person in people]
    told = set(db.session.scalars(select(Mention.post_id).where(Mention.user_id.in_(ids))))
    handles = re.compile("|".join(re.escape(f"@{person.handle.lower()}") for person in people), re.IGNORECASE)
    links = re.compile('href="(?:' + "|".join(re.escape(profile_path(user_id)) for user_id in ids) + ')"')
    rows = db.session.execute(
        select(Post.id, Post.body, Post.html, Post.author_id, Post.thread_id)
        .where(or_(Post.body.contains("@", autoescape=True), Post.html.contains("@", autoescape=True)))
        .order_by(Post.id).execution_options(yield_per=2000))
    changes = []
    for post_id, body, html, author_id, thread_id in rows:
        if post_id in told or handles.search(body) or handles.search(html) or links.search(html):
            author = db.session.get(User, author_id) if author_id is not None else None
            rendered = render_body(body, author, thread_id=thread_id)[0]
            if rendered != html:
                changes.append(Render(post_id, body, html, rendered))
    return changes


accounts.on_visibility_change(_on_visibility_change)


def thread_link(thread_id: int, post_id: int | None = None) -> str:
    """The fixed address /threads/<id>; with a post, one that opens the page holding it."""
    if post_id is None:
        return f"/threads/{thread_id}"
    return f"/threads/{thread_id}?post={post_id}#post-{post_id}"


# Subscriptions ----------------------------------------------------------------------------------

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
            or_(
                and_(Subscription.target_kind == "thread", Subscription.target_id == thread_id),
                and_(Subscription.target_kind == "category", Subscription.target_id == category_id),
                and_(Subscription.target_kind == "tag", Subscription.target_id.in_(thread_topics)),
            ),
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
        rows = connection.execute(followers_stmt, {"thread_id": target.id, "category_id": target.category_id,
                                                   "pref_key": pref_key}).all()
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
_REPLY_FOLLOWERS: dict[bool, tuple[str | None, Executable]] = {}


def _reply_followers(mentor_area: bool) -> tuple[str | None, Executable]:
    """The followers of a reply (`_reply_recipients_stmt`), each with whether they chose to
    have replies e-mailed at once (community.outreach.services.at_once_choice); the choice's
    key, or None when anyone may want it (then every follower is a candidate)."""
    found = _REPLY_FOLLOWERS.get(mentor_area)
    if found is None:
        from community.outreach.models import NotificationPreference
        from community.outreach.services import at_once_choice

        pref_key = at_once_choice("discussion_reply")
        chose = exists().where(NotificationPreference.user_id == Subscription.user_id,
                               NotificationPreference.kind == bindparam("pref_key"),
                               NotificationPreference.mode == "immediately")
        found = _REPLY_FOLLOWERS[mentor_area] = (pref_key, _reply_recipients_stmt(mentor_area).add_columns(chose))
    return found


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


def _notify_mentions(actor: User, post: Post, thread: Thread | ReplyTarget, people: list[User]) -> set[int]:
    """Mention rows and notifications for people newly mentioned in this post (once per post,
    only people who can see the category, muted thread or category wins)."""
    category = thread if isinstance(thread, ReplyTarget) else thread.category
    candidates = {u.id: u for u in people if u.id != getattr(actor, "id", None) and can_see(u, category)}
    if not candidates:
        return set()
    already = set(db.session.scalars(
        select(Mention.user_id).where(Mention.post_id == post.id, Mention.user_id.in_(list(candidates)))
    ))
    new_ids = [uid for uid in candidates if uid not in already]
    if not new_ids:
        return set()
    db.session.execute(Mention.__table__.insert(), [{"post_id": post.id, "user_id": uid} for uid in new_ids])
    muted = _muted_among(new_ids, [("thread", thread.id), ("category", thread.category_id)])
    told = [uid for uid in new_ids if uid not in muted]
    notify_many(told, "discussion_mention", actor=actor, link=thread_link(thread.id, post.id), thread=thread.title)
    return set(new_ids)


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
    return thread


def require_can_post(user: User, thread: Thread | ReplyTarget) -> None:
    if thread.removed:
        if not is_moderator(user):
            raise NotFoundError(_("No such thread."))  # as if it never was
        raise PermissionDenied(_("This thread was removed; restore it before replying."))
    if thread.locked and not is_moderator(user):
        raise PermissionDenied(_("This thread is locked; only moderators can reply."))


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


def delete_post(actor: User, post: Post) -> None:
    """Soft delete: the row (and its history) stays, the thread shows "deleted"."""
    thread = get_thread(actor, post.thread_id)
    if post.deleted_at is not None:
        return
    if not can_delete(actor, post):
        if post.author_id == actor.id:
            raise PermissionDenied(_("A moderator hid this post; it can no longer be deleted."))
        raise PermissionDenied(_("You can only delete your own posts."))
    if thread.locked and not is_moderator(actor):
        raise PermissionDenied(_("This thread is locked; posts can no longer be deleted."))
    post.deleted_at = utcnow()
    post.deleted_by_id = actor.id
    db.session.flush()
    if post.author_id != actor.id:
        _log(actor, "post.deleted", thread_id=thread.id, post_id=post.id)


def revisions(user: User, post: Post) -> list[PostRevision]:
    if not can_see_history(user, post):
        raise PermissionDenied(_("Only the author and moderators see the edit history."))
    return list(db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id).order_by(PostRevision.id.desc())))


# Moderation ------------------------------------------------------------------------------------

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


def flag_post(actor: User, post: Post, reason: str) -> Flag:
    get_thread(actor, post.thread_id)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(_("Say what is wrong with this post."), {"reason": [_("Say what is wrong with this post.")]})
    if len(reason) > MAX_FLAG_REASON:
        message = _("At most %(max)d characters.", max=MAX_FLAG_REASON)
        raise ValidationFailed(message, {"reason": [message]})
    if post.deleted_at is not None:
        raise ConflictError(_("This post was deleted already."))
    open_flag = db.session.scalar(
        select(Flag.id).where(Flag.post_id == post.id, Flag.reporter_id == actor.id, Flag.resolved_at.is_(None))
    )
    if open_flag is not None:
        raise ConflictError(_("You have reported this post already; moderators will look at it."))
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
        raise ValidationFailed(_("Choose hide or dismiss."), {"outcome": [_("Choose hide or dismiss.")]})
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


# Notifications for a thread ----------------------------------------------------------------------

def mark_thread_read(user: User, thread_id: int) -> int:
    """Opening a thread marks its notifications read (community.notifications.services.mark_read_about)."""
    from community.notifications.services import mark_read_about

    return mark_read_about(user, thread_link(thread_id))


def visible_post_clause() -> ColumnElement[bool]:
    return and_(Post.deleted_at.is_(None), not_(Post.hidden))


# Categories -------------------------------------------------------------------------------------

STARTER_CATEGORIES = (
    # slug, name, German name, description, German description, visibility
    ("sessions-that-worked", "Sessions that worked", "Termine, die funktioniert haben",
     "Share a mentoring session that went well: what you showed, what stuck.",
     "Teilt einen gelungenen Mentoring-Termin: was ihr gezeigt habt und was hängen blieb.", "members"),
    ("tools-and-tricks", "Tools & tricks", "Tools & Tricks",
     "Features, shortcuts and small tricks worth showing an executive.",
     "Funktionen, Abkürzungen und kleine Tricks, die man einer Führungskraft zeigen sollte.", "members"),
    ("mentor-lounge", "Mentor lounge", "Mentoren-Lounge",
     "Only for mentors (and the programme team): doubts, tough sessions, peer advice.",
     "Nur für Mentorinnen und Mentoren (und das Programmteam): Zweifel, schwierige Termine, kollegialer Rat.",
     "mentors"),
    ("ambassador-corner", "Ambassador corner", "Ambassador-Ecke",
     "Change ambassadors plan events, share materials and report from their departments.",
     "Change-Ambassadors planen Aktionen, teilen Material und berichten aus ihren Bereichen.", "members"),
    ("questions-from-staff", "Questions from staff", "Fragen aus der Belegschaft",
     "Anyone may ask the mentors about the digital workplace.",
     "Alle können den Mentorinnen und Mentoren Fragen zum digitalen Arbeitsplatz stellen.", "members"),
)


def seed_categories() -> int:
    """The starter categories, when there are none yet; returns how many were created."""
    if db.session.scalar(select(Category.id).limit(1)) is not None:
        return 0
    for position, (slug, name, name_de, description, description_de, visibility) in enumerate(STARTER_CATEGORIES, 1):
        db.session.add(Category(slug=slug, name=name, name_de=name_de, description=description,
                                description_de=description_de, visibility=visibility, position=position))
    db.session.flush()
    return len(STARTER_CATEGORIES)


def _category_fields(name: str | None, name_de: str | None, description: str | None, description_de: str | None,
                     visibility: str | None, position: int | None) -> dict[str, Any]:
    name = " ".join((name or "").split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the category a name.")]
    elif len(name) > 120:
        errors["name"] = [_("At most %(n)d characters.", n=120)]
    if visibility not in VISIBILITIES:
        errors["visibility"] = [_("Choose who sees the category.")]
    if position is None:
        position = 0
    if not isinstance(position, int) or not 0 <= position <= 1000:
        errors["position"] = [_("A number from 0 to 1000.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)

    def clean(text: str | None) -> str | None:
        return (text or "").strip() or None

    return {"name": name, "name_de": clean(name_de), "description": clean(description),
            "description_de": clean(description_de), "visibility": visibility, "position": position}


def _check_names_free(fields: dict[str, Any], category_id: int | None = None) -> None:
    """No two categories share a name, in either language and whatever the case ("tools &
    TRICKS" is "Tools & tricks"; a German name may not be another category's English one)."""
    taken: dict[str, str] = {}
    for other_id, name, name_de in db.session.execute(select(Category.id, Category.name, Category.name_de)):
        if other_id != category_id:
            for term in (name, name_de):
                if term:
                    taken.setdefault(" ".join(term.split()).casefold(), name)
    errors: dict[str, list[str]] = {}
    for field in ("name", "name_de"):
        value = fields.get(field)
        other = taken.get(" ".join(value.split()).casefold()) if value else None
        if other is not None:
            errors[field] = [_("The category “%(name)s” has this name already.", name=other)]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)


def _unique_slug(name: str, category_id: int | None = None) -> str:
    from community.accounts.services import slugify

    base = slugify(name, max_length=50)
    if base == "person" and "person" not in name.lower():
        base = "category"  # a name without Latin letters; slugify's own fallback is for people
    slug, n = base, 1
    while db.session.scalar(select(Category.id).where(Category.slug == slug, Category.id != (category_id or 0))):
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_category(actor: User, *, name: str | None, name_de: str | None = None, description: str | None = None,
                    description_de: str | None = None, visibility: str | None = "members",
                    position: int | None = 0) -> Category:
    require_moderator(actor)
    fields = _category_fields(name, name_de, description, description_de, visibility, position)
    _check_names_free(fields)
    category = Category(slug=_unique_slug(fields["name"]), **fields)
    db.session.add(category)
    db.session.flush()
    _log(actor, "category.created", data={"category": category.slug, "names": _names_of(category)})
    return category


def update_category(actor: User, category: Category, *, name: str | None, name_de: str | None = None,
                    description: str | None = None, description_de: str | None = None,
                    visibility: str | None = "members", position: int | None = 0) -> Category:
    """Rename, describe, reorder or change who sees it; the address (slug) stays, so links keep working."""
    require_moderator(actor)
    fields = _category_fields(name, name_de, description, description_de, visibility, position)
    _check_names_free(fields, category.id)
    changed = {key: value for key, value in fields.items() if getattr(category, key) != value}
    for key, value in changed.items():
        setattr(category, key, value)
    if changed:
        _log(actor, "category.changed", data={"category": category.slug, "changed": sorted(changed),
                                              "names": _names_of(category)})
    db.session.flush()
    return category


def delete_category(actor: User, category: Category) -> None:
    """Only an empty category can go: threads are moved elsewhere first, never deleted with it."""
    require_moderator(actor)
    if db.session.scalar(select(Thread.id).where(Thread.category_id == category.id).limit(1)) is not None:
        raise ConflictError(_("Move the threads of this category elsewhere first."))
    db.session.execute(Subscription.__table__.delete().where(Subscription.target_kind == "category",
                                                            Subscription.target_id == category.id))
    _log(actor, "category.deleted", data={"category": category.slug, "names": _names_of(category)})
    db.session.delete(category)
    db.session.flush()
