"""Factories for mentoring tests: taxonomy, mentor/executive pairs, mentorships, sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import isolated


def in_days(days: float, hour: int = 10) -> datetime:
    """A whole hour `days` from now (UTC)."""
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return (base + timedelta(days=days)).replace(hour=hour)


def in_hours(hours: int) -> datetime:
    """A whole hour `hours` from now (UTC), whatever the time of day: for "in the next 24 hours"."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours)


@pytest.fixture
def taxonomy(app):
    """The built-in topic taxonomy (microsoft-teams, sharepoint, linkedin, ...)."""
    from community.expertise.services import seed_taxonomy
    from community.extensions import db

    def _seed():
        with app.app_context():
            seed_taxonomy()
            db.session.commit()

    isolated(app, _seed)


@pytest.fixture
def people(create_user):
    """people(capacity=2) -> (mentor, executive) with distinct departments and a shared language."""

    def make(capacity: int = 3, mentor_fields: dict | None = None, executive_fields: dict | None = None):
        mentor = create_user(roles=("mentor",), name="Mia Mentor", department="IT", languages=["de", "en"],
                             capacity=capacity, **(mentor_fields or {}))
        executive = create_user(roles=("executive",), name="Eva Executive", department="Sales", languages=["de"],
                                **(executive_fields or {}))
        return mentor, executive

    return make


@pytest.fixture
def create_mentorship(app, taxonomy):
    """create_mentorship(mentor, executive, status="active", goals=("microsoft-teams",)) -> Mentorship id."""
    from community.database import utcnow
    from community.expertise.services import resolve_tags
    from community.extensions import db
    from community.mentoring.models import Mentorship, MentorshipGoal

    def make(mentor, executive, status: str = "active", goals=("microsoft-teams", "linkedin"), cohort_id=None,
             goal_text: str | None = None) -> int:
        def _make():
            with app.app_context():
                mentorship = Mentorship(mentor_id=mentor.id, executive_id=executive.id, status=status, cohort_id=cohort_id,
                                        requested_by_id=executive.id, requested_at=utcnow(), goal_text=goal_text,
                                        decided_at=utcnow() if status != "requested" else None)
                mentorship.goals = [MentorshipGoal(tag_id=t.id) for t in resolve_tags(goals)]
                db.session.add(mentorship)
                db.session.commit()
                return mentorship.id

        return isolated(app, _make)

    return make


@pytest.fixture
def create_session(app):
    """create_session(mentorship_id, starts_at=..., status="planned", agenda_tags=(...)) -> session id.

    Writes the row directly, so tests can arrange sessions in the past (done ones, for feedback).
    """
    from community.database import utcnow
    from community.expertise.services import resolve_tags
    from community.extensions import db
    from community.mentoring.models import (
        MentoringSession,
        Mentorship,
        SessionAgendaTag,
        SessionChange,
    )

    def make(mentorship_id: int, starts_at: datetime | None = None, duration: int = 60, status: str = "planned",
             agenda_tags=(), agenda: str | None = "Let us look at Teams channels", location: str | None = "Room 4.12") -> int:
        def _make():
            with app.app_context():
                mentorship = db.session.get(Mentorship, mentorship_id)
                start = starts_at or in_days(3)
                session = MentoringSession(
                    mentorship_id=mentorship_id, mentor_id=mentorship.mentor_id, starts_at=start,
                    ends_at=start + timedelta(minutes=duration), duration_minutes=duration, location=location,
                    agenda=agenda, status=status, version=1, created_by_id=mentorship.executive_id,
                    done_at=utcnow() if status == "done" else None,
                )
                session.agenda_tags = [SessionAgendaTag(tag_id=t.id) for t in resolve_tags(agenda_tags)]
                db.session.add(session)
                db.session.flush()
                db.session.add(SessionChange(session_id=session.id, kind="created", changed_by_id=mentorship.executive_id,
                                             new_starts_at=start))
                db.session.commit()
                return session.id

        return isolated(app, _make)

    return make


@pytest.fixture
def give_tags(app):
    """give_tags(user, {"microsoft-teams": "expert"}) sets a person's topics."""
    from community.expertise.services import get_tag
    from community.extensions import db
    from community.profiles.models import PersonTag

    def make(user, levels: dict[str, str]) -> None:
        def _make():
            with app.app_context():
                for slug, level in levels.items():
                    db.session.add(PersonTag(user_id=user.id, tag_id=get_tag(slug).id, level=level))
                db.session.commit()

        isolated(app, _make)

    return make


@pytest.fixture
def api(client, api_token):
    """api(user) -> call(method, url, json=None) using that person's bearer token."""

    def for_user(user):
        token = api_token(user)

        def call(method: str, url: str, json=None):
            return client.send_json(method, url, json, token=token)

        return call

    return for_user


@pytest.fixture
def become(client, login_as):
    """Log out whoever is signed in and sign in as `user` (same browser)."""

    def switch(user):
        client.post_form("/logout")
        return login_as(user)

    return switch
