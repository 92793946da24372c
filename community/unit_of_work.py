"""One unit of work per request, at the edge.

Every route (HTML page or JSON API) runs inside `transactional`: when it answers with a
status below 400 the session is committed once; when it raises or answers with an error,
everything it wrote is rolled back. Services and queries only flush. A view that shows a
service's refusal on its form uses `form_attempt`, which rolls back what the failed call
wrote and puts the messages on the fields, so the later commit stores nothing of it.

Nothing else under `community/` commits: the CLI commits per command, background jobs in
their runner (tests/test_structure.py enforces it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, current_app, g
from flask.typing import ResponseReturnValue
from sqlalchemy import Connection, Engine, Table, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from community.database import append_rows, send_rows
from community.errors import DomainError, NotFoundError, PermissionDenied
from community.extensions import db

F = TypeVar("F", bound=Callable[..., Any])


def keep_changes() -> None:
    """Commit this request's writes even though it answers with an error status
    (e.g. a failed sign-in that records the attempt and answers 401)."""
    g.keep_changes = True


def after_commit(callback: Callable[[], Any]) -> None:
    """Run `callback` once this request's writes are committed (e.g. start a background job
    that reads the row the request created); it never runs when the request is rolled back."""
    g.setdefault("after_commit", []).append(callback)


def commit() -> None:
    """The one commit of a request (or of a CLI command / job run); then the tasks it enqueued
    start (community.tasks: handed to the worker, or run here without Redis).

    A request that never reached the database (its person remembered, its page kept in the
    cache) has nothing to commit: its session holds a transaction without a connection. The
    session's commit would still expire every object it holds and run the commit hooks, a
    twentieth of the cached network dashboard's time as served; it is left out, and the
    session ends at the request's end as always."""
    if not db.session.registry.has():
        return  # no session was opened (e.g. /livez): nothing read, written or enqueued
    from community import tasks

    session = db.session()
    if not _nothing_to_commit(session):
        session.commit()
    tasks.dispatch_ready()


# Set while the session's transaction has a connection (`after_begin`), dropped when the
# transaction ends: without one, nothing can have been written.
_CONNECTED = "community.unit_of_work.connected"


def _nothing_to_commit(session: Session) -> bool:
    """No connection began in the session's transaction, no object waits to be flushed, and
    nothing waits for the commit: no task enqueued, no change noted for the search index or
    the cache generations (those are noted at a flush, which needs a connection, but are
    checked all the same)."""
    from community import tasks
    from community.profiles.search import PENDING_PEOPLE, PENDING_TAGS

    info = session.info
    return not (
        info.get(_CONNECTED) or session.new or session.dirty or session.deleted
        or info.get(tasks.PENDING) or info.get("bump_generation") or info.get(PENDING_PEOPLE) or info.get(PENDING_TAGS)
    )


def _connection_began(session: Session, _transaction: Any, _connection: Any) -> None:
    session.info[_CONNECTED] = True


def _transaction_ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_CONNECTED, None)


