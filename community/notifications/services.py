"""Create, count, list and mark notifications. Text is phrased when shown, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import LazyString
from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnElement,
    Executable,
    Integer,
    bindparam,
    cast,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from community import tasks
from community.database import rowcount, utcnow
from community.extensions import db
from community.notifications.models import Notification
from community.pagination import Page, paginate

if TYPE_CHECKING:
    from community.accounts.models import User

_MESSAGES: dict[str, LazyString] = {}
# Functions (reader) -> WHERE clause on Notification: the notifications the reader may still
# be shown (e.g. not about a thread moved since into a category they cannot see). Features
# register them; the list and the unread count both apply every one.
_IN_SIGHT: list[Callable[[User], ColumnElement[bool]]] = []


def register_in_sight(clause: Callable[[User], ColumnElement[bool]]) -> None:
    if clause not in _IN_SIGHT:
        _IN_SIGHT.append(clause)


def _in_sight(user: User) -> list[ColumnElement[bool]]:
    return [clause(user) for clause in _IN_SIGHT]


def register_kind(kind: str, message: LazyString) -> None:
    """Features declare their notification texts, e.g. "%(actor)s replied in %(thread)s"."""
    _MESSAGES[kind] = message


_ADDENDA: dict[str, LazyString] = {}


def register_addendum(param: str, message: LazyString) -> None:
    """A sentence added to any notification that carries `param` (e.g. the sessions an end of a
    mentorship cancelled), so one notice says it instead of one notice per thing."""
    _ADDENDA[param] = message


def stored_params(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters as stored: a person given as a parameter (`executive=mentorship.executive`)
    is kept as their name, shown as it was when the notification was made, and their id beside
    it (`executive_id`), by which their erasure finds it (community.notifications.privacy). A
    topic or category (names in English and German) is kept as both names, and each reader
    reads the one in their language (`_params`)."""
    from community.accounts.models import User
    from community.database import BilingualMixin

    if not any(isinstance(value, User | BilingualMixin) for value in params.values()):
        return params
    stored: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, User):
            stored[key], stored[f"{key}_id"] = value.name, value.id
        elif isinstance(value, BilingualMixin):
            stored[key] = {"en": value.name, "de": value.name_de or value.name}
        else:
            stored[key] = value
    return stored


# Times go into a notification as moments (UTC, ISO 8601) and are phrased when it is read, in the
# reader's zone and language at that moment: stored as text, a notice kept the language and the
# zone its reader had when it was made ("3 Feb 2027" in a German page, a zone since left).
def moment(value: datetime) -> dict[str, str]:
    """A point in time as a parameter: "9 Dec 2026, 10:30 (Berlin)" when read."""
    return {"at": value.astimezone(UTC).isoformat()}


def span(start: datetime, end: datetime, *, day: bool = True) -> dict[str, Any]:
    """A session's time as a parameter: "3 Feb 2027, 10:00–11:30 (Berlin)" when read;
    day=False only its clock ("10:00–10:45"), for a text that names the day already."""
    stored: dict[str, Any] = {"from": start.astimezone(UTC).isoformat(), "until": end.astimezone(UTC).isoformat()}
    if not day:
        stored["day"] = False
    return stored


def moments(values: Iterable[datetime]) -> dict[str, list[str]]:
    """Several points in time as one parameter, read as "…; …"."""
    return {"each": [value.astimezone(UTC).isoformat() for value in values]}


def _phrased_time(value: dict[str, Any]) -> str | None:
    """A stored moment, span or list of moments in the reader's zone and language (None: the
    parameter is something else, such as a name in two languages)."""
    from flask_babel import get_locale

    from community.i18n import datetime_for, local_span, user_zone

    def read(text: str) -> datetime:
        return datetime.fromisoformat(text)

    if "at" in value:
        return datetime_for(read(value["at"]), user_zone(), str(get_locale() or "en"))
    if "each" in value:
        return "; ".join(datetime_for(read(v), user_zone(), str(get_locale() or "en")) for v in value["each"])
    if "from" in value and "until" in value:
        return local_span(read(value["from"]), read(value["until"]), day=value.get("day", True))
    return None


