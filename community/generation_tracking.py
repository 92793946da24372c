"""The data generations kept in each process while Redis says none of them changed.

Every request that reads the database first reads the generations (community.caching), and
with Redis that was a round trip per request, a tenth to a fifth of a cached page's time as
served. Redis' own client-side caching protocol removes it: one connection per process asks
Redis (`CLIENT TRACKING ON REDIRECT <itself> BCAST PREFIX <the generations' keys>`) to publish
every change of a generation key to it, and subscribes to those messages. The generations read
from Redis are then kept in the process, and before each use the connection is checked for
messages without waiting (one system call, no round trip). Any message throws everything kept
away, so the next read goes to Redis again.

Redis queues the message while it executes the change, but may write the change's own reply to
its socket a moment before the message to ours; so a process that bumps a generation sends one
more command (community.caching) and answers its request only after that reply, which Redis
writes after everything queued before it. A request that follows, on any worker of the machine,
then finds the message already waiting. A change made straight in Redis by something else is
seen a moment later, as soon as the message arrives. Redis 6.0 and newer; a Redis that refuses the commands (some hosted ones rename
CLIENT) turns tracking off and every request reads the generations as before.

What is kept is never trusted longer than `max_age` seconds (a connection lost without a
sign, a message lost in a network split): the worst case is the old behaviour's staleness of
the page parts for that long, the normal case none. A connection that closes, or any error
reading it, forgets everything and falls back to reading Redis, trying again after
`retry_seconds`. CACHE_GENERATION_TRACKING_SECONDS (default 2) is `max_age`; 0 turns tracking off.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

INVALIDATION_CHANNEL = "__redis__:invalidate"


class TrackedGenerations:
    """One per app and process (a forked worker opens its own connection)."""

    def __init__(self, url: str, prefix: str, *, max_age: float = 2.0, retry_seconds: float = 5.0) -> None:
        self.url, self.prefix = url, prefix
        self.max_age, self.retry_seconds = max_age, retry_seconds
        self._lock = threading.Lock()
        self._connection: Any = None
        self._pid = 0
        self._values: dict[str, str] | None = None
        self._read_at = 0.0
        self._epoch = 0  # moves on whenever what is kept is thrown away
        self._retry_at = 0.0
        self.refused = False  # the server does not offer tracking: never asked again

    # -- what callers use -------------------------------------------------------------------
    def known(self) -> tuple[dict[str, str] | None, int | None]:
        """The generations kept, if still valid, and the epoch to hand back to `remember`
        (None: tracking is not available now, read Redis and do not remember)."""
        with self._lock:
            if not self._ready():
                return None, None
            if self._values is not None and time.monotonic() - self._read_at > self.max_age:
                self._forget()
            return (dict(self._values) if self._values is not None else None), self._epoch

    def remember(self, values: dict[str, str], epoch: int | None) -> None:
        """Keep generations just read from Redis, unless a change arrived since `known` gave
        out `epoch` (they may be older than the change)."""
        if epoch is None:
            return
        with self._lock:
            if self._epoch == epoch and self._connection is not None and self._pid == os.getpid():
                self._values, self._read_at = dict(values), time.monotonic()

    def forget(self) -> None:
        """This process changed generations: throw away what is kept without waiting for the
        message."""
        with self._lock:
            self._forget()

    # -- inside -----------------------------------------------------------------------------
    def _forget(self) -> None:
        self._values = None
        self._epoch += 1

    def _ready(self) -> bool:
        """Connected and every waiting message read; False when tracking is unavailable."""
        if self.refused:
            return False
        if self._pid != os.getpid():  # a forked child: the parent's socket is not ours to use or close
            self._connection, self._pid = None, os.getpid()
            self._forget()
        if self._connection is None and not self._connect():
            return False
        try:
            while self._connection.can_read(timeout=0):
                self._connection.read_response()
                self._forget()
        except Exception:  # noqa: BLE001 - a lost connection only costs the round trips again
            log.warning("cache generation tracking lost its connection; reading Redis until it is back", exc_info=True)
            self._drop()
            return False
        return True

    def _connect(self) -> bool:
        if time.monotonic() < self._retry_at:
            return False
        import redis

        connection = None
        try:
            connection = redis.ConnectionPool.from_url(self.url).make_connection()
            connection.connect()
            connection.send_command("CLIENT", "ID")
            own_id = connection.read_response()
            connection.send_command("CLIENT", "TRACKING", "ON", "REDIRECT", own_id, "BCAST", "PREFIX", self.prefix)
            connection.read_response()
            connection.send_command("SUBSCRIBE", INVALIDATION_CHANNEL)
            connection.read_response()
        except redis.exceptions.ResponseError:
            log.warning("Redis refuses client tracking; cache generations are read from Redis on every request",
                        exc_info=True)
            self.refused = True
            if connection is not None:
                connection.disconnect()
            return False
        except Exception:  # noqa: BLE001 - Redis away: read it the usual way (which logs the outage)
            if connection is not None:
                connection.disconnect()
            self._retry_at = time.monotonic() + self.retry_seconds
            return False
        self._connection = connection
        self._forget()  # only what is read from now on is covered by the messages
        return True

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        self._forget()
        self._retry_at = time.monotonic() + self.retry_seconds
        if connection is not None:
            with contextlib.suppress(Exception):  # it is gone either way
                connection.disconnect()
