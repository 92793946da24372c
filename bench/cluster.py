"""Several app instances on loopback, as on several machines: `LOAD_INSTANCES=2 make load`.

`Cluster` starts N gunicorn instances of the product sharing one PostgreSQL database, one
Redis (rate limits, cached page parts and their generations, the remembered identities, the
Celery broker) and one SECRET_KEY, the round-robin proxy of bench/proxy.py in front of them,
and one Celery worker with its beat scheduler on the task queue. bench/load.py drives its mix
through the proxy, then calls the checks below:

- `check_shared_rate_limit`: failed logins on instance A count on instance B (429 there);
- `check_shared_cache`: a profile edited through A is found at once through B, by the
  directory page and the API, although B had just cached the search without it;
- `check_tasks_once`: every notification e-mail the load caused is in the outbox exactly
  once, delivered by the worker with one attempt, nothing left queued.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str = "/livez", seconds: float = 120) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.2)
    return False


class Cluster:
    """N gunicorn instances + proxy + Celery worker/beat; use as a context manager."""

    def __init__(self, database_url: str, redis_url: str, *, instances: int = 2, workers: int = 2,
                 env: dict[str, str] | None = None, worker: bool = True) -> None:
        self.run_id = uuid.uuid4().hex[:8]
        self.tmp = Path(tempfile.mkdtemp(prefix="community-cluster-"))
        # What every process shares, as on several machines: the same settings everywhere.
        self.env = {
            **os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
            "SECRET_KEY": "cluster-load-test", "PROXY_COUNT": "1",
            "RATELIMIT_KEY_PREFIX": f"community-cluster-{self.run_id}",
            "CELERY_QUEUE": f"community-cluster-{self.run_id}",
            **(env or {}),
        }
        self.instances = instances
        self.workers = workers
        self.with_worker = worker
        self.ports: list[int] = []
        self.proxy_port = 0
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def _start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        self.processes.append((name, process))
        return process

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def __enter__(self) -> Cluster:
        try:
            for n in range(self.instances):
                port = free_port()
                self.ports.append(port)
                self._start(f"app{n + 1}", [sys.executable, "-m", "gunicorn", "--workers", str(self.workers),
                                            "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"])
            self.proxy_port = free_port()
            self._start("proxy", [sys.executable, str(ROOT / "bench/proxy.py"), f"127.0.0.1:{self.proxy_port}",
                                  *(f"127.0.0.1:{p}" for p in self.ports)])
            if self.with_worker:
                self._start("worker", [sys.executable, "-m", "celery", "-A", "community.worker", "worker", "--beat",
                                       "--concurrency", "1", "--loglevel", "info", "--without-mingle", "--without-gossip",
                                       "--schedule", str(self.tmp / "celerybeat-schedule")])
            for port in [*self.ports, self.proxy_port]:
                if not wait_for(port):
                    raise RuntimeError(f"port {port} did not answer; logs in {self.tmp}")
            if self.with_worker:
                deadline = time.time() + 60
                while "ready." not in self.log("worker"):
                    if time.time() > deadline:
                        raise RuntimeError(f"the Celery worker did not start; see {self.tmp / 'worker.log'}")
                    time.sleep(0.3)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for _name, process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    def proxy_stats(self) -> str:
        found = re.findall(r"proxy requests per backend: (.*)", self.log("proxy"))
        return found[-1] if found else "?"

    def cleanup_redis(self) -> None:
        import redis

        client = redis.Redis.from_url(self.env["REDIS_URL"])
        for key in client.scan_iter(f"*{self.run_id}*"):
            client.delete(key)
        client.close()


# ------------------------------------------------------------------------------ HTTP helpers


def request(port: int, method: str, path: str, body: str | bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode(errors="replace")
    finally:
        conn.close()


def login_form(port: int) -> tuple[str, str]:
    """(session cookie, CSRF token) from the login page of one instance."""
    _status, headers, page = request(port, "GET", "/login")
    cookie = headers["set-cookie"].split(";")[0]
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert token is not None, "no CSRF token on the login page"
    return cookie, token.group(1)


# ------------------------------------------------------------------------------ the checks


def check_shared_rate_limit(port_a: int, port_b: int, per_account: int) -> tuple[bool, str]:
    """LOGIN_ACCOUNT_RATE_LIMIT is `per_account per hour`: that many wrong passwords for one
    address through A, then the next one through B must be refused (429)."""
    email = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    cookie, token = login_form(port_a)  # the same SECRET_KEY: A's session and token work on B
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": "wrong password"})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    on_a = [request(port_a, "POST", "/login", body, headers)[0] for _ in range(per_account)]
    on_b = request(port_b, "POST", "/login", body, headers)[0]
    ok = all(status == 200 for status in on_a) and on_b == 429
    return ok, f"{per_account} wrong passwords on A → {sorted(set(on_a))}, the next on B → {on_b}"


def check_shared_cache(port_a: int, port_b: int, token_of: dict[int, str], cookie_b: str) -> tuple[bool, str]:
    """A person edits their department through A; B, which has just cached the search without
    them (page and API), must find them at once."""
    word = "Quasarology" + uuid.uuid4().hex[:6]
    term = word.lower()
    reader = next(iter(token_of.values()))
    person_id = None
    for candidate, token in token_of.items():  # someone listed in the directory
        if token != reader and request(port_b, "GET", f"/api/v1/people/{candidate}",
                                       headers={"Authorization": f"Bearer {reader}"})[0] == 200:
            person_id = candidate
            break
    if person_id is None:
        return False, "no listed person with a token"
    api = f"/api/v1/people?{urllib.parse.urlencode({'q': term})}"
    page = f"/people?{urllib.parse.urlencode({'q': term})}"
    auth = {"Authorization": f"Bearer {reader}"}

    def found_on_b() -> tuple[bool, bool]:
        _s, _h, api_body = request(port_b, "GET", api, headers=auth)
        _s, _h, page_body = request(port_b, "GET", page, headers={"Cookie": cookie_b})
        in_api = any(item.get("id") == person_id for item in json.loads(api_body).get("items", []))
        return in_api, f'href="/people/{person_id}"' in page_body

    before = found_on_b()
    found_on_b()  # a second time: now certainly served from B's cache (Redis)
    status = request(port_a, "PATCH", f"/api/v1/people/{person_id}", json.dumps({"department": word}),
                     {"Authorization": f"Bearer {token_of[person_id]}", "Content-Type": "application/json"})[0]
    after = found_on_b()
    ok = before == (False, False) and status == 200 and after == (True, True)
    return ok, (f"person {person_id}: before the edit B finds them (API, page) {before}; edit through A → {status}; "
                f"right after, B finds them {after}")


def check_tasks_once(database_url: str, first_notification_id: int, seconds: float = 120) -> tuple[bool, str]:
    """Every notification made during the load whose person wants an e-mail immediately has
    exactly one message in the outbox (key `notification:<id>`), delivered in one attempt."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import create_engine, text

    from community import create_app
    from community.extensions import db
    from community.outreach import services

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "cluster-check", "TASKS_IN_PROCESS": True})
    with app.app_context():
        notes = list(db.session.execute(text("SELECT id FROM notifications WHERE id > :first"),
                                        {"first": first_notification_id}).scalars())
        wanted = {f"notification:{i}" for i in services.wanted_now(notes)}
        db.session.remove()
        db.engine.dispose()
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    deadline = time.time() + seconds
    rows: list = []
    while True:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT key, status, attempts FROM outgoing_messages WHERE key LIKE 'notification:%' "
                "AND CAST(substr(key, 14) AS INTEGER) > :first"), {"first": first_notification_id}).all()
        delivered = {row.key for row in rows if row.status == "outbox"}
        if wanted <= delivered and all(row.status == "outbox" for row in rows) or time.time() > deadline:
            break
        time.sleep(1)
    engine.dispose()
    keys = [row.key for row in rows]
    missing = wanted - {row.key for row in rows if row.status == "outbox"}
    unexpected = set(keys) - wanted
    twice = len(keys) - len(set(keys))
    retried = sum(1 for row in rows if row.attempts != 1)
    ok = not missing and not unexpected and not twice and not retried
    return ok, (f"{len(notes)} notifications, {len(wanted)} wanting an e-mail now; outbox: {len(keys)} messages, "
                f"{len(missing)} missing, {len(unexpected)} unexpected, {twice} twice, {retried} not in one attempt")


def max_notification_id(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        value = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM notifications")).scalar()
    engine.dispose()
    return int(value or 0)
