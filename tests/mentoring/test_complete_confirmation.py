"""Completing a mentorship cancels its planned sessions: it happens only after a check step that
lists them, and the server refuses a completion that was not confirmed there."""

from __future__ import annotations

import re

from tests.conftest import text_of
from tests.mentoring.conftest import in_days


def _status(db, mentorship_id: int) -> str:
    from community.mentoring.models import Mentorship

    db.session.expire_all()
    return db.session.get(Mentorship, mentorship_id).status


def test_the_mentorship_page_leads_to_a_check_step_instead_of_completing_on_one_click(
        client, login_as, people, create_mentorship):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    login_as(executive)
    page = client.get(f"/mentoring/mentorships/{mentorship_id}").get_data(as_text=True)
    card = page.split('id="complete-heading"', 1)[1].split("</section>", 1)[0]
    assert "<form" not in card  # no one-click form any more
    link = re.search(r'<a class="btn btn-outline-danger" href="([^"]+)">', card)
    assert link and link.group(1) == f"/mentoring/mentorships/{mentorship_id}/complete"


def test_the_check_step_lists_the_sessions_that_will_be_cancelled_and_confirms_with_a_danger_button(
        client, login_as, people, create_mentorship, create_session, db):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    create_session(mentorship_id, starts_at=in_days(-7), status="done", agenda_tags=("linkedin",))
    create_session(mentorship_id, starts_at=in_days(5), agenda_tags=("microsoft-teams",))
    create_session(mentorship_id, starts_at=in_days(12))
    login_as(executive)
    response = client.get(f"/mentoring/mentorships/{mentorship_id}/complete")
    html, text = response.get_data(as_text=True), text_of(response)
    assert "These 2 planned sessions are cancelled; both participants are told:" in text
    listed = html.split('class="cancelled-sessions"', 1)[1].split("</ul>", 1)[0]
    assert listed.count("<li>") == 2 and "Microsoft Teams" in listed and "LinkedIn" not in listed  # the done one stays
    assert '<button type="submit" class="btn btn-danger">Complete the mentorship</button>' in html
    assert 'name="confirm" type="hidden" value="yes"' in html
    assert _status(db, mentorship_id) == "active"  # looking changes nothing


def test_without_planned_sessions_the_check_step_says_none_is_cancelled(client, login_as, people, create_mentorship):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    login_as(mentor)
    assert "No session is planned, so none is cancelled." in text_of(client.get(f"/mentoring/mentorships/{mentorship_id}/complete"))


def test_a_completion_without_the_confirmation_is_refused_and_changes_nothing(
        client, login_as, people, create_mentorship, create_session, db):
    from community.mentoring.models import MentoringSession

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    session_id = create_session(mentorship_id, starts_at=in_days(5))
    login_as(executive)
    for data in ({"reason": "Goals reached"}, {"reason": "Goals reached", "confirm": "no"}):
        response = client.post_form(f"/mentoring/mentorships/{mentorship_id}/complete", data)
        assert response.status_code == 200
        text = text_of(response)
        assert "There is a problem" in text and "Nothing was changed" in text
        assert 'name="confirm" type="hidden" value="yes"' in response.get_data(as_text=True)  # the check page again
    assert _status(db, mentorship_id) == "active"
    assert db.session.get(MentoringSession, session_id).status == "planned"


def test_the_confirmed_completion_cancels_the_listed_sessions(client, login_as, people, create_mentorship, create_session,
                                                              db):
    from community.mentoring.models import MentoringSession, Mentorship

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    session_id = create_session(mentorship_id, starts_at=in_days(5))
    login_as(executive)
    response = client.post_form(f"/mentoring/mentorships/{mentorship_id}/complete",
                                {"reason": "Goals reached", "confirm": "yes"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Mentorship, mentorship_id).status == "completed"
    assert db.session.get(Mentorship, mentorship_id).completion_reason == "Goals reached"
    assert db.session.get(MentoringSession, session_id).status == "cancelled"
    assert "The mentorship is completed." in text_of(client.get(response.headers["Location"]))


def test_a_mentorship_that_is_not_active_has_no_completion_to_confirm(client, login_as, people, create_mentorship, db):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, status="requested")
    login_as(executive)
    page = client.get(f"/mentoring/mentorships/{mentorship_id}/complete")
    assert "Only an active mentorship can be completed." in text_of(page)
    assert 'name="confirm"' not in page.get_data(as_text=True)
    refused = client.post_form(f"/mentoring/mentorships/{mentorship_id}/complete", {"confirm": "yes"})
    assert refused.status_code == 200 and "Only an active mentorship can be completed." in text_of(refused)
    assert _status(db, mentorship_id) == "requested"


def test_people_outside_the_mentorship_cannot_even_see_the_check_step(client, login_as, people, create_mentorship,
                                                                     create_user):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    login_as(create_user(roles=("mentor",)))
    assert client.get(f"/mentoring/mentorships/{mentorship_id}/complete").status_code == 404
    assert client.post_form(f"/mentoring/mentorships/{mentorship_id}/complete", {"confirm": "yes"}).status_code == 404
