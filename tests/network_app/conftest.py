"""Factories for the network analysis in the app: an organisation built row by row, snapshots."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from tests.conftest import isolated

_seq = itertools.count(1)


@pytest.fixture
def app_config() -> dict:
    # Background jobs are run by the tests themselves (see test_api), never behind their back.
    return {"ANALYSIS_JOBS_QUEUED": False}


def _in_app(app, fn, *args, **kwargs):
    def run():
        from community.extensions import db

        with app.app_context():
            result = fn(*args, **kwargs)
            db.session.commit()
            return result

    return isolated(app, run)


@pytest.fixture
def topic(app):
    """topic("teams", field="collaboration") -> slug; creates the tag once."""

    def make(slug: str, field: str = "collaboration") -> str:
        def create():
            from sqlalchemy import select

            from community.expertise.models import Tag
            from community.extensions import db

            if db.session.scalar(select(Tag.id).where(Tag.slug == slug)) is None:
                db.session.add(Tag(slug=slug, name=slug.replace("-", " ").title(), field=field))
            return slug

        return _in_app(app, create)

    return make


@pytest.fixture
def give_topic(app, topic):
    """give_topic(person, "teams", "expert")."""

    def make(person, slug: str, level: str = "expert") -> None:
        topic(slug)

        def create():
            from sqlalchemy import select

            from community.expertise.models import Tag
            from community.extensions import db
            from community.profiles.models import PersonTag

            tag_id = db.session.scalar(select(Tag.id).where(Tag.slug == slug))
            db.session.add(PersonTag(user_id=person.id, tag_id=tag_id, level=level))

        _in_app(app, create)

    return make


@pytest.fixture
def mentorship(app, topic):
    """mentorship(mentor, executive, status="active", sessions=1, goals=("teams",)) -> id."""

    def make(mentor, executive, status: str = "active", sessions: int = 1, goals=(), agenda=(),
             days_ago: int = 60, feedback: int | None = None) -> int:
        for slug in (*goals, *agenda):
            topic(slug)

        def create():
            from sqlalchemy import select

            from community.database import utcnow
            from community.expertise.models import Tag
            from community.extensions import db
            from community.mentoring.models import (
                MentoringSession,
                Mentorship,
                MentorshipGoal,
                SessionAgendaTag,
                SessionFeedback,
            )

            now = utcnow()
            requested = now - timedelta(days=days_ago)
            tag_ids = dict(db.session.execute(select(Tag.slug, Tag.id)).all())
            row = Mentorship(
                mentor_id=mentor.id, executive_id=executive.id, status=status, requested_at=requested,
                decided_at=None if status == "requested" else requested + timedelta(days=1),
                completed_at=requested + timedelta(days=30) if status == "completed" else None,
            )
            row.goals = [MentorshipGoal(tag_id=tag_ids[slug]) for slug in goals]
            db.session.add(row)
            db.session.flush()
            for n in range(sessions):
                starts = requested + timedelta(days=3 + 7 * n)
                session = MentoringSession(
                    mentorship_id=row.id, mentor_id=mentor.id, starts_at=starts,
                    ends_at=starts + timedelta(hours=1), duration_minutes=60, status="done",
                    done_at=starts + timedelta(hours=1), created_at=starts - timedelta(days=2),
                )
                session.agenda_tags = [SessionAgendaTag(tag_id=tag_ids[slug]) for slug in agenda]
                db.session.add(session)
                db.session.flush()
                if feedback is not None:
                    db.session.add(SessionFeedback(session_id=session.id, author_id=executive.id, rating=feedback,
                                                   created_at=starts + timedelta(hours=2)))
            return row.id

        return _in_app(app, create)

    return make


@pytest.fixture
def analyst(create_user):
    """A change manager."""
    return create_user(roles=("change_manager",), name="Carla Change", department="HR")


@pytest.fixture
def compute(app):
    """compute(now=None) -> snapshot id: stores a snapshot like the CLI does."""

    def run(now=None) -> int:
        from community.network import services

        return _in_app(app, lambda: services.compute_snapshot(None, now).id)

    return run


@pytest.fixture
def settle(app):
    """settle(fn, *args): run a service in a committed app context of its own."""

    def run(fn, *args, **kwargs):
        return _in_app(app, fn, *args, **kwargs)

    return run


@pytest.fixture
def small_org(create_user, mentorship, give_topic):
    """Two departments of executives; Mia alone mentors Sales, Max and Mo share Finance.

    Mia mentors three Sales executives for a capacity of 2 (overloaded); "power-bi" is wanted
    in a goal and only Max teaches it; Ida is an idle mentor.
    """
    mia = create_user(roles=("mentor",), name="Mia Mentor", department="IT", capacity=2)
    max_ = create_user(roles=("mentor",), name="Max Mentor", department="IT", capacity=3)
    mo = create_user(roles=("mentor",), name="Mo Mentor", department="Logistics", capacity=3)
    ida = create_user(roles=("mentor",), name="Ida Idle", department="Logistics", capacity=2)
    sales = [create_user(roles=("executive",), name=f"Sales Exec {n}", department="Sales") for n in range(3)]
    finance = [create_user(roles=("executive",), name=f"Finance Exec {n}", department="Finance") for n in range(2)]
    lonely = create_user(roles=("executive",), name="Una Unmatched", department="Finance")
    for executive in sales:
        mentorship(mia, executive, sessions=2, feedback=5)
    mentorship(max_, finance[0], goals=("power-bi",), sessions=1)
    mentorship(mo, finance[0], sessions=1)
    mentorship(mo, finance[1], sessions=1)
    mentorship(max_, finance[1], sessions=1)
    give_topic(max_, "power-bi", "expert")
    give_topic(mia, "teams", "expert")
    give_topic(mo, "teams", "practitioner")
    give_topic(ida, "teams", "practitioner")
    return {"mia": mia, "max": max_, "mo": mo, "ida": ida, "sales": sales, "finance": finance, "lonely": lonely}
