"""SCIM provisioning: tokens, and people read and written through the account services.

Every account is a SCIM User (an account never provisioned answers with its e-mail address
as userName, so an identity provider can match people who were there before it). Refusals
raise scim2-models exceptions; the view turns them into SCIM error bodies. Every change is
in the audit trail; services flush, the request commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from scim2_models import (
    Context,
    InvalidFilterException,
    InvalidValueException,
    Meta,
    MutabilityException,
    NotFoundException,
    PatchOp,
    ScimFilter,
    UniquenessException,
)
from sqlalchemy import func, or_, select, update

from community.accounts import services as accounts
from community.accounts.auth import secret_hash
from community.accounts.models import ApiToken, User
from community.audit import services as audit
from community.database import ascii_digits, rowcount, utcnow
from community.extensions import db
from community.labels import stored_phrase
from community.scim.models import ScimToken, ScimUser
from community.scim.schema import enterprise_model, user_model

TOKEN_PREFIX = "scim_"  # noqa: S105 - a public prefix that makes leaked tokens easy to find
NAME_MAX = 120


# Tokens ---------------------------------------------------------------------------------

def create_token(name: str) -> tuple[ScimToken, str]:
    """A new provisioning token; returns the row and the plain token, shown once, stored hashed."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken(name=" ".join(name.split())[:80] or "SCIM", token_hash=secret_hash(plain), prefix=plain[:10])
    db.session.add(token)
    db.session.flush()
    audit.record("scim.token_created", subject_type="scim_token", subject_id=token.id, data={"name": token.name})
    return token, plain


def revoke_tokens(prefix: str | None = None) -> int:
    """Revoke the tokens starting with `prefix` (all tokens without one)."""
    stmt = update(ScimToken).where(ScimToken.revoked_at.is_(None))
    if prefix:
        stmt = stmt.where(ScimToken.prefix == prefix[:10])
    count = rowcount(db.session.execute(stmt.values(revoked_at=utcnow())))
    audit.record("scim.tokens_revoked", data={"prefix": prefix, "count": count})
    return count


def list_tokens() -> list[ScimToken]:
    return list(db.session.scalars(select(ScimToken).order_by(ScimToken.id)))


def authenticate(header: str | None) -> ScimToken | None:
    scheme, _sep, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    found = db.session.scalar(
        select(ScimToken).where(ScimToken.token_hash == secret_hash(token.strip()), ScimToken.revoked_at.is_(None))
    )
    if found is not None:
        now = utcnow()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            found.last_used_at = now
    return found


# Reading --------------------------------------------------------------------------------

def get_user(resource_id: str) -> User:
    user = db.session.get(User, int(resource_id)) if ascii_digits(resource_id) and len(resource_id) < 12 else None
    if user is None or user.erased_at is not None:
        raise NotFoundException(detail=f"Resource {resource_id} not found")
    return user


def row_of(user: User) -> ScimUser | None:
    return db.session.get(ScimUser, user.id)


def to_resource(user: User, row: ScimUser | None, base_url: str) -> Any:
    model = user_model()
    name_model = model.model_fields["name"].annotation
    email_model = model.model_fields["emails"].annotation
    resource = model(
        id=str(user.id),
        external_id=row.external_id if row else None,
        user_name=row.user_name_display if row else user.email,
        display_name=row.display_name if row else user.name,
        # Sent unless the client itself cleared it (PATCH remove, PUT without it): one an
        # administrator deactivated or reactivated shows it again (community.scim.account_hooks), and
        # identity providers (Entra, Okta) compare it on every sync.
        active=user.active if row is None or row.active_stated else None,
        meta=Meta(
            resource_type="User",
            created=user.created_at,
            last_modified=row.updated_at if row else user.created_at,
            location=f"{base_url}/Users/{user.id}",
        ),
    )
    if row is None or row.email_provided:
        email_type = row.email_type if row else "work"
        primary = row.email_primary if row else True
        resource.emails = [_build(email_model, value=user.email, type=email_type, primary=primary)]
    if row and (row.given_name or row.family_name):
        resource.name = _build(name_model, given_name=row.given_name, family_name=row.family_name)
    if user.department:
        resource[enterprise_model()] = enterprise_model()(department=user.department)  # type: ignore[call-arg]
    return resource


