"""Create, count, list and mark notifications. Text is phrased when shown, in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import LazyString
from markupsafe import Markup, escape  # noqa: F401 - Markup is the return type
from sqlalchemy import func, select, update

from community.database import utcnow
from community.extensions import db
from community.notifications.models import Notification
from community.pagination import Page, paginate

_MESSAGES: dict[str, LazyString] = {}


def register_kind(kind: str, message: LazyString) -> None:
    """Features declare their notification texts, e.g. "%(actor)s replied in %(thread)s"."""
    _MESSAGES[kind] = message


def notify(user_id: int, kind: str, *, actor=None, link: str | None = None, **params: Any) -> Notification | None:
    if actor is not None and actor.id == user_id:
        return None  # nobody needs to be told about their own action
    note = Notification(user_id=user_id, kind=kind, actor_id=getattr(actor, "id", None), link=link, params=params)
    db.session.add(note)
    return note


def notify_many(user_ids: Iterable[int], kind: str, *, actor=None, link: str | None = None, **params: Any) -> int:
    ids = sorted({uid for uid in user_ids if actor is None or uid != actor.id})
    if ids:
        db.session.execute(
            Notification.__table__.insert(),
            [
                {"user_id": uid, "kind": kind, "actor_id": getattr(actor, "id", None), "link": link, "params": params, "created_at": utcnow()}
                for uid in ids
            ],
        )
    return len(ids)


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def list_for(user, *, page: int, per_page: int, unread_only: bool = False) -> Page:
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return paginate(stmt.order_by(Notification.id.desc()), page=page, per_page=per_page)


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(list(ids)))
    return db.session.execute(stmt.values(read_at=utcnow())).rowcount


FORMER_MEMBER = "\u2063former-member"  # stored in place of an erased person's name


def _params(note: Notification) -> dict[str, str]:
    from flask_babel import gettext as _

    params = {key: str(value) for key, value in (note.params or {}).items()}
    for key, value in params.items():
        if value == FORMER_MEMBER:
            params[key] = _("Former member")
    params.setdefault("actor", note.actor.name if note.actor else "—")
    return params


def render_plain(note: Notification) -> str:
    """The notification as plain text in the reader's language (exports, not HTML)."""
    message = _MESSAGES.get(note.kind)
    if message is None:
        return note.kind
    try:
        return str(message) % _params(note)
    except (KeyError, ValueError, TypeError):
        return str(message)


def render_text(note: Notification) -> Markup:
    """The notification for a page: each parameter escaped exactly once (the template must
    not escape it again: "Tools & tricks", never "Tools &amp;amp; tricks")."""
    message = _MESSAGES.get(note.kind)
    if message is None:
        return escape(note.kind)
    try:
        return escape(str(message)) % _params(note)  # Markup % escapes each parameter once
    except (KeyError, ValueError, TypeError):
        return escape(str(message))
