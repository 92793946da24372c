"""A broker that does not answer never loses a message nor fails the request: the task runs in
the web process instead."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.mentoring.conftest import in_days

pytestmark = pytest.mark.slow


@pytest.fixture
def app_config():
    return {"CELERY_BROKER_URL": "redis://127.0.0.1:1/0", "TASKS_IN_PROCESS": False}


def test_session_mail_is_kept_when_the_broker_is_down(people, create_mentorship, api, db):
    from community.outreach.models import OutgoingMessage

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    made = api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions",
                       {"starts_at": in_days(3).isoformat(), "duration_minutes": 60})
    assert made.status_code == 201
    message = db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.recipient == executive.email))
    assert message is not None and message.status == "outbox"
