"""Concurrent nominations and decisions: nothing duplicated, exactly one decision wins."""

import pytest
from sqlalchemy import func, select

from tests.mentoring.test_concurrency import race

pytestmark = pytest.mark.slow


def test_concurrent_nominations_of_one_mentor_leave_one_open_nomination(app, create_user, api_token, db):
    from community.ambassadors.models import Nomination

    mentor = create_user(roles=["mentor"])
    nominators = [create_user(roles=["staff"]) for _ in range(6)]
    calls = [(api_token(n), "POST", "/api/v1/nominations", {"nominee_id": mentor.id, "reason": "Helps everyone with Teams."})
             for n in nominators]
    statuses = race(app, calls)
    assert sorted(statuses) == [201, 409, 409, 409, 409, 409]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == 1


def test_concurrent_decisions_exactly_one_wins_and_one_audit_event(app, create_user, api_token, create_nomination, db):
    from community.audit.models import AuditEvent

    mentor, nominator = create_user(roles=["mentor"]), create_user(roles=["staff"])
    nomination_id = create_nomination(mentor, nominator)
    managers = [create_user(roles=["change_manager"]) for _ in range(4)]
    calls = [(api_token(m), "POST", f"/api/v1/nominations/{nomination_id}/decision",
              {"decision": "promote" if i % 2 else "decline", "note": f"Decision {i}"}) for i, m in enumerate(managers)]
    statuses = race(app, calls)
    assert sorted(statuses) == [200, 409, 409, 409]
    db.session.rollback()
    decided = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action.in_(("ambassador.promoted", "ambassador.declined")))
    )
    assert decided == 1
