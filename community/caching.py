"""Short-lived caching of expensive page parts, invalidated by data generations.

Pages like the directory and topic contacts are the same for everyone with the same role
class and language until the data behind them changes. Their rendered parts are cached for
CACHE_FRAGMENT_SECONDS under a key that includes a *generation* number per area; every commit
that touches a table an area depends on moves that area's generation on, so a change is visible
at once — and a new community post throws away neither, as neither shows posts. The cache
(and the generations) live in Redis when REDIS_URL is set, shared by all workers. Without
Redis the cached parts live in each process, and the generations in small files under
CACHE_GENERATIONS_DIR (instance/generations), which every worker process of the machine reads:
a change made through one gunicorn worker (a reply, a revoked token, a logout) shows through
every other at once, not only after the entries expire. Tests keep the generations in the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from community.extensions import cache
from community.generation_tracking import TrackedGenerations

GENERATION_KEY = "community-data-generation"
_DIRECTORY = frozenset({"users", "user_roles", "user_languages", "person_tags", "person_search", "tags", "tag_synonyms"})
# Area -> tables whose changes make that area's cached fragments stale. An area not listed
# here depends on everything watched.
AREAS: dict[str, frozenset[str]] = {
    "directory": _DIRECTORY,
    "contacts": _DIRECTORY | {"questions", "question_answers", "mentorships", "mentoring_sessions", "session_agenda_tags"},
    # The community start page's figures per category (posts, threads, latest thread), the
    # thread pages (and who follows a thread: its follow form).
    "community": frozenset({"discussion_categories", "threads", "posts", "thread_tags", "discussion_subscriptions"}),
    # The network analysis: snapshots, jobs and settings (the dashboard's state).
    "network": frozenset({"analysis_snapshots", "analysis_jobs", "analysis_settings", "snapshot_coverage", "person_figures"}),
    # The unread counter of the page layout (per person; any notification change renews all).
    "notifications": frozenset({"notifications"}),
    # Who a login session or API token belongs to (community.accounts.auth caches it briefly),
    # and the person's e-mail choices (GET /api/v1/me).
    "accounts": frozenset({"users", "user_roles", "login_sessions", "api_tokens", "notification_preferences"}),
}
WATCHED_TABLES = frozenset().union(*AREAS.values())
AREA_FOR_PART = {"directory": "directory", "directory-options": "directory", "tag-options": "directory",
                 "directory-api": "directory", "directory-api-emails": "directory", "topic-people": "directory", "contacts": "contacts",
                 "community-categories": "community", "unread": "notifications",
                 "notification-prefs": "accounts", "tag-id": "directory", "person-facts": "directory",
                 "thread-facts": "community", "thread-authors": "community", "subscription": "community",
                 "unread-on-page": "notifications", "network-state": "network"}


def _key(area: str) -> str:
    return f"{GENERATION_KEY}:{area}"


class GenerationFiles:
    """The generations as one small file per area, shared by the processes of one machine
    without Redis. A bump appends one byte to the area's file (an append is atomic), so the
    file's size only ever grows: the generation is its inode and size, and reading them all
    is one stat() per area. A bump never loses another's (each adds its byte). The files grow
    by one byte per committed change of their tables; deleting them while the app runs only
    makes every cached part stale."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        os.makedirs(directory, exist_ok=True)

    def _path(self, area: str) -> str:
        return os.path.join(self.directory, area)

    def read(self) -> dict[str, str]:
        values = {}
        for area in AREAS:
            try:
                found = os.stat(self._path(area))
            except FileNotFoundError:
                self.bump(area)
                found = os.stat(self._path(area))
            values[area] = f"{found.st_ino}.{found.st_size}"
        return values

    def bump(self, area: str) -> None:
        fd = os.open(self._path(area), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, b".")
        finally:
            os.close(fd)


def _files() -> GenerationFiles | None:
    return current_app.extensions.get("community.generation_files")


def _read_generations() -> dict[str, str]:
    """Every area's current generation, in one cache round trip. A missing one (never set, or
    evicted) gets a fresh random value, so a generation is never reused: nothing cached under
    an old one can come back."""
    files = _files()
    if files is not None:
        try:
            return files.read()
        except OSError:
            current_app.logger.warning("cache generations unreadable", exc_info=True)
            return {area: uuid.uuid4().hex for area in AREAS}  # nothing cached is used
    tracked = _tracked()
    known, epoch = tracked.known() if tracked is not None else (None, None)
    if known is not None:
        return known  # Redis would have told this process of any change (community.generation_tracking)
    keys = [_key(area) for area in AREAS]
    try:
        values = dict(zip(AREAS, cache.get_many(*keys), strict=True))
        complete = all(value is not None for value in values.values())
        for area, value in values.items():
            if value is None:
                cache.add(_key(area), uuid.uuid4().hex, timeout=0)  # only if still absent
                values[area] = cache.get(_key(area))
    except Exception:  # noqa: BLE001 - without a cache, nothing cached can be stale
        current_app.logger.warning("cache unavailable", exc_info=True)
        values, complete = {}, False
    if complete and tracked is not None:
        tracked.remember(values, epoch)
    return {area: value or uuid.uuid4().hex for area, value in ((a, values.get(a)) for a in AREAS)}


