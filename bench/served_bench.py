"""Pages as served: gunicorn with the production settings, driven by wrk on loopback.

    .venv/bin/python bench/served_bench.py            # 10,000 people, 10 s per page
    BENCH_QUICK=1 .venv/bin/python bench/served_bench.py   # 1,000 people, 3 s per page

1. The demo organisation (`community.demo.build`, the same as `flask demo --people N`) is built
   once per size, seed and version of the schema and demo code into
   instance/bench/demo-<people>-<seed>-<stamp>.sqlite3 and reused by later runs; each run
   serves a copy of it (the writes of a run never reach the cached file). With
   BENCH_DATABASE_URL=postgresql://… the organisation is built into that database instead
   (created when the server has no database of that name, wiped first, rebuilt only when
   size, seed or code changed).
2. Two gunicorn servers on 127.0.0.1 with the same settings (gunicorn.conf.py, BENCH_WORKERS
   workers, default 2): the product with COMMUNITY_ENV=production (REDIS_URL from
   BENCH_REDIS_URL when set), and a bare Flask app (bench/bare_app.py) as the reference.
3. wrk (Debian package `wrk`; a small Python load generator when it is missing) with
   BENCH_CONNECTIONS (8) connections for BENCH_SECONDS (10) per page, after a one-second warm-up.
   Signed in as the demo admin: a browser login session (cookie) for pages, an API token for the
   API. The bare app is measured before each page and after the last (BENCH_BARE_SECONDS, 5 s
   each after the first): a page's "share" is against the mean of the bare runs just before and
   just after it, so a machine whose speed drifts during the run (other work on shared cores)
   moves the page and its reference together. The first and last bare runs are printed too.
4. Two ceilings, served by the bare app on the product's database (bench/bare_app.py): bare
   Flask storing one row per request, measured after the network dashboard (which stores an
   audit row per view), and bare Flask doing a reply's writes in one transaction with the
   driver itself, measured after the reply. No implementation of those pages can pass them on
   the same machine and database; each page's line names its ceiling.

Options by environment: BENCH_QUICK=1, BENCH_PEOPLE, BENCH_SEED (1), BENCH_SECONDS,
BENCH_BARE_SECONDS, BENCH_CONNECTIONS, BENCH_WORKERS, BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_PAGES (a comma-separated
subset of the page keys, e.g. `me,livez`), BENCH_FRESH=1 (build the PostgreSQL database again
even when it holds this demo already: every run adds audit rows and replies to it, and the
dashboard and the reply slow down as they grow). Prints a table; asserts nothing.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
PEOPLE = int(os.environ.get("BENCH_PEOPLE") or (1000 if QUICK else 10_000))
SEED = int(os.environ.get("BENCH_SEED", "1"))
SECONDS = float(os.environ.get("BENCH_SECONDS") or (3 if QUICK else 10))
BARE_SECONDS = float(os.environ.get("BENCH_BARE_SECONDS") or (2 if QUICK else 5))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL") or ""
REDIS_URL = os.environ.get("BENCH_REDIS_URL") or ""
FRESH = os.environ.get("BENCH_FRESH", "") not in ("", "0")
ONLY = {key.strip() for key in os.environ.get("BENCH_PAGES", "").split(",") if key.strip()}
SECRET = "bench-secret-key-not-for-production"  # noqa: S105 - a throwaway key for a local benchmark


@dataclass
class Target:
    key: str
    label: str
    path: str
    auth: str = "cookie"  # cookie | token | none
    method: str = "GET"
    expect: int = 200
    reference_for: str = ""  # a bare Flask route (bench/bare_app.py): the ceiling for that page


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int


# ---------------------------------------------------------------- the demo database


def code_stamp() -> str:
    """Changes when the schema or the demo data could: migrations, models, demo code."""
    digest = hashlib.sha256()
    files = sorted((ROOT / "migrations" / "versions").glob("*.py"))
    files += sorted((ROOT / "community").rglob("demo*.py")) + sorted((ROOT / "community").rglob("models.py"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def make_app(database_url: str):
    sys.path.insert(0, str(ROOT))
    from community import create_app
    from community.config import _engine_options

    return create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": None,
                       "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url), "RATELIMIT_STORAGE_URI": "memory://"})


def build_database(database_url: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    app = make_app(database_url)
    from community import demo
    from community.database import gather_statistics
    from community.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        started = time.perf_counter()
        summary = demo.build(people=PEOPLE, seed=SEED)
        db.session.commit()
        gather_statistics(db.engine)
        print(f"  demo organisation built: {PEOPLE} people in {time.perf_counter() - started:.0f} s "
              f"({summary.get('threads', '?')} threads, {summary.get('posts', '?')} posts)", flush=True)
        db.session.remove()
        db.engine.dispose()


def prepare_database(workdir: Path) -> str:
    """The URL the run serves: a copy of the cached SQLite file, or the PostgreSQL database."""
    stamp = f"{PEOPLE}-{SEED}-{code_stamp()}"
    cache_dir = ROOT / "instance" / "bench"
    cache_dir.mkdir(parents=True, exist_ok=True)
    if DATABASE_URL:
        marker = cache_dir / ("pg-" + hashlib.sha256(DATABASE_URL.encode()).hexdigest()[:12])
        if str(HERE) not in sys.path:
            sys.path.insert(0, str(HERE))
        from network_bench import create_database

        if create_database(DATABASE_URL):
            marker.unlink(missing_ok=True)  # a database of that name made anew holds no demo
        if FRESH or not marker.exists() or marker.read_text() != stamp:
            print(f"Building the demo organisation in {DATABASE_URL.split('@')[-1]} …", flush=True)
            build_database(DATABASE_URL)
            marker.write_text(stamp)
        return DATABASE_URL
    cached = cache_dir / f"demo-{stamp}.sqlite3"
    if not cached.exists():
        for old in cache_dir.glob(f"demo-{PEOPLE}-{SEED}-*.sqlite3*"):
            old.unlink()  # an older version of the schema or demo
        print(f"Building the demo organisation into {cached.relative_to(ROOT)} (once per size and code version) …",
              flush=True)
        partial = cached.with_suffix(".partial")
        for leftover in cache_dir.glob(partial.name + "*"):
            leftover.unlink()
        build_database(f"sqlite:///{partial}")
        partial.rename(cached)
    else:
        print(f"Using the cached demo organisation {cached.relative_to(ROOT)}", flush=True)
    copy = workdir / "bench.sqlite3"
    with sqlite3.connect(cached) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # the WAL's pages too
    return f"sqlite:///{copy}"


def fixtures(database_url: str) -> dict:
    """An API token for the demo admin and the ids of the pages to measure."""
    from sqlalchemy import func, select

    app = make_app(database_url)
    from community.accounts import services as accounts
    from community.accounts.models import User
    from community.demo import DEMO_ADMIN_EMAIL, DEMO_PASSWORD
    from community.discussions.models import Category, Post, Thread, ThreadTag
    from community.expertise.models import Tag
    from community.extensions import db
    from community.profiles.models import PersonTag

    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == DEMO_ADMIN_EMAIL))
        row, token = accounts.create_api_token(admin, f"bench {time.time():.0f}")
        token_id, admin_id = row.id, admin.id
        slug = db.session.scalar(
            select(Tag.slug).join(PersonTag, PersonTag.tag_id == Tag.id)
            .where(Tag.id.in_(select(ThreadTag.tag_id)))  # the busiest topic with a discussion
            .group_by(Tag.slug).order_by(func.count().desc(), Tag.slug).limit(1)
        )
        public = select(Category.id).where(Category.visibility == "members")
        threads = list(db.session.scalars(
            select(Thread.id).join(Post, Post.thread_id == Thread.id)
            .where(Thread.category_id.in_(public), Thread.locked.is_(False))
            .group_by(Thread.id).order_by(func.count().desc(), Thread.id).limit(2)
        ))
        mentor = db.session.scalar(
            select(User.id).join(PersonTag, PersonTag.user_id == User.id)
            .where(User.directory_visible.is_(True), User.active.is_(True), User.id != admin.id)
            .group_by(User.id).order_by(func.count().desc(), User.id).limit(1)
        )
        db.session.commit()
        db.engine.dispose()
    return {"token": token, "token_id": token_id, "admin_id": admin_id, "slug": slug, "thread": threads[0], "write_thread": threads[-1],
            "person": mentor, "email": DEMO_ADMIN_EMAIL, "password": DEMO_PASSWORD}


def revoke_token(database_url: str, ids: dict) -> None:
    """The run's API token stops working, so a reused bench database keeps no live token."""
    app = make_app(database_url)
    from community.accounts import services as accounts
    from community.accounts.models import User
    from community.extensions import db

    with app.app_context():
        accounts.revoke_api_token(db.session.get_one(User, ids["admin_id"]), ids["token_id"])
        db.session.commit()
        db.engine.dispose()


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(app_spec: str, env: dict, port: int, extra: list[str], log_path: Path,
                 workers: int | None = None) -> subprocess.Popen:
    """A gunicorn server; what it logs (an audit line per dashboard view, say) goes to `log_path`,
    as a deployment's logs go to a file or the journal, not through the terminal of the run."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argument list
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--workers", str(workers or WORKERS),
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", *extra, app_spec],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-3000:]
            raise SystemExit(f"gunicorn for {app_spec} exited with {process.returncode}:\n{tail}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/livez" if app_spec == "wsgi:app" else "/")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn for {app_spec} did not start")


def login_cookie(port: int, email: str, password: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password})
    conn.request("POST", "/login", body=body,
                 headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"could not sign in as {email}: {response.status}")
    cookie = response.getheader("Set-Cookie").split(";")[0]
    # As a browser does: keep the cookie the first page sets (its CSRF token). wrk sends one
    # fixed cookie; the cookie of the sign-in alone would make every page add a new token to
    # the session and send the cookie again, which no browser sees after its first page.
    for _ in range(3):
        conn.request("GET", "/community", headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        renewed = response.getheader("Set-Cookie")
        if not renewed:
            break
        cookie = renewed.split(";")[0]
    return cookie


# ---------------------------------------------------------------- load


def headers_for(target: Target, creds: dict) -> dict[str, str]:
    headers = {}
    if target.auth == "cookie":
        headers["Cookie"] = creds["cookie"]
    elif target.auth == "token":
        headers["Authorization"] = f"Bearer {creds['token']}"
    if target.method == "POST":
        headers["Content-Type"] = "application/json"
    return headers


REPLY_LUA = """
counter = 0
request = function()
  counter = counter + 1
  local body = '{"body": "Bench reply ' .. counter .. ' from ' .. tostring(os.clock()) .. ' - thanks for the tip!"}'
  return wrk.format("POST", nil, nil, body)
