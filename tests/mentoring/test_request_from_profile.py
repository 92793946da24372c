"""A mentor's profile offers "Request as mentor" to whoever may request this mentor, or says why not."""

from __future__ import annotations

from tests.conftest import text_of

REQUEST = "Request as mentor"


def _profile(client, person) -> tuple[str, str]:
    response = client.get(f"/people/{person.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True), text_of(response)


def test_an_executive_requests_a_mentor_from_the_profile_and_lands_on_the_form_with_the_mentor_chosen(
        client, login_as, people, taxonomy):
    mentor, executive = people()
    login_as(executive)
    html, text = _profile(client, mentor)
    assert REQUEST in text
    assert f'href="/mentoring/request?mentor={mentor.id}"' in html
    form = client.get(f"/mentoring/request?mentor={mentor.id}").get_data(as_text=True)
    assert f'<option selected value="{mentor.id}">' in form


def test_a_change_manager_may_request_on_an_executives_behalf_from_the_profile(client, login_as, people, create_user):
    mentor, _ = people()
    login_as(create_user(roles=("change_manager",)))
    assert REQUEST in _profile(client, mentor)[1]


def test_nobody_is_offered_to_request_themselves_a_non_mentor_or_as_someone_who_does_not_request(
        client, login_as, people, create_user, become):
    mentor, executive = people()
    # A mentor who is also an executive does not request themselves.
    both = create_user(roles=("mentor", "executive"), capacity=2)
    login_as(both)
    assert REQUEST not in _profile(client, both)[1]
    # An executive's profile offers nothing to request.
    assert REQUEST not in _profile(client, executive)[1]
    # Another mentor (or a member) does not request mentors.
    for viewer in (create_user(roles=("mentor",)), create_user(roles=("staff",))):
        become(viewer)
        assert REQUEST not in _profile(client, mentor)[1]


def test_a_paused_mentor_says_why_there_is_no_request(client, login_as, people):
    mentor, executive = people(mentor_fields={"mentoring_paused": True})
    login_as(executive)
    text = _profile(client, mentor)[1]
    assert REQUEST not in text
    assert f"{mentor.name} has paused mentoring and takes no requests for now." in text


def test_a_full_mentor_says_why_and_points_to_other_mentors(client, login_as, people, create_mentorship, create_user):
    mentor, executive = people(capacity=1)
    create_mentorship(mentor, create_user(roles=("executive",)))
    login_as(executive)
    html, text = _profile(client, mentor)
    assert REQUEST not in text
    assert f"{mentor.name} has no free mentoring place at the moment." in text
    assert 'href="/mentoring/suggestions"' in html


def test_an_executive_with_an_open_request_is_led_to_it_not_asked_to_request_again(
        client, login_as, people, create_mentorship):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, status="requested")
    login_as(executive)
    html, text = _profile(client, mentor)
    assert REQUEST not in text
    assert f"You already have a mentorship with {mentor.name}." in text
    assert f'href="/mentoring/mentorships/{mentorship_id}"' in html


def test_the_offer_follows_changes_of_the_mentors_places(client, login_as, people, create_mentorship, create_user, api):
    """The profile page is kept between views: a place taken or freed changes what it offers."""
    mentor, executive = people(capacity=1)
    login_as(executive)
    assert REQUEST in _profile(client, mentor)[1]
    other = create_mentorship(mentor, create_user(roles=("executive",)), status="requested")
    assert REQUEST not in _profile(client, mentor)[1]
    assert api(mentor)("POST", f"/api/v1/mentorships/{other}/decline", {"reason": "No time"}).status_code == 200
    assert REQUEST in _profile(client, mentor)[1]


def test_the_request_from_the_profile_is_still_checked_by_the_service(client, login_as, people, create_mentorship,
                                                                     create_user, db):
    """A mentor who filled up meanwhile: the form refuses, the offer was only a hint."""
    from sqlalchemy import func, select

    from community.mentoring.models import Mentorship

    mentor, executive = people(capacity=1)
    login_as(executive)
    assert REQUEST in _profile(client, mentor)[1]
    create_mentorship(mentor, create_user(roles=("executive",)))
    response = client.post_form("/mentoring/request", {"mentor_id": mentor.id, "cohort_id": 0, "goals": ["linkedin"]})
    assert response.status_code == 200
    text = text_of(response)
    assert "There is a problem" in text and "has no free mentoring place (1 of 1 taken)" in text
    assert db.session.scalar(select(func.count()).select_from(Mentorship).where(Mentorship.executive_id == executive.id)) == 0


def test_the_request_form_leaves_out_ones_own_mentors_and_names_the_requests_waiting(
        client, login_as, people, create_user, create_mentorship):
    """It offered the executive's current mentor again (refused only after sending), and said
    nothing of a request still waiting for an answer."""
    mentor, executive = people()
    asked = create_user(roles=("mentor",), name="Walter Waiting", department="HR", languages=["de"], capacity=2)
    free = create_user(roles=("mentor",), name="Frida Free", department="HR", languages=["de"], capacity=2)
    create_mentorship(mentor, executive, status="active")
    create_mentorship(asked, executive, status="requested")
    login_as(executive)
    response = client.get("/mentoring/request")
    html = response.get_data(as_text=True)
    options = html.split('name="mentor_id"')[1].split("</select>")[0]
    assert f'value="{free.id}"' in options
    assert f'value="{mentor.id}"' not in options and f'value="{asked.id}"' not in options
    waiting = html.split('id="waiting-requests"')[1].split("</div>")[0]
    assert "Walter Waiting, asked on" in " ".join(waiting.split()) and "Mia Mentor" not in waiting
