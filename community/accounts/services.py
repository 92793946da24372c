"""Changes to accounts: creating people, passwords, login sessions, roles, API tokens.

Services flush and never commit; the request (or CLI command) commits once.
"""

from __future__ import annotations

import re
import secrets
import time
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from email_validator import EmailNotValidError, validate_email
from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from community.accounts.auth import secret_hash
from community.accounts.models import ROLES, ApiToken, LoginSession, User, UserLanguage, UserRole
from community.accounts.passwords import hash_password, password_problems, verify_password
from community.audit import services as audit
from community.database import utcnow
from community.errors import (
    ConflictError,
    NotFoundError,
    PermissionDenied,
    Refusals,
    ValidationFailed,
)
from community.extensions import db
from community.spelling import ASCII_SPELLING

_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    """A real hash made with the configured method and cost (scrypt in production), checked
    when the e-mail is unknown so that an unknown address costs as much as a wrong password."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[method]


def _hash_method(password_hash: str) -> str:
    return password_hash.split("$", 1)[0]


LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def normalise_email(raw: str) -> str:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        message = _("Enter a valid e-mail address, e.g. name@example.com.")  # the validator says why in English only
        raise ValidationFailed(message, {"email": [message]}) from None


def email_domain_allowed(email: str) -> bool:
    allowed = current_app.config["ALLOWED_EMAIL_DOMAINS"]
    return not allowed or email.rsplit("@", 1)[-1] in allowed


def slugify(text: str, max_length: int = 30) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.translate(ASCII_SPELLING)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or "person"


class HandleAllocator:
    """Hands out unique @handles; loads existing ones once so bulk imports stay fast."""

    def __init__(self) -> None:
        self.taken = set(db.session.scalars(select(User.handle)))

    def allocate(self, name: str) -> str:
        base = slugify(name).replace("-", ".")
        handle, n = base, 1
        while handle in self.taken:
            n += 1
            handle = f"{base}{n}"
        self.taken.add(handle)
        return handle


def check_roles(roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(r.strip().lower() for r in roles if r.strip()))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValidationFailed(
            _("Unknown role: %(roles)s.", roles=", ".join(unknown)), {"roles": [_("Choose from: %(roles)s.", roles=", ".join(ROLES))]}
        )
    return roles


def check_timezone(name: str) -> str:
    if name not in _timezones():
        raise ValidationFailed(_("Unknown time zone."), {"timezone": [_("Unknown time zone.")]})
    return name


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_languages(codes: Iterable[str]) -> list[str]:
    codes = list(dict.fromkeys(c.strip().lower() for c in codes if c.strip()))
    bad = [c for c in codes if not LANGUAGE_CODE.match(c)]
    if bad:
        raise ValidationFailed(
            _("Languages are ISO codes such as en, de, fr."), {"languages": [_("Languages are ISO codes such as en, de, fr.")]}
        )
    return codes


def check_new_account(*, email: str, name: str, password: str | None, roles: Iterable[str] = ("staff",)
                      ) -> tuple[str, str, list[str]]:
    """A new account's e-mail address, name, password and roles checked, writing nothing: every
    refused field at once. The address taken by another account alone is a conflict (409);
    beside other refusals it is one of them."""
    refusals = Refusals()
    email = refusals.check(lambda: normalise_email(email), field="email")
    name = " ".join(name.split())
    if not name:
        refusals.add("name", _("Enter a name."))
    elif len(name) > 120:
        refusals.add("name", _("Names have at most 120 characters."))
    checked_roles = refusals.check(lambda: check_roles(roles), field="roles")
    if password is not None:
        for problem in password_problems(password, email=email or "", name=name):
            refusals.add("password", problem)
    if email and db.session.scalar(select(User.id).where(User.email == email)) is not None:
        taken = _("An account with this e-mail address exists already.")
        if not refusals.fields:
            raise ConflictError(taken, {"email": [taken]})
        refusals.add("email", taken)
    refusals.raise_if_any()
    return email, name, checked_roles or ["staff"]


def create_user(
    *,
    email: str,
    name: str,
    password: str | None = None,
    roles: Iterable[str] = ("staff",),
    department: str | None = None,
    location: str | None = None,
    languages: Iterable[str] = (),
    timezone: str | None = None,
    locale: str | None = None,
    actor: User | None = None,
    check_password: bool = True,
    handles: HandleAllocator | None = None,
) -> User:
    if actor is not None:
        require_admin(actor)  # without an actor: registration, the CLI, imports
    email, name, roles = check_new_account(email=email, name=name, password=password if check_password else None,
                                           roles=roles)
    user = User(
        email=email,
        name=name,
        handle=(handles or HandleAllocator()).allocate(name),
        password_hash=hash_password(password) if password else None,
        department=(department or "").strip() or None,
        location=(location or "").strip() or None,
        timezone=check_timezone(timezone) if timezone else current_app.config["DEFAULT_USER_TIMEZONE"],
        locale=locale if locale in current_app.config["LANGUAGES"] else None,
    )
    user.role_rows = [UserRole(role=r) for r in roles]
    user.language_rows = [UserLanguage(code=c) for c in check_languages(languages)]
    db.session.add(user)
    db.session.flush()
    if actor is not None:
        audit.record("user.created", actor=actor, subject_type="user", subject_id=user.id, data={"roles": roles})
    return user


def ensure_registration_open() -> None:
    oidc_only = current_app.config.get("OIDC_ONLY") and current_app.config.get("OIDC_ISSUER")
    if not current_app.config["REGISTRATION_OPEN"] or oidc_only:
        raise PermissionDenied(_("Registration is closed; ask an administrator for an account."))


REGISTRATION_SALT = "accounts.register"


def _registration_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=REGISTRATION_SALT)


def _allowed_for_registration(email: str) -> str:
    email = normalise_email(email)
    if not email_domain_allowed(email):
        raise ValidationFailed(
            _("Registration is open to company e-mail addresses only."),
            {"email": [_("Use your company e-mail address (%(domains)s).", domains=", ".join(current_app.config["ALLOWED_EMAIL_DOMAINS"]))]},
        )
    return email


def start_registration(*, email: str, locale: str | None = None) -> None:
    """Registration step 1. The page answers "check your inbox" whatever the address: a new one gets
    a signed, expiring link to finish the account; a taken one an e-mail saying that an account
    exists, with a link to log in. Only the owner of the mailbox learns which case it was. The same
    address gets at most one such e-mail per window (REGISTRATION_MAIL_WINDOW seconds)."""
    from community.outreach.services import absolute, account_email

    ensure_registration_open()
    email = _allowed_for_registration(email)
    window = int(time.time() // max(int(current_app.config.get("REGISTRATION_MAIL_WINDOW", 600)), 1))
    digest = secret_hash(email)[:32]
    existing: User | None = db.session.scalar(select(User).where(User.email == email))
    if existing is not None:
        account_email(
            recipient=email, locale=existing.locale or locale, key=f"register:{digest}:{window}", kind="account_exists",
            subject=_l("You have an account in the Mentor Community already"), template="account_exists", user=existing,
            link=absolute(url_for("accounts.login")), reset=reset_link(existing), hours=registration_link_hours(),
        )
        return
    token = _registration_serializer().dumps({"email": email, "locale": locale})
    account_email(
        recipient=email, locale=locale, key=f"register:{digest}:{window}", kind="registration",
        subject=_l("Finish your registration in the Mentor Community"), template="registration",
        link=absolute(url_for("accounts.complete_registration", token=token)),
        hours=registration_link_hours(),
    )


def registration_link_hours() -> int:
    return max(int(current_app.config.get("REGISTRATION_LINK_MAX_AGE", 24 * 3600)) // 3600, 1)


def _link_payload(serializer: URLSafeTimedSerializer, token: str, gone: NotFoundError) -> dict[str, Any]:
    """What an e-mailed link carries; `gone` when it is forged, damaged or older than
    REGISTRATION_LINK_MAX_AGE."""
    try:
        data = serializer.loads(token, max_age=int(current_app.config.get("REGISTRATION_LINK_MAX_AGE", 24 * 3600)))
    except BadSignature:  # SignatureExpired is one too
        raise gone from None
    if not isinstance(data, dict):
        raise gone
    return data


def read_registration_link(token: str) -> tuple[str, str | None]:
    """The address (and language) a registration link was sent for; NotFoundError when the link
    is forged, damaged or older than REGISTRATION_LINK_MAX_AGE."""
    gone = NotFoundError(_("This registration link is not valid or has expired. Register again to get a new one."))
    data = _link_payload(_registration_serializer(), token, gone)
    if not isinstance(data.get("email"), str):
        raise gone
    locale = data.get("locale")
    return data["email"], locale if isinstance(locale, str) else None


def complete_registration(*, token: str, name: str, password: str, locale: str | None = None) -> User:
    """Registration step 2, from the link in the e-mail: the account is made only now."""
    ensure_registration_open()
    email, link_locale = read_registration_link(token)
    email = _allowed_for_registration(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        # Whoever holds the link owns the mailbox: telling them is no oracle.
        raise ConflictError(_("Your account exists already; log in with your e-mail address and password."))
    return create_user(email=email, name=name, password=password, roles=["staff"], locale=locale or link_locale)


# --------------------------------------------------------------------------- a forgotten password

RESET_SALT = "accounts.password-reset"


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    """Changes with the password: a reset link works once, and no more after any new password."""
    return secret_hash(f"{user.id}:{user.password_hash or '-'}")[:16]


def _may_reset(user: User | None) -> bool:
    if user is None or not user.active or user.erased_at is not None:
        return False
    # Where everyone signs in with the company account, passwords are the administrators' alone.
    return not (current_app.config.get("OIDC_ISSUER") and current_app.config.get("OIDC_ONLY")) or user.is_admin


def reset_link(user: User) -> str | None:
    """A signed, expiring link to set a new password; None where the person may not have one."""
    from community.outreach.services import absolute

    if not _may_reset(user):
        return None
    token = _reset_serializer().dumps({"uid": user.id, "fp": _password_fingerprint(user)})
    return absolute(url_for("accounts.reset_password", token=token))


def start_password_reset(*, email: str, locale: str | None = None) -> None:
    """"Forgot your password?": the page answers "check your inbox" whatever the address; an
    active account gets a link to set a new password (also one that never had a password:
    imported or provisioned people). At most one such e-mail per address and window."""
    from community.outreach.services import account_email

    email = normalise_email(email)
    user: User | None = db.session.scalar(select(User).where(User.email == email))
    link = reset_link(user) if user is not None else None
    if user is None or link is None:
        return
    window = int(time.time() // max(int(current_app.config.get("REGISTRATION_MAIL_WINDOW", 600)), 1))
    account_email(
        recipient=email, locale=user.locale or locale, key=f"reset:{secret_hash(email)[:32]}:{window}", kind="password_reset",
        subject=_l("Set a new password for the Mentor Community"), template="password_reset", user=user, link=link,
        hours=registration_link_hours(),
    )


def read_reset_link(token: str) -> User:
    """The person a reset link was sent to; NotFoundError when it is forged, expired, used (the
    password changed since) or the account can no longer have one."""
    gone = NotFoundError(_("This link is not valid any more: it has expired or was used. Ask for a new one."))
    data = _link_payload(_reset_serializer(), token, gone)
    if not isinstance(data.get("uid"), int):
        raise gone
    user = db.session.get(User, data["uid"])
    if user is None or not _may_reset(user) or data.get("fp") != _password_fingerprint(user):
        raise gone
    return user


def reset_password(*, token: str, new: str) -> User:
    """Set the new password from the link; every browser and app signed in as the person with the
    old one is logged out (API tokens stay: they are revoked in the settings)."""
    user = read_reset_link(token)
    _replace_password(user, new, action="user.password_reset", actor=user)
    return user


def authenticate(email: str, password: str) -> User | None:
    try:
        email = normalise_email(email)
    except ValidationFailed:
        verify_password(_dummy_hash(), password)
        return None
    user: User | None = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.password_hash:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if _hash_method(user.password_hash) != _hash_method(_dummy_hash()):
        user.password_hash = hash_password(password)  # an older method or cost: upgrade it now
    return user


def open_login_session(user: User) -> str:
    """Start a browser login; returns the secret the cookie will carry."""
    secret = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(
            user_id=user.id,
            secret_hash=secret_hash(secret),
            ip=request.remote_addr if request else None,
            user_agent=(request.user_agent.string or "")[:200] if request else None,
        )
    )
    user.last_login_at = utcnow()
    db.session.flush()
    return secret


def close_login_session(secret: str | None) -> None:
    if not secret:
        return
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.secret_hash == secret_hash(secret), LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def close_all_login_sessions(user: User, *, except_secret: str | None = None) -> None:
    stmt = update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
    if except_secret:
        stmt = stmt.where(LoginSession.secret_hash != secret_hash(except_secret))
    db.session.execute(stmt.values(revoked_at=utcnow()))


def check_password_change(user: User, current: str | None, new: str | None) -> None:
    """The current password and the new one checked together, writing nothing: both refusals at
    once. `None` leaves that one unchecked (a form that refused it already)."""
    refusals = Refusals()
    if current is not None and not verify_password(user.password_hash, current):
        refusals.add("current_password", _("Your current password is not correct."))
    for problem in password_problems(new, email=user.email, name=user.name) if new is not None else ():
        refusals.add("new_password", problem)
    refusals.raise_if_any()


def change_password(user: User, current: str, new: str, *, keep_secret: str | None, revoke_tokens: bool = False) -> None:
    """Other browsers signed in as this user are logged out; this one stays. With
    `revoke_tokens` every API token of the person stops working too."""
    check_password_change(user, current, new)
    user.password_hash = hash_password(new)
    close_all_login_sessions(user, except_secret=keep_secret)
    audit.record("user.password_changed", actor=user, subject_type="user", subject_id=user.id)
    if revoke_tokens:
        revoke_all_api_tokens(user)
    db.session.flush()


def require_not_erased(user: User) -> None:
    """An erased account stays, as "Former member", only so that other people's records keep
    their shape: nothing is written back into it — no profile, topics, roles, password or
    activation (409)."""
    if user.erased_at is not None:
        raise ConflictError(_("This account was erased; nothing about it can be changed."))


def set_password(actor: User, user: User, new: str) -> None:
    """An administrator sets a password (e.g. a first password); all sessions end."""
    require_admin(actor)
    require_not_erased(user)
    _replace_password(user, new, action="user.password_set", actor=actor)


def _replace_password(user: User, new: str, *, action: str, actor: User) -> None:
    """A password set by an administrator or from a new-password link: checked, stored, every
    login of the person ended, recorded."""
    problems = password_problems(new, email=user.email, name=user.name)
    if problems:
        raise ValidationFailed(problems[0], {"password": problems})
    user.password_hash = hash_password(new)
    close_all_login_sessions(user)
    audit.record(action, actor=actor, subject_type="user", subject_id=user.id)


def set_roles(actor: User, user: User, roles: Iterable[str]) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators change roles."))
    require_not_erased(user)
    roles = check_roles(roles)
    if not roles:
        raise ValidationFailed(_("Keep at least one role."), {"roles": [_("Keep at least one role.")]})
    before = user.roles
    if "admin" in before and "admin" not in roles:
        if user.id == actor.id:
            raise ConflictError(_("You cannot remove your own administrator role."), {"roles": [_("You cannot remove your own administrator role.")]})
        if _active_admin_count() <= 1:
            raise ConflictError(_("The last administrator keeps the role."), {"roles": [_("The last administrator keeps the role.")]})
    if set(before) == set(roles):
        return
    kept = [row for row in user.role_rows if row.role in roles]
    kept_roles = {row.role for row in kept}
    user.role_rows = kept + [UserRole(role=r) for r in roles if r not in kept_roles]
    db.session.flush()
    audit.record("user.roles_changed", actor=actor, subject_type="user", subject_id=user.id, data={"before": before, "after": user.roles})


def is_last_active_admin(user: User) -> bool:
    """Whether deactivating or erasing `user` would leave nobody able to administer."""
    return user.active and user.is_admin and _active_admin_count() <= 1


def _active_admin_count() -> int:
    return db.session.execute(
        select(func.count()).select_from(UserRole).join(User).where(UserRole.role == "admin", User.active.is_(True))
    ).scalar_one()


_DEACTIVATION_HOOKS: list[Callable[[User], object]] = []


def on_deactivation(hook: Callable[[User], object]) -> None:
    """Features react to a deactivation in the same transaction (mentoring asks for handovers)."""
    if hook not in _DEACTIVATION_HOOKS:
        _DEACTIVATION_HOOKS.append(hook)


_ACTIVATION_HOOKS: list[Callable[[User], object]] = []


def on_activation(hook: Callable[[User], object]) -> None:
    """Features react when an administrator reactivates an account, in the same transaction."""
    if hook not in _ACTIVATION_HOOKS:
        _ACTIVATION_HOOKS.append(hook)


_VISIBILITY_HOOKS: list[Callable[[User], object]] = []


def on_visibility_change(hook: Callable[[User], object]) -> None:
    """Features react when whether others may see a person changes (listed in the directory,
    active): the discussions re-link or unlink their @mentions (see discussions.mentions)."""
    if hook not in _VISIBILITY_HOOKS:
        _VISIBILITY_HOOKS.append(hook)


def visibility_changed(user: User) -> None:
    db.session.flush()
    for hook in _VISIBILITY_HOOKS:
        hook(user)


def set_directory_visible(user: User, visible: bool) -> None:
    if user.directory_visible != visible:
        user.directory_visible = visible
        visibility_changed(user)


def set_active(actor: User, user: User, active: bool) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators activate or deactivate accounts."))
    require_not_erased(user)
    if user.id == actor.id and not active:
        raise ConflictError(_("You cannot deactivate your own account."))
    if user.active == active:
        return
    if not active and is_last_active_admin(user):
        raise ConflictError(_("The last administrator cannot be deactivated."))
    user.active = active
    if not active:
        close_all_login_sessions(user)
    for hook in _DEACTIVATION_HOOKS if not active else _ACTIVATION_HOOKS:
        hook(user)
    visibility_changed(user)
    audit.record("user.activated" if active else "user.deactivated", actor=actor, subject_type="user", subject_id=user.id)
    db.session.flush()


def require_admin(actor: User) -> None:
    """Administration (accounts, roles, the audit log, erasing others) is for administrators."""
    if not actor.is_admin:
        raise PermissionDenied(_("You are not allowed to do this."))


def manage_user(actor: User, user_id: int) -> User:
    """An account as an administrator opens it (403 for everyone else, before 404)."""
    require_admin(actor)
    return get_user(user_id)


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError(_("No such person."))
    return user


def user_by_email(email: str) -> User:
    user: User | None = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFoundError(_("No account with this e-mail address."))
    return user


# API tokens -------------------------------------------------------------------------

TOKEN_PREFIX = "mcn_"  # noqa: S105 - a public prefix that makes leaked tokens easy to scan for


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the plain token, which is shown once and never stored."""
    name = " ".join((name or "").split())[:80] or _("API token")
    exists = db.session.scalar(
        select(ApiToken.id).where(ApiToken.user_id == user.id, ApiToken.name == name, ApiToken.revoked_at.is_(None))
    )
    if exists is not None:
        raise ConflictError(_("You already have a token with this name."), {"name": [_("You already have a token with this name.")]})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=secret_hash(plain), prefix=plain[:10])
    db.session.add(token)
    db.session.flush()
    audit.record("token.created", actor=user, subject_type="api_token", subject_id=token.id)
    return token, plain


def list_api_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.created_at.desc())
        )
    )


def revoke_api_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFoundError(_("No such token."))
    token.revoked_at = utcnow()
    audit.record("token.revoked", actor=user, subject_type="api_token", subject_id=token.id)
    db.session.flush()


def revoke_all_api_tokens(user: User) -> int:
    """Every token of the person stops working at once (e.g. after a leak); returns how many."""
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        audit.record("token.revoked_all", actor=user, subject_type="user", subject_id=user.id, data={"count": count})
    db.session.flush()
    return count


def update_settings(user: User, *, locale: str | None = None, timezone: str | None = None,
                    directory_visible: bool | None = None, analysis_opt_out: bool | None = None) -> None:
    """Personal settings any person may change about themselves."""
    if directory_visible is not None:
        set_directory_visible(user, bool(directory_visible))
    if analysis_opt_out is not None:
        user.analysis_opt_out = bool(analysis_opt_out)
    if timezone is not None:
        user.timezone = check_timezone(timezone)
    if locale is not None:
        if locale not in current_app.config["LANGUAGES"]:
            raise ValidationFailed(_("Unsupported language."), {"locale": [_("Unsupported language.")]})
        user.locale = locale
    db.session.flush()
