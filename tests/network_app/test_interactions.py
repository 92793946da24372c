"""Community replies, mentions and shared threads become mentor–mentor ties in the analysis."""

from __future__ import annotations

from sqlalchemy import select


def test_replies_and_mentions_in_the_community_tie_mentors_together(app, db, create_user, settle, compute):
    from community.accounts.models import User
    from community.discussions import services as discussions
    from community.discussions.models import Category
    from community.network.models import PersonFigure

    anna = create_user(roles=("mentor",), name="Anna Alpha", department="IT")
    ben = create_user(roles=("mentor",), name="Ben Beta", department="Sales")
    cleo = create_user(roles=("mentor",), name="Cleo Gamma", department="HR")
    quiet = create_user(roles=("mentor",), name="Quiet Quinn", department="HR")

    def talk():
        category = Category(slug="tools", name="Tools", visibility="members")
        db.session.add(category)
        db.session.flush()
        get = lambda person: db.session.get(User, person.id)  # noqa: E731
        thread = discussions.create_thread(get(anna), category=category, title="Teams tips",
                                           body="Share your best Teams tip.")
        discussions.reply(get(ben), thread, "Use channels, not chats.")
        discussions.reply(get(cleo), thread, f"Agreed, and ask @{get(anna).handle} about tags.")

    settle(talk)
    compute()
    figures = {f.user_id: f for f in db.session.scalars(select(PersonFigure))}
    assert figures[anna.id].degree == 2  # replies from Ben and Cleo (and a mention)
    assert figures[ben.id].degree >= 1 and figures[cleo.id].degree >= 1
    assert figures[quiet.id].degree == 0
    assert figures[anna.id].departments_reached == 2  # Sales and HR


def test_active_mentor_in_the_community_is_not_idle(app, db, create_user, settle, compute):
    from community.accounts.models import User
    from community.discussions import services as discussions
    from community.discussions.models import Category
    from community.network.models import AnalysisSnapshot

    writer = create_user(roles=("mentor",), name="Wanda Writer", department="IT")
    silent = create_user(roles=("mentor",), name="Silent Sid", department="IT")

    def write():
        category = Category(slug="news", name="News", visibility="members")
        db.session.add(category)
        db.session.flush()
        discussions.create_thread(db.session.get(User, writer.id), category=category, title="Hello",
                                  body="Anyone tried Loop yet?")

    settle(write)
    compute()
    snapshot = db.session.scalar(select(AnalysisSnapshot))
    assert [entry["person_id"] for entry in snapshot.findings["idle"]] == [silent.id]


def test_interactions_older_than_the_retention_period_are_not_analysed(app, db, create_user, settle, compute):
    """RETENTION_MONTHS bounds what the analysis reads, even when its window is longer."""
    from datetime import timedelta

    from community.accounts.models import User
    from community.database import utcnow
    from community.discussions import services as discussions
    from community.discussions.models import Category, Post
    from community.network.models import PersonFigure

    anna = create_user(roles=("mentor",), name="Anna Alpha", department="IT")
    ben = create_user(roles=("mentor",), name="Ben Beta", department="Sales")

    def talk_long_ago():
        category = Category(slug="tools", name="Tools", visibility="members")
        db.session.add(category)
        db.session.flush()
        thread = discussions.create_thread(db.session.get(User, anna.id), category=category, title="Old tips",
                                           body="Share your best tip.")
        discussions.reply(db.session.get(User, ben.id), thread, f"Ask @{db.session.get(User, anna.id).handle}.")
        db.session.flush()
        for post in db.session.scalars(select(Post)):
            post.created_at = utcnow() - timedelta(days=90)

    settle(talk_long_ago)
    app.config["RETENTION_MONTHS"] = 12
    compute()
    assert {f.user_id: f.degree for f in db.session.scalars(select(PersonFigure))}[anna.id] == 1
    app.config["RETENTION_MONTHS"] = 2
    compute()
    latest = max(f.snapshot_id for f in db.session.scalars(select(PersonFigure)))
    figures = {f.user_id: f for f in db.session.scalars(select(PersonFigure).where(PersonFigure.snapshot_id == latest))}
    assert figures[anna.id].degree == 0 and figures[ben.id].degree == 0
