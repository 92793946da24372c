"""@mentions: a post's Markdown rendered with its @handles linked to profiles, the people it
notifies, and posts rendered anew when whether someone may be named changes. Flushes, never
commits."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.orm.util import identity_key

from community import tasks
from community.accounts import services as accounts
from community.accounts.models import User
from community.database import rowcount, utcnow
from community.discussions.access import ReplyTarget, can_see, thread_link
from community.discussions.models import Mention, MentionRelink, Post, Thread
from community.discussions.subscriptions import _insert_ignore, _muted_among
from community.extensions import db
from community.markdown import render_with_mentions
from community.notifications.services import notify_many, register_kind
from community.unit_of_work import read_apart

MAX_MENTIONS = 50  # more handles than this in one post are not notified (no mass pings)

register_kind("discussion_mention", _l("%(actor)s mentioned you in “%(thread)s”"))


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


def _notify_mentions(actor: User, post: Post, thread: Thread | ReplyTarget, people: list[User]) -> set[int]:
    """Mention rows and notifications for people newly mentioned in this post (once per post,
    only people who can see the category, muted thread or category wins)."""
    category = thread if isinstance(thread, ReplyTarget) else thread.category
    others = [u for u in people if u.id != getattr(actor, "id", None)]
    candidates = {u.id: u for u in others if can_see(u, category)}
    # Named but unable to read the category: the writer is told (community.discussions.views).
    post.unseen_mentions = sorted(u.name for u in others if u.id not in candidates)  # type: ignore[attr-defined]
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
