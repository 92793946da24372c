"""Write audit events in the caller's transaction (so a failed change leaves no event).

A read (GET, HEAD, OPTIONS) inside the unit of work is different: its events are written by
the unit of work in a short transaction of their own once the read has answered successfully
(`community.unit_of_work.write_after_read`). On SQLite a read transaction cannot take the write
lock once it has read (another writer's commit makes its snapshot stale, and SQLite then fails at
once instead of waiting), so an audited read such as a graph export would answer 503 whenever a
write happened alongside it. A fresh transaction simply waits for the lock like any writer.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from flask import g, has_request_context, request

from community.audit.models import AuditEvent
from community.database import utcnow
from community.extensions import db
from community.unit_of_work import send_after_read

if TYPE_CHECKING:
    from community.accounts.models import User

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def record(
    action: str,
    *,
    actor: User | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
    at_once: bool = False,
    by_person: bool | None = None,
) -> AuditEvent:
    """An event; without an `actor` it reads as done by the system (a task, HR sync, the CLI),
    unless `by_person` says a person did it whose account is gone by the time it is written (a
    person erasing their own account): it then reads as done by a deleted account.

    `at_once` (a page view recorded once the view is granted, before the page is rendered):
    on PostgreSQL the event is sent at once and stored while the page is rendered, and stays
    stored even if the page then fails (community.unit_of_work.send_after_read)."""
    actor_id = getattr(actor, "id", None)
    in_request = has_request_context()
    row = {
        "action": action, "actor_id": actor_id, "by_person": actor_id is not None if by_person is None else by_person, "subject_type": subject_type,
        "subject_id": subject_id, "note": note, "data": data, "ip": request.remote_addr if in_request else None,
    }
    event = AuditEvent(**row)
    if in_request and g.get("in_unit_of_work") and request.method in READ_METHODS:
        event.created_at = row["created_at"] = utcnow()  # the time of the view, not of the write after it
        if not (at_once and send_after_read(event, row)):
            g.setdefault("write_after_read", []).append(event)
    else:
        db.session.add(event)
        db.session.flush()
    _log.info(
        "%s actor=%s subject=%s:%s ip=%s", action, event.actor_id, subject_type or "-", subject_id or "-", event.ip or "-"
    )
    return event


_log = logging.getLogger("community.audit")
