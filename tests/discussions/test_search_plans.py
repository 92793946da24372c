"""On PostgreSQL, directory and community search use their GIN indexes (checked with EXPLAIN).

The statements are the ones the pages really send (captured while the page is requested);
each one that searches text is explained again with sequential scans discouraged, the way the
planner behaves once the tables are large, and its plan must name the index. Skipped on SQLite
(FTS5 tables are their own index there).
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

pytestmark = pytest.mark.slow


def _plans(app, client, url: str, needle: str) -> list[str]:
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
            cursor.execute("SET enable_seqscan = off")
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