def notify(user_id: int, kind: str, *, actor: User | None = None, link: str | None = None, **params: Any) -> Notification | None:
    """One notification. Name people by passing them (`mentor=mentor`), not their name (see
    `stored_params`)."""
    if actor is not None and actor.id == user_id:
        return None  # nobody needs to be told about their own action
    note = Notification(user_id=user_id, kind=kind, actor_id=getattr(actor, "id", None), link=link,
                        params=stored_params(params))
    db.session.add(note)
    db.session.flush()
    # After the commit: an e-mail for those who want this kind immediately (community.outreach).
    tasks.enqueue("outreach.notification_emails", [note.id])
    return note


_INSERT_PLAIN = insert(Notification.__table__)
_INSERT_MANY = insert(Notification.__table__).returning(Notification.__table__.c.id, Notification.__table__.c.user_id)


def _fan_out(returning: bool) -> Executable:
    """PostgreSQL: one notification per id of an array, in one statement whose text is the
    same for any number of people (so the server keeps it prepared): `INSERT … SELECT
    unnest(:user_ids), :kind, …`. A row per person as `executemany` sent them cost the server
    a parse, bind and execute each, and the worker as many messages to send and read."""
    table = Notification.__table__
    names = ("kind", "actor_id", "link", "params", "created_at")
    source = select(func.unnest(bindparam("user_ids", type_=ARRAY(Integer))),
                    *(cast(bindparam(name, type_=table.c[name].type), table.c[name].type) for name in names))
    statement = insert(table).from_select(["user_id", *names], source)
    return statement.returning(table.c.id, table.c.user_id) if returning else statement


_FAN_OUT = {False: _fan_out(False), True: _fan_out(True)}


def notify_many(user_ids: Iterable[int], kind: str, *, actor: User | None = None, link: str | None = None,
                emailed: AbstractSet[int] | None = None, **params: Any) -> int:
    """One notification per person (not the actor). `emailed`, when known, are those of them
    who may want it e-mailed right away, read before the write (a reply's followers with their
    choice: community.discussions.services.reply_target, community.outreach.services
    .at_once_choice): only their notifications go to the e-mail task. None: any of them.
    People named in it are passed, not their names (see `stored_params`)."""
    ids = sorted({uid for uid in user_ids if actor is None or uid != actor.id})
    if ids:
        now, actor_id, params = utcnow(), getattr(actor, "id", None), stored_params(params)
        plain = emailed is not None and emailed.isdisjoint(ids)  # no e-mail to look at: the ids are not needed
        if db.session.get_bind().dialect.name == "postgresql":
            values = {"user_ids": ids, "kind": kind, "actor_id": actor_id, "link": link, "params": params, "created_at": now}
            result = db.session.execute(_FAN_OUT[not plain], values)
        else:
            # The table's own INSERT (no ORM bulk machinery): one executemany for every follower.
            rows = [{"user_id": uid, "kind": kind, "actor_id": actor_id, "link": link, "params": params, "created_at": now}
                    for uid in ids]
            result = db.session.execute(_INSERT_PLAIN if plain else _INSERT_MANY, rows)
        if plain:
            return len(ids)
        created = result.all()
        to_mail = [note_id for note_id, uid in created if emailed is None or uid in emailed]
        if to_mail:
            tasks.enqueue("outreach.notification_emails", to_mail)
    return len(ids)


def unread_count(user: User) -> int:
    return db.session.execute(
        select(func.count()).select_from(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None),
                                                             *_in_sight(user))
    ).scalar_one()


UNREAD_CACHE_SECONDS = 10


def remembered_unread(user: User) -> int:
    """unread_count, remembered for a few seconds until any notification changes (counted
    afresh by a request that itself changed some: a thread page marking them read)."""
    from community.caching import cached, generation

    # What the reader may see changes with the community (a thread moved) and their roles.
    count: int = cached(("unread", user.id, generation("community"), generation("accounts")), lambda: unread_count(user),
                        timeout=UNREAD_CACHE_SECONDS)
    return count


def retract_about(link: str) -> int:
    """Notifications pointing at something gone (a deleted post) are withdrawn: they only led to
    "This post was deleted". Returns how many."""
    from sqlalchemy import delete

    result = db.session.execute(delete(Notification).where(Notification.link == link))
    return int(getattr(result, "rowcount", 0) or 0)


