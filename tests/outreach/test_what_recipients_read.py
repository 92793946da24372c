"""What people find in the e-mails they get: links that open, the site's own address, their
language and time zone, subjects that read as sentences."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.mentoring.conftest import in_days

BASE = "https://mentoring.example.org"


@pytest.fixture
def app_config():
    return {"BASE_URL": BASE}


def _emails(db, recipient):
    from community.outreach.models import OutgoingMessage

    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingMessage).where(
        OutgoingMessage.recipient == recipient, OutgoingMessage.channel == "email").order_by(OutgoingMessage.id)))


def _links(text):
    return re.findall(r"https?://\S+", text)


def _event(message):
    [attachment] = message.attachments
    return Calendar.from_ical(attachment["content"]).walk("VEVENT")[0]


def test_the_schedulers_calendar_copy_opens_the_session_and_invitations_link_the_site(
        people, create_mentorship, api, client, login_as, db):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    made = api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions",
                       {"starts_at": in_days(3).isoformat(), "duration_minutes": 60})
    assert made.status_code == 201, made.json
    session_page = f"{BASE}/sessions/{made.json['id']}"

    [copy] = _emails(db, mentor.email)  # "For your calendar: …"
    assert session_page in _links(copy.body_text)
    assert f'href="{session_page}"' in copy.body_html
    login_as(mentor)
    assert client.get(session_page.removeprefix(BASE)).status_code == 200

    # The invitation in either e-mail links the site's address, not the host the request came to.
    [invitation] = _emails(db, executive.email)
    for message in (copy, invitation):
        description = str(_event(message)["DESCRIPTION"])
        assert session_page in description and "localhost" not in description
