"""Write audit events in the caller's transaction (so a failed change leaves no event)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from flask import has_request_context, request

from community.audit.models import AuditEvent
from community.extensions import db

if TYPE_CHECKING:
    from community.accounts.models import User


def record(
    action: str,
    *,
    actor: User | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        subject_type=subject_type,
        subject_id=subject_id,
        note=note,
        data=data,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    db.session.flush()
    _log.info(
        "%s actor=%s subject=%s:%s ip=%s", action, event.actor_id, subject_type or "-", subject_id or "-", event.ip or "-"
    )
    return event


_log = logging.getLogger("community.audit")
