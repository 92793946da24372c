"""Calendar export: one event per session with a stable UID, SEQUENCE, METHOD:CANCEL, zones; the feed."""

import re
from datetime import UTC, timedelta

from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import text_of
from tests.mentoring.conftest import in_days


def parse(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return calendar, calendar.walk("VEVENT")


def test_session_ics_has_a_stable_uid_and_a_sequence_that_grows(client, login_as, people, create_mentorship,
                                                                 create_session, api):
    mentor, executive = people()
    start = in_days(3, hour=9)
    session_id = create_session(create_mentorship(mentor, executive), starts_at=start, agenda="Teams channels",
                                agenda_tags=("microsoft-teams",), location="Room 4.12")
    call = api(executive)
    calendar, (event,) = parse(call("GET", f"/api/v1/sessions/{session_id}.ics"))
    uid = str(event["UID"])
    assert uid.startswith(f"session-{session_id}@")
    assert int(event["SEQUENCE"]) == 0 and str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["SUMMARY"]) == "Mentoring session with Mia Mentor"
    assert str(event["LOCATION"]) == "Room 4.12"
    assert "Teams channels" in str(event["DESCRIPTION"]) and "Microsoft Teams" in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART").astimezone(UTC) == start
    assert event.decoded("DTEND").astimezone(UTC) == start + timedelta(hours=1)

    call("PATCH", f"/api/v1/sessions/{session_id}", {"starts_at": (start + timedelta(days=1)).isoformat(), "reason": "x", "version": 1})
    _, (event,) = parse(call("GET", f"/api/v1/sessions/{session_id}.ics"))
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART").astimezone(UTC) == start + timedelta(days=1)

    call("PATCH", f"/api/v1/sessions/{session_id}", {"status": "cancelled", "reason": "ill"})
    calendar, (event,) = parse(call("GET", f"/api/v1/sessions/{session_id}.ics"))
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 2

    login_as(mentor)  # the page link gives the same event, named after the other participant
    assert f"/sessions/{session_id}.ics" in client.get(f"/sessions/{session_id}").get_data(as_text=True)
    _, (event,) = parse(client.get(f"/sessions/{session_id}.ics"))
    assert str(event["UID"]) == uid and str(event["SUMMARY"]) == "Mentoring session with Eva Executive"


def test_ics_times_carry_the_viewers_zone_with_its_vtimezone(people, create_mentorship, create_session, api):
    mentor, executive = people(mentor_fields={"timezone": "America/New_York"})
    start = in_days(3, hour=15)
    session_id = create_session(create_mentorship(mentor, executive), starts_at=start)
    for person, zone in ((executive, "Europe/Berlin"), (mentor, "America/New_York")):
        response = api(person)("GET", f"/api/v1/sessions/{session_id}.ics")
        body = response.get_data(as_text=True)
        assert f"DTSTART;TZID={zone}:" in body
        calendar, (event,) = parse(response)
        assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [zone]
        assert event.decoded("DTSTART").astimezone(UTC) == start


def test_ics_never_contains_the_private_notes(people, create_mentorship, create_session, api):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(3))
    api(executive)("PATCH", f"/api/v1/sessions/{session_id}", {"notes": "PRIVATE-NOTE", "tried": "PRIVATE-TRIED"})
    body = api(executive)("GET", f"/api/v1/sessions/{session_id}.ics").get_data(as_text=True)
    assert "PRIVATE" not in body


def test_personal_feed_lists_recent_and_upcoming_sessions_without_login(app, client, login_as, people, create_mentorship,
                                                                        create_session, db):
    from community.mentoring.models import CalendarFeed

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    upcoming = create_session(mentorship_id, starts_at=in_days(5))
    recent = create_session(mentorship_id, starts_at=in_days(-30), status="done")
    old = create_session(mentorship_id, starts_at=in_days(-200), status="done")
    login_as(executive)
    assert "You have no feed address" in text_of(client.get("/settings/calendar"))
    page = client.post_form("/settings/calendar").get_data(as_text=True)
    url = re.search(r"http://[^<\s]+/calendar/([A-Za-z0-9_-]+)\.ics", page)
    assert url, page
    token = url.group(1)
    stored = db.session.scalar(select(CalendarFeed))
    assert stored.user_id == executive.id and token not in stored.token_hash
    first_hash = stored.token_hash
    assert token not in client.get("/settings/calendar").get_data(as_text=True)  # shown once

    anonymous = app.test_client()
    calendar, events = parse(anonymous.get(f"/calendar/{token}.ics"))
    uids = {str(e["UID"]).split("@")[0] for e in events}
    assert uids == {f"session-{upcoming}", f"session-{recent}"}
    assert f"session-{old}" not in uids

    client.post_form("/settings/calendar")  # a new address replaces the old one
    assert anonymous.get(f"/calendar/{token}.ics").status_code == 404
    assert db.session.scalar(select(CalendarFeed.token_hash)) != first_hash
    client.post_form("/settings/calendar/revoke")
    assert db.session.scalar(select(CalendarFeed)) is None
    assert anonymous.get("/calendar/not-a-token.ics").status_code == 404


def test_feed_marks_cancelled_sessions_as_cancelled(app, client, login_as, people, create_mentorship, create_session):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    cancelled = create_session(mentorship_id, starts_at=in_days(5), status="cancelled")
    login_as(mentor)
    token = re.search(r"/calendar/([A-Za-z0-9_-]+)\.ics", client.post_form("/settings/calendar").get_data(as_text=True)).group(1)
    calendar, (event,) = parse(app.test_client().get(f"/calendar/{token}.ics"))
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["UID"]).startswith(f"session-{cancelled}@") and str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "Mentoring session with Eva Executive"


def test_calendar_settings_need_login_and_csrf(client, login_as, people):
    assert client.get("/settings/calendar").status_code == 302
    mentor, _executive = people()
    login_as(mentor)
    assert client.post("/settings/calendar").status_code == 400
