"""Declarative base with a constraint naming convention, UTC time helpers."""

from __future__ import annotations

import contextlib
import json
import select
import time
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, cast

from sqlalchemy import DateTime, Insert, MetaData, Table, event, insert
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.exc import DBAPIError, InvalidatePoolError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.types import TypeDecorator
from werkzeug.routing import IntegerConverter

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores UTC, always returns timezone-aware UTC (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )
    if TYPE_CHECKING:
        # Every model here maps one table (SQLAlchemy types it as any FromClause).
        __table__: ClassVar[Table]


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE touched (`Session.execute` types its result as a plain Result)."""
    return cast("CursorResult[Any]", result).rowcount


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BilingualMixin:
    """Rows with `name`/`name_de` and `description`/`description_de` (topics, categories):
    the text in the reader's language, English when no German is given."""

    if TYPE_CHECKING:
        name: Mapped[str]
        name_de: Mapped[str | None]
        description: Mapped[str | None]
        description_de: Mapped[str | None]

    @property
    def display_name(self) -> str:
        from flask_babel import get_locale

        if self.name_de and str(get_locale() or "en") == "de":
            return self.name_de
        return self.name

    @property
    def display_description(self) -> str:
        from flask_babel import get_locale

        if self.description_de and str(get_locale() or "en") == "de":
            return self.description_de
        return self.description or ""


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL so readers never wait for writers. Writers wait for each other up to the busy
    timeout (pysqlite's `timeout`, set from DB_LOCK_TIMEOUT_MS in community.config); a lock held
    longer ends the request in a 503 with Retry-After."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


IDLE_SINCE = "community_idle_since"


def install_idle_ping(engine: Engine, seconds: float) -> None:
    """PostgreSQL: check a pooled connection with a ping only when it rested `seconds` or more.

    SQLAlchemy's pre-ping asks the server before every checkout: one round trip more for every
    request, a sixth of a cached page as served. A connection that a request gave back a moment
    ago was alive then; one that rested (a quiet night, a server restart, a firewall's idle
    timeout) is asked first, and a dead one is replaced together with every older connection of
    the pool, before any request sees it. A server that goes away while its connections are in
    steady use is noticed by the next statement instead: that request answers 503 with
    Retry-After (community.server_errors) and the whole pool is replaced, so the next request
    connects anew. With `seconds` 0, or a pool that pings already, nothing changes."""
    if engine.dialect.name != "postgresql" or seconds <= 0 or getattr(engine.pool, "_pre_ping", False):
        return
    dialect = engine.dialect

    def _rested(dbapi_connection, connection_record) -> None:
        connection_record.info[IDLE_SINCE] = time.monotonic()

    def _taken(dbapi_connection, connection_record, _proxy) -> None:
        since = connection_record.info.get(IDLE_SINCE)
        if since is not None and time.monotonic() - since < seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise InvalidatePoolError(str(error)) from error  # the pool connects anew
            raise

    event.listen(engine, "connect", _rested)  # a new connection is known to be alive
    event.listen(engine, "checkin", _rested)
    event.listen(engine, "checkout", _taken)


UNBEGUN = "community_unbegun_reads"
_LOCKING = ("FOR UPDATE", "FOR SHARE", "FOR NO KEY UPDATE", "FOR KEY SHARE")


def install_unbegun_reads(engine: Engine) -> None:
    """PostgreSQL: a request that only reads (GET, HEAD, OPTIONS) sends no BEGIN and no COMMIT.

    Its statements run in autocommit, each seeing the data as of its own start, which is what
    they see inside a READ COMMITTED transaction too; the two round trips around them were
    a sixth of a page's time as served. The first statement that could write, lock or needs a
    transaction (anything but a plain SELECT: INSERT, UPDATE, DELETE, SELECT … FOR UPDATE,
    SAVEPOINT, a streamed result) begins one first, so what such a request writes is stored
    together at the commit at the edge, or not at all, as in any other request."""
    if engine.dialect.name != "postgresql":
        return

    def _begin(conn) -> None:
        if not _reads_only() or conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return  # a connection its user runs in autocommit already (`append_rows`) stays as asked
        dbapi_connection = conn.connection.dbapi_connection
        if dbapi_connection is None or dbapi_connection.info.transaction_status != 0:  # 0: idle
            return
        dbapi_connection.autocommit = True
        conn.info[UNBEGUN] = True

    def _before_execute(conn, cursor, statement, parameters, context, executemany) -> None:
        if not conn.info.get(UNBEGUN):
            return
        head = statement.lstrip()[:6].upper()
        if (head == "SELECT" and not any(lock in statement for lock in _LOCKING)
                and not (context is not None and context.execution_options.get("stream_results"))):
            return
        conn.info[UNBEGUN] = False
        cursor.connection.execute("BEGIN")  # from here on one transaction, committed at the edge

    def _returned(dbapi_connection, connection_record) -> None:
        if connection_record.info.pop(UNBEGUN, None) is not None and dbapi_connection is not None:
            dbapi_connection.autocommit = False  # idle again: the pool rolled back what was left

    event.listen(engine, "begin", _begin)
    event.listen(engine, "before_cursor_execute", _before_execute)
    event.listen(engine, "checkin", _returned)


def _reads_only() -> bool:
    from flask import g, has_request_context, request

    return has_request_context() and request.method not in WRITE_METHODS and not g.get("begin_for_writing")


BULK_ROWS = 1000  # people created or changed at once from which an import gathers statistics


def gather_statistics(engine: Engine) -> None:
    """After a bulk load is committed (the demo, a large people import): PostgreSQL's planner
    statistics for every table. Autovacuum gathers them later, or never where it is off; until
    then the planner takes a table of 100,000 new rows for a handful and can choose plans that
    take seconds instead of milliseconds. SQLite needs nothing."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def ascii_digits(text: str) -> bool:
    """Whether text is a plain number in ASCII digits. `str.isdecimal()` and `int()` also read
    other scripts' digits ("١٩" is 19): an id typed that way is no id here, as in the URLs."""
    return text.isascii() and text.isdecimal()


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in URLs: ids beyond what the database stores are simply not found (404),
    and so are ids in other scripts' digits (Werkzeug's `\\d` matches "١٩")."""

    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def install_sqlite_transactions(engine: Engine, timeout: float = 5.0) -> None:
    """Let SQLite write transactions take the write lock when they begin.

    pysqlite's own BEGIN is deferred: two requests that read and then write both get a
    read snapshot and the second one fails with "database is locked" instead of waiting.
    Requests that may write (unsafe methods, CLI, background work) begin IMMEDIATE so they
    queue on the busy timeout; GET requests begin deferred and never block anyone.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _disable_pysqlite_transactions(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None

    lock_path = _writer_lock_path(engine)
    _WRITERS[engine] = (lock_path, timeout)

    @event.listens_for(engine, "begin")
    def _begin(conn):
        if not _may_write():
            conn.exec_driver_sql("BEGIN")
            return
        if lock_path:
            turn = conn.info.get(WRITER_LOCK)
            if turn is None:
                turn = conn.info[WRITER_LOCK] = WriterTurn(lock_path)
            turn.wait(timeout)
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    def _returned(_dbapi_connection, connection_record):
        turn = connection_record.info.get(WRITER_LOCK)
        if turn is not None:
            turn.release()

    def _closed(_dbapi_connection, connection_record):
        turn = connection_record.info.pop(WRITER_LOCK, None)
        if turn is not None:
            turn.close()

    if lock_path:
        event.listen(engine, "connect", _checkpoint_ourselves)
        _release_after(engine.dialect, "do_commit", checkpoints=True)
        _release_after(engine.dialect, "do_rollback")
        event.listen(engine, "checkin", _returned)  # however the connection came back
        event.listen(engine, "close", _closed)


# Writers checkpoint the WAL themselves, after their turn: SQLite's automatic checkpoint runs
# inside COMMIT, so the next writer would wait for it too (a few ms every few dozen replies).
CHECKPOINT_EVERY = 32  # write commits per process (a reply adds ~30 pages; SQLite's own default is 1000 pages)
SAFETY_CHECKPOINT_PAGES = 10000  # SQLite still checkpoints by itself after a very large transaction


def _checkpoint_ourselves(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA wal_autocheckpoint={SAFETY_CHECKPOINT_PAGES}")
    cursor.close()


def _release_after(dialect, method: str, *, checkpoints: bool = False) -> None:
    """The turn goes back once SQLite's COMMIT (or ROLLBACK) has run, not before: the engine's
    "commit" event comes before it, and a writer let in then would find the database still
    locked and sleep in SQLite's busy handler (1 ms, 2 ms, 5 ms …) however soon it ends.
    The dialect gets the pooled connection, whose `info` is its pool record's. Every
    CHECKPOINT_EVERY write commits the WAL is checkpointed (PASSIVE: it never blocks readers
    or writers) once the turn is given back."""
    original = getattr(dialect, method)

    def run(dbapi_connection):
        wrote = False
        try:
            original(dbapi_connection)
        finally:
            try:
                info = dbapi_connection.info
            except (AttributeError, NotImplementedError):  # not a pooled connection (first connect)
                info = None
            turn = info.get(WRITER_LOCK) if isinstance(info, dict) else None
            if turn is not None:
                wrote = turn.held
                turn.release()
        if checkpoints and wrote:
            _count_write_commit(dbapi_connection)

    setattr(dialect, method, run)


_write_commits = [0]


def _count_write_commit(dbapi_connection) -> None:
    """Every CHECKPOINT_EVERY write commits of this process, a PASSIVE checkpoint of the WAL."""
    _write_commits[0] += 1
    if _write_commits[0] >= CHECKPOINT_EVERY:
        _write_commits[0] = 0
        with contextlib.suppress(Exception):  # busy or failing: the next one, or SQLite's own
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            cursor.close()


WRITER_LOCK = "community.writer_turn"


def _writer_lock_path(engine: Engine) -> str | None:
    database = engine.url.database or ""
    if not database or database == ":memory:" or database.startswith("file:") or engine.url.query.get("mode") == "memory":
        return None
    return database + "-writers"


class WriterTurn:
    """Writers of one SQLite file take turns promptly (issue 19).

    SQLite lets one writer in at a time; one that finds the database busy sleeps in steps of
    up to 100 ms before it looks again, so under steady writes from two processes a waiter
    could miss turn after turn (seconds at the 99th percentile) while the other process went
    on writing. Before BEGIN IMMEDIATE a writer therefore takes an exclusive lock on a file
    beside the database (`<database>-writers`, flock) and gives it back when its transaction
    ends: a waiter looks again within a millisecond. The lock only orders writers; SQLite's
    own lock still guards the data, and a writer that did not get its turn within the busy
    timeout goes on to BEGIN IMMEDIATE as before (and fails as before when the database
    stays busy)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.fd: int | None = None
        self.held = False

    def wait(self, timeout: float) -> bool:
        import fcntl
        import os
        import time

        if self.held:
            return True
        try:
            if self.fd is None:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            deadline = time.monotonic() + timeout
            pause = 0.0002
            while True:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    self.held = True
                    return True
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        return False
                    time.sleep(pause)
                    pause = min(pause * 2, 0.001)
        except OSError:
            return False  # no lock file (read-only directory): SQLite's own waiting as before

    def release(self) -> None:
        if self.held and self.fd is not None:
            import fcntl

            self.held = False
            with contextlib.suppress(OSError):
                fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.release()
        if self.fd is not None:
            import os

            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # also at interpreter shutdown, when imports fail
            self.close()


_WRITERS: weakref.WeakKeyDictionary[Engine, tuple[str | None, float]] = weakref.WeakKeyDictionary()
_INSERTS: dict[Table, Insert] = {}
_PLAIN_INSERTS: dict[tuple[Table, tuple[str, ...]], tuple[str, list[Callable[[dict], Any]]]] = {}


def append_rows(engine: Engine, batches: list[tuple[Table, list[dict[str, Any]]]]) -> None:
    """Insert rows nobody reads back (a read's audit events) in one short write transaction
    of their own, committed before this returns; `batches` are (table, rows) with the same
    columns in each batch.

    On SQLite straight on a pooled driver connection: the writers' turn, BEGIN IMMEDIATE, the
    rows, COMMIT, the turn given back (and the WAL checkpointed like after any write commit).
    The same through a SQLAlchemy connection (its transaction, events and compiled-statement
    lookup) took five times as long, a tenth of an audited page. The values go through their
    columns' own bind processing (UTC times, JSON) and the driver's errors become SQLAlchemy's,
    so a lock held too long still ends in the 503 page. On PostgreSQL the rows of one table
    go in one multi-row INSERT sent in autocommit (one round trip instead of BEGIN, INSERT,
    COMMIT); elsewhere, and for several tables, Core inserts in a transaction of their own."""
    batches = [(table, rows) for table, rows in batches if rows]
    if not batches:
        return
    writer = _WRITERS.get(engine)
    if engine.dialect.name == "postgresql" and len(batches) == 1:
        _insert_in_autocommit(engine, *batches[0])
        return
    if engine.dialect.name != "sqlite" or writer is None:
        with engine.begin() as connection:
            for table, rows in batches:
                connection.execute(_insert_of(table), rows)
        return
    lock_path, timeout = writer
    statements = []
    for table, rows in batches:
        sql, values = _plain_insert(engine, table, tuple(rows[0]))
        statements.append((sql, [tuple(value(row) for value in values) for row in rows]))
    pooled = engine.raw_connection()
    try:
        turn = None
        if lock_path:
            turn = pooled.info.get(WRITER_LOCK)
            if turn is None:
                turn = pooled.info[WRITER_LOCK] = WriterTurn(lock_path)
            turn.wait(timeout)
        cursor = pooled.cursor()
        sql = "BEGIN IMMEDIATE"
        try:
            cursor.execute(sql)
            try:
                for sql, params in statements:
                    cursor.executemany(sql, params)
                sql = "COMMIT"
                cursor.execute(sql)
            except BaseException:
                with contextlib.suppress(Exception):
                    cursor.execute("ROLLBACK")
                raise
        except engine.dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(sql, None, error, engine.dialect.loaded_dbapi.Error) from error
        finally:
            cursor.close()
            if turn is not None:
                turn.release()
        _count_write_commit(pooled.dbapi_connection)
    finally:
        pooled.close()


class SentRows:
    """Rows of one INSERT on their way to PostgreSQL (`send_rows`): sent in autocommit, so the
    server stores and commits them while the request goes on; `collect` waits for its answer
    and gives the connection back. Collect exactly once; a refused or lost INSERT raises there
    as SQLAlchemy's DBAPIError (the 503 page for a lost server, like any other statement)."""

    def __init__(self, pooled: Any, sql: str) -> None:
        self.pooled, self.sql = pooled, sql

    def collect(self) -> None:
        pooled, self.pooled = self.pooled, None
        if pooled is None:
            return
        import psycopg
        from psycopg import pq

        connection = pooled.dbapi_connection
        refused: psycopg.Error | None = None
        try:
            pgconn = connection.pgconn
            while True:
                pgconn.consume_input()
                if not pgconn.is_busy():
                    break
                _wait_for(pgconn.socket, select.POLLIN)
            while (result := pgconn.get_result()) is not None:
                if result.status != pq.ExecStatus.COMMAND_OK and refused is None:
                    refused = psycopg.errors.error_from_result(result, encoding=connection.info.encoding)
            if pgconn.status != pq.ConnStatus.OK:  # e.g. the server ended the session meanwhile
                raise refused or psycopg.OperationalError("the connection is lost")
            connection.autocommit = False  # as the pool hands its connections out
        except psycopg.Error as error:  # the connection broke: it is not given back to the pool
            pooled.invalidate(error)
            pooled.close()
            raise DBAPIError.instance(self.sql, None, error, psycopg.Error, connection_invalidated=True) from error
        pooled.close()
        if refused is not None:
            raise DBAPIError.instance(self.sql, None, refused, psycopg.Error) from refused


def send_rows(engine: Engine, table: Table, rows: list[dict[str, Any]]) -> SentRows | None:
    """PostgreSQL: send rows nobody reads back (a page view's audit event) at once, in one
    INSERT in autocommit on a pooled connection of their own, without waiting for the answer:
    the server writes and commits them (the wait for its write-ahead log included) while the
    page is rendered, and `SentRows.collect` picks the answer up before the page is sent. As
    served, the audited network dashboard spent nearly half its time waiting for that INSERT
    when it was sent after the page. None elsewhere (SQLite takes the writers' turn after the
    read, `append_rows`), and for values this plain encoding does not know (then the caller
    writes the rows the usual way)."""
    if engine.dialect.name != "postgresql" or not rows:
        return None
    columns = tuple(rows[0])
    try:
        values = [_as_text(engine, table.c[name], row[name]) for row in rows for name in columns]
    except TypeError:
        return None
    sql = _sent_insert(engine, table, columns, len(rows))
    pooled = engine.raw_connection()
    try:
        connection = cast(Any, pooled.dbapi_connection)  # psycopg.Connection
        connection.autocommit = True
        pgconn = connection.pgconn
        pgconn.send_query_params(sql.encode(), values)
        while pgconn.flush():  # 1: more to send (the connection is non-blocking)
            _wait_for(pgconn.socket, select.POLLIN | select.POLLOUT)
            pgconn.consume_input()
    except Exception as error:
        import psycopg

        pooled.invalidate(error)
        pooled.close()
        if isinstance(error, psycopg.Error):
            raise DBAPIError.instance(sql, None, error, psycopg.Error) from error
        raise
    return SentRows(pooled, sql)


def _sent_insert(engine: Engine, table: Table, columns: tuple[str, ...], count: int) -> str:
    """`INSERT INTO <table> (<columns>) VALUES ($1, …), …` for `count` rows, names quoted by
    the dialect (the values are bound as parameters, never written into the text); built once."""
    key = (table, columns, count)
    sql = _SENT_INSERTS.get(key)
    if sql is None:
        preparer = engine.dialect.identifier_preparer
        names = ", ".join(preparer.quote(table.c[name].name) for name in columns)
        width = len(columns)
        rows = ", ".join("(" + ", ".join(f"${n * width + i + 1}" for i in range(width)) + ")" for n in range(count))
        sql = _SENT_INSERTS[key] = f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES {rows}"  # noqa: S608 - quoted names only
    return sql


_SENT_INSERTS: dict[tuple[Table, tuple[str, ...], int], str] = {}


def _as_text(engine: Engine, column, value: Any) -> bytes | None:
    """A value in PostgreSQL's text format, after the column's own bind processing (UTC
    times); the server reads it as the column's type. TypeError for anything else."""
    key = (engine.dialect, column)
    try:
        process = _BIND_PROCESSORS[key]
    except KeyError:
        process = _BIND_PROCESSORS[key] = column.type.bind_processor(engine.dialect)
    if process is not None:
        value = process(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return b"t" if value else b"f"
    if isinstance(value, int | float | str):
        return str(value).encode()
    if isinstance(value, datetime):
        return value.isoformat().encode()
    if isinstance(value, dict | list):
        return (getattr(engine.dialect, "_json_serializer", None) or json.dumps)(value).encode()
    raise TypeError(f"{type(value).__name__} for {column}")


_BIND_PROCESSORS: dict[tuple[Any, Any], Any] = {}  # (dialect, column): its bind processor, made once


def _wait_for(fd: int, events: int) -> None:
    poller = select.poll()
    poller.register(fd, events)
    poller.poll()


def _insert_of(table: Table) -> Insert:
    statement = _INSERTS.get(table)
    if statement is None:
        statement = _INSERTS[table] = insert(table)  # its cache key is kept on it
    return statement


def _insert_in_autocommit(engine: Engine, table: Table, rows: list[dict[str, Any]]) -> None:
    """One statement is a transaction of its own: sent in autocommit, it needs no BEGIN and no
    COMMIT round trip (three trips to the server become one). Several rows go in one multi-row
    INSERT, so they are stored together or not at all."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if len(rows) == 1:
            connection.execute(_insert_of(table), rows[0])
        else:
            connection.execute(_insert_of(table).values(rows))


def _plain_insert(engine: Engine, table: Table, columns: tuple[str, ...]) -> tuple[str, list[Callable[[dict], Any]]]:
    """The INSERT's SQL for rows with these columns, and per placeholder how a row gives its
    value: the row's own through the column's bind processing, or the column's Python-side
    default (`created_at`) as a flush would fill it in."""
    found = _PLAIN_INSERTS.get((table, columns))
    if found is None:
        compiled = insert(table).compile(dialect=engine.dialect, column_keys=list(columns))
        values = [_value_of(engine, table.c[name], name in columns) for name in compiled.positiontup or ()]
        found = _PLAIN_INSERTS[(table, columns)] = (str(compiled), values)
    return found


def _value_of(engine: Engine, column, given: bool) -> Callable[[dict], Any]:
    process = column.type.bind_processor(engine.dialect) or (lambda value: value)
    if given:
        return lambda row: process(row[column.key])
    default = column.default
    if default is None or not (default.is_scalar or default.is_callable):
        raise ValueError(f"{column} has no value and no Python-side default")  # never a silently wrong row
    if default.is_scalar:
        return lambda _row: process(default.arg)
    return lambda _row: process(default.arg(None))  # SQLAlchemy's wrapper of a default without arguments


def _may_write() -> bool:
    from flask import g, has_app_context, has_request_context, request

    if has_app_context() and g.get("reading_apart"):
        return False  # community.unit_of_work.read_apart: a read that takes no write lock
    if has_request_context():
        return request.method in WRITE_METHODS or bool(g.get("begin_for_writing"))
    # Code that mostly looks (the test-suite's own session) may ask for deferred BEGINs.
    return not (has_app_context() and g.get("sqlite_deferred_begin"))


# Schema objects the ORM metadata cannot describe (full-text indexes: SQLite FTS5 tables,
# PostgreSQL tsvector/GIN). Each entry is an idempotent `install(connection)`; migrations
# create the same objects, and the test-suite calls these after create_all().
SCHEMA_EXTRAS: list = []


def register_schema_extra(install) -> None:
    if install not in SCHEMA_EXTRAS:
        SCHEMA_EXTRAS.append(install)


def migration_include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic autogenerate filter: never propose dropping what only the database has.

    Full-text objects (FTS5 tables and their shadow tables, GIN indexes, PostgreSQL's stored
    tsvector columns) live outside the ORM metadata; drops, when really wanted, are written by hand.
    """
    if reflected and compare_to is None and type_ == "column":
        return name not in DATABASE_ONLY_COLUMNS
    return not (reflected and compare_to is None and type_ in ("table", "index"))


# Columns the database computes for itself (PostgreSQL: person_search.search_vector, a stored
# tsvector generated from the body), unknown to the models.
DATABASE_ONLY_COLUMNS = frozenset({"search_vector"})
