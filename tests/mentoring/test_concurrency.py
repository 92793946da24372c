"""Concurrent writers: the capacity limit and the session version hold when requests race."""

import threading

import pytest
from sqlalchemy import func, select

from tests.mentoring.conftest import in_days

pytestmark = pytest.mark.slow


def race(app, calls):
    """Run each (token, method, url, json) at the same moment from its own client; return the statuses."""
    barrier = threading.Barrier(len(calls))
    statuses: list[int | None] = [None] * len(calls)

    def run(index, token, method, url, body):
        client = app.test_client()
        barrier.wait()
        statuses[index] = client.send_json(method, url, body, token=token).status_code

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return statuses


def test_concurrent_requests_at_the_capacity_limit_leave_exactly_capacity_mentorships(app, people, create_user, taxonomy,
                                                                                      api_token, db):
    from community.mentoring.models import OPEN_STATUSES, Mentorship

    mentor, _executive = people(capacity=2)
    executives = [create_user(roles=("executive",)) for _ in range(6)]
    calls = [(api_token(e), "POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "goals": ["linkedin"]}) for e in executives]
    statuses = race(app, calls)
    assert sorted(statuses) == [201, 201, 409, 409, 409, 409]
    db.session.rollback()
    held = db.session.scalar(
        select(func.count()).select_from(Mentorship).where(Mentorship.mentor_id == mentor.id, Mentorship.status.in_(OPEN_STATUSES))
    )
    assert held == 2


def test_concurrent_requests_of_one_pair_leave_one_open_mentorship(app, people, taxonomy, api_token, db):
    from community.mentoring.models import Mentorship

    mentor, executive = people(capacity=5)
    token = api_token(executive)
    statuses = race(app, [(token, "POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "goals": ["linkedin"]})] * 3)
    assert sorted(statuses) == [201, 409, 409]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Mentorship)) == 1


def test_concurrent_reschedules_one_wins_the_other_gets_409(app, people, create_mentorship, create_session, api_token, db):
    from community.mentoring.models import MentoringSession, SessionChange

    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(3, hour=9))
    url = f"/api/v1/sessions/{session_id}"
    calls = [
        (api_token(executive), "PATCH", url, {"starts_at": in_days(4, hour=9).isoformat(), "reason": "Board meeting", "version": 1}),
        (api_token(mentor), "PATCH", url, {"starts_at": in_days(5, hour=14).isoformat(), "reason": "Exam", "version": 1}),
    ]
    statuses = race(app, calls)
    assert sorted(statuses) == [200, 409]
    db.session.rollback()
    session = db.session.get(MentoringSession, session_id)
    assert session.version == 2
    changes = db.session.scalars(select(SessionChange).where(SessionChange.kind == "rescheduled")).all()
    assert len(changes) == 1 and changes[0].new_starts_at == session.starts_at
