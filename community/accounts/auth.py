"""How a request is tied to a person: browser login sessions and API bearer tokens."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import pickle
from datetime import datetime, timedelta

from flask import current_app, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, LoginManager
from sqlalchemy import Row, Select, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from community.accounts.models import ApiToken, LoginSession, User
from community.database import ascii_digits, utcnow
from community.extensions import db

SESSION_KEY = "login_secret"
log = logging.getLogger("community.security")


class Anonymous(AnonymousUserMixin):
    roles: list[str] = []
    is_admin = False
    is_change_manager = False

    def has_role(self, *roles: str) -> bool:
        return False


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def init_login_manager(manager: LoginManager) -> None:
    manager.login_view = "accounts.login"
    manager.login_message = _l("Please log in to see this page.")
    manager.login_message_category = "info"
    manager.anonymous_user = Anonymous
    manager.session_protection = "basic"
    manager.user_loader(load_session_user)
    manager.request_loader(load_token_user)
    manager.unauthorized_handler(lambda: ask_to_log_in(manager))


def ask_to_log_in(manager: LoginManager):
    """Flask-Login's redirect to the login page with its message, flashed once: a client that
    does not follow the redirect (and so never sees the message) would otherwise add one more
    copy to its session cookie with every request, until the cookie outgrows the browser."""
    from flask import flash, redirect
    from flask_login import login_url

    message = str(manager.login_message)
    category = manager.login_message_category
    if (category, message) not in session.get("_flashes", ()):
        flash(message, category)
    return redirect(login_url(manager.login_view, next_url=request.url))


# Who a login session or API token belongs to is remembered for IDENTITY_CACHE_SECONDS
# (default 5) under the "accounts" data generation (community.caching): any change to users,
# roles, login sessions or tokens (a log-out, a revoked token, a deactivated account, a new
# role) makes every remembered identity stale at once — in every worker with REDIS_URL, in
# the worker that made the change otherwise (the others within the few seconds).
# A hit costs no SQL: the remembered user (with its roles) joins the request's session as is.


# What a remembered identity carries: roles and languages; never the password hash (loaded
# only when a password is checked), so the cache (Redis) holds no secret.
def _identity_loads() -> tuple:
    return (joinedload(User.role_rows), selectinload(User.language_rows), defer(User.password_hash))


def _identity_key(kind: str, hashed: str, extra: str = "") -> str:
    from community.caching import generation

    return f"identity:{kind}:{hashed}:{extra}:{generation('accounts')}"


def _local():
    """The identities this process used last, as they came from the cache, for at most
    IDENTITY_CACHE_SECONDS (community.caching.RecentValues): no round trip and no unpickling
    on the next request of the same login session or token. The keys carry the "accounts"
    generation, so a change misses here too. The objects kept are never attached to a session
    (each request merges a copy), so threads can share them."""
    from community.caching import recent_values

    return recent_values("identities", current_app.config.get("IDENTITY_CACHE_SECONDS", 5), size=1024)


def _remembered(key: str):
    from community.extensions import cache

    seconds = current_app.config.get("IDENTITY_CACHE_SECONDS", 5)
    if not seconds:
        return None
    local = _local()
    value = local.get(key)
    if value is not None:
        return value
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage only costs a query
        return None
    if value is not None:
        local.put(key, value)
    return value


def _remember(key: str, value, *, detached: bool = False) -> None:
    """Keep an identity in the cache; a value holding only detached objects (never one of a
    request's session) is kept by this process as it is too."""
    from community.extensions import cache

    seconds = current_app.config.get("IDENTITY_CACHE_SECONDS", 5)
    if not seconds:
        return
    if detached:
        _local().put(key, value)
    else:
        value = _portable(value)
    try:
        cache.set(key, value, timeout=seconds)
    except Exception:  # noqa: BLE001
        log.debug("identity cache unavailable", exc_info=True)


def _portable(value):
    """What the cache keeps of an identity (a user, or a token's tuple with its user): a
    detached copy whose roles and languages are plain names instead of rows, so each request
    merges one object instead of five (community.accounts.models.User._role_names). The
    request's own objects are left as they are."""
    if isinstance(value, tuple):
        return tuple(_portable(item) for item in value)
    if not isinstance(value, User):
        return value
    copy = pickle.loads(pickle.dumps(value))  # noqa: S301 - our own object, never outside data
    state = copy.__dict__
    for rows, names, field in (("role_rows", User.IDENTITY_ROLES, "role"), ("language_rows", User.IDENTITY_LANGUAGES, "code")):
        if rows in state:  # loaded (never guessed empty when it was not)
            state[names] = tuple(getattr(row, field) for row in state.pop(rows))
    return copy


def _attach(user: User) -> User:
    """A remembered user into this request's session as a copy of its own, merged without a
    query; its roles and languages come along as names. The remembered object stays detached
    and unchanged for the next request."""
    merged = db.session.merge(user, load=False)
    for name in (User.IDENTITY_ROLES, User.IDENTITY_LANGUAGES):
        if name in user.__dict__ and name not in merged.__dict__:
            merged.__dict__[name] = user.__dict__[name]
    return merged


def load_session_user(user_id: str) -> User | None:
    """A cookie is valid only while its login session is open and the account active."""
    if request.path.startswith("/api/") and request.headers.get("Authorization"):
        return None  # an explicit token always wins over a cookie
    secret = session.get(SESSION_KEY)
    if not secret or not ascii_digits(user_id):
        return None
    hashed = secret_hash(secret)
    key = _identity_key("session", hashed, user_id)
    remembered = _remembered(key)
    if remembered is not None:
        return _attach(remembered)
    found = _look_up_apart(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            User.id == int(user_id),
            User.active.is_(True),
            LoginSession.secret_hash == hashed,
            LoginSession.revoked_at.is_(None),
            # A login lasts PERMANENT_SESSION_LIFETIME on the server too, whatever the cookie says.
            LoginSession.created_at >= utcnow() - current_app.permanent_session_lifetime,
        )
        .options(*_identity_loads())
    )
    if found is None:
        return None
    user = _portable(found[0])
    _remember(key, user, detached=True)
    return _attach(user)