def install_session_hooks() -> None:
    for name, listener in (("after_begin", _connection_began), ("after_transaction_end", _transaction_ended)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def rollback() -> None:
    if not db.session.registry.has():
        return
    db.session.rollback()
    from community import tasks

    tasks.discard_pending()  # also when no statement had begun a transaction


def send_after_read(obj: Any, row: dict[str, Any] | None = None) -> bool:
    """PostgreSQL: send a read's new row (a page view's audit event) to the database at once,
    in autocommit on a connection of its own, and go on without waiting; `write_after_read`
    collects the answer before the page is sent, so a page is never sent unless its row is
    stored. The row is stored even when the page then fails (it records that the view was
    granted). One row per request; False when it was not sent (another database, a second
    row, a value the plain encoding does not know): then it waits for `write_after_read`."""
    if g.get("sent_after_read") is not None:
        return False
    if row is None:
        ((table, _columns), rows), = _rows_by_table([obj]).items()
    else:  # the caller's own column values (as _rows_by_table would give them)
        table, rows = sa_inspect(type(obj)).local_table, [row]
    sent = send_rows(_views_engine(), table, rows)
    if sent is None:
        return False
    g.sent_after_read = sent
    return True


def _views_engine() -> Engine:
    """Where rows sent at once go: the app's engine, or with AUDIT_VIEWS_SYNCHRONOUS_COMMIT=0 on
    PostgreSQL a small pool of its own whose sessions commit without waiting for the disk
    (`synchronous_commit=off`; only these rows use it, every other write still waits)."""
    if current_app.config.get("AUDIT_VIEWS_SYNCHRONOUS_COMMIT", True) or db.engine.dialect.name != "postgresql":
        return db.engine
    engine: Engine | None = current_app.extensions.get("community.views_engine")
    if engine is None:
        engine = current_app.extensions["community.views_engine"] = views_engine_for(current_app)
    return engine


def views_engine_for(app: Flask) -> Engine:
    from sqlalchemy import create_engine

    from community.database import install_idle_ping

    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    connect_args = dict(options.pop("connect_args", {}))
    connect_args["options"] = f"{connect_args.get('options', '')} -c synchronous_commit=off".strip()
    engine = create_engine(db.engine.url, connect_args=connect_args, pool_size=2, max_overflow=2, **options)
    install_idle_ping(engine, app.config["DB_PING_AFTER_IDLE_SECONDS"])
    return engine


def settle_sent_after_read(*, raise_errors: bool = True) -> None:
    """Collect the answer to a row `send_after_read` sent (its connection goes back to the
    pool); a refusal raises unless the request fails anyway (then it is logged)."""
    sent = g.pop("sent_after_read", None)
    if sent is None:
        return
    try:
        sent.collect()
    except Exception:
        if raise_errors:
            raise
        current_app.logger.warning("a read's row sent at once was not stored", exc_info=True)


def write_after_read() -> None:
    """Store what a read left for after its own transaction (its audit events, see
    community.audit.services) in a short write transaction of its own. It begins with the
    write lock (SQLite: BEGIN IMMEDIATE), so it waits for another writer up to the lock
    timeout instead of failing on a stale read snapshot. A row sent at once
    (`send_after_read`) is collected first."""
    settle_sent_after_read()
    pending = g.pop("write_after_read", None)
    if not pending:
        return
    g.begin_for_writing = True
    try:
        # Plain inserts in one transaction of their own, outside the session: nothing reads
        # these rows back, no cached page depends on them and they start no task, so neither
        # the ORM's flush (identity map, fetching the new ids) nor the session's transaction
        # and commit events (cache generations, tasks) have anything to do; with them this was
        # a quarter of the audited network dashboard's time. The write lock comes first
        # (SQLite: the writers' turn, then BEGIN IMMEDIATE; see community.database.append_rows).
        append_rows(db.engine, [(table, rows) for (table, _columns), rows in _rows_by_table(pending).items()])
    finally:
        g.begin_for_writing = False


def _rows_by_table(objects: list[Any]) -> dict[tuple[Table, tuple[str, ...]], list[dict[str, Any]]]:
    """New ORM objects as the column values of their rows, grouped by table and by the columns
    they give (one executemany each). A column left empty that has a default (a primary key,
    `created_at`) is left out, so the default applies as it would in a flush."""
    grouped: dict[tuple[Table, tuple[str, ...]], list[dict[str, Any]]] = {}
    for obj in objects:
        mapper = sa_inspect(type(obj))
        row = {}
        for attr in mapper.column_attrs:
            column = attr.columns[0]
            value = getattr(obj, attr.key)
            if value is None and (column.primary_key or column.default is not None or column.server_default is not None):
                continue
            row[column.key] = value
        grouped.setdefault((cast(Table, mapper.local_table), tuple(row)), []).append(row)
    return grouped


@contextmanager
def read_apart() -> Iterator[None]:
    """Reads in a transaction of their own that takes no write lock (SQLite: a deferred BEGIN,
    even in a POST request), committed before anything else happens: a job that first looks
    whether it has anything to do does not queue behind other writers when it has not, and
    what it then writes begins a write transaction (BEGIN IMMEDIATE) that sees the latest
    data. Inside an open transaction it is simply part of that transaction."""
    if db.session().in_transaction():
        yield
        return
    previous = g.get("reading_apart", False)
    g.reading_apart = True
    try:
        yield
    finally:
        g.reading_apart = previous
        db.session.commit()  # ends the read; nothing was written


@contextmanager
def reading_connection() -> Iterator[Connection]:
    """A connection of its own, outside the request's session, for reads that take no write
    lock (SQLite: a deferred BEGIN, even in a POST request); its transaction ends when the
    block does. A write that first reads what it needs here holds the write lock only while it
    writes; what it read can change meanwhile, so the write checks it (see
    community.discussions.services.reply).

    On PostgreSQL the connection runs in autocommit: each statement sees the data as of its
    own start, as it would in a READ COMMITTED transaction, without the BEGIN and ROLLBACK
    round trips around it (two of a reply's dozen)."""
    previous = g.get("reading_apart", False)
    g.reading_apart = True
    try:
        with db.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection
    finally:
        g.reading_apart = previous


def transactional(view: F) -> F:
    """Commit once when the view succeeds; roll back when it raises or answers with an error."""

    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Response:
        g.in_unit_of_work = True
        try:
            result: ResponseReturnValue = view(*args, **kwargs)
            response = current_app.make_response(result)
        except BaseException:
            rollback()
            settle_sent_after_read(raise_errors=False)
            raise
        if response.status_code < 400 or g.get("keep_changes"):
            try:
                commit()  # an IntegrityError here reaches the 409 handler like any other
            except BaseException:
                settle_sent_after_read(raise_errors=False)
                raise
            write_after_read()
            for callback in g.pop("after_commit", []):
                callback()
        else:
            rollback()
            settle_sent_after_read(raise_errors=False)
            g.pop("after_commit", None)
            g.pop("write_after_read", None)
        return response

    run.__wrapped_by_unit_of_work__ = True  # type: ignore[attr-defined]
    return run  # type: ignore[return-value]


def wrap_all_views(app: Flask) -> None:
    """Put every registered route inside the unit of work (called once by create_app)."""
    for endpoint, view in list(app.view_functions.items()):
        if not getattr(view, "__wrapped_by_unit_of_work__", False):
            app.view_functions[endpoint] = transactional(view)


@dataclass
class Attempt:
    """Outcome of a form's service call: `ok` is False when the service refused."""

    ok: bool = True
    error: DomainError | None = None

    @property
    def message(self) -> str:
        return self.error.message if self.error else ""

    @property
    def fields(self) -> dict[str, list[str]]:
        return self.error.fields if self.error else {}


@contextmanager
def form_attempt(
    form: Any, show: type[DomainError] | tuple[type[DomainError], ...] = DomainError
) -> Iterator[Attempt]:
    """Run a service call for a form. A refusal the person can fix (validation, conflict) is
    rolled back and shown on the form's fields; "not found" and "forbidden" stay error pages,
    and so does any refusal that is not one of `show` (e.g. `show=ValidationFailed` keeps a
    conflict the 409 page it always was).

        with form_attempt(form) as attempt:
            post = services.reply(current_user, thread, form.body.data)
        if attempt.ok:
            return redirect(...)
        return render_template(..., form=form)
    """
    from community.forms import apply_errors

    attempt = Attempt()
    try:
        yield attempt
    except (NotFoundError, PermissionDenied):
        rollback()
        raise
    except DomainError as error:
        rollback()
        if not isinstance(error, show):
            raise
        attempt.ok, attempt.error = False, error
        apply_errors(form, error)
        hidden = [name for name in error.fields if getattr(getattr(form, name, None), "type", "") == "HiddenField"]
        if (hidden or not error.fields) and error.message not in form.form_errors:
            form.form_errors.append(error.message)  # a hidden field cannot show its own error
