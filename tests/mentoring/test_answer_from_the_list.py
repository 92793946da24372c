"""A mentor answers a waiting request from "My mentoring": Accept right there (a POST form with
its CSRF token, the same service as the request page), Decline through the page that asks why."""

from __future__ import annotations

import re

from tests.conftest import text_of


def _row(html: str, mentorship_id: int) -> str:
    rows = [row for row in html.split('<li class="request-row">')[1:] if f"/mentoring/mentorships/{mentorship_id}\"" in row]
    assert len(rows) == 1
    return rows[0].split("</li>", 1)[0]


def test_each_waiting_request_offers_accept_and_decline(client, login_as, people, create_mentorship):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, status="requested")
    login_as(mentor)
    row = _row(client.get("/mentoring/").get_data(as_text=True), mentorship_id)
    accept = re.search(r'<form method="post" action="([^"]+)" class="inline">\s*<input[^>]*name="csrf_token"[^>]*>\s*'
                       r'<button type="submit" class="btn btn-primary btn-sm">Accept</button>', row)
    assert accept and accept.group(1) == f"/mentoring/mentorships/{mentorship_id}/accept"
    assert f'href="/mentoring/mentorships/{mentorship_id}/decline">Decline…</a>' in row


def test_accepting_from_the_list_starts_the_mentorship(client, login_as, people, create_mentorship, db):
    from community.mentoring.models import Mentorship

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, status="requested")
    login_as(mentor)
    response = client.post_form(f"/mentoring/mentorships/{mentorship_id}/accept")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Mentorship, mentorship_id).status == "active"
    page = text_of(client.get(response.headers["Location"]))
    assert f"You accepted. Agree on a first session with {executive.name}." in page
    assert "Requests waiting for your answer" not in text_of(client.get("/mentoring/"))


def test_declining_from_the_list_asks_for_the_reason_first(client, login_as, people, create_mentorship, db):
    from community.mentoring.models import Mentorship

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, status="requested")
    login_as(mentor)
    form = client.get(f"/mentoring/mentorships/{mentorship_id}/decline")
    assert form.status_code == 200 and "Decline the request" in text_of(form)
    refused = client.post_form(f"/mentoring/mentorships/{mentorship_id}/decline", {"reason": ""})
    assert "There is a problem" in text_of(refused)
    db.session.expire_all()
    assert db.session.get(Mentorship, mentorship_id).status == "requested"
    client.post_form(f"/mentoring/mentorships/{mentorship_id}/decline", {"reason": "No time this quarter"})
    db.session.expire_all()
    assert db.session.get(Mentorship, mentorship_id).status == "declined"


def test_an_accept_without_the_csrf_token_or_by_someone_else_changes_nothing(client, login_as, people,
                                                                            create_mentorship, create_user, db):
    from community.mentoring.models import Mentorship

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, status="requested")
    login_as(mentor)
    client.post(f"/mentoring/mentorships/{mentorship_id}/accept", data={})  # no token
    client.post_form("/logout")
    login_as(executive)  # not the requested mentor
    assert client.post_form(f"/mentoring/mentorships/{mentorship_id}/accept").status_code in (302, 403)
    db.session.expire_all()
    assert db.session.get(Mentorship, mentorship_id).status == "requested"


def test_a_mentor_without_a_free_place_is_told_on_accepting_from_the_list(client, login_as, people, create_mentorship,
                                                                         create_user, db):
    from community.mentoring.models import Mentorship

    mentor, executive = people(capacity=1)
    create_mentorship(mentor, create_user(roles=("executive",)))
    mentorship_id = create_mentorship(mentor, executive, status="requested")
    login_as(mentor)
    response = client.post_form(f"/mentoring/mentorships/{mentorship_id}/accept", follow_redirects=True)
    assert "You have no free mentoring place" in text_of(response)
    db.session.expire_all()
    assert db.session.get(Mentorship, mentorship_id).status == "requested"
