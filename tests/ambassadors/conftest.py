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
