"""With REDIS_URL, rate limits hold across several gunicorn worker processes."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.redis_service import REDIS_URL, redis_or_skip

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn_with_redis(database_url):
    redis_client = redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "rate-limit-test",
        "REDIS_URL": REDIS_URL,
        "LOGIN_RATE_LIMIT": "3 per minute",
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5):
                break
        except OSError:  # not listening yet, or still booting
            time.sleep(0.2)
    else:
        process.kill()
        process.wait(10)
        pytest.fail("gunicorn did not start within 20 seconds")
    yield base, redis_client, prefix
    process.terminate()
    process.wait(10)
    for key in redis_client.scan_iter(f"*{prefix}*"):
        redis_client.delete(key)


@pytest.mark.slow
def test_login_limit_is_shared_by_all_workers(gunicorn_with_redis):
    import http.cookiejar
    import re
    import urllib.parse

    base, redis_client, prefix = gunicorn_with_redis
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/login", timeout=15).read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": "a@example.com", "password": "wrong-password"}).encode()
    statuses, remaining, resets = [], [], []
    for _ in range(8):
        # A new connection each time, so the requests spread over both worker processes.
        request = urllib.request.Request(base + "/login", data=body, method="POST", headers={"Connection": "close"})
        try:
            with opener.open(request, timeout=15) as response:
                statuses.append(response.status)
                remaining.append(response.headers["X-RateLimit-Remaining"])
                resets.append(int(response.headers["X-RateLimit-Reset"]))
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
            if error.code == 429:
                assert int(error.headers["Retry-After"]) > 0
    assert statuses == [200, 200, 200] + [429] * 5
    assert remaining == ["2", "1", "0"]  # as counted in Redis, whichever worker answered
    assert all(time.time() < reset <= time.time() + 61 for reset in resets)
    assert any(True for _ in redis_client.scan_iter(f"*{prefix}*")), "limits are stored in Redis"
