"""Rate-limit counters in the process's memory, without a timer thread per burst of hits.

The `limits` library's memory storage (`memory://`) starts a new `threading.Timer` 10 ms after
every hit whose timer has already run, to drop expired counters: under steady writes a worker
started up to a hundred threads a second, each taking the interpreter lock from the requests
(about a twentieth of a reply's time as served, issue 19). The counters need no timer to be
right: a fixed window's counter is checked against its expiry when it is read (`get`), and a
moving window looks at its entries' times. This storage keeps the library's behaviour and
drops expired counters and entries itself, in the request that hits the storage, at most
once a second. It is the default when no Redis is configured (`community-memory://`);
`memory://` still selects the library's own.
"""

from __future__ import annotations

import time

from limits.storage import MemoryStorage


class SweptMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["community-memory"]
    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.swept_at = time.monotonic()

    # The library calls this (a private method, hence the mangled name) before each hit.
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now - self.swept_at >= self.SWEEP_SECONDS:
            self.swept_at = now
            self.sweep()

    def sweep(self) -> None:
        """Drop expired counters and moving-window entries now (the library's own sweep)."""
        getattr(self, "_MemoryStorage__expire_events")()  # noqa: B009 - a mangled private name
