"""Self-service data export and erasure, admin erasure for leavers, retention.

Each feature package may have a `privacy.py` with

    export(user) -> dict            everything it stores about the person (JSON-ready)
    erase(user) -> None             delete or anonymise what belongs to the person
    retain(cutoff) -> dict[str, int]   delete what is older than the retention cutoff

Erasure keeps the account row as an anonymous "former member" so that what others wrote
stays readable (posts, mentorship histories) while nothing identifies the person any more.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from datetime import timedelta
from types import ModuleType
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete

from community.accounts.models import User, UserLanguage, UserRole
from community.accounts.passwords import verify_password
from community.audit import services as audit
from community.database import utcnow
from community.errors import ConflictError, PermissionDenied, ValidationFailed
from community.extensions import db


def _feature_modules() -> Iterator[tuple[str, ModuleType]]:
    # The list lives in the application (set by create_app): importing it from the
    # `community` package would close an import circle through the API.
    for feature in current_app.extensions["community.features"]:
        name = f"community.{feature}.privacy"
        if importlib.util.find_spec(name) is not None:
            yield feature, importlib.import_module(name)


def export_person(user: User) -> dict[str, Any]:
    """Everything stored about a person, as plain JSON, grouped by feature."""
    data: dict[str, Any] = {"exported_at": utcnow().isoformat(), "format": "mentor-community-export/1"}
    for feature, module in _feature_modules():
        if hasattr(module, "export"):
            part = module.export(user)
            if part:
                data[feature] = part
    return data


def erase_person(actor: User, user: User, *, password: str | None = None) -> None:
    """Erase a person: self-service (password required) or an administrator for a leaver."""
    if actor.id == user.id:
        if user.password_hash is None:
            # Signs in through the company's identity provider, so has no password: typing the
            # account's e-mail address confirms instead.
            if (password or "").strip().lower() != user.email.lower():
                message = _("Type your e-mail address exactly as it is shown.")
                raise ValidationFailed(message, {"email": [message], "password": [message]})
        elif not verify_password(user.password_hash, password or ""):
            message = _("Your password is not correct.")
            raise ValidationFailed(message, {"password": [message]})
        if user.is_admin and _other_active_admins(user) == 0:
            raise ConflictError(_("The last administrator cannot delete their account."))
    elif not actor.is_admin:
        raise PermissionDenied(_("Only administrators erase other people's accounts."))
    if user.erased_at is not None:
        raise ConflictError(_("This account is erased already."))
    _erase_everywhere(user)
    themselves = actor.id == user.id  # their account is gone once this is written: "a deleted account"
    audit.record("user.erased", actor=None if themselves else actor, by_person=True, subject_type="user",
                 subject_id=user.id, data={"by": "self" if themselves else "admin"})
    db.session.flush()


def erase_as_system(user: User, *, by: str = "cli") -> None:
    """Erasure without an acting account: an operator on the command line, or HR provisioning."""
    if user.erased_at is not None:
        raise ConflictError(_("This account is erased already."))
    if user.is_admin and user.active and _other_active_admins(user) == 0:
        # Nobody could administer the app afterwards (the admin pages and SCIM refuse this too).
        raise ConflictError(_("The last administrator cannot be erased. Make someone else an administrator first."))
    _erase_everywhere(user)
    audit.record("user.erased", subject_type="user", subject_id=user.id, data={"by": by})
    db.session.flush()


def _erase_everywhere(user: User) -> None:
    """Each feature's part, the later features first: they may still need the account as it
    was (e.g. its handle, to take it out of other people's posts); accounts anonymise last."""
    for _feature, module in reversed(list(_feature_modules())):
        if hasattr(module, "erase"):
            module.erase(user)
    # Stored answers to retried API posts and sent forms hold what the person wrote.
    from sqlalchemy import delete

    from community.api.idempotency import IdempotentResponse
    from community.submissions import FormSubmission

    db.session.execute(delete(IdempotentResponse).where(IdempotentResponse.user_id == user.id))
    db.session.execute(delete(FormSubmission).where(FormSubmission.user_id == user.id))


def _other_active_admins(user: User) -> int:
    from sqlalchemy import func, select

    return db.session.execute(
        select(func.count()).select_from(UserRole).join(User)
        .where(UserRole.role == "admin", User.active.is_(True), User.id != user.id)
    ).scalar_one()


def run_retention(months: int | None = None) -> dict[str, int]:
    """Delete old private data (notes, interaction traces, figures) past the retention period."""
    months = months if months is not None else current_app.config["RETENTION_MONTHS"]
    if months < 1:
        raise ValidationFailed(_("Keep data for at least one month."), {"months": [_("Keep data for at least one month.")]})
    cutoff = utcnow() - timedelta(days=round(months * 30.44))
    removed: dict[str, int] = {}
    for _feature, module in _feature_modules():
        if hasattr(module, "retain"):
            removed.update(module.retain(cutoff))
    audit.record("privacy.retention", data={"months": months, "removed": removed})
    return removed


def anonymise_account(user: User) -> None:
    """The accounts part of erasure: the row stays as an anonymous former member."""
    from community.accounts.models import ApiToken, LoginSession

    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(delete(UserRole).where(UserRole.user_id == user.id))
    db.session.execute(delete(UserLanguage).where(UserLanguage.user_id == user.id))
    db.session.expire(user, ["role_rows", "language_rows"])
    user.name = str(_("Former member"))
    user.email = f"erased-{user.id}@erased.invalid"
    user.handle = f"former-{user.id}"
    user.password_hash = None
    for attr in ("department", "location", "locale", "bio", "bio_html", "availability", "link", "last_login_at", "ambassador_since"):
        setattr(user, attr, None)
    user.capacity = 0
    user.directory_visible = False
    user.analysis_opt_out = True
    user.is_ambassador = False
    user.active = False
    user.erased_at = utcnow()
