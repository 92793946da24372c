"""Sign-in with the company's identity provider: OpenID Connect with Authlib.

Authlib's Flask client does the protocol: discovery from OIDC_ISSUER, the authorization code
flow with PKCE (S256), state and nonce kept in the signed session and checked on the way
back, the ID token's signature (JWKS), issuer, audience and expiry. This module turns the
verified claims into an account: it links by issuer + subject, else by verified e-mail, else
creates one, and keeps the mapped roles, department and location in step at every sign-in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from community.accounts.models import ROLES, ExternalIdentity, User, UserRole
from community.accounts.services import create_user, email_domain_allowed, normalise_email
from community.audit import services as audit
from community.database import utcnow
from community.errors import DomainError, ValidationFailed
from community.extensions import db

EXTENSION = "community.oidc"
CLIENT_NAME = "company"
ID_TOKEN_KEY = "oidc_id_token"  # noqa: S105 - session key of the ID token kept for RP-initiated logout


class SignInRefused(DomainError):
    """The provider vouched for someone this product will not let in (shown on a clear page)."""

    status = 403
    code = "sign_in_refused"

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def enabled(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("OIDC_ISSUER"))


def parse_role_map(text: str) -> dict[str, str]:
    """`digital-mentors=mentor,leaders=executive` -> {group: role}; a wrong setting stops the start."""
    mapping: dict[str, str] = {}
    for item in re.split(r"[,;\n]", text or ""):
        if not item.strip():
            continue
        group, sep, role = item.rpartition("=")
        group, role = group.strip(), role.strip().lower()
        if not sep or not group or role not in ROLES:
            raise RuntimeError(
                f"OIDC_ROLE_MAP: {item.strip()!r} is not GROUP=ROLE with ROLE one of {', '.join(ROLES)}"
            )
        mapping[group] = role
    return mapping


def init_app(app: Flask) -> None:
    """Register the provider's client when OIDC_ISSUER is set (discovery happens on first use)."""
    if not enabled(app):
        return
    from authlib.integrations.flask_client import OAuth

    if not app.config.get("OIDC_CLIENT_ID"):
        raise RuntimeError("OIDC_ISSUER is set but OIDC_CLIENT_ID is not")
    app.config["OIDC_ROLE_MAP_PARSED"] = parse_role_map(app.config.get("OIDC_ROLE_MAP", ""))
    issuer = app.config["OIDC_ISSUER"].rstrip("/")
    oauth = OAuth(app)
    oauth.register(
        CLIENT_NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config.get("OIDC_CLIENT_SECRET") or None,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": app.config["OIDC_SCOPES"],
            "code_challenge_method": "S256",
            "timeout": app.config["OIDC_TIMEOUT_SECONDS"],
        },
    )
    app.extensions[EXTENSION] = oauth


def client() -> Any:
    return getattr(current_app.extensions[EXTENSION], CLIENT_NAME)


def only() -> bool:
    """OIDC_ONLY: password login is hidden (admins keep /login/password); needs an issuer."""
    return enabled() and bool(current_app.config.get("OIDC_ONLY"))


def logout_target(id_token: str | None) -> str | None:
    """The provider's end-session address (RP-initiated logout), when it offers one."""
    if not enabled() or not id_token:
        return None
    import requests

    try:
        result = client().create_logout_url(
            post_logout_redirect_uri=url_for("accounts.login", _external=True),
            id_token_hint=id_token,
            client_id=current_app.config["OIDC_CLIENT_ID"],
        )
    except (requests.RequestException, RuntimeError, ValueError, KeyError):
        return None  # no end_session_endpoint, or the provider is down: the local logout stands
    return result["url"]


# Claims -> account ------------------------------------------------------------------------

@dataclass
class Claims:
    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str | None
    department: str | None = None
    location: str | None = None
    groups: list[str] = field(default_factory=list)


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "1")) or value == 1


def _text_claim(value: Any, limit: int = 120) -> str | None:
    if isinstance(value, list):  # some providers send single values as one-element lists
        value = value[0] if value else None
    if value is None or isinstance(value, dict | bool):
        return None
    text = " ".join(str(value).split())[:limit]
    return text or None


def _groups(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part for part in re.split(r"[\s,]+", value) if part]
    if isinstance(value, list):
        return [str(part) for part in value if isinstance(part, str | int)]
    return []


