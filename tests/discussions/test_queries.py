"""Pages run a constant number of SQL statements; the network analysis gets the right
interaction edges and activity records."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select


@pytest.fixture
def app_config() -> dict:
    """Caches that do not expire mid-measurement on a slow machine: warm means warm."""
    return {"IDENTITY_CACHE_SECONDS": 600, "CACHE_FRAGMENT_SECONDS": 600, "FRAGMENT_LOCAL_SECONDS": 600}


def count_statements(db, fn):
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return len(statements)


def _thread_with_posts(create_user, create_thread, add_reply, create_tag, posts: int, tag: str):
    people = [create_user(roles=["mentor"], is_ambassador=(n == 0)) for n in range(6)]
    create_tag(tag)
    thread = create_thread(people[0], body=f"Start @{people[1].handle}", tags=[tag])
    previous = None
    for n in range(posts - 1):
        previous = add_reply(people[n % 6], thread, f"Reply {n} to @{people[(n + 1) % 6].handle}", reply_to=previous)
    return thread, people


def test_thread_page_statement_count_does_not_grow_with_posts(client, login_as, db, create_user, create_thread, add_reply, create_tag):
    small, _ = _thread_with_posts(create_user, create_thread, add_reply, create_tag, 5, "wiki")
    big, _ = _thread_with_posts(create_user, create_thread, add_reply, create_tag, 40, "blogs")
    login_as(create_user(roles=["change_manager"]))  # moderators see the most controls
    client.get(f"/threads/{small.id}")  # first visit marks notifications read: not counted
    client.get(f"/threads/{big.id}")
    few = count_statements(db, lambda: client.get(f"/threads/{small.id}?per_page=50"))
    many = count_statements(db, lambda: client.get(f"/threads/{big.id}?per_page=50"))
    assert many == few, (few, many)
    assert few <= 15


def test_category_and_index_statement_counts_do_not_grow_with_threads(
    client, login_as, db, create_user, create_category, create_thread
):
    authors = [create_user() for _ in range(5)]
    small, big = create_category(), create_category()
    for n in range(3):
        create_thread(authors[n], category=small)
    for n in range(30):
        create_thread(authors[n % 5], category=big)
    login_as(create_user())
    client.get("/community")  # the first request also remembers who is signed in: not counted
    few = count_statements(db, lambda: client.get(f"/community/c/{small.slug}?per_page=50"))
    many = count_statements(db, lambda: client.get(f"/community/c/{big.slug}?per_page=50"))
    assert many == few
    assert count_statements(db, lambda: client.get("/community")) <= 15


# Interaction edges ---------------------------------------------------------------------------------

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _build(db, rows):
    """rows: (post_key, thread_key, author, minutes after T0, reply_to_key, mentioned, state)."""
    from community.discussions.models import Category, Mention, Post, Thread

    category = Category(slug="c", name="C")
    db.session.add(category)
    db.session.flush()
    threads, posts = {}, {}
    for key, thread_key, author, minutes, reply_to, mentioned, state in rows:
        at = T0 + timedelta(minutes=minutes)
        if thread_key not in threads:
            threads[thread_key] = Thread(category_id=category.id, title=thread_key, author_id=author, created_at=at, last_post_at=at)
            db.session.add(threads[thread_key])
            db.session.flush()
        post = Post(thread_id=threads[thread_key].id, author_id=author, body=key, html=key, created_at=at,
                    reply_to_post_id=posts[reply_to].id if reply_to else None,
                    deleted_at=at if state == "deleted" else None, hidden=state == "hidden")
        db.session.add(post)
        db.session.flush()
        posts[key] = post
        for person in mentioned:
            db.session.add(Mention(post_id=post.id, user_id=person))
    db.session.commit()


def test_interaction_edges_on_a_hand_built_community(app, db, create_user):
    from community.discussions.queries import activity_records, interaction_edges

    a, b, c, d = (create_user(roles=["mentor"]).id for _ in range(4))
    _build(db, [
        # thread "t1": a opens, b replies (to the opener), c answers b and mentions a,
        # a answers herself (no self-pair), d's post is hidden, b's second post deleted.
        ("p1", "t1", a, 0, None, [], None),
        ("p2", "t1", b, 10, None, [], None),
        ("p3", "t1", c, 20, "p2", [a], None),
        ("p4", "t1", a, 30, "p1", [a], None),
        ("p5", "t1", d, 40, None, [a], "hidden"),
        ("p6", "t1", b, 50, "p3", [], "deleted"),
        # thread "t2": d opens, c replies to a hidden... no: to d's opener.
        ("q1", "t2", d, 100, None, [], None),
        ("q2", "t2", c, 110, "q1", [], None),
    ])
    edges = interaction_edges()
    at = lambda minutes: T0 + timedelta(minutes=minutes)  # noqa: E731
    replies = sorted(e for e in edges if e[2] == "reply")
    assert replies == sorted([(b, a, "reply", at(10)), (c, b, "reply", at(20)), (c, d, "reply", at(110))])
    mentions = [e for e in edges if e[2] == "mention"]
    assert mentions == [(c, a, "mention", at(20))]
    co = {frozenset((s, t)): when for s, t, kind, when in edges if kind == "co_thread"}
    # t1 visible posters: a (latest 30), b (latest 10), c (20); t2: d (100), c (110).
    assert co == {
        frozenset((a, b)): at(30), frozenset((a, c)): at(30), frozenset((b, c)): at(20), frozenset((c, d)): at(110),
    }
    assert all(s != t for s, t, _kind, _at in edges)
    assert all(when.tzinfo is not None for *_rest, when in edges)

    # A period: only posts in [since, until).
    window = interaction_edges(since=at(15), until=at(105))
    assert sorted((s, t, k) for s, t, k, _ in window) == sorted([(c, b, "reply"), (c, a, "mention"), (a, c, "co_thread")])

    records = activity_records()
    assert sorted((p, k) for p, k, _ in records) == sorted(
        [(a, "thread"), (d, "thread"), (b, "post"), (c, "post"), (a, "post"), (c, "post")]
    )
    assert sorted(p for p, _k, _at in activity_records(since=at(25))) == sorted([a, d, c])


def test_a_removed_thread_ties_nobody_together_until_it_is_restored(app, db, create_user):
    """A spam thread a moderator removed gives the network analysis no reply, mention or
    shared-thread edge (it would make its posters look connected); restored, it counts again."""
    from community.discussions.models import Thread
    from community.discussions.queries import interaction_edges

    a, b, c = (create_user(roles=["mentor"]).id for _ in range(3))
    _build(db, [
        ("p1", "spam", a, 0, None, [], None),
        ("p2", "spam", b, 10, "p1", [c], None),
        ("q1", "kept", a, 20, None, [], None),
        ("q2", "kept", c, 30, "q1", [], None),
    ])
    spam = db.session.scalar(select(Thread).where(Thread.title == "spam"))
    assert {(s, t, k) for s, t, k, _ in interaction_edges()} >= {(b, a, "reply"), (b, c, "mention")}
    spam.removed_at = T0 + timedelta(days=1)
    db.session.commit()
    assert sorted((s, t, k) for s, t, k, _ in interaction_edges()) == sorted([(c, a, "reply"), (c, a, "co_thread")])
    spam.removed_at = None
    db.session.commit()
    assert {(s, t, k) for s, t, k, _ in interaction_edges()} >= {(b, a, "reply"), (b, c, "mention")}


def test_co_thread_pairs_only_the_most_recent_participants(app, db, create_user):
    from community.discussions.queries import CO_THREAD_PARTICIPANTS, interaction_edges

    people = [create_user().id for _ in range(CO_THREAD_PARTICIPANTS + 5)]
    _build(db, [(f"p{n}", "busy", person, n, None, [], None) for n, person in enumerate(people)])
    co = [e for e in interaction_edges() if e[2] == "co_thread"]
    k = CO_THREAD_PARTICIPANTS
    assert len(co) == k * (k - 1) // 2
    assert {p for e in co for p in e[:2]} == set(people[-k:])


def test_interaction_edges_run_in_a_few_statements(app, db, create_user):
    from community.discussions.queries import activity_records, interaction_edges

    people = [create_user().id for _ in range(5)]
    _build(db, [(f"p{n}", f"t{n % 7}", people[n % 5], n, None, [people[(n + 1) % 5]], None) for n in range(60)])
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        edges = interaction_edges()
        records = activity_records()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert edges and records
    assert len(statements) <= 6
