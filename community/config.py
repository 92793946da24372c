"""Configuration: defaults, environment, testing.

Everything a deployment sets comes from the environment: SECRET_KEY, DATABASE_URL,
REDIS_URL and a few optional switches documented in README.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from community import ratelimit_storage


def _instance_secret(instance_path: str) -> str:
    """A development secret generated once into instance/ and reused by every process."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: two processes starting together must not write different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _normalise_database_url(url: str) -> str:
    """Accept the usual postgres:// spellings and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _engine_options(database_url: str, lock_timeout_ms: int | None = None) -> dict:
    """Pool and driver options. A database that does not answer, or a lock held too long,
    must become a quick 503 with Retry-After, not a hung worker."""
    if lock_timeout_ms is None:
        lock_timeout_ms = int(os.environ.get("DB_LOCK_TIMEOUT_MS", "5000"))
    options: dict = {}
    if database_url.startswith(("postgres://", "postgresql")):
        # A server connection can drop while pooled (restart, idle timeout): checked when it is
        # taken from the pool after DB_PING_AFTER_IDLE_SECONDS unused (community.database.
        # install_idle_ping); 0 checks it at every checkout (SQLAlchemy's pre-ping).
        if ping_after_idle_seconds() <= 0:
            options["pool_pre_ping"] = True
        # The planner's price of a random page read: PostgreSQL's default (4) is for spinning
        # disks; on SSDs or a database that fits in memory 1.1 is the usual setting, and with 4
        # a search for a topic read all 100,000 people instead of the 1,400 it found
        # (README "PostgreSQL at scale"). DB_RANDOM_PAGE_COST="" leaves the server's setting.
        server = [f"-c lock_timeout={lock_timeout_ms}"]
        page_cost = os.environ.get("DB_RANDOM_PAGE_COST", "1.1").strip()
        if page_cost:
            try:
                server.append(f"-c random_page_cost={float(page_cost)}")
            except ValueError:
                raise ValueError(f"DB_RANDOM_PAGE_COST must be a number (e.g. 1.1) or empty, not {page_cost!r}") from None
        options["connect_args"] = {"connect_timeout": 5, "options": " ".join(server)}
        options["pool_timeout"] = 10
    else:
        # A SQLite file cannot drop a connection: no "ping" before every request's first query.
        # Read by community.database when it sets PRAGMA busy_timeout.
        options["connect_args"] = {"timeout": lock_timeout_ms / 1000}
    return options


def _days(raw: str, name: str) -> int:
    try:
        days = int(raw.strip() or "0")
    except ValueError:
        raise ValueError(f"{name} must be a whole number of days (e.g. 90), not {raw!r}") from None
    if days < 0:
        raise ValueError(f"{name} must be 0 or more days, not {raw!r}")
    return days


def ping_after_idle_seconds() -> float:
    """DB_PING_AFTER_IDLE_SECONDS (default 1): how long a pooled PostgreSQL connection may rest
    before it is checked with a ping when it is taken again."""
    raw = os.environ.get("DB_PING_AFTER_IDLE_SECONDS", "1").strip() or "1"
    try:
        return max(0.0, float(raw))
    except ValueError:
        raise ValueError(f"DB_PING_AFTER_IDLE_SECONDS must be a number of seconds (e.g. 1), not {raw!r}") from None


def _list(value: str | None) -> list[str]:
    return [item.strip().lower() for item in (value or "").split(",") if item.strip()]


def _list_raw(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def default_config(instance_path: str, overrides: dict | None = None) -> dict:
    env = os.environ
    overrides = overrides or {}
    production = env.get("COMMUNITY_ENV", "development") == "production"
    database_url = env.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "community.sqlite3")
    )
    secret_key = overrides.get("SECRET_KEY") or env.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise RuntimeError("SECRET_KEY must be set when COMMUNITY_ENV=production")
        secret_key = _instance_secret(instance_path)
    redis_url = env.get("REDIS_URL") or None
    return {
        "ENV_NAME": "production" if production else "development",
        "SECRET_KEY": secret_key,
        # Former keys: sessions and stored secrets written under them still open (key rotation).
        "SECRET_KEY_FALLBACKS": _list_raw(env.get("SECRET_KEY_FALLBACKS")),
        "SQLALCHEMY_DATABASE_URI": _normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url),
        "DB_PING_AFTER_IDLE_SECONDS": ping_after_idle_seconds(),
        "REDIS_URL": redis_url,
        # Accounts
        "ALLOWED_EMAIL_DOMAINS": _list(env.get("ALLOWED_EMAIL_DOMAINS")),
        "REGISTRATION_OPEN": env.get("REGISTRATION_OPEN", "1") != "0",
        "REGISTRATION_LINK_MAX_AGE": int(env.get("REGISTRATION_LINK_MAX_AGE", str(24 * 3600))),
        "REGISTRATION_MAIL_WINDOW": int(env.get("REGISTRATION_MAIL_WINDOW", "600")),
        "IDEMPOTENCY_RETENTION": int(env.get("IDEMPOTENCY_RETENTION", str(24 * 3600))),
        "PASSWORD_MIN_LENGTH": 10,
        "PASSWORD_HASH_METHOD": "scrypt",
        # Company sign-in (OpenID Connect); without OIDC_ISSUER only password login exists
        "OIDC_ISSUER": (env.get("OIDC_ISSUER") or "").strip() or None,
        "OIDC_CLIENT_ID": env.get("OIDC_CLIENT_ID", ""),
        "OIDC_CLIENT_SECRET": env.get("OIDC_CLIENT_SECRET", ""),
        "OIDC_NAME": env.get("OIDC_NAME", ""),  # e.g. "Contoso ID"; empty: "your company account"
        "OIDC_SCOPES": env.get("OIDC_SCOPES", "openid email profile"),
        "OIDC_ROLE_CLAIM": env.get("OIDC_ROLE_CLAIM", "groups"),
        "OIDC_ROLE_MAP": env.get("OIDC_ROLE_MAP", ""),
        "OIDC_DEPARTMENT_CLAIM": env.get("OIDC_DEPARTMENT_CLAIM", ""),
        "OIDC_LOCATION_CLAIM": env.get("OIDC_LOCATION_CLAIM", ""),
        "OIDC_ONLY": env.get("OIDC_ONLY", "0") == "1",
        "OIDC_TIMEOUT_SECONDS": float(env.get("OIDC_TIMEOUT_SECONDS", "10")),
        # Sessions and cookies
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "community_session",
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted
        "PROXY_COUNT": int(env.get("PROXY_COUNT", "0")),
        "HSTS_ENABLED": production,
        # Forms and uploads
        "WTF_CSRF_CHECK_DEFAULT": False,  # checked in one place, see community.security
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead of a clock
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Rate limits (Flask-Limiter syntax)
        "RATELIMIT_STORAGE_URI": ratelimit_storage.storage_uri(redis_url),
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "community"),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        "LOGIN_ACCOUNT_RATE_LIMIT": env.get("LOGIN_ACCOUNT_RATE_LIMIT", "30 per hour"),
        "LOGIN_SLOW_AFTER": int(env.get("LOGIN_SLOW_AFTER", "20")),
        "LOGIN_SLOW_MAX_SECONDS": float(env.get("LOGIN_SLOW_MAX_SECONDS", "3")),
        "REGISTER_RATE_LIMIT": env.get("REGISTER_RATE_LIMIT", "5 per minute;30 per hour"),
        "TOKEN_RATE_LIMIT": env.get("TOKEN_RATE_LIMIT", "10 per minute"),
        "POST_RATE_LIMIT": env.get("POST_RATE_LIMIT", "30 per minute"),
        "NOMINATION_RATE_LIMIT": env.get("NOMINATION_RATE_LIMIT", "10 per minute"),
        # Languages
        "LANGUAGES": ["en", "de"],
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "DEFAULT_USER_TIMEZONE": env.get("DEFAULT_USER_TIMEZONE", "Europe/Berlin"),
        # API / OpenAPI (flask-smorest)
        "API_TITLE": "Mentor Community & Ambassador Network API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        # Network analysis
        "ANALYSIS_INLINE_MAX_PEOPLE": int(env.get("ANALYSIS_INLINE_MAX_PEOPLE", "3000")),
        "ANALYSIS_PSEUDONYMISED": env.get("ANALYSIS_PSEUDONYMISED", "0") == "1",
        # 0: queued analyses wait for `flask --app wsgi network run-jobs` (cron) instead of
        # the task queue (community.tasks)
        "ANALYSIS_JOBS_QUEUED": env.get("ANALYSIS_JOBS_QUEUED", "1") != "0",
        "ANALYSIS_CACHE_SECONDS": int(env.get("ANALYSIS_CACHE_SECONDS", "120")),
        # PostgreSQL: 0 lets a page view's audit event (network pages, run reports) count as
        # stored once the server has it, before its write-ahead log is on disk; a crash of the
        # database server can then lose the views of its last fraction of a second
        # (community.unit_of_work.send_after_read). 1, the default, waits for the disk.
        "AUDIT_VIEWS_SYNCHRONOUS_COMMIT": env.get("AUDIT_VIEWS_SYNCHRONOUS_COMMIT", "1") != "0",
        # Reports show survey figures only for groups of at least this many respondents
        "REPORT_MIN_GROUP": int(env.get("REPORT_MIN_GROUP", "5")),
        "RETENTION_MONTHS": int(env.get("RETENTION_MONTHS", "24")),
        # A mentor who declined an executive's request is not offered to that executive again
        # for this many days (community.mentoring.queries.ask_again_after); 0 offers them at once
        "ASK_AGAIN_AFTER_DAYS": _days(env.get("ASK_AGAIN_AFTER_DAYS", "90"), "ASK_AGAIN_AFTER_DAYS"),
        # Shared page fragments (directory results, topic contacts), dropped on every change
        "CACHE_FRAGMENT_SECONDS": int(env.get("CACHE_FRAGMENT_SECONDS", "30")),
        # Who a login session or API token belongs to, remembered per worker or in Redis
        # (community.accounts.auth); 0 looks it up on every request
        "IDENTITY_CACHE_SECONDS": int(env.get("IDENTITY_CACHE_SECONDS", "5")),
        # With Redis each process keeps the data generations until Redis tells it one changed
        # (community.generation_tracking), trusting them at most this long; 0 turns it off
        "CACHE_GENERATION_TRACKING": float(env.get("CACHE_GENERATION_TRACKING_SECONDS", "2")) > 0,
        "CACHE_GENERATION_TRACKING_SECONDS": float(env.get("CACHE_GENERATION_TRACKING_SECONDS", "2")),
        # Task queue (community.tasks): Celery on REDIS_URL (or CELERY_BROKER_URL); without
        # either, tasks run in the web process right after the request's commit
        "CELERY_BROKER_URL": env.get("CELERY_BROKER_URL") or None,
        "TASKS_IN_PROCESS": not (env.get("CELERY_BROKER_URL") or redis_url),
        "CELERY_QUEUE": env.get("CELERY_QUEUE", "community"),
        # Run every periodic task this often instead of its own schedule (tests, demos)
        "TASKS_PERIODIC_SECONDS": float(env.get("TASKS_PERIODIC_SECONDS", "0")) or None,
        # E-mail (Flask-Mailman); without MAIL_SERVER messages stay in the outbox at /admin/outbox
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "0") == "1",
        "MAIL_USE_SSL": env.get("MAIL_USE_SSL", "0") == "1",
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "Mentor Community <no-reply@mentor-community.local>"),
        "MAIL_TIMEOUT": int(env.get("MAIL_TIMEOUT", "10")),
        "MAIL_BACKEND": "smtp",  # also under TESTING: the tests talk to a real SMTP server
        # Links in e-mails and channel posts point here
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000"),
        # Sending: attempts before a message is shown as failed, first pause between them
        "DELIVERY_MAX_ATTEMPTS": int(env.get("DELIVERY_MAX_ATTEMPTS", "6")),
        "DELIVERY_BACKOFF_SECONDS": int(env.get("DELIVERY_BACKOFF_SECONDS", "60")),
        "WEBHOOK_TIMEOUT": int(env.get("WEBHOOK_TIMEOUT", "10")),
        "WEBHOOK_ALLOW_HTTP": env.get("WEBHOOK_ALLOW_HTTP", "0") == "1",
        # 1: channel webhooks may point into private networks or at the server itself (an
        # on-premises chat server); 0 refuses them, so that nobody can make the server call
        # internal services (community.outreach.services.valid_webhook_url)
        "WEBHOOK_ALLOW_PRIVATE": env.get("WEBHOOK_ALLOW_PRIVATE", "0") == "1",
        # The language of Teams and Slack posts (a channel is read by many; unset: BABEL_DEFAULT_LOCALE)
        "CHANNEL_LANGUAGE": env.get("CHANNEL_LANGUAGE") or None,
        # Local hour of the daily digest and the Monday briefing; UTC hour of the nightly snapshot
        "DIGEST_HOUR": int(env.get("DIGEST_HOUR", "7")),
        "SNAPSHOT_HOUR": int(env.get("SNAPSHOT_HOUR", "2")),
        # Calendar: the domain part of iCalendar UIDs, so calendars recognise updates
        "CALENDAR_UID_DOMAIN": env.get("CALENDAR_UID_DOMAIN", "mentor-community.local"),
    }


def config_for_tests(database_url: str, lock_timeout_ms: int = 5000) -> dict:
    """What the test-suite changes: a cheap password hash and its own database."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": _normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url, lock_timeout_ms),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "community-memory://",
        "REDIS_URL": None,
        "SERVER_NAME": None,
        "CELERY_BROKER_URL": None,
        "TASKS_IN_PROCESS": True,
        "MAIL_SERVER": None,
        "BASE_URL": "http://community.test",
    }
