"""Read-only queries for the admin pages."""

from sqlalchemy import or_, select

from community.accounts.models import User, UserRole
from community.accounts.services import require_admin
from community.audit.models import AuditEvent
from community.pagination import Page, paginate


def search_users(actor: User, q: str, role: str | None, *, page: int, per_page: int) -> Page:
    require_admin(actor)
    stmt = select(User)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(or_(User.email.ilike(like), User.name.ilike(like), User.department.ilike(like)))
    if role:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    return paginate(stmt.order_by(User.name, User.id), page=page, per_page=per_page)


def audit_events(actor: User, *, action: str | None, page: int, per_page: int) -> Page:
    require_admin(actor)
    stmt = select(AuditEvent)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    return paginate(stmt.order_by(AuditEvent.id.desc()), page=page, per_page=per_page)
