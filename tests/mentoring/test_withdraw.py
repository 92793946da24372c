"""An executive withdraws a pending request; the mentor is told; pages are titled by status."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import login, text_of


def _browser(client, user):
    browser = client.application.test_client()
    login(browser, user)
    return browser


def test_the_executive_withdraws_a_pending_request_and_the_mentor_is_told(client, create_user, create_mentorship, db):
    from community.mentoring.models import Mentorship
    from community.notifications.models import Notification

    mentor = create_user(roles=("mentor",), name="Lisa Ferrari", capacity=2)
    executive = create_user(roles=("executive",), name="Eva Exec")
    ship = create_mentorship(mentor, executive, status="requested")
    me = _browser(client, executive)
    page = me.get(f"/mentoring/mentorships/{ship}")
    assert "Request to Lisa Ferrari — waiting for an answer" in text_of(page)
    assert "<title>Request to Lisa Ferrari — waiting for an answer" in page.get_data(as_text=True)
    assert "Withdraw the request" in text_of(page)
    mentor_view = text_of(_browser(client, mentor).get(f"/mentoring/mentorships/{ship}"))
    assert "Request from Eva Exec — waiting for your answer" in mentor_view and "Withdraw the request" not in mentor_view

    done = me.post_form(f"/mentoring/mentorships/{ship}/withdraw", {"reason": "Found a course instead."})
    assert done.status_code == 302
    assert db.session.get(Mentorship, ship).status == "withdrawn"
    after = text_of(me.get(f"/mentoring/mentorships/{ship}"))
    assert "Request to Lisa Ferrari — withdrawn" in after and "Found a course instead." in after
    assert "Withdraw the request" not in after
    note = db.session.scalar(select(Notification).where(Notification.user_id == mentor.id))
    assert note.kind == "mentorship_withdrawn_own" and note.link == f"/mentoring/mentorships/{ship}"
    notifications = text_of(_browser(client, mentor).get("/notifications/"))
    assert "Eva Exec withdrew their mentoring request" in notifications
    assert "withdrew the mentoring request for Eva Exec" not in notifications


def test_only_a_pending_request_of_ones_own_can_be_withdrawn(client, create_user, create_mentorship, api_token):
    mentor = create_user(roles=("mentor",), capacity=3)
    executive = create_user(roles=("executive",))
    active = create_mentorship(mentor, executive, status="active")
    pending = create_mentorship(mentor, executive, status="requested")
    mine, theirs = api_token(executive), api_token(mentor)
    assert client.send_json("POST", f"/api/v1/mentorships/{active}/withdraw", {}, token=mine).status_code == 409
    assert client.send_json("POST", f"/api/v1/mentorships/{pending}/withdraw", {}, token=theirs).status_code == 403
    stranger = api_token(create_user(roles=("executive",)))
    assert client.send_json("POST", f"/api/v1/mentorships/{pending}/withdraw", {}, token=stranger).status_code == 404
    withdrawn = client.send_json("POST", f"/api/v1/mentorships/{pending}/withdraw", {}, token=mine)
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    # The place is free again: the mentor's open requests no longer count it.
    assert client.send_json("POST", f"/api/v1/mentorships/{pending}/withdraw", {}, token=mine).status_code == 409


def test_titles_name_the_status_of_active_and_completed_mentorships(client, create_user, create_mentorship):
    mentor = create_user(roles=("mentor",), name="Lisa Ferrari", capacity=3)
    executive = create_user(roles=("executive",), name="Eva Exec")
    active = create_mentorship(mentor, executive, status="active")
    completed = create_mentorship(mentor, executive, status="completed")
    declined = create_mentorship(mentor, executive, status="declined")
    me = _browser(client, executive)
    # The browser tab names the status; the heading leaves it to the badge beside it (it read
    # "Lisa Ferrari mentors Eva Exec — active" next to an "active" badge).
    for ship, title, heading, badge in ((active, "Lisa Ferrari mentors Eva Exec — active", "Lisa Ferrari mentors Eva Exec", "active"),
                                        (completed, "Lisa Ferrari mentored Eva Exec — completed", "Lisa Ferrari mentored Eva Exec", "completed"),
                                        (declined, "Request to Lisa Ferrari — declined", "Request to Lisa Ferrari", "declined")):
        body = me.get(f"/mentoring/mentorships/{ship}").get_data(as_text=True)
        assert f"<title>{title}" in body
        assert re.search(r"<h1>([^<]*)</h1>", body).group(1) == heading
        assert re.search(r'<span class="badge[^"]*">' + badge + "</span>", body)


def test_the_mentor_is_not_left_with_a_stale_request_after_a_withdrawal(client, create_user, taxonomy, api_token, db):
    from community.notifications.models import Notification

    mentor = create_user(roles=("mentor",), name="Lisa Ferrari", capacity=2)
    executive = create_user(roles=("executive",), name="Eva Exec")
    mine = api_token(executive)
    ship = client.send_json("POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "goals": ["linkedin"]}, token=mine)
    assert ship.status_code == 201
    browser = _browser(client, mentor)
    assert "Eva Exec asks you to be their mentor" in text_of(browser.get("/notifications/?unread=1"))
    assert client.send_json("POST", f"/api/v1/mentorships/{ship.json['id']}/withdraw", {}, token=mine).status_code == 200
    unread = text_of(browser.get("/notifications/?unread=1"))
    assert "Eva Exec withdrew their mentoring request" in unread
    assert "asks you to be their mentor" not in unread
    request_note = db.session.scalar(select(Notification).where(Notification.user_id == mentor.id,
                                                                Notification.kind == "mentorship_requested"))
    assert request_note.read_at is not None


def test_a_withdrawal_by_the_change_manager_is_told_to_the_executive_and_back(client, create_user, taxonomy, api_token):
    mentor = create_user(roles=("mentor",), name="Lisa Ferrari", capacity=3)
    executive = create_user(roles=("executive",), name="Eva Exec")
    manager = create_user(roles=("change_manager",), name="Carl Manager")
    theirs, mine = api_token(manager), api_token(executive)
    body = {"mentor_id": mentor.id, "executive_id": executive.id, "goals": ["linkedin"]}
    first = client.send_json("POST", "/api/v1/mentorships", body, token=theirs).json["id"]
    assert client.send_json("POST", f"/api/v1/mentorships/{first}/withdraw", {}, token=theirs).status_code == 200
    assert "Carl Manager withdrew the request asking Lisa Ferrari to be your mentor" in text_of(
        _browser(client, executive).get("/notifications/"))
    mentor_view = text_of(_browser(client, mentor).get("/notifications/?unread=1"))
    assert "Carl Manager withdrew the mentoring request for Eva Exec" in mentor_view
    assert "asks you to mentor" not in mentor_view
    # The executive withdraws a request the change manager made for them: the manager is told.
    second = client.send_json("POST", "/api/v1/mentorships", body, token=theirs).json["id"]
    assert client.send_json("POST", f"/api/v1/mentorships/{second}/withdraw", {}, token=mine).status_code == 200
    assert "Eva Exec withdrew their mentoring request to Lisa Ferrari" in text_of(
        _browser(client, manager).get("/notifications/"))


def test_the_mentor_reads_a_closed_request_as_one_from_the_executive(client, create_user, create_mentorship):
    mentor = create_user(roles=("mentor",), name="Lisa Ferrari", capacity=3)
    executive = create_user(roles=("executive",), name="Eva Exec")
    declined = create_mentorship(mentor, executive, status="declined")
    withdrawn = create_mentorship(mentor, executive, status="withdrawn")
    theirs, mine = _browser(client, mentor), _browser(client, executive)
    for ship, state in ((declined, "declined"), (withdrawn, "withdrawn")):
        body = theirs.get(f"/mentoring/mentorships/{ship}").get_data(as_text=True)
        assert f"<title>Request from Eva Exec — {state}" in body
        assert re.search(r"<h1>([^<]*)</h1>", body).group(1) == "Request from Eva Exec"
        assert "Request to Lisa Ferrari" not in body
        # The executive's side is unchanged.
        assert f"<title>Request to Lisa Ferrari — {state}" in mine.get(f"/mentoring/mentorships/{ship}").get_data(as_text=True)


def test_the_executives_home_card_shows_their_own_request_waiting(client, create_user, create_mentorship):
    """It read "No upcoming sessions and no requests waiting" while the executive's request waited."""
    mentor = create_user(roles=("mentor",), name="Lisa Ferrari", capacity=2)
    executive = create_user(roles=("executive",), name="Eva Exec")
    ship = create_mentorship(mentor, executive, status="requested")
    me = _browser(client, executive)
    home = me.get("/")
    text = text_of(home)
    assert "Request to Lisa Ferrari" in text and "waiting for an answer" in text
    assert "no requests waiting" not in text
    assert f'href="/mentoring/mentorships/{ship}"' in home.get_data(as_text=True)
    mentor_home = text_of(_browser(client, mentor).get("/"))
    assert "Request from Eva Exec" in mentor_home and "Request to" not in mentor_home


def test_a_request_is_not_labelled_as_a_mentoring_that_happened(client, create_user, create_mentorship, db):
    """The decline and withdraw pages said "Lisa Ferrari mentors Eva Exec", the mentor's list
    "Mentoring Eva Exec · requested", for a request nobody had answered."""
    mentor = create_user(roles=("mentor",), name="Lisa Ferrari", capacity=2)
    executive = create_user(roles=("executive",), name="Eva Exec")
    ship = create_mentorship(mentor, executive, status="requested")
    as_mentor, as_executive = _browser(client, mentor), _browser(client, executive)
    listed = text_of(as_mentor.get("/mentoring/"))
    assert "Mentoring Eva Exec" not in listed
    decline = text_of(as_mentor.get(f"/mentoring/mentorships/{ship}/decline"))
    assert "Request from Eva Exec — waiting for your answer" in decline and "mentors Eva Exec" not in decline
    withdraw = text_of(as_executive.get(f"/mentoring/mentorships/{ship}/withdraw"))
    assert "Request to Lisa Ferrari — waiting for an answer" in withdraw and "Lisa Ferrari mentors" not in withdraw
    assert "Mentored by Lisa Ferrari" not in text_of(as_executive.get("/mentoring/"))