def _tracked() -> TrackedGenerations | None:
    return current_app.extensions.get("community.tracked_generations")


def generation(area: str = "contacts") -> str:
    """The area's generation as this request saw it when it began."""
    generations = g.get("data_generations")
    if generations is None:
        generations = g.data_generations = _read_generations()
    return generations[area]


def bump_generation(areas=None) -> None:
    files = _files()
    chosen = sorted(areas if areas is not None else AREAS)
    # Each area alone on files; on Redis all in one round trip (one pipeline of SETs).
    batches = [[area] for area in chosen] if files is not None else [chosen] if chosen else []
    for batch in batches:
        try:
            if files is not None:
                files.bump(batch[0])
            else:
                cache.set_many({_key(area): uuid.uuid4().hex for area in batch}, timeout=0)
        except Exception:  # noqa: BLE001 - a cache outage must never fail a commit; entries expire anyway
            current_app.logger.warning("could not bump the cache generation", exc_info=True)
    tracked = _tracked()
    if tracked is not None:
        if batches:
            _wait_for_invalidation()
        tracked.forget()
    g.pop("data_generations", None)


def _wait_for_invalidation() -> None:
    """One more round trip after a bump, so the other processes' change message has left Redis
    before this request answers. Redis queues that message while it runs the SET, but may write
    the SET's own reply to its socket first; a reply to a later command comes only after
    everything queued before it was written (community.generation_tracking)."""
    with contextlib.suppress(Exception):  # the bump itself logged any outage; tracking has max_age
        cache.cache._write_client.ping()  # type: ignore[attr-defined]


def _note_generations(session: Session, transaction, connection) -> None:
    """When a request's transaction begins, before it reads anything from the database: a
    generation read later could be newer than the database snapshot the page is rendered from
    (SQLite holds one snapshot per transaction), and an old page would be cached under the new
    generation. A request that never touches the database (/livez) never asks the cache."""
    if has_request_context() and g.get("data_generations") is None:
        g.data_generations = _read_generations()


def _areas_of(table: str | None) -> set[str]:
    return {area for area, tables in AREAS.items() if table in tables}


def fragment_key(*parts) -> str:
    """A cache key for a page part: its name, what it shows, and its area's data generation."""
    area = AREA_FOR_PART.get(str(parts[0]) if parts else "", "contacts")
    raw = "|".join(str(p) for p in (*parts, generation(area)))
    return "fragment:" + hashlib.sha256(raw.encode()).hexdigest()


def _mark(session: Session, areas: set[str]) -> None:
    if areas:
        session.info.setdefault("bump_generation", set()).update(areas)


