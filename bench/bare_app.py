"""The bare Flask reference for `bench/served_bench.py`: one route, no database, no extensions.

Served by gunicorn exactly like the product (same settings file, same worker count), so the
share "page / bare" measures what the product adds on top of Flask and gunicorn themselves.

With BARE_DATABASE_URL (set by the benchmark to the database it serves the product from: a
SQLite file of its own next to the product's copy, or the PostgreSQL database, where the tables
live in the schema `bare_reference`), two more routes do the least a page of that kind must
do, with the driver itself (sqlite3 or psycopg; no ORM, no sign-in, no checks, no rendering):

- `GET /view` stores one row (as the network dashboard stores its audit row per view): in
  autocommit on PostgreSQL, BEGIN IMMEDIATE … COMMIT on SQLite; the server's own durability
  (PostgreSQL waits for its write-ahead log; SQLite in WAL mode with synchronous=NORMAL, as the
  product sets it).
- `POST /write` does a reply's writes in one transaction: the thread's count and last activity
  (one row every request updates, as the benchmark's replies all go to one thread), the post,
  and three notifications; `201` with the post's id.

Their share of bare Flask is the ceiling for the product's audited page and reply on the same
machine and database: the product has to do this and more (who is asking, may they, rate
limits, the Markdown, who follows the thread).
"""

import os

from flask import Flask, request

app = Flask(__name__)

DATABASE_URL = os.environ.get("BARE_DATABASE_URL", "")
_connections: dict[str, object] = {}  # per worker (gunicorn forks before the first request)


@app.get("/")
def index():
    return {"status": "ok"}


def _postgres(autocommit: bool):
    key = f"pg-{autocommit}"
    if key not in _connections:
        import psycopg

        url = DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")
        _connections[key] = psycopg.connect(url, autocommit=autocommit, options="-c search_path=bare_reference")
    return _connections[key]


def _sqlite():
    if "sqlite" not in _connections:
        import sqlite3

        connection = sqlite3.connect(DATABASE_URL.removeprefix("sqlite:///"), isolation_level=None, timeout=10)
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
            connection.execute(f"PRAGMA {pragma}")
        _connections["sqlite"] = connection
    return _connections["sqlite"]


@app.get("/view")
def view():
    ip = request.remote_addr
    if DATABASE_URL.startswith("postgresql"):
        _postgres(autocommit=True).execute(
            "INSERT INTO views (created_at, actor_id, action, ip) VALUES (now(), 1, 'network.viewed', %s)", (ip,))
    else:
        connection = _sqlite()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO views (created_at, actor_id, action, ip) VALUES (datetime('now'), 1, 'network.viewed', ?)", (ip,))
        connection.execute("COMMIT")
    return {"status": "ok"}


@app.post("/write")
def write():
    body = request.get_json()["body"]
    if DATABASE_URL.startswith("postgresql"):
        connection = _postgres(autocommit=False)
        with connection.transaction():
            connection.execute("UPDATE threads SET post_count = post_count + 1, last_post_at = now(), last_poster_id = 1 "
                               "WHERE id = 1")
            post_id = connection.execute("INSERT INTO posts (thread_id, author_id, body, created_at) "
                                         "VALUES (1, 1, %s, now()) RETURNING id", (body,)).fetchone()[0]
            with connection.cursor() as cursor:
                cursor.executemany("INSERT INTO notifications (user_id, post_id, created_at) VALUES (%s, %s, now())",
                                   [(user_id, post_id) for user_id in (2, 3, 4)])
    else:
        connection = _sqlite()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE threads SET post_count = post_count + 1, last_post_at = datetime('now'), "
                           "last_poster_id = 1 WHERE id = 1")
        post_id = connection.execute("INSERT INTO posts (thread_id, author_id, body, created_at) "
                                     "VALUES (1, 1, ?, datetime('now')) RETURNING id", (body,)).fetchone()[0]
        connection.executemany("INSERT INTO notifications (user_id, post_id, created_at) VALUES (?, ?, datetime('now'))",
                               [(user_id, post_id) for user_id in (2, 3, 4)])
        connection.execute("COMMIT")
    return {"id": post_id}, 201


# The reference tables (`served_bench.prepare_reference` makes them anew for each run): each
# with the index its page would read it by.
SCHEMA = (
    "CREATE TABLE threads (id INTEGER PRIMARY KEY, post_count INTEGER NOT NULL, last_post_at {time}, "
    "last_poster_id INTEGER)",
    "CREATE TABLE posts (id {serial} PRIMARY KEY, thread_id INTEGER NOT NULL REFERENCES threads (id), "
    "author_id INTEGER, body TEXT NOT NULL, created_at {time} NOT NULL)",
    "CREATE INDEX ix_posts_thread ON posts (thread_id, created_at)",
    "CREATE TABLE notifications (id {serial} PRIMARY KEY, user_id INTEGER NOT NULL, "
    "post_id INTEGER REFERENCES posts (id), created_at {time} NOT NULL)",
    "CREATE INDEX ix_notifications_user ON notifications (user_id, created_at)",
    "CREATE TABLE views (id {serial} PRIMARY KEY, created_at {time} NOT NULL, actor_id INTEGER, "
    "action VARCHAR(60) NOT NULL, ip VARCHAR(64))",
    "CREATE INDEX ix_views_created ON views (created_at)",
    "INSERT INTO threads (id, post_count, last_post_at, last_poster_id) VALUES (1, 0, NULL, NULL)",
)
