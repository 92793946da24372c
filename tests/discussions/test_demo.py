"""The demo community is consistent: counts match rows, the lounge is for mentors, and the
app keeps working on top of it."""

import contextlib
import random

from sqlalchemy import func, select


def test_demo_community_is_consistent_and_usable(app, db, client, login_as, create_user):
    from community.accounts import demo as accounts_demo
    from community.database import utcnow
    from community.demo import DemoContext
    from community.discussions import demo
    from community.discussions.models import Category, Mention, Post, Thread
    from community.discussions.queries import activity_records, interaction_edges
    from community.expertise import demo as expertise_demo

    ctx = DemoContext(rng=random.Random(7), people=200, now=utcnow().replace(microsecond=0))
    accounts_demo.seed(ctx)
    expertise_demo.seed(ctx)
    demo.seed(ctx)
    db.session.commit()

    categories = {c.slug: c for c in db.session.scalars(select(Category))}
    assert set(categories) == {"sessions-that-worked", "tools-and-tricks", "mentor-lounge", "ambassador-corner",
                               "questions-from-staff"}
    assert categories["mentor-lounge"].visibility == "mentors"
    assert ctx.summary["threads"] == 150 and ctx.summary["posts"] > 150
    counted = dict(db.session.execute(select(Post.thread_id, func.count()).group_by(Post.thread_id)).all())
    for thread in db.session.scalars(select(Thread)):
        assert thread.post_count == counted[thread.id]
        assert thread.created_at <= thread.last_post_at <= ctx.now
    assert db.session.scalar(select(func.count()).select_from(Mention)) == ctx.summary["mentions"] > 0
    oldest = db.session.scalar(select(func.min(Post.created_at)))
    assert (ctx.now - oldest).days > 300  # spread over the last 18 months
    assert interaction_edges() and activity_records()

    # Sequences moved past the demo's explicit ids: new threads and posts still work.
    login_as(create_user(roles=["mentor"]))
    response = client.post_form("/community/new", {"category": categories["tools-and-tricks"].id, "title": "New",
                                                   "body": "After the demo"})
    assert response.status_code == 302
    assert client.get("/community").status_code == 200
    assert "Whiteboard" not in client.get("/community/search?q=zzzz").get_data(as_text=True)


def test_demo_posts_and_moderation_acts_are_never_dated_in_the_future(app, db):
    from community.accounts import demo as accounts_demo
    from community.database import utcnow
    from community.demo import DemoContext
    from community.discussions import demo
    from community.discussions.models import Flag, ModerationAction, Post, Thread
    from community.expertise import demo as expertise_demo

    now = utcnow().replace(microsecond=0)
    ctx = DemoContext(rng=random.Random(3), people=120, now=now)
    accounts_demo.seed(ctx)
    expertise_demo.seed(ctx)
    demo.seed(ctx)
    db.session.commit()
    for model in (Post, Thread, ModerationAction, Flag):
        latest = db.session.scalar(select(func.max(model.created_at)))
        assert latest is None or latest <= now, model.__name__


def test_the_demo_clock_is_never_ahead_of_the_real_one(monkeypatch):
    from datetime import UTC, datetime

    import community.demo as demo_module

    early = datetime(2026, 12, 2, 7, 30, 15, tzinfo=UTC)
    monkeypatch.setattr(demo_module, "utcnow", lambda: early)
    seen = {}

    def stop(**kwargs):
        raise RuntimeError("stop")

    monkeypatch.setattr(demo_module, "DemoContext", lambda **kwargs: seen.update(kwargs) or stop())
    with contextlib.suppress(RuntimeError):
        demo_module.build(people=10, seed=1)
    assert seen["now"] == datetime(2026, 12, 2, 7, 30, tzinfo=UTC)


def test_a_demo_thread_names_its_topic_in_the_language_it_is_written_in(app, db):
    """A German title read "Wie ich Digital whiteboards in 20 Minuten gezeigt habe"."""
    from community.accounts import demo as accounts_demo
    from community.accounts.models import User
    from community.database import utcnow
    from community.demo import DemoContext
    from community.discussions import demo
    from community.discussions.models import Thread
    from community.expertise import demo as expertise_demo
    from community.expertise.models import Tag

    ctx = DemoContext(rng=random.Random(5), people=200, now=utcnow().replace(microsecond=0))
    accounts_demo.seed(ctx)
    expertise_demo.seed(ctx)
    demo.seed(ctx)
    db.session.commit()
    english_only = [name for name, name_de in db.session.execute(select(Tag.name, Tag.name_de))
                    if name_de and name_de != name and name not in name_de]
    german_titles = [title for title, locale in db.session.execute(
        select(Thread.title, User.locale).join(User, User.id == Thread.author_id)) if locale == "de"]
    assert german_titles and english_only
    assert not [title for title in german_titles if any(name in title for name in english_only)]
    assert any(name_de in title for title in german_titles
               for (name_de,) in db.session.execute(select(Tag.name_de).where(Tag.name_de.is_not(None))))