def _after_flush(session: Session, flush_context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        _mark(session, _areas_of(getattr(getattr(obj, "__table__", None), "name", None)))


def _after_commit(session: Session) -> None:
    areas = session.info.pop("bump_generation", None)
    if areas:
        from flask import has_app_context

        if has_app_context():
            bump_generation(areas)


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    # Only the outermost rollback undoes everything; a savepoint's (one bad row of an import)
    # leaves the other changes, which still need their bump. A bump too many is harmless.
    if previous_transaction.parent is None:
        session.info.pop("bump_generation", None)


def _after_bulk(orm_execute_state) -> None:
    """Bulk inserts/updates/deletes (demo data, services using update()) count as changes too."""
    if orm_execute_state.is_insert or orm_execute_state.is_update or orm_execute_state.is_delete:
        table = getattr(orm_execute_state.statement, "table", None)
        _mark(orm_execute_state.session, _areas_of(getattr(table, "name", None)))


def init_app(app: Flask) -> None:
    app.config.setdefault("CACHE_FRAGMENT_SECONDS", 30)
    if app.config.get("REDIS_URL") and not app.config.get("TESTING"):
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
        if not app.config.get("TESTING"):
            app.config.setdefault("CACHE_GENERATIONS_DIR", os.path.join(app.instance_path, "generations"))
    if app.config.get("CACHE_GENERATIONS_DIR") and app.config["CACHE_TYPE"] == "SimpleCache":
        app.extensions["community.generation_files"] = GenerationFiles(app.config["CACHE_GENERATIONS_DIR"])
    app.config.setdefault("CACHE_KEY_PREFIX", app.config.get("RATELIMIT_KEY_PREFIX", "community") + ":cache:")
    cache.init_app(app)
    app.extensions.pop("community.tracked_generations", None)
    if app.config["CACHE_TYPE"] == "RedisCache" and app.config.get("CACHE_REDIS_URL") and app.config.get(
            "CACHE_GENERATION_TRACKING", True):
        app.extensions["community.tracked_generations"] = TrackedGenerations(
            app.config["CACHE_REDIS_URL"], f"{app.config['CACHE_KEY_PREFIX']}{GENERATION_KEY}:",
            max_age=float(app.config.get("CACHE_GENERATION_TRACKING_SECONDS", 2.0)))
    for name, listener in (("after_flush", _after_flush), ("after_commit", _after_commit), ("do_orm_execute", _after_bulk),
                           ("after_soft_rollback", _after_soft_rollback), ("after_begin", _note_generations)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def changed_here(area: str) -> bool:
    """Whether this request's own unsaved writes touch the area (its generation moves on only
    at the commit, so its cached parts would not show them yet)."""
    from community.extensions import db

    if not db.session.registry.has():
        return False
    return area in db.session.info.get("bump_generation", ())


class RecentValues:
    """What this process used last, for a few seconds, in front of the shared cache (no round
    trip, no unpickling): kept page parts, remembered values, identities. Under the same keys
    as the shared cache, so a data generation moved on misses here too. Thread-safe."""

    def __init__(self, seconds: float, size: int = 512):
        self.seconds, self.size = seconds, size
        self.entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, html: Any) -> None:
        if self.seconds <= 0:
            return
        with self.lock:
            self.entries[key] = (time.monotonic() + self.seconds, html)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


_FROZEN = (str, int, float, bool, bytes, type(None), datetime, date, frozenset)


def _frozen(value: object) -> bool:
    """Whether a value can be handed to several requests as it is (nothing can change it)."""
    if isinstance(value, tuple):
        return all(_frozen(item) for item in value)
    return isinstance(value, _FROZEN)


def recent_values(name: str, seconds: float, size: int = 512) -> RecentValues:
    """The app's RecentValues called `name` (one per process and app), made on first use."""
    recent = current_app.extensions.get(f"community.{name}")
    if recent is None:
        recent = current_app.extensions[f"community.{name}"] = RecentValues(seconds, size=size)
    return recent


def _recent() -> RecentValues:
    return recent_values("recent_values", current_app.config.get("FRAGMENT_LOCAL_SECONDS", 5), size=1024)


class _Pickled(bytes):
    """A value the process keeps as its pickle (`kept`): each request unpickles its own copy,
    so what one request changes in it no other sees, and none needs the shared cache's round trip."""


def kept(key: str, compute: Callable[[], tuple[Any, bool]], *, recent: RecentValues, timeout: int | None = None,
         copy_here: Callable[[Any], bool] | None = None) -> Any:
    """The value kept under `key`: this process's recent copy, the shared cache's, or
    compute()'s — (value, keep): kept when keep is true. The process keeps the value itself
    when copy_here(value) says it may be shared (default: always), else its pickle."""
    value = recent.get(key)
    if value is not None:
        return pickle.loads(value) if isinstance(value, _Pickled) else value  # noqa: S301 - pickled by this process
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage only costs speed
        value = None
    if value is None:
        value, keep = compute()
        if not keep:
            return value
        try:
            cache.set(key, value, timeout=timeout or current_app.config.get("CACHE_FRAGMENT_SECONDS", 30))
        except Exception:  # noqa: BLE001
            current_app.logger.warning("cache unavailable", exc_info=True)
    if copy_here is None or copy_here(value):
        recent.put(key, value)
    else:
        recent.put(key, _Pickled(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
    return value


def cached(parts: tuple, compute, timeout: int | None = None):
    """compute() once per generation and key parts; plain data only (it may be pickled). A
    request whose own unsaved writes touch the part's area computes afresh (and keeps nothing).
    The process also keeps it for FRAGMENT_LOCAL_SECONDS under the same key, so a hit needs no
    round trip: as it is when nothing can change it (numbers, strings, tuples of them), else as
    its pickle, unpickled afresh for each request."""
    if changed_here(AREA_FOR_PART.get(str(parts[0]) if parts else "", "contacts")):
        return compute()
    return kept(fragment_key(*parts), lambda: (compute(), True), recent=_recent(), timeout=timeout, copy_here=_frozen)
