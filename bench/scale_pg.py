"""PostgreSQL at scale: a 100,000-person organisation with 1,000,000 posts, then its searches
and migrations measured.

    SCALE_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test_infra_scale .venv/bin/python bench/scale_pg.py

1. `build`: the schema by the Alembic migrations (so the real indexes), a small demo
   organisation by the demo builder (categories, topics and synonyms, the admin account,
   mentorships), then in SQL (generate_series, set-based INSERT … SELECT, no ORM) the rest of
   the people (roles, languages, topics, their directory search documents) and the threads
   with their posts. The search documents are what `community.profiles.search` writes: the
   same fields in the same order, folded the same way (generated text is ASCII; the topic
   words are folded by `fold` itself). Post bodies are a Zipf-like mix: everyday words in
   most posts, topic words in a few per cent, rare words in a handful.
2. `measure`: gunicorn (2 workers, production settings) on that database, wrk with one
   connection per URL (latency, not throughput) signed in as the demo admin: directory search
   (page and API) and community search for a frequent, a topic, a rare and a two-word term,
   each computed afresh (pages: a parameter nobody sent before on every request, so no cached
   result answers; the API, which ignores unknown parameters: a second gunicorn with its cache
   off), then the directory's searches as cached (the same words within CACHE_FRAGMENT_SECONDS);
   p50/p95/p99 as wrk reports them, bare Flask measured in the same run.
3. `plans`: EXPLAIN ANALYZE of the search statements on the big tables (the indexes named).
4. `migrate`: downgrade the last revisions and upgrade to head again with the data present.

SCALE_PEOPLE (100000), SCALE_POSTS (1000000), SCALE_SECONDS (10 per URL), SCALE_STEPS
(build,measure,plans,migrate), SCALE_DOWNGRADE (3 revisions).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("SCALE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test_infra_scale")
os.environ["DATABASE_URL"] = DATABASE_URL  # the app's engine settings follow it
os.environ.pop("REDIS_URL", None)  # per-process cache and in-process tasks: no shared state with other runs
PEOPLE = int(os.environ.get("SCALE_PEOPLE", "100000"))
POSTS = int(os.environ.get("SCALE_POSTS", "1000000"))
SECONDS = float(os.environ.get("SCALE_SECONDS", "10"))
STEPS = os.environ.get("SCALE_STEPS", "build,measure,plans,migrate").split(",")
DOWNGRADE = int(os.environ.get("SCALE_DOWNGRADE", "3"))
DEMO_PEOPLE = 300
POSTS_PER_THREAD = 20

FIRST = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannah", "Ivan", "Jonas", "Karin", "Lena", "Lukas", "Maria", "Max", "Mia", "Noah", "Olga", "Paul", "Paula", "Peter", "Rosa", "Sara", "Simon", "Sofia", "Tim", "Tom", "Ulla", "Vera", "Yusuf", "Zoe", "Ahmet", "Aylin", "Chen", "Priya", "Raj", "Mateo", "Lucia", "Nils", "Ines", "Jan", "Eva", "Kai", "Lea", "Omar", "Nora", "Erik", "Hugo", "Ida", "Jakob", "Lara", "Moritz", "Nina", "Oskar", "Pia", "Rafael", "Selin", "Theo", "Wanda", "Xaver"]
LAST = ["Schmidt", "Meyer", "Weber", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Braun", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Lehmann", "Schmid", "Schulze", "Maier", "Kohler", "Herrmann", "Walter", "Konig", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Moller", "Weiss", "Jung", "Hahn", "Vogel", "Friedrich", "Keller", "Gunther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Bohm", "Winter", "Kraus", "Martin", "Schumacher", "Kramer", "Vogt", "Stein", "Jager", "Otto", "Sommer", "Gross", "Seidel", "Heinrich", "Brandt", "Haas", "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn", "Pohl", "Engel", "Horn", "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold", "Wolff", "Pfeiffer"]
DEPARTMENTS = ("Sales", "Finance", "IT", "Human Resources", "Logistics", "Marketing", "Legal", "Procurement",
               "Research", "Customer Service", "Production", "Quality", "Controlling", "Communications", "Facilities")
LOCATIONS = ("Berlin", "Hamburg", "Munich", "Cologne", "Frankfurt", "Stuttgart", "Zurich", "Vienna", "Leipzig",
             "Dresden", "Bremen", "Hanover")
# Post text: everyday words (in most posts), topic words (a few per cent), rare words (a handful).
EVERYDAY = ["the", "a", "and", "to", "of", "in", "for", "is", "it", "that", "we", "you", "with", "on", "this", "my", "our", "be", "have", "can", "how", "what", "about", "when", "from", "at", "but", "not", "so", "if", "just", "one", "all", "will", "do", "more", "time", "next", "week", "team", "meeting", "today", "thanks", "idea", "try", "work", "help", "good", "great", "share", "question", "tip", "use", "using", "start", "new", "people", "first", "make", "also", "still", "really", "like", "way", "better", "know", "want", "need", "think", "found", "maybe", "here", "there"]
TOPICS = ["teams", "sharepoint", "excel", "outlook", "onenote", "planner", "powerbi", "copilot", "python", "agile", "scrum", "kanban", "okrs", "onboarding", "feedback", "coaching", "delegation", "prioritising", "burnout", "phishing", "passwords", "automation", "dashboards", "pivot", "macros", "forms", "wiki", "confluence", "jira", "whiteboard", "miro", "async", "inbox", "calendar", "presentations", "storytelling", "negotiation", "leadership", "mentoring", "networking", "budgeting", "forecasting", "sustainability", "accessibility", "privacy", "compliance", "security", "training", "workshop", "retrospective"]
RARE = ["kaizen", "zettelkasten", "pomodoro", "ishikawa", "heptagon", "quokka", "fjord", "sonnet", "ukulele", "marzipan"]


def engine():
    from sqlalchemy import create_engine

    return create_engine(DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))


def sql_array(words) -> str:
    return "ARRAY[" + ",".join("'" + w.replace("'", "''") + "'" for w in words) + "]"


def step(label: str, conn, statement: str, **params) -> None:
    from sqlalchemy import text

    started = time.perf_counter()
    result = conn.execute(text(statement), params)
    print(f"  {label:44s} {time.perf_counter() - started:7.1f} s  ({max(result.rowcount, 0):,} rows)", flush=True)


def build() -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from community import create_app
    from community.demo import build as build_demo
    from community.extensions import db
    from community.profiles.search import fold

    print(f"Building {PEOPLE:,} people and {POSTS:,} posts in {DATABASE_URL.rsplit('/', 1)[1]}", flush=True)
    began = time.perf_counter()
    app = create_app({"SQLALCHEMY_DATABASE_URI": DATABASE_URL, "SECRET_KEY": "scale", "TASKS_IN_PROCESS": True})
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        started = time.perf_counter()
        upgrade()
        print(f"  {'schema (alembic upgrade head)':44s} {time.perf_counter() - started:7.1f} s", flush=True)
        started = time.perf_counter()
        build_demo(people=DEMO_PEOPLE, seed=1)
        db.session.commit()
        print(f"  {f'demo organisation ({DEMO_PEOPLE} people, ORM)':44s} {time.perf_counter() - started:7.1f} s", flush=True)
        tag_words = {}
        for tag_id, name, name_de in db.session.execute(text("SELECT id, name, name_de FROM tags")):
            tag_words[tag_id] = [name, name_de or ""]
        for tag_id, term in db.session.execute(text("SELECT tag_id, term FROM tag_synonyms")):
            tag_words[tag_id].append(term)
        db.session.remove()
        db.engine.dispose()
    with engine().begin() as conn:
        conn.execute(text("SELECT setseed(0.42)"))
        conn.execute(text("CREATE TEMP TABLE tag_words (tag_id int PRIMARY KEY, words text NOT NULL) ON COMMIT DROP"))
        conn.execute(text("INSERT INTO tag_words VALUES (:tag_id, :words)"),
                     [{"tag_id": k, "words": fold(" ".join(v))} for k, v in tag_words.items()])
        first_new = conn.execute(text("SELECT max(id) + 1 FROM users")).scalar_one()
        count = PEOPLE - conn.execute(text("SELECT count(*) FROM users")).scalar_one()
        step("people", conn, f"""
            INSERT INTO users (id, email, name, handle, timezone, locale, active, created_at, capacity,
                               directory_visible, analysis_opt_out, is_ambassador, mentoring_paused, department,
                               location, bio)
            SELECT :first + n, 'person' || n || '@scale.example', f.name || ' ' || l.name, 'person-' || n,
                   'Europe/Berlin', CASE WHEN n % 5 = 0 THEN 'de' ELSE 'en' END, n % 50 <> 0,
                   now() - (n % 1500) * interval '1 day', CASE WHEN n % 10 = 0 THEN 2 ELSE 0 END,
                   n % 33 <> 0, false, false, false,
                   ({sql_array(DEPARTMENTS)})[1 + (n * 7) % {len(DEPARTMENTS)}],
                   ({sql_array(LOCATIONS)})[1 + (n * 11) % {len(LOCATIONS)}],
                   CASE WHEN n % 3 = 0 THEN 'Happy to talk about ' || ({sql_array(TOPICS)})[1 + (n * 13) % {len(TOPICS)}]
                        || ' and ' || ({sql_array(TOPICS)})[1 + (n * 17) % {len(TOPICS)}] || '.' END
            FROM generate_series(0, :count - 1) AS n
            CROSS JOIN LATERAL (SELECT ({sql_array(FIRST)})[1 + (n * 31 + n / 7) % {len(FIRST)}] AS name) f
            CROSS JOIN LATERAL (SELECT ({sql_array(LAST)})[1 + (n * 17 + n / 3) % {len(LAST)}] AS name) l""",  # noqa: S608
             first=first_new, count=count)
        conn.execute(text("SELECT setval('users_id_seq', (SELECT max(id) FROM users))"))
        step("roles (staff; every tenth a mentor)", conn, """
            INSERT INTO user_roles (user_id, role)
            SELECT id, 'staff' FROM users WHERE id >= :first
            UNION ALL SELECT id, 'mentor' FROM users WHERE id >= :first AND id % 10 = 0""", first=first_new)
        step("languages", conn, """
            INSERT INTO user_languages (user_id, code)
            SELECT id, 'de' FROM users WHERE id >= :first
            UNION ALL SELECT id, 'en' FROM users WHERE id >= :first AND id % 3 <> 0""", first=first_new)
        step("topics (0-4 per person)", conn, """
            INSERT INTO person_tags (user_id, tag_id, level, updated_at)
            WITH t AS (SELECT array_agg(id ORDER BY id) AS ids FROM tags)
            SELECT DISTINCT ON (u.id, t.ids[1 + (u.id * 7 + k * 13) % cardinality(t.ids)]) u.id,
                   t.ids[1 + (u.id * 7 + k * 13) % cardinality(t.ids)],
                   (ARRAY['interested', 'practitioner', 'expert'])[1 + (u.id + k) % 3], now()
            FROM users u CROSS JOIN generate_series(1, 4) AS k CROSS JOIN t
            WHERE u.id >= :first AND k <= u.id % 5""", first=first_new)
        # What community.profiles.search._documents writes: name, department, location, topic
        # words (by topic id), bio; folded (ASCII here: lower case, words separated by one space).
        step("directory search documents", conn, """
            INSERT INTO person_search (user_id, body)
            SELECT u.id, trim(regexp_replace(lower(concat_ws(' ', u.name, u.department, u.location,
                       (SELECT string_agg(w.words, ' ' ORDER BY w.tag_id) FROM person_tags pt
                        JOIN tag_words w ON w.tag_id = pt.tag_id WHERE pt.user_id = u.id), u.bio)),
                   '[^a-z0-9]+', ' ', 'g'))
            FROM users u WHERE u.id >= :first""", first=first_new)
        threads = POSTS // POSTS_PER_THREAD
        first_thread = conn.execute(text("SELECT coalesce(max(id), 0) + 1 FROM threads")).scalar_one()
        step("sentences (a vocabulary for the posts)", conn, f"""
            CREATE TEMP TABLE sentences ON COMMIT DROP AS
            SELECT s AS id, (SELECT string_agg(CASE WHEN r < 0.86 THEN ({sql_array(EVERYDAY)})[1 + floor(r2 * {len(EVERYDAY)})::int]
                                             WHEN r < 0.9995 THEN ({sql_array(TOPICS)})[1 + floor(r2 * {len(TOPICS)})::int]
                                             ELSE ({sql_array(RARE)})[1 + floor(r2 * {len(RARE)})::int] END, ' ')
                             FROM (SELECT random() AS r, random() AS r2, s AS tie FROM generate_series(1, 6 + s % 7)) w)
                   || '.' AS body
            FROM generate_series(1, 20000) AS s""")  # noqa: S608
        step("threads", conn, f"""
            INSERT INTO threads (id, category_id, title, author_id, created_at, last_post_at, last_poster_id,
                                 pinned, locked, post_count)
            WITH c AS (SELECT array_agg(id ORDER BY id) AS ids FROM discussion_categories)
            SELECT :first_thread + n, c.ids[1 + n % cardinality(c.ids)],
                   initcap(({sql_array(TOPICS)})[1 + (n * 7) % {len(TOPICS)}]) || ': ' ||
                       ({sql_array(EVERYDAY)})[1 + (n * 13) % {len(EVERYDAY)}] || ' ' ||
                       ({sql_array(TOPICS)})[1 + (n * 29) % {len(TOPICS)}] || ' ' ||
                       ({sql_array(EVERYDAY)})[1 + (n * 3) % {len(EVERYDAY)}] || '?',
                   :first + (n * 7919) % :count, now() - interval '730 days' + n * (interval '730 days' / :threads),
                   now(), NULL, false, false, 0
            FROM generate_series(0, :threads - 1) AS n CROSS JOIN c""",  # noqa: S608
             first_thread=first_thread, threads=threads,
             first=first_new, count=count)
        conn.execute(text("SELECT setval('threads_id_seq', (SELECT max(id) FROM threads))"))
        step("posts", conn, """
            INSERT INTO posts (thread_id, author_id, body, html, created_at, hidden)
            SELECT t.id, :first + (p::bigint * 104729 + t.id) % :count, b.body, '<p>' || b.body || '</p>',
                   t.created_at + k * interval '3 hours', p % 997 = 0
            FROM generate_series(0, :posts - 1) AS p
            CROSS JOIN LATERAL (SELECT :first_thread + p / :per AS id_wanted, p % :per AS k) q
            JOIN threads t ON t.id = q.id_wanted
            CROSS JOIN LATERAL (SELECT s1.body || ' ' || s2.body || ' ' || s3.body AS body
                                FROM sentences s1, sentences s2, sentences s3
                                WHERE s1.id = 1 + (p * 7 + 3) % 20000 AND s2.id = 1 + (p * 13 + 5) % 20000
                                  AND s3.id = 1 + (p * 31 + 11) % 20000) b""",
             first=first_new, count=count, posts=POSTS, first_thread=first_thread, per=POSTS_PER_THREAD)
        step("thread figures (count, last post)", conn, """
            UPDATE threads t SET post_count = a.n, last_post_at = a.last, last_poster_id = a.poster
            FROM (SELECT thread_id, count(*) AS n, max(created_at) AS last,
                         (array_agg(author_id ORDER BY id DESC))[1] AS poster
                  FROM posts WHERE thread_id >= :first_thread GROUP BY thread_id) a
            WHERE a.thread_id = t.id""", first_thread=first_thread)
    with engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        step("VACUUM ANALYZE", conn, "VACUUM ANALYZE")
        sizes = conn.execute(text("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM posts), "
                                  "(SELECT count(*) FROM threads), pg_size_pretty(pg_database_size(current_database()))")).one()
    print(f"  built {sizes[0]:,} people, {sizes[1]:,} posts in {sizes[2]:,} threads, {sizes[3]} on disk, "
          f"in {time.perf_counter() - began:.0f} s", flush=True)


# ---------------------------------------------------------------------------------- measure

SEARCHES = [
    ("directory page, department word", "/people?q=sales"),
    ("directory page, name prefix", "/people?q=schmi"),
    ("directory page, two words", "/people?q=anna%20berlin"),
    ("directory API, topic word", "/api/v1/people?q=excel"),
    ("directory API, name", "/api/v1/people?q=greta%20weber"),
    ("community search, everyday word", "/community/search?q=meeting"),
    ("community search, topic word", "/community/search?q=sharepoint"),
    ("community search, rare word", "/community/search?q=zettelkasten"),
    ("community search, two words", "/community/search?q=teams%20inbox"),
]
# Computed afresh: every request of a page carries a parameter nobody sent before, so its
# cached results (keyed by the page's arguments) never answer it.
FRESH_LUA = """
counter = os.time() * 1000
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "&fresh=" .. counter)
end
"""
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def wrk(url: str, headers: dict[str, str], seconds: float, script: Path) -> tuple[int, int, float, float, float]:
    """Requests, errors, p50, p95, p99 (ms) of one connection for `seconds`."""
    args = ["wrk", "-t1", "-c1", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(script)]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    found = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    assert found, out
    return int(found[1]), int(found[2]), float(found[3]), float(found[4]), float(found[5])


def measure() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import load
    from cluster import free_port, request, wait_for
    from sqlalchemy import text

    from community import create_app
    from community.accounts import services as accounts
    from community.accounts.models import User
    from community.demo_support import DEMO_ADMIN_EMAIL, DEMO_PASSWORD
    from community.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": DATABASE_URL, "SECRET_KEY": "scale", "TASKS_IN_PROCESS": True})
    with app.app_context():
        admin = db.session.scalars(db.select(User).where(User.email == DEMO_ADMIN_EMAIL)).one()
        _row, token = accounts.create_api_token(admin, f"scale benchmark {int(time.time())}")
        db.session.commit()
        people = db.session.execute(text("SELECT count(*) FROM users")).scalar_one()
        posts = db.session.execute(text("SELECT count(*) FROM posts")).scalar_one()
        db.session.remove()
        db.engine.dispose()
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "SECRET_KEY": "scale-bench", "COMMUNITY_ENV": "production",
           "SESSION_COOKIE_SECURE": "false", "LOGIN_RATE_LIMIT": "1000 per minute"}
    env.pop("REDIS_URL", None)
    servers = []
    tmp = Path(tempfile.mkdtemp(prefix="community-scale-"))
    script, fresh = tmp / "report.lua", tmp / "fresh.lua"
    script.write_text(LUA)
    fresh.write_text(FRESH_LUA + LUA)
    try:
        port, fresh_port, bare_port = free_port(), free_port(), free_port()
        # The product as configured, and (for the API, which ignores unknown parameters) the
        # product with its cache off: every request runs its search.
        for app_spec, p in (("wsgi:app", port), ("community:create_app({'CACHE_TYPE': 'NullCache'})", fresh_port),
                            ("bench.bare_app:app", bare_port)):
            servers.append(subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{p}", "--log-level", "warning",
                 app_spec], cwd=ROOT, env=env))
        if not wait_for(port) or not wait_for(fresh_port) or not wait_for(bare_port, "/"):
            raise SystemExit("gunicorn did not start")
        cookie = load.login_cookie(port, DEMO_ADMIN_EMAIL, DEMO_PASSWORD)
        load_average = os.getloadavg()
        print(f"\nAs served: gunicorn 2 workers, production settings, no Redis; wrk 1 connection × {SECONDS:.0f} s per URL; "
              f"{people:,} people, {posts:,} posts; load average {load_average[0]:.1f} at the start; every search "
              "computed afresh (no cached result), then the directory's searches as cached")
        print(f"{'URL':64s} {'requests':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s}  errors")
        rows = [("bare Flask (bench/bare_app.py)", f"http://127.0.0.1:{bare_port}/", {}, script)]
        for label, path in SEARCHES:
            api = path.startswith("/api/")
            headers = {"Authorization": f"Bearer {token}"} if api else {"Cookie": cookie}
            status = request(port, "GET", path, headers=headers)[0]
            assert status == 200, (path, status)
            rows.append((f"{label} {path}", f"http://127.0.0.1:{fresh_port if api else port}{path}", headers,
                         script if api else fresh))
        for label, path in SEARCHES:
            if not path.startswith("/community/"):  # the directory caches its results
                headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {"Cookie": cookie}
                rows.append((f"cached: {label} {path}", f"http://127.0.0.1:{port}{path}", headers, script))
        rows.append(("bare Flask, again", f"http://127.0.0.1:{bare_port}/", {}, script))
        for label, url, headers, lua in rows:
            n, errors, p50, p95, p99 = wrk(url, headers, SECONDS, lua)
            print(f"{label[:64]:64s} {n:8d} {p50:8.1f} {p95:8.1f} {p99:8.1f}  {errors}", flush=True)
    finally:
        for server in servers:
            server.terminate()
            server.wait(15)


# ---------------------------------------------------------------------------------- plans

def plans() -> None:
    """EXPLAIN (ANALYZE) of the statements the searches send, on the big tables."""
    from sqlalchemy import event

    from community import create_app
    from community.demo_support import DEMO_ADMIN_EMAIL, DEMO_PASSWORD
    from community.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": DATABASE_URL, "SECRET_KEY": "scale", "TASKS_IN_PROCESS": True,
                      "RATELIMIT_ENABLED": False})
    client = app.test_client()
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert csrf is not None
    client.post("/login", data={"csrf_token": csrf[1], "email": DEMO_ADMIN_EMAIL, "password": DEMO_PASSWORD})
    for _label, path in SEARCHES:
        if path.startswith("/api/"):
            continue
        captured: list[tuple[str, object]] = []
        with app.app_context():
            eng = db.engine

        def listener(conn, cursor, statement, parameters, context, executemany, captured=captured):
            if "to_tsquery" in statement and not statement.lstrip().upper().startswith("EXPLAIN"):
                captured.append((statement, parameters))

        event.listen(eng, "before_cursor_execute", listener)
        try:
            assert client.get(path).status_code == 200, path
        finally:
            event.remove(eng, "before_cursor_execute", listener)
        raw = eng.raw_connection()
        try:
            cursor = raw.cursor()
            print(f"\n=== {path}")
            for statement, parameters in captured:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                lines = [row[0] for row in cursor.fetchall()]
                plan = "\n".join(lines)
                used = sorted(set(re.findall(r"\b(ix_\w+|pk_\w+)", plan)))
                seq = sorted(set(re.findall(r"Seq Scan on (\w+)", plan)))
                total = next((line for line in lines if line.startswith("Execution Time")), "")
                print(f"  {total}; indexes: {', '.join(used)}; sequential scans: {', '.join(seq) or 'none'}")
                if os.environ.get("SCALE_VERBOSE"):
                    print("\n".join(lines))
            raw.rollback()
        finally:
            raw.close()


# ---------------------------------------------------------------------------------- migrate

def migrate() -> None:
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from community import create_app
    from community.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": DATABASE_URL, "SECRET_KEY": "scale", "TASKS_IN_PROCESS": True})
    with app.app_context():
        head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        db.session.remove()
        started = time.perf_counter()
        downgrade(revision=f"-{DOWNGRADE}")
        down = time.perf_counter() - started
        started = time.perf_counter()
        upgrade()
        up = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    print(f"\nMigrations with the data present (from {head}): downgrade {DOWNGRADE} revisions {down:.1f} s, "
          f"upgrade to head {up:.1f} s")


def main() -> None:
    for name in STEPS:
        {"build": build, "measure": measure, "plans": plans, "migrate": migrate}[name.strip()]()


if __name__ == "__main__":
    main()