def mark_read_about(user: User, path: str) -> int:
    """Opening a page marks the person's notifications that link to it read (`/threads/7`, also
    `/threads/7?post=3` and `/threads/7#post-3`). Best effort: a busy database never turns
    reading a page into an error. A reader without unread notifications (the remembered
    counter) costs no statement."""
    from sqlalchemy import or_
    from sqlalchemy.exc import OperationalError

    from community.caching import cached

    if not remembered_unread(user):
        return 0

    def unread_about_page() -> tuple[int, ...]:
        return tuple(db.session.scalars(select(Notification.id).where(
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
            or_(Notification.link == path, Notification.link.like(path + "?%"), Notification.link.like(path + "#%")),
        )))

    # Remembered until any notification changes (marking these read is such a change).
    ids: tuple[int, ...] = cached(("unread-on-page", user.id, path), unread_about_page, timeout=UNREAD_CACHE_SECONDS)
    if not ids:
        return 0
    try:
        with db.session.begin_nested():
            db.session.execute(
                update(Notification).where(Notification.id.in_(ids), Notification.read_at.is_(None)).values(read_at=utcnow())
                .execution_options(synchronize_session=False)
            )
    except OperationalError:
        return 0
    return len(ids)


def list_for(user: User, *, page: int, per_page: int, unread_only: bool = False) -> Page:
    stmt = select(Notification).where(Notification.user_id == user.id, *_in_sight(user))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return paginate(stmt.order_by(Notification.id.desc()), page=page, per_page=per_page)


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(list(ids)))
    return rowcount(db.session.execute(stmt.values(read_at=utcnow())))


def open_notification(user: User, notification_id: int) -> str | None:
    """Mark one of the person's notifications read and give its link; None for anyone else's
    (or a missing one), so another person's notifications cannot be told apart from none."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        return None
    mark_read(user, [note.id])
    return note.link or ""


def mark_one_read(user: User, notification_id: int) -> Notification | None:
    """Mark one of the person's notifications read; None for anyone else's (or a missing one)."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        return None
    mark_read(user, [note.id])
    db.session.refresh(note)
    return note


FORMER_MEMBER = "\u2063former-member"  # stored in place of an erased person's name


def _params(note: Notification) -> dict[str, str]:
    from flask_babel import get_locale
    from flask_babel import gettext as _

    from community.labels import shown

    language = str(get_locale() or "en")

    def phrased(value: Any) -> str:
        if not isinstance(value, dict):
            return str(shown(value))
        when = _phrased_time(value)
        return when if when is not None else str(value.get(language) or value.get("en", ""))

    params = {key: phrased(value) for key, value in (note.params or {}).items()}
    for key, value in params.items():
        if value == FORMER_MEMBER:
            params[key] = _("Former member")
    params.setdefault("actor", note.actor.name if note.actor else "—")
    return params


def _addenda(note: Notification) -> list[str]:
    return [str(message) for param, message in _ADDENDA.items() if (note.params or {}).get(param)]


def _joined(first: str, *more: str) -> str:
    """Sentences one after the other: "… completed your mentorship. The sessions …"."""
    text = first
    for sentence in more:
        text = (text if text.rstrip().endswith((".", "!", "?", ":", "…")) else text + ".") + " " + sentence
    return text


def render_plain(note: Notification) -> str:
    """The notification as plain text in the reader's language (exports, not HTML)."""
    message = _MESSAGES.get(note.kind)
    if message is None:
        return note.kind
    try:
        return _joined(str(message), *_addenda(note)) % _params(note)
    except (KeyError, ValueError, TypeError):
        return str(message)


def render_text(note: Notification) -> Markup:
    """The notification for a page: each parameter escaped exactly once (the template must
    not escape it again: "Tools & tricks", never "Tools &amp;amp; tricks")."""
    message = _MESSAGES.get(note.kind)
    if message is None:
        return escape(note.kind)
    try:
        # Markup % escapes each parameter once
        return escape(_joined(str(message), *_addenda(note))) % _params(note)
    except (KeyError, ValueError, TypeError):
        return escape(str(message))
