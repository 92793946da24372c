"""gunicorn started by a test on 127.0.0.1 (port chosen by the kernel), as deployed."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def gunicorn(database_url: str, *, workers: int = 2, env: dict | None = None, args: tuple = ()) -> Iterator[str]:
    """Serve wsgi:app with the repository's gunicorn.conf.py; yields the base URL."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "served-test-secret",
        "COMMUNITY_ENV": "development",
        **(env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", "127.0.0.1:0",
         "--log-level", "info", *args, "wsgi:app"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    found: list[str] = []
    ready = threading.Event()

    def read_log() -> None:
        for line in process.stderr:
            match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
            if match and not found:
                found.append(match.group(1))
                ready.set()

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    try:
        if not ready.wait(30):
            raise RuntimeError("gunicorn did not start within 30 seconds")
        base = found[0]
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(base + "/livez", timeout=5):
                    break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        reader.join(10)
        process.stderr.close()
