# ruff: noqa: F811
"""Sessions whose pair ends without the other person acting: a handover, a deactivated or
erased account, a leaver reported by HR. The other person is told, and the calendar entry
they got with the invitation is cancelled (same UID, METHOD:CANCEL), against a real SMTP server."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import text_of
from tests.mentoring.conftest import in_days
from tests.outreach_servers import parts, smtp_server  # noqa: F401 - fixture
from tests.scim.conftest import scim, scim_token  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow


@pytest.fixture
def app_config(smtp_server):  # noqa: F811
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port, "MAIL_TIMEOUT": 5,
            "MAIL_DEFAULT_SENDER": "Mentor Community <mentoring@example.org>"}


def _calendars(smtp_server, email):
    """(METHOD, UID) of every calendar part sent to one address, oldest first."""
    found = []
    for message in smtp_server.to(email):
        for part in parts(message)[2]:
            content = part.get_content()
            calendar = Calendar.from_ical(content.encode() if isinstance(content, str) else content)
            event = next(iter(calendar.walk("VEVENT")))
            found.append((str(calendar["METHOD"]), str(event["UID"])))
    return found


def _planned_session(api, mentor, executive, create_mentorship):
    mentorship_id = create_mentorship(mentor, executive)
    made = api(executive)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions",
                          {"starts_at": in_days(4).isoformat(), "duration_minutes": 45})
    assert made.status_code == 201, made.json
    return mentorship_id, made.json["id"]


def test_a_handover_cancels_the_old_pairs_sessions_in_both_calendars(people, create_user, create_mentorship, api,
                                                                       smtp_server):
    mentor, executive = people()
    successor = create_user(roles=("mentor",), name="Nils Nachfolger", languages=["de"], capacity=3)
    manager = create_user(roles=("change_manager",))
    mentorship_id, session_id = _planned_session(api, mentor, executive, create_mentorship)
    [(_, uid)] = _calendars(smtp_server, mentor.email)

    handed = api(manager)("POST", f"/api/v1/mentorships/{mentorship_id}/handover", {"mentor_id": successor.id})
    assert handed.status_code == 201, handed.json
    assert api(executive)("GET", f"/api/v1/sessions/{session_id}").json["status"] == "cancelled"
    for person in (mentor, executive):
        assert _calendars(smtp_server, person.email)[-1] == ("CANCEL", uid), person.name
    assert _calendars(smtp_server, successor.email) == []  # the new mentor plans their own


def test_deactivating_a_mentor_cancels_their_sessions_and_tells_the_executive(
        people, create_user, create_mentorship, api, smtp_server, client, login_as, db):
    from community.mentoring.models import MentoringSession

    mentor, executive = people()
    admin = create_user(roles=("admin",))
    _, session_id = _planned_session(api, mentor, executive, create_mentorship)
    [(_, uid)] = _calendars(smtp_server, mentor.email)

    login_as(admin)
    check = text_of(client.get(f"/admin/users/{mentor.id}/deactivate"))
    assert "1 planned session will be cancelled" in check
    assert f"{mentor.name} mentors {executive.name}" in check.split("Planned mentoring sessions", 1)[1]
    assert client.post_form(f"/admin/users/{mentor.id}/active").status_code == 302

    session = db.session.get(MentoringSession, session_id)
    assert session.status == "cancelled"
    assert _calendars(smtp_server, executive.email)[-1] == ("CANCEL", uid)
    client.post_form("/logout")
    login_as(executive)
    told = text_of(client.get("/notifications/"))
    # One notice for the pair, naming the session, without the reason (tests/mentoring/test_account_end_notice.py);
    # the session's page says why it was cancelled.
    assert "Mia Mentor is no longer available for your mentorship" in told and "The sessions still planned are cancelled" in told
    assert "The account was deactivated." in text_of(client.get(f"/sessions/{session_id}"))


def test_erasing_a_mentor_tells_the_executive_without_the_name_and_in_their_language(
        people, create_user, create_mentorship, api, smtp_server, client, login_as):
    mentor, executive = people(executive_fields={"locale": "de"})
    admin = create_user(roles=("admin",))
    _, session_id = _planned_session(api, mentor, executive, create_mentorship)
    [(_, uid)] = _calendars(smtp_server, mentor.email)

    login_as(admin)
    erased = client.post_form(f"/admin/users/{mentor.id}/erase", {"confirm": "y"})
    assert erased.status_code == 302
    assert _calendars(smtp_server, executive.email)[-1] == ("CANCEL", uid)
    mail = smtp_server.to(executive.email)[-1]
    text, html, _ = parts(mail)
    assert "Mia Mentor" not in text + html + str(mail["Subject"])
    # In the executive's language: "former member" and the sessions it cancelled.
    assert "Ehemaliges Mitglied" in text and "Die noch geplanten Termine sind abgesagt" in text
    client.post_form("/logout")
    login_as(executive)
    told = text_of(client.get("/notifications/"))
    assert "Mia Mentor" not in told and "abgesagt" in told
    assert "gelöscht" in text_of(client.get(f"/sessions/{session_id}"))  # "Das Konto wurde gelöscht.": why


def test_an_executive_who_leaves_through_hr_ends_the_sessions_and_requests_in_each_readers_language(
        people, create_user, create_mentorship, api, smtp_server, client, login_as, db, scim):
    from community.audit.models import AuditEvent
    from community.mentoring.models import Mentorship

    mentor, executive = people(mentor_fields={"locale": "de"})
    other_mentor = create_user(roles=("mentor",), name="Otto Offen", locale="de", capacity=3)
    _, session_id = _planned_session(api, mentor, executive, create_mentorship)
    request = api(executive)("POST", "/api/v1/mentorships", {"mentor_id": other_mentor.id,
                                                              "goals": ["microsoft-teams"]})
    assert request.status_code == 201, request.json

    left = scim("PATCH", f"/Users/{executive.id}", {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": False}}]})
    assert left.status_code == 200, left.get_json()
    figures = db.session.scalar(select(AuditEvent.data).where(AuditEvent.action == "scim.user_deactivated"))
    assert figures["sessions_cancelled"] == 1 and figures["requests_declined"] == 1
    assert _calendars(smtp_server, mentor.email)[-1][0] == "CANCEL"
    declined = db.session.scalar(select(Mentorship).where(Mentorship.mentor_id == other_mentor.id))
    login_as(other_mentor)
    page = text_of(client.get(f"/mentoring/mentorships/{declined.id}"))
    assert "Die Person hat das Unternehmen verlassen." in page  # stored as a phrase, read in German
    client.post_form("/logout")
    login_as(mentor)
    assert "Die Person hat das Unternehmen verlassen." in text_of(client.get(f"/sessions/{session_id}"))


def test_a_session_that_already_took_place_is_neither_cancelled_nor_announced(
        people, create_user, create_mentorship, api, smtp_server, db, client, login_as):
    """A past session not yet marked done happened (or not): an account that ends, or a
    mentorship that completes, leaves it as it is and sends no cancellation for it."""
    from community.mentoring.models import MentoringSession

    mentor, executive = people()
    admin = create_user(roles=("admin",))
    mentorship_id, past_id = _planned_session(api, mentor, executive, create_mentorship)
    db.session.get(MentoringSession, past_id).starts_at = in_days(-2)
    db.session.commit()
    coming = api(executive)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions",
                            {"starts_at": in_days(6).isoformat(), "duration_minutes": 45})
    assert coming.status_code == 201, coming.json
    sent_before = len(_calendars(smtp_server, executive.email))

    login_as(admin)
    assert "1 planned session will be cancelled" in text_of(client.get(f"/admin/users/{mentor.id}/deactivate"))
    assert client.post_form(f"/admin/users/{mentor.id}/active").status_code == 302
    db.session.expire_all()
    assert db.session.get(MentoringSession, past_id).status == "planned"
    assert db.session.get(MentoringSession, coming.json["id"]).status == "cancelled"
    assert [method for method, _ in _calendars(smtp_server, executive.email)[sent_before:]] == ["CANCEL"]


def test_completing_a_mentorship_leaves_a_past_session_to_be_marked_done(
        people, create_mentorship, api, db):
    from community.mentoring.models import MentoringSession

    mentor, executive = people()
    mentorship_id, past_id = _planned_session(api, mentor, executive, create_mentorship)
    db.session.get(MentoringSession, past_id).starts_at = in_days(-1)
    db.session.commit()
    ended = api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/complete", {})
    assert ended.status_code == 200, ended.json
    assert api(executive)("GET", f"/api/v1/sessions/{past_id}").json["status"] == "planned"
    # ... but not moved into a future the pair no longer has (no reminder, no slot taken).
    moved = api(mentor)("PATCH", f"/api/v1/sessions/{past_id}",
                        {"starts_at": in_days(7).isoformat(), "reason": "Forgot", "version": 1})
    assert moved.status_code == 409, moved.json
    assert "ended" in moved.json["error"]["message"]
    done = api(mentor)("PATCH", f"/api/v1/sessions/{past_id}", {"status": "done", "version": 1})
    assert done.status_code == 200 and done.json["status"] == "done", done.json


def test_the_session_page_of_an_ended_mentorship_offers_no_move(people, create_mentorship, api, db, client, login_as):
    from community.mentoring.models import MentoringSession

    mentor, executive = people()
    mentorship_id, past_id = _planned_session(api, mentor, executive, create_mentorship)
    db.session.get(MentoringSession, past_id).starts_at = in_days(-1)
    db.session.commit()
    login_as(mentor)
    assert "Move to another time" in text_of(client.get(f"/sessions/{past_id}"))
    assert api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/complete", {}).status_code == 200
    page = text_of(client.get(f"/sessions/{past_id}"))
    assert "Move to another time" not in page and "Mark as done" in page
    # The form, reached by its address, refuses with the reason instead of moving it.
    refused = client.post_form(f"/sessions/{past_id}/reschedule", {
        "starts_at": in_days(7).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "45", "reason": "Forgot", "version": "1"})
    assert refused.status_code in (200, 409, 422)
    assert "The mentorship has ended: its sessions cannot be moved." in text_of(refused)
    db.session.expire_all()
    assert db.session.get(MentoringSession, past_id).starts_at < in_days(0)
