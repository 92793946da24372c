"""Read-only queries for the admin pages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.orm import selectinload

from community.accounts.models import User, UserRole
from community.accounts.services import require_admin
from community.audit.models import AuditEvent
from community.extensions import db
from community.pagination import Page, paginate


def search_users(actor: User, q: str, role: str | None, *, page: int, per_page: int) -> Page:
    require_admin(actor)
    stmt = select(User)
    if q:
        text = q.strip()  # "%" and "_" are what they are, not wildcards ("%" listed everybody)
        stmt = stmt.where(or_(User.email.icontains(text, autoescape=True), User.name.icontains(text, autoescape=True),
                              User.department.icontains(text, autoescape=True)))
    if role:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    return paginate(stmt.order_by(User.name, User.id), page=page, per_page=per_page)


def people_matching(actor: User, text: str, *, limit: int) -> list[Row[int, str, datetime | None, str, str | None]]:
    """People whose e-mail is `text` (erased ones too: their e-mail is all that is left), or,
    failing that, whose name or e-mail contains it; (id, name, erased_at, email, department)
    rows, an exact e-mail first. At most `limit` rows."""
    require_admin(actor)
    text = text.strip()
    exact = func.lower(User.email) == text.lower()
    contains = and_(User.erased_at.is_(None),
                    or_(User.stored_name.icontains(text, autoescape=True), User.email.icontains(text, autoescape=True)))
    stmt = (select(User.id, User.stored_name, User.erased_at, User.email, User.department)
            .where(or_(exact, contains)).order_by(exact.desc(), User.stored_name, User.id).limit(limit))
    return list(db.session.execute(stmt))


def audit_events(actor: User, *, action: str | None, page: int, per_page: int, person_id: int | None = None,
                 since: datetime | None = None, before: datetime | None = None) -> Page:
    """A page of audit events, newest first, with their actors. `action` is a prefix;
    `person_id` keeps the events the person did or whose subject is their account;
    `since` is inclusive, `before` exclusive."""
    require_admin(actor)
    stmt = select(AuditEvent).options(selectinload(AuditEvent.actor))
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    if person_id is not None:
        stmt = stmt.where(or_(AuditEvent.actor_id == person_id,
                              and_(AuditEvent.subject_type == "user", AuditEvent.subject_id == person_id)))
    if since is not None:
        stmt = stmt.where(AuditEvent.created_at >= since)
    if before is not None:
        stmt = stmt.where(AuditEvent.created_at < before)
    return paginate(stmt.order_by(AuditEvent.id.desc()), page=page, per_page=per_page)
