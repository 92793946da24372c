"""`make load`: a bounded load test against gunicorn on 127.0.0.1.

1. Builds a demo organisation in a fresh database (SQLite in a temp folder by default, or the
   PostgreSQL database in LOAD_DATABASE_URL — it is wiped), starts gunicorn with it.
2. Measures a bare endpoint (/livez, no database) for the reference throughput.
3. Runs a realistic mix of signed-in traffic (directory search, topic contacts, threads,
   profiles, API reads, replies written through the API) from several client processes.
4. Prints throughput relative to the bare endpoint, p50/p95/p99 latency and error rate, then
   checks the database: every reply that got a 201 is stored exactly once, nothing else.

Options by environment: LOAD_SECONDS (default 20 per phase), LOAD_PEOPLE (2000),
LOAD_WORKERS (gunicorn workers, default 4 in all), LOAD_CLIENTS (client processes, 2),
LOAD_THREADS (threads per client, 6); REDIS_URL makes the workers share rate limits and cached
page parts, as in production.

LOAD_INSTANCES=2 (with LOAD_DATABASE_URL on PostgreSQL and REDIS_URL): several machines on
loopback (bench/cluster.py) — two gunicorn instances sharing the database and Redis, the
round-robin proxy of bench/proxy.py in front, a Celery worker with beat on the task queue. The
mix goes through the proxy; afterwards, besides the replies, it checks that the notification
e-mails were made exactly once, that a login limit reached on one instance refuses on the
other, and that a profile edit through one instance is found at once through the other.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing as mp
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("LOAD_SECONDS", "20"))
PEOPLE = int(os.environ.get("LOAD_PEOPLE", "2000"))
INSTANCES = int(os.environ.get("LOAD_INSTANCES", "1"))
WORKERS = int(os.environ.get("LOAD_WORKERS", str(max(1, 4 // INSTANCES))))  # per instance
ACCOUNT_LIMIT = 5  # wrong passwords per address and hour in the several-instance run
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "2"))
THREADS = int(os.environ.get("LOAD_THREADS", "6"))
SEARCH_TERMS = ["teams", "share", "linkedin", "data", "agile", "müller", "sales", "ki", "power bi", "excel"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(database_url: str) -> dict:
    """Schema, demo data, API tokens and the ids the mix needs."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from community import create_app

    # The app first: it imports every feature's models, so the mappers resolve.
    app = create_app({"SECRET_KEY": "load-test", "SQLALCHEMY_DATABASE_URI": database_url})
    from community.accounts import services as accounts
    from community.accounts.models import User
    from community.demo import DEMO_PASSWORD, build
    from community.discussions.models import Category, Thread
    from community.expertise.models import Tag
    from community.extensions import db
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        build(people=PEOPLE, seed=1)
        db.session.commit()
        members = list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id).limit(60)))
        tokens = []
        for user in members:
            _row, plain = accounts.create_api_token(user, "load test")
            tokens.append(plain)
        public = select(Category.id).where(Category.visibility == "members")
        threads = list(db.session.scalars(select(Thread.id).where(Thread.category_id.in_(public), Thread.locked.is_(False)).limit(200)))
        tags = list(db.session.scalars(select(Tag.slug)))
        if INSTANCES > 1:
            # Replies reach the thread's followers by e-mail at once (the default is the daily
            # digest): the worker then has notification e-mails to make during the run.
            from sqlalchemy import insert

            from community.outreach.models import NotificationPreference
            everyone = list(db.session.scalars(select(User.id)))
            db.session.execute(insert(NotificationPreference),
                               [{"user_id": uid, "kind": "reply", "mode": "immediately"} for uid in everyone])
        people = [u.id for u in members]
        login = [(u.email, DEMO_PASSWORD) for u in members[:12]]
        db.session.commit()
        db.engine.dispose()
    return {"tokens": tokens, "threads": threads, "tags": tags, "people": people,
            "login": login}