def load_token_user(req) -> User | None:
    if not req.path.startswith("/api/"):
        return None
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    hashed = secret_hash(token.strip())
    key = _identity_key("token", hashed)
    remembered = _remembered(key)
    if remembered is not None:
        token_id, last_used_at, user = remembered
        g.api_token_id, g.api_token_identity_key = token_id, key
        g.api_token_last_used_at = last_used_at
        return _attach(user)
    found = _look_up_apart(
        select(ApiToken.id, ApiToken.last_used_at, User)
        .join(User, User.id == ApiToken.user_id)
        .where(
            ApiToken.token_hash == hashed,
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
        .options(*_identity_loads())
    )
    if found is None:
        g.bad_token = True
        return None
    token_id, last_used_at, user = _portable(tuple(found))
    g.api_token_id, g.api_token_identity_key = token_id, key
    g.api_token_last_used_at = last_used_at
    _remember(key, (token_id, last_used_at, user), detached=True)
    return _attach(user)


def _look_up_apart(stmt: Select) -> Row | None:
    """Who a login session or token belongs to, looked up on a connection and in a session of
    their own that take no write lock (community.unit_of_work.reading_connection): the first
    request of a login session or token in a few seconds, a POST too, does not begin its write
    transaction with this read (on SQLite that took the write lock before the request's own
    reads, a reply's read apart included). The row's objects come back detached with what an
    identity carries loaded; they are remembered and attached like a remembered identity."""
    from community.unit_of_work import reading_connection

    with reading_connection() as connection, Session(bind=connection) as lookup:
        return lookup.execute(stmt).unique().first()


TOKEN_TOUCH_INTERVAL = timedelta(seconds=60)


def _remember_touch(now: datetime) -> None:
    """The remembered identity of this token learns the new "last used", so the next requests
    within the minute do not try to record it again."""
    key = g.get("api_token_identity_key")
    remembered = _remembered(key) if key else None
    if remembered is not None:
        token_id, _last_used_at, user = remembered
        _remember(key, (token_id, now, user), detached=True)


def touch_token(token_id: int, last_used_at: datetime | None, *, in_request_transaction: bool) -> None:
    """Remember when a token was last used, for reads and writes, at most once a minute.

    A write request records it in its own transaction. A read records it in a short
    transaction of its own, best effort: a read never waits for or fails on this bookkeeping
    (on SQLite the request's read snapshot could not take the write lock)."""
    now = utcnow()
    if last_used_at is not None and now - last_used_at < TOKEN_TOUCH_INTERVAL:
        return
    _remember_touch(now)
    stale = or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOKEN_TOUCH_INTERVAL)
    statement = update(ApiToken).where(ApiToken.id == token_id, stale).values(last_used_at=now)
    if in_request_transaction:
        db.session.execute(statement.execution_options(synchronize_session=False))
        return
    try:
        with db.engine.begin() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                usual = int(connection.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0)
                connection.exec_driver_sql("PRAGMA busy_timeout = 100")
            else:
                connection.exec_driver_sql("SET LOCAL lock_timeout = '100ms'")
            try:
                connection.execute(statement)
            finally:
                if sqlite:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {usual}")
    except SQLAlchemyError:
        log.info("could not record the last use of API token %s", token_id)


def peek_user():
    """The signed-in user, or None. While an error page is rendered it never raises, so a
    503 page for a database that is down cannot fail in its turn."""
    from flask import has_request_context
    from flask_login import current_user
    from sqlalchemy.exc import SQLAlchemyError

    if not has_request_context():
        return None  # CLI and background work speak the default language
    try:
        user = current_user._get_current_object()
    except SQLAlchemyError:
        if not g.get("rendering_error_page"):
            raise  # a normal request fails visibly (e.g. 503), it never continues as anonymous
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        g._login_user = Anonymous()  # do not knock on a dead database again in this request
        return None
    return user if user is not None and user.is_authenticated else None
