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
    assert note.kind == "mentorship_withdrawn" and note.link == f"/mentoring/mentorships/{ship}"
    assert "Eva Exec withdrew the mentoring request for Eva Exec" in text_of(_browser(client, mentor).get("/notifications/"))


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