end
"""

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS[unit]


def run_wrk(url: str, headers: dict[str, str], seconds: float, method: str, workdir: Path) -> Result:
    command = ["wrk", "-t", str(min(2, CONNECTIONS)), "-c", str(CONNECTIONS), "-d", f"{seconds:g}s", "--latency",
               "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if method == "POST":
        script = workdir / "reply.lua"
        script.write_text(REPLY_LUA)
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    total = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    failed = (int(bad.group(1)) if bad else 0) + (sum(int(x) for x in errors.groups()) if errors else 0)
    return Result(rps, _ms(*p50.groups()), _ms(*p99.groups()), total, failed)


def run_python(url: str, headers: dict[str, str], seconds: float, method: str, _workdir: Path) -> Result:
    """Fallback without wrk: CONNECTIONS threads with keep-alive connections (slower than wrk:
    the client's own CPU time counts against the server on a small machine)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    end = time.perf_counter() + seconds

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine: list[float] = []
        failed = 0
        counter = 0
        while time.perf_counter() < end:
            counter += 1
            body = json.dumps({"body": f"Bench reply {index}-{counter} - thanks for the tip!"}) if method == "POST" else None
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                failed += response.status >= 400
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            bad[0] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        return Result(0.0, 0.0, 0.0, 0, bad[0])
    return Result(len(latencies) / elapsed, statistics.median(latencies) * 1000,
                  latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, len(latencies), bad[0])


def check(url: str, headers: dict[str, str], method: str, expect: int) -> None:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    body = json.dumps({"body": "Bench reply check - thanks!"}) if method == "POST" else None
    conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    if response.status != expect:
        raise SystemExit(f"{method} {url} answered {response.status}, expected {expect}")


# ---------------------------------------------------------------- main


def targets(ids: dict) -> list[Target]:
    slug = ids["slug"]
    pages = [
        Target("directory", "directory search (page)", "/people?q=teams"),
        Target("directory_api", "directory search (API)", "/api/v1/people?q=teams", auth="token"),
        Target("contacts", f"topic contacts ({slug})", f"/tags/{slug}/contacts"),
        Target("topic", f"topic page ({slug})", f"/tags/{slug}"),
        Target("profile", "profile page", f"/people/{ids['person']}"),
        Target("community", "community start page", "/community"),
        Target("thread", "thread page", f"/threads/{ids['thread']}"),
        Target("me", "/api/v1/me", "/api/v1/me", auth="token"),
        Target("network", "network dashboard", "/network"),
        Target("livez", "/livez (no database)", "/livez", auth="none"),
        Target("reply", "reply (API POST, a write)", f"/api/v1/threads/{ids['write_thread']}/posts",
               auth="token", method="POST", expect=201),
    ]
    references = {
        "network": Target("bare_view", "  bare Flask + one stored row", "/view", auth="none", reference_for="network"),
        "reply": Target("bare_write", "  bare Flask + a reply's writes", "/write", auth="none", method="POST",
                        expect=201, reference_for="reply"),
    }
    chosen = []
    for page in pages:  # each reference right after its page (or alone, when only it is asked for)
        if not ONLY or page.key in ONLY:
            chosen.append(page)
        reference = references.get(page.key)
        if reference is not None and (not ONLY or page.key in ONLY or reference.key in ONLY):
            chosen.append(reference)
    return chosen


def prepare_reference(database_url: str, workdir: Path) -> str:
    """The tables of the bare app's /view and /write (bench/bare_app.py), made anew for each run
    on the same database server as the product's: on PostgreSQL in the schema bare_reference of
    the bench database, on SQLite in a file of its own beside the product's copy. The URL the
    bare app is given (BARE_DATABASE_URL)."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    from bare_app import SCHEMA

    if database_url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS bare_reference CASCADE")
            conn.execute("CREATE SCHEMA bare_reference")
            conn.execute("SET search_path = bare_reference")
            for statement in SCHEMA:
                conn.execute(statement.format(serial="INTEGER GENERATED BY DEFAULT AS IDENTITY", time="TIMESTAMPTZ"))
        return database_url
    path = workdir / "bare-reference.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        for statement in SCHEMA:
            conn.execute(statement.format(serial="INTEGER", time="TEXT"))
    return f"sqlite:///{path}"


def main() -> None:
    runner = run_wrk if shutil.which("wrk") else run_python
    workdir = Path(tempfile.mkdtemp(prefix="community-bench-"))
    servers: list[subprocess.Popen] = []
    ids: dict = {}
    try:
        database_url = prepare_database(workdir)
        ids = fixtures(database_url)
        env = {**os.environ, "COMMUNITY_ENV": "production", "SECRET_KEY": SECRET, "DATABASE_URL": database_url,
               "POST_RATE_LIMIT": "1000000 per minute", "LOGIN_RATE_LIMIT": "1000 per minute",
               "LOGIN_ACCOUNT_RATE_LIMIT": "1000 per hour",
               "RATELIMIT_KEY_PREFIX": f"community-bench-{os.getpid()}", "TASKS_PERIODIC_SECONDS": "0"}
        env.pop("REDIS_URL", None)
        if REDIS_URL:
            env["REDIS_URL"] = REDIS_URL
        app_port, bare_port = free_port(), free_port()
        servers.append(start_server("wsgi:app", env, app_port, [], workdir / "app.log"))
        bare_env = {**env, "PYTHONPATH": str(HERE), "BARE_DATABASE_URL": prepare_reference(database_url, workdir)}
        servers.append(start_server("bare_app:app", bare_env, bare_port, [], workdir / "bare.log"))
        creds = {"cookie": login_cookie(app_port, ids["email"], ids["password"]), "token": ids["token"]}
        database = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(f"\ngunicorn {WORKERS} workers (gunicorn.conf.py, COMMUNITY_ENV=production, {database}, "
              f"{'Redis cache' if REDIS_URL else 'per-worker cache'}) · {PEOPLE:,} people · "
              f"{'wrk' if runner is run_wrk else 'Python load generator'} {CONNECTIONS} connections, "
              f"{SECONDS:g} s per page · {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}",
              flush=True)

        def measure(url: str, headers: dict[str, str], method: str = "GET", warm: bool = True) -> Result:
            if warm:
                runner(url, headers, 1, method, workdir)
            return runner(url, headers, SECONDS, method, workdir)

        bare_url = f"http://127.0.0.1:{bare_port}/"
        check(bare_url, {}, "GET", 200)
        bare_runs = [measure(bare_url, {})]
        print(f"{'page':42} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'share':>7}  errors", flush=True)
        row = "{:42} {:8.0f} {:8.1f} {:8.1f} {:>7}  {}"
        print(row.format("bare Flask (first)", bare_runs[0].rps, bare_runs[0].p50_ms, bare_runs[0].p99_ms, "", bare_runs[0].bad),
              flush=True)
        measured: list[tuple[Target, Result, Result]] = []  # each page with the bare run before it
        for target in targets(ids):
            url = f"http://127.0.0.1:{bare_port if target.reference_for else app_port}{target.path}"
            headers = headers_for(target, creds)
            check(url, headers, target.method, target.expect)
            before = bare_runs[-1]
            result = measure(url, headers, target.method, warm=target.method == "GET")
            measured.append((target, result, before))
            bare_runs.append(runner(bare_url, {}, BARE_SECONDS, "GET", workdir))  # the reference right after it
            reference = (before.rps + bare_runs[-1].rps) / 2
            print(row.format(target.label, result.rps, result.p50_ms, result.p99_ms,
                             f"{result.rps / reference:.0%}", result.bad), flush=True)
        last = bare_runs[-1]
        print(row.format("bare Flask (last)", last.rps, last.p50_ms, last.p99_ms, "", last.bad))
        rates = [r.rps for r in bare_runs]
        print(f"\nShare of bare Flask (each page against the bare runs just before and after it; bare Flask "
              f"{min(rates):.0f}–{max(rates):.0f} req/s in this run, mean {statistics.fmean(rates):.0f}):")
        shares = {}
        for index, (target, result, before) in enumerate(measured):
            reference = (before.rps + bare_runs[index + 1].rps) / 2
            shares[target.key] = result.rps / reference
        for index, (target, result, before) in enumerate(measured):
            reference = (before.rps + bare_runs[index + 1].rps) / 2
            goal = 0.9 if target.key == "livez" else 0.2
            verdict = "ok" if result.rps / reference >= goal and result.p99_ms < 50 else "below target"
            if target.reference_for:
                verdict = "a ceiling, not a page"
            ceiling = next((shares[t.key] for t, _r, _b in measured if t.reference_for == target.key), None)
            if ceiling is not None:
                verdict += f" (its bare reference: {ceiling:.1%})"
            print(f"  {target.label:40} {result.rps / reference:6.1%}   p99 {result.p99_ms:6.1f} ms   "
                  f"(bare {reference:5.0f} req/s)   {verdict}")
    except BaseException:
        log = workdir / "app.log"
        if log.exists():
            print(f"The product's server log ends with:\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
        raise
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
        if DATABASE_URL and ids:
            revoke_token(DATABASE_URL, ids)  # the PostgreSQL bench database is reused
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