def _build(annotation: Any, **values: Any) -> Any:
    """An instance of a (possibly Optional/list-wrapped) sub-attribute model."""
    import typing

    target = annotation
    while typing.get_origin(target) is not None:
        target = next(arg for arg in typing.get_args(target) if arg is not type(None))
    return target(**values)


_FAST_FILTERS = {"username", "externalid", "emails.value", "emails", "id"}


def list_users(filter_text: str | None, start_index: int, count: int, base_url: str) -> tuple[int, list[Any]]:
    """One page of Users (1-based start_index), with an optional SCIM filter."""
    stmt = select(User).where(User.erased_at.is_(None))
    matcher = None
    if filter_text:
        try:
            parsed = ScimFilter[user_model()](filter_text)  # type: ignore[misc,operator]
        except InvalidFilterException:
            raise  # a SCIM error already (400 invalidFilter)
        except (ValueError, TypeError) as error:
            raise InvalidFilterException(detail=str(error)) from None
        fast = _fast_condition(parsed.ast)
        if fast is not None:
            stmt = stmt.where(fast)
        else:
            matcher = parsed  # evaluated on each resource (rare filters; correct, not fast)
    if matcher is None:
        total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        users = db.session.scalars(stmt.order_by(User.id).offset(start_index - 1).limit(count)).all() if count else []
        return total, _resources(users, base_url)
    users = db.session.scalars(stmt.order_by(User.id)).all()
    # Filters see each account's real state, also where the client cleared `active`.
    matching = [resource for user, resource in zip(users, _resources(users, base_url), strict=True)
                if matcher.match(resource if resource.active is not None
                                 else resource.model_copy(update={"active": user.active}))]
    return len(matching), matching[start_index - 1:start_index - 1 + count]


def _resources(users: list[User] | Any, base_url: str) -> list[Any]:
    users = list(users)
    rows = {r.user_id: r for r in db.session.scalars(select(ScimUser).where(ScimUser.user_id.in_([u.id for u in users])))}
    return [to_resource(u, rows.get(u.id), base_url) for u in users]


def _fast_condition(ast: Any) -> Any:
    """SQL for the filters identity providers send (`userName eq "…"` and friends)."""
    from scim2_models.path.expressions import Comparison

    if not isinstance(ast, Comparison) or str(ast.op).lower() not in ("eq", "comparisonoperator.eq"):
        return None
    attribute = str(ast.attr_path).lower().removeprefix("urn:ietf:params:scim:schemas:core:2.0:user:")
    value = ast.value
    if attribute == "active" and isinstance(value, bool):
        return User.active.is_(value)
    if attribute not in _FAST_FILTERS or not isinstance(value, str):
        return None
    wanted = value.strip().lower()
    if attribute == "username":
        provisioned = select(ScimUser.user_id).where(ScimUser.user_name == wanted)
        unprovisioned = select(User.id).where(func.lower(User.email) == wanted,
                                              ~select(ScimUser.user_id).where(ScimUser.user_id == User.id).exists())
        return or_(User.id.in_(provisioned), User.id.in_(unprovisioned))
    if attribute == "externalid":
        return User.id.in_(select(ScimUser.user_id).where(ScimUser.external_id == value))
    if attribute in ("emails.value", "emails"):
        return func.lower(User.email) == wanted
    return User.id == int(value) if ascii_digits(value) and len(value) < 12 else User.id == -1


# Writing --------------------------------------------------------------------------------

@dataclass
class Incoming:
    user_name: str
    external_id: str | None
    given_name: str | None
    family_name: str | None
    display_name: str | None
    active: bool
    active_stated: bool
    email: str | None
    email_type: str | None
    email_primary: bool | None
    department: str | None


def _text(value: Any, field: str, limit: int) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    if len(text) > limit:
        raise InvalidValueException(detail=f"{field} has at most {limit} characters")
    return text or None


