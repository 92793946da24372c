"""Export and erasure of the account itself: profile fields, roles, logins, tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select

from community.accounts.models import ApiToken, ExternalIdentity, LoginSession, User
from community.database import rowcount
from community.extensions import db


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export(user: User) -> dict:
    logins = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id).order_by(LoginSession.id))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    identities = db.session.scalars(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id).order_by(ExternalIdentity.id))
    return {
        "profile": {
            "id": user.id, "email": user.email, "name": user.name, "handle": user.handle,
            "department": user.department, "location": user.location, "languages": user.languages,
            "timezone": user.timezone, "locale": user.locale, "roles": user.roles, "active": user.active,
            "created_at": _iso(user.created_at), "last_login_at": _iso(user.last_login_at),
            "bio": user.bio, "capacity": user.capacity, "availability": user.availability, "link": user.link,
            "directory_visible": user.directory_visible, "analysis_opt_out": user.analysis_opt_out,
            "is_ambassador": user.is_ambassador, "ambassador_since": _iso(user.ambassador_since),
        },
        "logins": [
            {"created_at": _iso(s.created_at), "revoked_at": _iso(s.revoked_at), "ip": s.ip, "user_agent": s.user_agent}
            for s in logins
        ],
        "api_tokens": [
            {"name": t.name, "starts_with": t.prefix, "created_at": _iso(t.created_at), "last_used_at": _iso(t.last_used_at),
             "revoked_at": _iso(t.revoked_at)}
            for t in tokens
        ],
        "company_sign_in": [
            {"issuer": i.issuer, "subject": i.subject, "linked_at": _iso(i.created_at), "last_login_at": _iso(i.last_login_at)}
            for i in identities
        ],
    }


def erase(user: User) -> None:
    from community.privacy.services import anonymise_account

    # The link to the identity provider goes: a later sign-in starts a new account, not this one.
    db.session.execute(delete(ExternalIdentity).where(ExternalIdentity.user_id == user.id))
    anonymise_account(user)


def retain(cutoff: datetime) -> dict[str, int]:
    """Login sessions (with their IP addresses) are kept no longer than the retention period:
    ended ones, and ones that expired long ago because the browser was simply closed."""
    removed = rowcount(db.session.execute(
        delete(LoginSession).where(or_(LoginSession.revoked_at < cutoff, LoginSession.created_at < cutoff))
    ))
    return {"login_sessions": removed}
