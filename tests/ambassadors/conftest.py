import re

import pytest


@pytest.fixture
def create_nomination(app):
    """Factory: create_nomination(nominee, by) -> nomination id (open)."""
    from community.accounts.models import User
    from community.ambassadors import services
    from community.extensions import db
    from tests.conftest import isolated

    def make(nominee, by, reason="Helps everyone with Teams and SharePoint every week."):
        def _make():
            with app.app_context():
                nomination = services.nominate(db.session.get(User, by.id), nominee.id, reason)
                db.session.commit()
                return nomination.id

        return isolated(app, _make)

    return make


@pytest.fixture
def mentoring_record(app):
    """Factory: give a mentor done sessions with an executive, with feedback ratings -> session ids.

    The executive rates each session `rating`; with `mentor_rating` the mentor rates it too
    (only then does the mentor see the executive's rating)."""
    from datetime import timedelta

    from community.database import utcnow
    from community.extensions import db
    from community.mentoring.models import MentoringSession, Mentorship, SessionFeedback
    from tests.conftest import isolated

    def make(mentor, executive, sessions=3, rating=5, mentor_rating=None) -> list[int]:
        def _make():
            session_ids = []
            with app.app_context():
                ship = Mentorship(mentor_id=mentor.id, executive_id=executive.id, status="active")
                db.session.add(ship)
                db.session.flush()
                for i in range(sessions):
                    start = utcnow() - timedelta(days=10 + i)
                    s = MentoringSession(mentorship_id=ship.id, mentor_id=mentor.id, starts_at=start,
                                         ends_at=start + timedelta(hours=1), duration_minutes=60, status="done")
                    db.session.add(s)
                    db.session.flush()
                    db.session.add(SessionFeedback(session_id=s.id, author_id=executive.id, rating=rating))
                    if mentor_rating is not None:
                        db.session.add(SessionFeedback(session_id=s.id, author_id=mentor.id, rating=mentor_rating))
                    session_ids.append(s.id)
                db.session.commit()
            return session_ids

        return isolated(app, _make)

    return make


@pytest.fixture
def people(create_user):
    """The cast of the nomination tests, one of each role (two mentors, two change managers)."""
    return {
        "mentor": create_user(roles=["mentor"], name="Mara Mentor"),
        "other_mentor": create_user(roles=["mentor"], name="Otto Mentor"),
        "staff": create_user(roles=["staff"], name="Sam Staff"),
        "executive": create_user(roles=["executive"], name="Erik Exec"),
        "cm": create_user(roles=["change_manager"], name="Carla Change"),
        "cm2": create_user(roles=["change_manager"], name="Chris Change"),
        "admin": create_user(roles=["admin"], name="Ada Admin"),
    }


def summary_of(response) -> list[str]:
    """The items of a page's error summary, as plain text."""
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip() for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)]


def nominations(db) -> int:
    """How many nominations are stored."""
    from sqlalchemy import func, select

    from community.ambassadors.models import Nomination

    return db.session.scalar(select(func.count()).select_from(Nomination))


@pytest.fixture
def analysed(app, mentoring_record):
    """Give `mentor` three well-rated sessions with `executive`, then store a network snapshot
    (the candidates list reads it)."""
    def make(mentor, executive) -> None:
        from community.extensions import db
        from community.network import services as network
        from tests.conftest import isolated

        mentoring_record(mentor, executive, sessions=3, rating=5)

        def compute():
            with app.app_context():
                network.compute_snapshot(None, None)
                db.session.commit()

        isolated(app, compute)

    return make
