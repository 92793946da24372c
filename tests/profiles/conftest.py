"""Factories for profiles, topics and mentoring activity (rows written directly)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import isolated


@pytest.fixture
def taxonomy(app):
    """The built-in taxonomy (40 topics with synonyms)."""
    from community.expertise.services import seed_taxonomy
    from community.extensions import db

    def _seed():
        with app.app_context():
            seed_taxonomy()
            db.session.commit()

    isolated(app, _seed)


@pytest.fixture
def create_tag(app):
    """create_tag(slug, name=None, field="collaboration", name_de=None, synonyms=()) -> slug."""
    from community.expertise.models import Tag, TagSynonym
    from community.extensions import db

    def make(slug, name=None, field="collaboration", name_de=None, synonyms=()):
        def _make():
            with app.app_context():
                tag = Tag(slug=slug, name=name or slug.replace("-", " ").title(), name_de=name_de, field=field)
                tag.synonyms = [TagSynonym(term=t) for t in synonyms]
                db.session.add(tag)
                db.session.commit()
                return tag.id

        return isolated(app, _make)

    return make


@pytest.fixture
def give_tags(app):
    """give_tags(user, {"slug": "level", ...}): adds or raises levels, like a CSV import."""
    from community.accounts.models import User
    from community.extensions import db
    from community.profiles.services import add_person_tags

    def give(user, levels: dict[str, str]):
        def _give():
            with app.app_context():
                add_person_tags(db.session.get(User, user.id), levels.items())
                db.session.commit()

        isolated(app, _give)

    return give


@pytest.fixture
def mentoring(app):
    """Mentorships and sessions written straight into the tables (the services are another feature's)."""
    from community.database import utcnow
    from community.expertise.models import Tag
    from community.extensions import db
    from community.mentoring.models import MentoringSession, Mentorship, SessionAgendaTag

    class Factory:
        def mentorship(self, mentor, executive, status="active", days_ago=10):
            def _make():
                with app.app_context():
                    m = Mentorship(mentor_id=mentor.id, executive_id=executive.id, status=status,
                                   requested_at=utcnow() - timedelta(days=days_ago))
                    db.session.add(m)
                    db.session.commit()
                    return m.id

            return isolated(app, _make)

        def session(self, mentorship_id, mentor, *, days_ago=5, status="done", tags=()):
            def _make():
                with app.app_context():
                    starts = utcnow() - timedelta(days=days_ago)
                    s = MentoringSession(mentorship_id=mentorship_id, mentor_id=mentor.id, starts_at=starts,
                                         ends_at=starts + timedelta(hours=1), duration_minutes=60, status=status)
                    db.session.add(s)
                    db.session.flush()
                    for slug in tags:
                        tag_id = db.session.scalar(db.select(Tag.id).where(Tag.slug == slug))
                        db.session.add(SessionAgendaTag(session_id=s.id, tag_id=tag_id))
                    db.session.commit()
                    return s.id

            return isolated(app, _make)

    return Factory()


@pytest.fixture
def count_statements(app):
    """count_statements(fn) -> number of SQL statements fn() sent."""
    from sqlalchemy import event

    from community.extensions import db

    def count(fn):
        with app.app_context():
            engine = db.engine
        seen = []

        def listener(conn, cursor, statement, parameters, context, executemany):
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", listener)
        try:
            fn()
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    return count
