"""The demo community is consistent: counts match rows, the lounge is for mentors, and the
app keeps working on top of it."""

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