def _email(value: str, stored: str | None = None) -> str:
    """A valid address; one being set or changed must be in an allowed domain (the stored one
    may be outside them: made by an administrator, a demo account, or the domains changed)."""
    try:
        email = validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise InvalidValueException(detail=f"{value!r} is not a valid e-mail address") from None
    if email != (stored or "").lower() and not accounts.email_domain_allowed(email):
        raise InvalidValueException(
            detail="e-mail addresses must be in one of the allowed domains: " + ", ".join(current_app.config["ALLOWED_EMAIL_DOMAINS"])
        )
    return email


def read_incoming(resource: Any, *, keep_active: bool = True, stored_email: str | None = None) -> Incoming:
    user_name = _text(resource.user_name, "userName", 254)
    if not user_name:
        raise InvalidValueException(detail="userName is required")
    emails = list(resource.emails or [])
    chosen = next((e for e in emails if e.primary and e.value), None) or next((e for e in emails if e.value), None)
    if chosen is not None:
        email, email_type = _email(str(chosen.value), stored_email), _text(chosen.type, "emails.type", 20)
        email_primary = chosen.primary
    elif "@" in user_name:
        email, email_type, email_primary = _email(user_name, stored_email), None, None
    else:
        email, email_type, email_primary = None, None, None
    name = resource.name
    extension = resource[enterprise_model()] if resource[enterprise_model()] is not None else None
    return Incoming(
        user_name=user_name,
        external_id=_text(resource.external_id, "externalId", 255),
        given_name=_text(getattr(name, "given_name", None), "name.givenName", NAME_MAX),
        family_name=_text(getattr(name, "family_name", None), "name.familyName", NAME_MAX),
        display_name=_text(resource.display_name, "displayName", NAME_MAX),
        active=keep_active if resource.active is None else bool(resource.active),
        active_stated=resource.active is not None,
        email=email,
        email_type=email_type,
        email_primary=email_primary,
        department=_text(getattr(extension, "department", None), "department", 120),
    )


def _person_name(data: Incoming) -> str:
    parts = " ".join(p for p in (data.given_name, data.family_name) if p)
    return (data.display_name or parts or data.user_name.split("@", 1)[0])[:NAME_MAX]


def _check_unique(data: Incoming, user_id: int | None) -> None:
    wanted = data.user_name.lower()
    taken = db.session.scalar(select(ScimUser.user_id).where(ScimUser.user_name == wanted))
    if taken is None:
        taken = db.session.scalar(
            select(User.id).where(func.lower(User.email) == wanted,
                                  ~select(ScimUser.user_id).where(ScimUser.user_id == User.id).exists())
        )
    if taken is not None and taken != user_id:
        raise UniquenessException(detail=f"userName {data.user_name!r} is taken")
    owner = db.session.scalar(select(User.id).where(User.email == data.email)) if data.email else None
    if owner is not None and owner != user_id:
        raise UniquenessException(detail=f"the e-mail address {data.email!r} belongs to another account")


def create(resource: Any) -> User:
    data = read_incoming(resource)
    _check_unique(data, None)
    # Only userName is required by SCIM; without an e-mail address the account holds a
    # placeholder that can never receive mail nor match a sign-in, until one is provisioned.
    email = data.email or f"scim-{secrets.token_hex(8)}@no-email.provisioned.example"
    user = accounts.create_user(email=email, name=_person_name(data), roles=["staff"], department=data.department)
    row = ScimUser(user_id=user.id)
    _store(row, data)
    row.active_stated = True  # a new account is active unless the client said otherwise
    db.session.add(row)
    db.session.flush()
    audit.record("scim.user_created", subject_type="user", subject_id=user.id,
                 data={"userName": data.user_name, "externalId": data.external_id})
    if not data.active:
        deactivate(user, "deactivated")
    return user


def _store(row: ScimUser, data: Incoming) -> None:
    row.user_name = data.user_name.lower()
    row.user_name_display = data.user_name
    row.external_id = data.external_id
    row.given_name = data.given_name
    row.family_name = data.family_name
    row.display_name = data.display_name
    row.email_type = data.email_type
    row.email_primary = data.email_primary
    row.email_provided = data.email is not None
    row.active_stated = data.active_stated
    row.updated_at = utcnow()