def start_gunicorn(database_url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "load-test",
           "POST_RATE_LIMIT": "100000 per minute", "LOGIN_RATE_LIMIT": "100000 per minute",
           # With REDIS_URL: keys of this run only (rate limits, cached page parts).
           "RATELIMIT_KEY_PREFIX": f"community-load-{port}-{os.getpid()}"}
    process = subprocess.Popen(  # noqa: S603 - fixed argument list, no user input
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--keep-alive", "5", "wsgi:app"],
        cwd=ROOT, env=env,
    )
    deadline = time.time() + 120  # a busy machine takes its time to import the app
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/livez")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def login_cookie(port: int, email: str, password: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password})
    conn.request("POST", "/login", body=body, headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    return response.getheader("Set-Cookie").split(";")[0]


def mix_request(rng: random.Random, data: dict, cookie: str, marker: str, counter: list[int]):
    roll = rng.random()
    if roll < 0.25:
        return "GET", "/people?" + urllib.parse.urlencode({"q": rng.choice(SEARCH_TERMS)}), None, {"Cookie": cookie}, "directory"
    if roll < 0.40:
        return "GET", f"/tags/{rng.choice(data['tags'])}/contacts", None, {"Cookie": cookie}, "contacts"
    if roll < 0.60:
        return "GET", f"/threads/{rng.choice(data['threads'])}", None, {"Cookie": cookie}, "thread"
    if roll < 0.70:
        return "GET", f"/people/{rng.choice(data['people'])}", None, {"Cookie": cookie}, "profile"
    if roll < 0.80:
        return "GET", "/community", None, {"Cookie": cookie}, "community"
    if roll < 0.90:
        token = rng.choice(data["tokens"])
        return "GET", "/api/v1/people?" + urllib.parse.urlencode({"tag": rng.choice(data["tags"])}), None, \
            {"Authorization": f"Bearer {token}"}, "api_people"
    counter[0] += 1
    token = rng.choice(data["tokens"])
    body = json.dumps({"body": f"Load test reply {marker}-{counter[0]} — thanks for the tip!"})
    return "POST", f"/api/v1/threads/{rng.choice(data['threads'])}/posts", body, \
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, "reply"


def client_process(port: int, data: dict, mode: str, seconds: float, seed: int, queue) -> None:
    results: list[tuple[str, int, float, str]] = []
    lock = threading.Lock()
    cookies = [login_cookie(port, email, password) for email, password in data["login"][seed::CLIENTS]] or [""]

    def worker(index: int) -> None:
        rng = random.Random(seed * 100 + index)
        marker = f"c{seed}t{index}"
        counter = [0]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local = []
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            if mode == "bare":
                method, path, body, headers, kind = "GET", "/livez", None, {}, "bare"
            else:
                method, path, body, headers, kind = mix_request(rng, data, cookies[index % len(cookies)], marker, counter)
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                status = response.status
                ident = ""
                if kind == "reply" and status == 201:
                    ident = json.loads(payload)["body"].split(" — ")[0]
            except (OSError, http.client.HTTPException):
                status, ident = 599, ""
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            local.append((kind, status, time.perf_counter() - started, ident))
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(results)


def run_phase(port: int, data: dict, mode: str) -> tuple[list, float]:
    queue = mp.Queue()
    started = time.perf_counter()
    processes = [mp.Process(target=client_process, args=(port, data, mode, SECONDS, i, queue)) for i in range(CLIENTS)]
    for p in processes:
        p.start()
    results = []
    for _ in processes:
        results.extend(queue.get())
    for p in processes:
        p.join()
    return results, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def check_database(database_url: str, created: list[str]) -> tuple[int, int, int]:
    """(replies acknowledged, replies stored, duplicates)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT body FROM posts WHERE body LIKE 'Load test reply %'")).scalars().all()
    engine.dispose()
    stored = [row.split(" — ")[0] for row in rows]
    duplicates = len(stored) - len(set(stored))
    return len(created), len(set(stored) & set(created)), duplicates + len(set(stored) - set(created))


def run_cluster(database_url: str, data: dict) -> tuple[list, float, list, float, list[tuple[bool, str]], str]:
    """The mix through the proxy in front of several instances, then the cross-instance checks."""
    sys.path.insert(0, str(ROOT / "bench"))
    import cluster

    redis_url = os.environ.get("REDIS_URL") or os.environ.get("LOAD_REDIS_URL")
    if not redis_url or not database_url.startswith("postgresql"):
        raise SystemExit("LOAD_INSTANCES > 1 needs LOAD_DATABASE_URL=postgresql://… and REDIS_URL (shared by the instances)")
    first_note = cluster.max_notification_id(database_url)
    env = {"POST_RATE_LIMIT": "100000 per minute", "LOGIN_RATE_LIMIT": "100000 per minute",
           "LOGIN_ACCOUNT_RATE_LIMIT": f"{ACCOUNT_LIMIT} per hour"}
    running = cluster.Cluster(database_url, redis_url, instances=INSTANCES, workers=WORKERS, env=env).__enter__()
    try:
        print(f"{INSTANCES} instances on ports {running.ports}, proxy on {running.proxy_port}, Celery worker + beat",
              flush=True)
        bare, bare_seconds = run_phase(running.proxy_port, data, "bare")
        mix, mix_seconds = run_phase(running.proxy_port, data, "mix")
        a, b = running.ports[0], running.ports[1]
        checks = [cluster.check_tasks_once(database_url, first_note),
                  cluster.check_shared_rate_limit(a, b, ACCOUNT_LIMIT),
                  cluster.check_shared_cache(a, b, dict(zip(data["people"], data["tokens"], strict=False)),
                                             login_cookie(b, *data["login"][-1]))]
    finally:
        running.__exit__()  # the proxy prints its counts when it stops
        running.cleanup_redis()
    return bare, bare_seconds, mix, mix_seconds, checks, running.proxy_stats()


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="community-load-")
    database_url = os.environ.get("LOAD_DATABASE_URL") or f"sqlite:///{tmp}/load.sqlite3"
    print(f"Preparing {PEOPLE} people in {database_url.split('@')[-1]} …", flush=True)
    data = prepare(database_url)
    checks: list[tuple[bool, str]] = []
    spread = ""
    if INSTANCES > 1:
        bare, bare_seconds, mix, mix_seconds, checks, spread = run_cluster(database_url, data)
    else:
        port = free_port()
        server = start_gunicorn(database_url, port)
        try:
            bare, bare_seconds = run_phase(port, data, "bare")
            mix, mix_seconds = run_phase(port, data, "mix")
        finally:
            server.terminate()
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(10)
    bare_rps = len(bare) / bare_seconds
    mix_rps = len(mix) / mix_seconds
    ok = [r for r in mix if r[1] < 400 or (r[0] == "reply" and r[1] == 201)]
    errors = [r for r in mix if r[1] >= 500]
    shape = f"{INSTANCES} instances × {WORKERS} gunicorn workers behind the proxy" if INSTANCES > 1 else f"gunicorn {WORKERS} workers"
    print(f"\n{shape} · {CLIENTS}×{THREADS} client threads · {SECONDS:.0f} s per phase · {PEOPLE} people")
    if spread:
        print(f"proxy      : requests per instance {spread}")
    print(f"bare /livez: {bare_rps:8.1f} req/s   p95 {percentile([r[2] for r in bare], .95) * 1000:6.1f} ms")
    print(f"mix        : {mix_rps:8.1f} req/s = {mix_rps / bare_rps:5.1%} of bare   "
          f"p50 {percentile([r[2] for r in mix], .5) * 1000:.1f} ms  p95 {percentile([r[2] for r in mix], .95) * 1000:.1f} ms  "
          f"p99 {percentile([r[2] for r in mix], .99) * 1000:.1f} ms")
    print(f"errors     : {len(errors)} of {len(mix)} ({len(errors) / max(1, len(mix)):.2%}); non-2xx/3xx: {len(mix) - len(ok)}")
    print("per kind   :")
    for kind in sorted({r[0] for r in mix}):
        rows = [r for r in mix if r[0] == kind]
        print(f"  {kind:11s} n={len(rows):6d}  p50 {percentile([r[2] for r in rows], .5) * 1000:6.1f} ms  "
              f"p95 {percentile([r[2] for r in rows], .95) * 1000:6.1f} ms  p99 {percentile([r[2] for r in rows], .99) * 1000:6.1f} ms  "
              f"errors {sum(1 for r in rows if r[1] >= 500)}")
    created = [r[3] for r in mix if r[0] == "reply" and r[1] == 201]
    acknowledged, stored, unexpected = check_database(database_url, created)
    verdict = "OK" if acknowledged == stored and unexpected == 0 else "LOST OR DUPLICATED ROWS"
    print(f"database   : {acknowledged} replies acknowledged, {stored} stored, {unexpected} unexpected/duplicated → {verdict}")
    for name, (ok, detail) in zip(("tasks once", "rate limit", "cache"), checks, strict=False):
        print(f"{name:11s}: {'OK' if ok else 'FAILED'} — {detail}")
    if verdict != "OK" or not all(ok for ok, _detail in checks):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
