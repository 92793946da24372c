"""On PostgreSQL, directory and community search use their GIN indexes (checked with EXPLAIN).

The statements are the ones the pages really send (captured while the page is requested);
each one that searches text is explained again and its plan must name the index: on a few
rows with sequential scans discouraged (the way the planner behaves once the tables are
large), and on 100,000 people with 150,000 posts seeded in SQL with the planner left alone.
A frequent word walks the threads newest first (ix_threads_last_post_at) and asks each for a
matching post (ix_posts_thread_order) instead of reading every match. Skipped on SQLite (FTS5
tables are their own index there). bench/scale_pg.py shows the plans and their timings on
100,000 people with 1,000,000 posts.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

pytestmark = pytest.mark.slow


def _plans(app, client, url: str, needle: str, discourage_seqscan: bool = True) -> list[str]:
    from community.extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "postgresql":
            pytest.skip("EXPLAIN plans are checked on PostgreSQL")
    captured: list[tuple[str, object]] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if needle in statement and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert captured, f"{url} sent no statement with {needle}"
    plans = []
    with app.app_context():
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("ANALYZE")  # fresh statistics, as autovacuum keeps them
            if discourage_seqscan:
                # On a few rows, reading a whole table (or a whole primary key index) and
                # filtering is cheapest; large tables make the planner avoid both.
                cursor.execute("SET enable_seqscan = off")
                cursor.execute("SET enable_indexscan = off")
            for statement, parameters in captured:
                cursor.execute("EXPLAIN " + statement, parameters)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
            raw.rollback()
        finally:
            raw.close()
    return plans


def test_directory_search_uses_the_gin_index(app, client, create_user, login_as):
    for n in range(60):  # the search is selective: one person in sixty
        create_user(name=f"Person {n:02d}", department="Teams office" if n == 7 else "Sales")
    login_as(create_user(name="Viewer"))
    plans = _plans(app, client, "/people?q=teams", "to_tsquery")
    assert all("ix_person_search_tsv" in plan for plan in plans), plans


def test_community_search_uses_the_gin_indexes(app, client, create_user, login_as, create_thread):
    authors = [create_user() for _ in range(3)]
    for n in range(12):
        create_thread(authors[n % 3], title=f"Teams tip {n}" if n % 2 else f"Other thing {n}",
                      body=f"Body {n} about sharepoint and teams")
    login_as(create_user())
    plans = _plans(app, client, "/community/search?q=teams", "to_tsquery")
    joined = "\n".join(plans)
    assert "ix_threads_search" in joined, plans
    assert "ix_posts_search" in joined, plans


def _seed_in_sql(app, people: int, posts: int) -> None:
    """Many people (with their search documents) and posts, set-based: the planner's choice
    depends on the table sizes, and the ORM would take minutes for this. Posts have a long tail
    of words, as real ones do (the statistics then expect few posts for a word they do not list)."""
    from sqlalchemy import text

    from community.extensions import db

    departments = "ARRAY['sales', 'finance', 'it', 'legal', 'logistics', 'marketing', 'research', 'quality']"
    words = "ARRAY['the', 'meeting', 'idea', 'week', 'tip', 'excel', 'agile', 'inbox', 'thanks', 'share']"
    with app.app_context(), db.engine.begin() as conn:
        first = conn.execute(text("SELECT coalesce(max(id), 0) + 1 FROM users")).scalar_one()
        conn.execute(text(f"""
            INSERT INTO users (id, email, name, handle, timezone, active, created_at, capacity, directory_visible,
                               analysis_opt_out, is_ambassador, mentoring_paused, department)
            SELECT :first + n, 'bulk' || n || '@example.com', 'Bulk Person ' || n, 'bulk-' || n, 'Europe/Berlin', true,
                   now(), 0, true, false, false, false, ({departments})[1 + n % 8]
            FROM generate_series(0, :people - 1) AS n"""), {"first": first, "people": people})
        conn.execute(text("INSERT INTO user_roles (user_id, role) SELECT id, 'staff' FROM users WHERE id >= :first"),
                     {"first": first})
        # Documents as long as real ones (name, department, location, topic names and synonyms).
        topics = ("microsoft teams teams chat video calls online meetings sharepoint intranet document libraries "
                  "advanced excel pivot tables spreadsheets power automate workflow automation low code")
        # Real documents share many words (first names, places, topics): PostgreSQL trusts its
        # statistics for a prefix only with 100 or more common words, and guesses 2 % otherwise.
        conn.execute(text("INSERT INTO person_search (user_id, body) SELECT id, lower(name || ' ' || department) "
                          "|| ' hamburg ' || substr(:topics, 1 + id % 40) || ' team' || id % 150 || ' site' || id % 130 "
                          "FROM users WHERE id >= :first"),
                     {"first": first, "topics": topics})
        category = conn.execute(text("SELECT min(id) FROM discussion_categories WHERE visibility = 'members'")).scalar_one()
        thread = conn.execute(text(
            "INSERT INTO threads (category_id, title, author_id, created_at, last_post_at, pinned, locked, post_count) "
            "SELECT :category, 'Bulk thread ' || n, :author, now(), now(), false, false, 20 "
            "FROM generate_series(1, :threads) AS n RETURNING id"), {"category": category, "author": first,
                                                                    "threads": posts // 20}).scalars().all()
        conn.execute(text(f"""
            INSERT INTO posts (thread_id, author_id, body, html, created_at, hidden)
            SELECT :first_thread + n / 20, :author,
                   ({words})[1 + n % 10] || ' ' || ({words})[1 + (n / 10) % 10] || ' ' || ({words})[1 + (n / 100) % 10]
                   || ' ref' || n % 5000,
                   '', now(), false
            FROM generate_series(0, :posts - 1) AS n"""), {"first_thread": min(thread), "author": first, "posts": posts})
        conn.execute(text("ANALYZE"))  # what autovacuum does after such an insert (the searches read the estimates)


def test_searches_use_their_indexes_on_a_large_organisation_without_nudging(app, client, create_user, login_as,
                                                                             create_thread, monkeypatch):
    from community.discussions import search
    from community.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("EXPLAIN plans are checked on PostgreSQL")
    monkeypatch.setattr(search, "WALK_FROM_POSTS", 1_000)  # 150,000 posts here, not 1,000,000
    viewer = create_user(name="Viewer")
    create_thread(viewer, title="Zettelkasten for mentors", body="How I keep notes about my mentoring sessions")
    _seed_in_sql(app, people=100_000, posts=150_000)
    login_as(viewer)
    # A selective term (a number in eleven names among 100,000) and a rare word in the posts.
    directory = _plans(app, client, "/people?q=1234", "to_tsquery", discourage_seqscan=False)
    assert all("ix_person_search_tsv" in plan for plan in directory), "\n\n".join(directory)
    # A word that names a topic: the people found or holding it (2,500 here) are read
    # by their ids, never every person (with PostgreSQL's default random_page_cost of 4 the
    # planner read the whole users table for that; the app's connections set 1.1).
    with app.app_context():
        from community.expertise.models import FIELDS, Tag

        db.session.add(Tag(slug="microsoft", name="Microsoft", field=FIELDS[0]))
        db.session.commit()
    topic = "\n".join(_plans(app, client, "/people?q=microsoft", "to_tsquery", discourage_seqscan=False))
    assert "ix_person_search_tsv" in topic and "Seq Scan on users" not in topic, topic
    assert "Index Cond: (id = matches" in topic, topic  # each person found looked up by id
    # A word in an eighth of the documents (a department): the page walks the listed people in
    # name order and asks each whether their document matches (the count, capped, stops after
    # its 101st); no plan reads every match.
    common = _plans(app, client, "/people?q=sales", "to_tsquery", discourage_seqscan=False)
    assert any("Index Scan using ix_users_directory_name" in plan for plan in common), "\n\n".join(common)
    assert all("Bitmap Index Scan" not in plan and "Limit" in plan for plan in common), "\n\n".join(common)
    community = "\n".join(_plans(app, client, "/community/search?q=zettelkasten", "to_tsquery", discourage_seqscan=False))
    assert "ix_threads_search" in community and "ix_posts_search" in community, community
    # A word in a quarter of the posts: the threads are walked newest first, each asked for a
    # matching post through its own posts; no plan reads every match (or every post).
    frequent = "\n".join(_plans(app, client, "/community/search?q=meeting", "to_tsquery", discourage_seqscan=False))
    assert "ix_threads_last_post_at" in frequent and "ix_posts_thread_order" in frequent, frequent
    assert "Seq Scan on posts" not in frequent and "Bitmap Index Scan on ix_posts_search" not in frequent, frequent