def replace(user: User, resource: Any) -> User:
    """PUT: what the client sends replaces what is stored (omitted optional attributes are cleared)."""
    if resource.id is not None and str(resource.id) != str(user.id):
        raise MutabilityException(detail="id cannot be changed")
    data = read_incoming(resource, keep_active=user.active, stored_email=user.email)
    _apply(user, data)
    return user


def patch(user: User, operations: Any, base_url: str) -> User:
    """PATCH: the operations are applied to the current resource, which is then stored whole."""
    current = to_resource(user, row_of(user), base_url)
    try:
        changed = operations.patch(current)
    except (ValueError, TypeError, KeyError) as error:
        raise InvalidValueException(detail=str(error).splitlines()[0][:300]) from None
    if changed:
        try:
            revalidated = user_model().model_validate(
                current.model_dump(scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST),
                scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST,
            )
        except ValueError as error:
            raise InvalidValueException(detail=str(error).splitlines()[0][:300]) from None
        _apply(user, read_incoming(revalidated, keep_active=user.active, stored_email=user.email))
    return user


def parse_patch(body: Any) -> Any:
    return PatchOp[user_model()].model_validate(body, scim_ctx=Context.RESOURCE_PATCH_REQUEST)  # type: ignore[misc]


def _refuse_last_admin(user: User) -> None:
    """As the admin pages do: the last active administrator is never deactivated (nobody could
    administer then). 400 mutability: the change does not fit the account's current state."""
    if accounts.is_last_active_admin(user):
        raise MutabilityException(
            detail="The last active administrator cannot be deactivated or deleted; make another person an administrator first"
        )


def _apply(user: User, data: Incoming) -> None:
    if user.active and not data.active:
        _refuse_last_admin(user)
    _check_unique(data, user.id)
    before = {"email": user.email, "name": user.name, "department": user.department, "active": user.active}
    row = row_of(user)
    if row is None:
        row = ScimUser(user_id=user.id)
        db.session.add(row)
    _store(row, data)
    user.name = _person_name(data)
    if data.email:
        user.email = data.email
    user.department = data.department
    after = {"email": user.email, "name": user.name, "department": user.department, "active": data.active}
    changes = sorted(key for key in before if before[key] != after[key])
    db.session.flush()
    audit.record("scim.user_updated", subject_type="user", subject_id=user.id,
                 data={"changed": changes, "userName": data.user_name})
    if before["active"] and not data.active:
        deactivate(user, "deactivated")
    elif not before["active"] and data.active:
        user.active = True
        accounts.visibility_changed(user)
        audit.record("scim.user_reactivated", subject_type="user", subject_id=user.id)


def deactivate(user: User, reason: str) -> dict[str, int]:
    """The leaver flow: the account stops working at once, their open requests are declined and
    each active mentorship is put in front of the change managers for a handover."""
    from community.mentoring.models import Mentorship
    from community.mentoring.services import (
        cancel_sessions_of_leaver,
        decline_open_requests_for_leaver,
        request_handover,
    )

    user.active = False
    accounts.close_all_login_sessions(user)
    accounts.visibility_changed(user)
    tokens = rowcount(db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow())
    ))
    # Shown in each reader's language (stored as a phrase, community.labels).
    declined = decline_open_requests_for_leaver(user, stored_phrase("person_left"))
    sessions = cancel_sessions_of_leaver(user, stored_phrase("account_erased" if reason == "erased" else "person_left"))
    active = db.session.scalars(
        select(Mentorship).where(Mentorship.status == "active",
                                 or_(Mentorship.mentor_id == user.id, Mentorship.executive_id == user.id))
    ).all()
    for mentorship in active:
        request_handover(mentorship, reason)
    db.session.flush()
    figures = {"api_tokens_revoked": tokens, "requests_declined": declined, "handovers_requested": len(active),
               "sessions_cancelled": sessions}
    audit.record("scim.user_deactivated", subject_type="user", subject_id=user.id, data=figures)
    return figures


def delete(user: User) -> None:
    """DELETE: the leaver flow, then erasure exactly as `flask privacy erase` does it."""
    from community.privacy.services import erase_as_system

    _refuse_last_admin(user)
    if user.active:
        deactivate(user, "erased")
    erase_as_system(user, by="scim")
    audit.record("scim.user_deleted", subject_type="user", subject_id=user.id)