def read_claims(raw: Mapping[str, Any]) -> Claims:
    """The claims this product uses, from the ID token (and userinfo) the provider signed."""
    config = current_app.config
    name = _text_claim(raw.get("name"))
    if not name:
        name = _text_claim(" ".join(str(raw.get(k) or "") for k in ("given_name", "family_name")))
    # Entra ID does not send email_verified; its optional claim xms_edov says the same thing.
    verified = _truthy(raw.get("email_verified")) or _truthy(raw.get("xms_edov"))
    department_claim, location_claim = config.get("OIDC_DEPARTMENT_CLAIM"), config.get("OIDC_LOCATION_CLAIM")
    return Claims(
        issuer=str(raw.get("iss") or config["OIDC_ISSUER"]).rstrip("/"),
        subject=str(raw.get("sub") or ""),
        email=_text_claim(raw.get("email"), 254),
        email_verified=verified,
        name=name,
        department=_text_claim(raw.get(department_claim)) if department_claim else None,
        location=_text_claim(raw.get(location_claim)) if location_claim else None,
        groups=_groups(raw.get(config.get("OIDC_ROLE_CLAIM") or "groups")),
    )


def _refuse(reason: str, message: str) -> SignInRefused:
    return SignInRefused(reason, message)


def account_for(claims: Claims) -> User:
    """The account a verified provider sign-in belongs to; linked or created as needed.

    Refusals raise SignInRefused before anything is written, and the request that answers
    with the refusal page rolls back whatever was flushed.
    """
    if not claims.subject:
        raise _refuse("no_subject", _("Your identity provider did not say who you are."))
    if not claims.email:
        raise _refuse("no_email", _("Your company account has no e-mail address, which this site needs."))
    if not claims.email_verified:
        raise _refuse("email_unverified", _("Your identity provider has not verified your e-mail address, so this site cannot link it to an account."))
    try:
        email = normalise_email(claims.email)
    except ValidationFailed:
        raise _refuse("email_invalid", _("Your identity provider sent an e-mail address that is not valid.")) from None
    if not email_domain_allowed(email):
        raise _refuse("domain_not_allowed", _("Accounts on this site are for company e-mail addresses only (%(domains)s).",
                                              domains=", ".join(current_app.config["ALLOWED_EMAIL_DOMAINS"])))

    identity = db.session.scalar(
        select(ExternalIdentity).where(ExternalIdentity.issuer == claims.issuer, ExternalIdentity.subject == claims.subject)
    )
    user = identity.user if identity is not None else db.session.scalar(select(User).where(User.email == email))
    role_map: dict[str, str] = current_app.config.get("OIDC_ROLE_MAP_PARSED") or {}
    if user is not None and (not user.active or user.erased_at is not None):
        raise _refuse("inactive", _("Your account on this site is deactivated. Ask an administrator if this is a mistake."))

    if user is None:
        wanted = sorted({role_map[g] for g in claims.groups if g in role_map}, key=ROLES.index)
        user = create_user(
            email=email, name=claims.name or email.split("@", 1)[0], roles=wanted or ["staff"],
            department=claims.department, location=claims.location,
        )
        audit.record("user.created", subject_type="user", subject_id=user.id,
                     data={"by": "oidc", "issuer": claims.issuer, "roles": user.roles})
    else:
        _update_profile(user, claims, email)
        if role_map:
            sync_roles(user, claims.groups, role_map)
    if identity is None:
        identity = ExternalIdentity(user_id=user.id, issuer=claims.issuer, subject=claims.subject)
        db.session.add(identity)
        audit.record("user.oidc_linked", subject_type="user", subject_id=user.id, data={"issuer": claims.issuer})
    identity.last_login_at = utcnow()
    db.session.flush()
    return user


def _update_profile(user: User, claims: Claims, email: str) -> None:
    """The provider is the source of truth for name, e-mail, department and location."""
    if claims.name and claims.name != user.name:
        user.name = claims.name
    if email != user.email and db.session.scalar(select(User.id).where(User.email == email)) is None:
        audit.record("user.email_changed", subject_type="user", subject_id=user.id, data={"by": "oidc"})
        user.email = email
    if claims.department and claims.department != user.department:
        user.department = claims.department
    if claims.location and claims.location != user.location:
        user.location = claims.location


def sync_roles(user: User, groups: list[str], role_map: dict[str, str]) -> None:
    """Grant the mapped roles the person's groups carry, remove mapped roles they no longer
    carry; roles the map does not mention (e.g. admin, unless mapped) are left as they are."""
    managed = set(role_map.values())
    wanted = {role_map[g] for g in groups if g in role_map}
    before = user.roles
    after = [r for r in ROLES if (r in before and r not in managed) or r in wanted] or ["staff"]
    if set(after) == set(before):
        return
    kept = [row for row in user.role_rows if row.role in after]
    kept_roles = {row.role for row in kept}
    user.role_rows = kept + [UserRole(role=r) for r in after if r not in kept_roles]
    db.session.flush()
    audit.record("user.roles_changed", subject_type="user", subject_id=user.id,
                 data={"before": before, "after": user.roles, "by": "oidc"})
