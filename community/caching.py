"""Short-lived caching of expensive page parts, invalidated by data generations.

Pages like the directory and topic contacts are the same for everyone with the same role
class and language until the data behind them changes. Their rendered parts are cached for
CACHE_FRAGMENT_SECONDS under a key that includes a *generation* number; every commit that
touches people, topics, mentorships or community posts moves the generation on, so a change is
visible at once. The cache (and the generation) live in Redis when REDIS_URL is set, shared by
all workers; otherwise in each process (then another worker may show a change up to
CACHE_FRAGMENT_SECONDS late).
"""

from __future__ import annotations

import hashlib

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.orm import Session

from community.extensions import cache

GENERATION_KEY = "community-data-generation"
# Tables whose changes make cached directory/contacts/topic fragments stale.
WATCHED_TABLES = frozenset({
    "users", "user_roles", "user_languages", "person_tags", "tags", "tag_synonyms", "topic_questions",
    "mentorships", "mentoring_sessions", "session_agenda_tags", "threads", "posts", "thread_tags",
})


def generation() -> int:
    value = g.get("data_generation")
    if value is None:
        value = cache.get(GENERATION_KEY) or 0
        g.data_generation = value
    return value


def bump_generation() -> None:
    try:
        if cache.get(GENERATION_KEY) is None:
            cache.set(GENERATION_KEY, 1, timeout=0)
        else:
            cache.cache.inc(GENERATION_KEY)  # the backend increments atomically (Redis INCR)
    except Exception:  # noqa: BLE001 - a cache outage must never fail a commit; entries expire anyway
        current_app.logger.warning("could not bump the cache generation", exc_info=True)
    g.pop("data_generation", None)


def fragment_key(*parts) -> str:
    """A cache key for a page part: its name, what it shows, and the data generation."""
    raw = "|".join(str(p) for p in (*parts, generation()))
    return "fragment:" + hashlib.sha256(raw.encode()).hexdigest()


def _after_flush(session: Session, flush_context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(getattr(obj, "__table__", None), "name", None)
        if table in WATCHED_TABLES:
            session.info["bump_generation"] = True
            return


def _after_commit(session: Session) -> None:
    if session.info.pop("bump_generation", False):
        from flask import has_app_context

        if has_app_context():
            bump_generation()


def _after_bulk(orm_execute_state) -> None:
    """Bulk inserts/updates/deletes (demo data, services using update()) count as changes too."""
    if orm_execute_state.is_insert or orm_execute_state.is_update or orm_execute_state.is_delete:
        table = getattr(orm_execute_state.statement, "table", None)
        if getattr(table, "name", None) in WATCHED_TABLES:
            orm_execute_state.session.info["bump_generation"] = True


def init_app(app: Flask) -> None:
    app.config.setdefault("CACHE_FRAGMENT_SECONDS", 30)
    if app.config.get("REDIS_URL") and not app.config.get("TESTING"):
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
    app.config.setdefault("CACHE_KEY_PREFIX", app.config.get("RATELIMIT_KEY_PREFIX", "community") + ":cache:")
    cache.init_app(app)
    for name, listener in (("after_flush", _after_flush), ("after_commit", _after_commit), ("do_orm_execute", _after_bulk)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def cached(parts: tuple, compute, timeout: int | None = None):
    """compute() once per generation and key parts; plain data only (it may be pickled)."""
    key = fragment_key(*parts)
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage only costs speed
        value = None
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=timeout or current_app.config["CACHE_FRAGMENT_SECONDS"])
        except Exception:  # noqa: BLE001
            current_app.logger.warning("cache unavailable", exc_info=True)
    return value
