"""Requesting a mentor, the mentor's answer, completing; roles, capacity and illegal transitions."""

from sqlalchemy import select

from tests.conftest import text_of


def test_executive_requests_a_mentor_and_the_mentor_is_notified(client, login_as, people, taxonomy, db):
    from community.mentoring.models import Mentorship
    from community.notifications.models import Notification

    mentor, executive = people()
    login_as(executive)
    response = client.post_form("/mentoring/request", {
        "mentor_id": mentor.id, "cohort_id": 0, "goals": ["microsoft-teams", "linkedin"], "goal_text": "Run a Teams meeting well",
    })
    assert response.status_code == 302
    mentorship = db.session.scalar(select(Mentorship))
    assert mentorship.status == "requested" and mentorship.requested_by_id == executive.id
    assert sorted(g.tag.slug for g in mentorship.goals) == ["linkedin", "microsoft-teams"]
    page = text_of(client.get(response.headers["Location"]))
    assert "Waiting for Mia Mentor to answer" in page and "Run a Teams meeting well" in page
    note = db.session.scalar(select(Notification).where(Notification.user_id == mentor.id))
    assert note.kind == "mentorship_requested"


def test_mentor_accepts_and_executive_and_requester_hear_of_it(client, login_as, people, taxonomy, create_user, api, db):
    from community.notifications.models import Notification

    mentor, executive = people()
    manager = create_user(roles=("change_manager",), name="Carl Manager")
    created = api(manager)("POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "executive_id": executive.id,
                                                            "goals": ["sharepoint"]})
    assert created.status_code == 201, created.json
    assert created.json["requested_by"]["id"] == manager.id and created.json["executive"]["id"] == executive.id
    mentorship_id = created.json["id"]
    login_as(mentor)
    assert "Carl Manager asks you to mentor Eva Executive" in text_of(client.get("/notifications/"))
    assert "Eva Executive asks you to be their mentor" in text_of(client.get("/mentoring/"))
    client.post_form(f"/mentoring/mentorships/{mentorship_id}/accept")
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(select(Notification))}
    assert (executive.id, "mentorship_accepted_yours") in kinds and (manager.id, "mentorship_accepted") in kinds
    client.post_form("/logout")
    login_as(executive)  # told in the second person, not "… the mentoring request for Eva Executive"
    assert "Mia Mentor accepted your mentoring request" in text_of(client.get("/notifications/"))
    client.post_form("/logout")
    login_as(manager)
    assert "Mia Mentor accepted the mentoring request for Eva Executive" in text_of(client.get("/notifications/"))
    assert api(mentor)("GET", f"/api/v1/mentorships/{mentorship_id}").json["status"] == "active"


def test_only_the_mentor_accepts_or_declines(people, taxonomy, create_mentorship, create_user, api):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, status="requested")
    manager = create_user(roles=("change_manager",))
    for person in (executive, manager):
        assert api(person)("POST", f"/api/v1/mentorships/{mentorship_id}/accept", {}).status_code == 403
        assert api(person)("POST", f"/api/v1/mentorships/{mentorship_id}/decline", {"reason": "no"}).status_code == 403
    stranger = create_user(roles=("mentor",))
    assert api(stranger)("POST", f"/api/v1/mentorships/{mentorship_id}/accept", {}).status_code == 404
    assert api(stranger)("GET", f"/api/v1/mentorships/{mentorship_id}").status_code == 404


def test_declining_needs_a_reason_which_the_executive_sees(client, login_as, become, people, create_mentorship, api):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, status="requested")
    refused = api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/decline", {})
    assert refused.status_code == 422 and "reason" in refused.json["error"]["fields"]
    login_as(mentor)
    page = client.post_form(f"/mentoring/mentorships/{mentorship_id}/decline", {"reason": ""})
    assert page.status_code == 200 and "This field is required" in text_of(page)
    client.post_form(f"/mentoring/mentorships/{mentorship_id}/decline", {"reason": "Too little time this quarter"})
    become(executive)
    page = text_of(client.get(f"/mentoring/mentorships/{mentorship_id}"))
    assert "declined" in page and "Too little time this quarter" in page
    assert "Too little time this quarter" in text_of(client.get("/notifications/"))


def test_illegal_transitions_are_refused_with_409(people, create_mentorship, api):
    mentor, executive = people()
    declined = create_mentorship(mentor, executive, status="declined")
    assert api(mentor)("POST", f"/api/v1/mentorships/{declined}/accept", {}).status_code == 409
    assert api(mentor)("POST", f"/api/v1/mentorships/{declined}/complete", {}).status_code == 409
    start = {"starts_at": "2099-01-01T10:00:00+01:00", "duration_minutes": 60}
    assert api(executive)("POST", f"/api/v1/mentorships/{declined}/sessions", start).status_code == 409
    active = create_mentorship(mentor, executive, status="active")
    assert api(mentor)("POST", f"/api/v1/mentorships/{active}/accept", {}).status_code == 409
    assert api(mentor)("POST", f"/api/v1/mentorships/{active}/decline", {"reason": "x"}).status_code == 409
    assert api(executive)("POST", f"/api/v1/mentorships/{active}/complete", {}).status_code == 200
    assert api(executive)("POST", f"/api/v1/mentorships/{active}/complete", {}).status_code == 409


def test_change_manager_can_complete_and_planned_sessions_are_cancelled(people, create_mentorship, create_session,
                                                                         create_user, api):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    session_id = create_session(mentorship_id)
    manager = create_user(roles=("change_manager",))
    response = api(manager)("POST", f"/api/v1/mentorships/{mentorship_id}/complete", {"reason": "Programme ended"})
    assert response.status_code == 200 and response.json["status"] == "completed"
    session = api(executive)("GET", f"/api/v1/sessions/{session_id}").json
    assert session["status"] == "cancelled" and session["history"][-1]["kind"] == "cancelled"
    staff = create_user(roles=("staff",))
    assert api(staff)("POST", f"/api/v1/mentorships/{mentorship_id}/complete", {}).status_code == 404


def test_request_beyond_capacity_is_refused_with_a_clear_message(client, login_as, people, create_mentorship,
                                                                  create_user, taxonomy, api):
    mentor, executive = people(capacity=1)
    other = create_user(roles=("executive",))
    create_mentorship(mentor, other, status="active")
    response = api(executive)("POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "goals": ["linkedin"]})
    assert response.status_code == 409
    assert "no free mentoring place" in response.json["error"]["message"]
    assert "mentor_id" in response.json["error"]["fields"]
    login_as(executive)
    page = client.post_form("/mentoring/request", {"mentor_id": mentor.id, "cohort_id": 0, "goals": ["linkedin"]})
    assert page.status_code == 200
    # A full mentor is not even offered in the form; one chosen before filling up is refused saying why.
    assert f'<option value="{mentor.id}"' not in page.get_data(as_text=True)
    assert "Mia Mentor has no free mentoring place (1 of 1 taken)" in text_of(page)


def test_requests_count_against_capacity_and_accepting_beyond_it_is_refused(people, create_mentorship, create_user, api, db):
    from community.accounts.models import User

    mentor, executive = people(capacity=2)
    first = create_mentorship(mentor, executive, status="requested")
    second = create_mentorship(mentor, create_user(roles=("executive",)), status="requested")
    third_executive = create_user(roles=("executive",))
    assert api(third_executive)("POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "goals": ["linkedin"]}).status_code == 409
    db.session.get(User, mentor.id).capacity = 1  # the mentor lowers the capacity in the profile
    db.session.commit()
    assert api(mentor)("POST", f"/api/v1/mentorships/{first}/accept", {}).status_code == 409
    assert api(mentor)("POST", f"/api/v1/mentorships/{second}/decline", {"reason": "full"}).status_code == 200
    assert api(mentor)("POST", f"/api/v1/mentorships/{first}/accept", {}).status_code == 200


def test_one_open_mentorship_per_pair(people, create_mentorship, taxonomy, api):
    mentor, executive = people()
    create_mentorship(mentor, executive, status="active")
    response = api(executive)("POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "goals": ["linkedin"]})
    assert response.status_code == 409
    assert "already have an open mentorship" in response.json["error"]["message"]


def test_roles_are_checked_when_requesting(people, create_user, taxonomy, api):
    mentor, executive = people()
    staff = create_user(roles=("staff",))
    not_a_mentor = create_user(roles=("staff",))
    response = api(staff)("POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "goals": ["linkedin"]})
    assert response.status_code == 422 and "executive_id" in response.json["error"]["fields"]
    response = api(executive)("POST", "/api/v1/mentorships", {"mentor_id": not_a_mentor.id, "goals": ["linkedin"]})
    assert response.status_code == 422 and "mentor_id" in response.json["error"]["fields"]
    response = api(executive)("POST", "/api/v1/mentorships", {"mentor_id": 999999, "goals": ["linkedin"]})
    assert response.status_code == 422 and "mentor_id" in response.json["error"]["fields"]
    # Only change managers ask on someone else's behalf.
    other_executive = create_user(roles=("executive",))
    response = api(other_executive)("POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "executive_id": executive.id,
                                                                    "goals": ["linkedin"]})
    assert response.status_code == 403


def test_goals_must_come_from_the_taxonomy(people, taxonomy, api):
    mentor, executive = people()
    response = api(executive)("POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "goals": ["underwater-basket-weaving"]})
    assert response.status_code == 422
    assert "underwater-basket-weaving" in response.json["error"]["fields"]["goals"][0]
    response = api(executive)("POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "goals": []})
    assert response.status_code == 422 and "goals" in response.json["error"]["fields"]
    # Synonyms are understood and stored as the tag's slug.
    response = api(executive)("POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "goals": ["Microsoft Teams"]})
    assert response.status_code == 201 and response.json["goals"] == ["microsoft-teams"]


def test_mentorship_list_shows_own_for_people_and_all_for_change_managers(people, create_mentorship, create_user, api):
    mentor, executive = people()
    mine = create_mentorship(mentor, executive, status="active")
    other_mentor = create_user(roles=("mentor",), capacity=2)
    other_executive = create_user(roles=("executive",))
    theirs = create_mentorship(other_mentor, other_executive, status="requested")
    listed = api(executive)("GET", "/api/v1/mentorships").json
    assert [m["id"] for m in listed["items"]] == [mine] and listed["total"] == 1
    manager = create_user(roles=("change_manager",))
    everything = api(manager)("GET", "/api/v1/mentorships").json
    assert {m["id"] for m in everything["items"]} == {mine, theirs}
    only_requested = api(manager)("GET", "/api/v1/mentorships?status=requested&per_page=1").json
    assert [m["id"] for m in only_requested["items"]] == [theirs] and only_requested["per_page"] == 1
    assert api(manager)("GET", "/api/v1/mentorships?status=nonsense").status_code == 422
    item = everything["items"][0]
    assert set(item) >= {"id", "mentor", "executive", "cohort_id", "status", "goals", "goal_text"}


def test_other_peoples_mentorship_page_is_404(client, login_as, people, create_mentorship, create_user):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    login_as(create_user(roles=("executive",)))
    assert client.get(f"/mentoring/mentorships/{mentorship_id}").status_code == 404
    assert client.post_form(f"/mentoring/mentorships/{mentorship_id}/accept").status_code == 404


def test_goal_text_is_rendered_inert(client, login_as, people, taxonomy, db):
    mentor, executive = people()
    login_as(executive)
    response = client.post_form("/mentoring/request", {"mentor_id": mentor.id, "cohort_id": 0, "goals": ["linkedin"],
                                                       "goal_text": "<script>alert(1)</script>"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_request_form_without_csrf_is_refused(client, login_as, people, taxonomy):
    mentor, executive = people()
    login_as(executive)
    response = client.post("/mentoring/request", data={"mentor_id": mentor.id, "goals": ["linkedin"]})
    assert response.status_code == 400


def test_accepting_needs_no_body_at_all(client, people, create_mentorship, api_token):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, status="requested")
    response = client.post(f"/api/v1/mentorships/{mentorship_id}/accept", headers={"Authorization": f"Bearer {api_token(mentor)}"})
    assert response.status_code == 200 and response.json["status"] == "active"


def test_merging_topics_moves_learning_goals_and_agendas(people, create_mentorship, create_session, create_user, api, db):
    from community.accounts.models import User
    from community.expertise.models import Tag
    from community.expertise.services import get_tag, merge_tags

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, goals=("linkedin", "social-selling"))
    session_id = create_session(mentorship_id, agenda_tags=("linkedin",))
    manager = create_user(roles=("change_manager",))
    merge_tags(db.session.get(User, manager.id), get_tag("linkedin"), get_tag("social-selling"))
    db.session.commit()
    assert db.session.scalar(db.select(Tag).where(Tag.slug == "linkedin")) is None
    assert api(executive)("GET", f"/api/v1/mentorships/{mentorship_id}").json["goals"] == ["social-selling"]
    assert api(executive)("GET", f"/api/v1/sessions/{session_id}").json["agenda_tags"] == ["social-selling"]


def test_home_page_card_shows_requests_waiting_and_upcoming_sessions(client, login_as, people, create_mentorship,
                                                                     create_session, create_user):
    from tests.mentoring.conftest import in_days

    mentor, executive = people()
    create_session(create_mentorship(mentor, executive), starts_at=in_days(2))
    create_mentorship(mentor, create_user(roles=("executive",), name="Otto Waiting"), status="requested")
    login_as(mentor)
    home = text_of(client.get("/"))
    assert "Request from Otto Waiting" in home and "Session with Eva Executive" in home


def test_the_reasons_for_accepting_declining_and_completing_show_on_the_mentorship_page(
    client, login_as, people, create_mentorship, create_user, api
):
    mentor, executive = people()
    manager = create_user(roles=("change_manager",))
    accepted = create_mentorship(mentor, executive, status="requested")
    assert api(mentor)("POST", f"/api/v1/mentorships/{accepted}/accept", {"reason": "Happy to help with Teams"}).status_code == 200
    response = api(manager)("POST", f"/api/v1/mentorships/{accepted}/complete", {"reason": "The programme run ended"})
    assert response.status_code == 200 and response.json["completion_reason"] == "The programme run ended"
    for viewer in (executive, mentor, manager):
        login_as(viewer)
        page = text_of(client.get(f"/mentoring/mentorships/{accepted}"))
        assert "Reason for completing" in page and "The programme run ended" in page
        assert "Happy to help with Teams" in page
        client.post_form("/logout")
    # Completing through the form keeps the reason too.
    other = create_mentorship(mentor, create_user(roles=("executive",)))
    login_as(mentor)
    client.post_form(f"/mentoring/mentorships/{other}/complete", {"reason": "Goals reached", "confirm": "yes"})
    assert "Goals reached" in text_of(client.get(f"/mentoring/mentorships/{other}"))
    # People outside the mentorship see nothing of it.
    client.post_form("/logout")
    login_as(create_user(roles=("mentor",)))
    assert client.get(f"/mentoring/mentorships/{other}").status_code == 404


def test_each_of_the_pair_is_told_of_the_completion_as_their_own(people, create_mentorship, create_user, api, client,
                                                                  login_as):
    """They read "Mia Mentor completed the mentorship of Mia Mentor and Erik Exec" about themselves."""
    mentor, executive = people()
    first = create_mentorship(mentor, executive)
    assert api(mentor)("POST", f"/api/v1/mentorships/{first}/complete", {}).status_code == 200
    login_as(executive)
    page = text_of(client.get("/notifications/"))
    assert f"{mentor.name} completed your mentorship" in page and executive.name + " and" not in page
    client.post_form("/logout")
    login_as(mentor)
    assert "completed" not in text_of(client.get("/notifications/"))  # their own act
    client.post_form("/logout")

    second = create_mentorship(mentor, create_user(roles=("executive",), name="Elena Zweite"))
    manager = create_user(roles=("change_manager",), name="Kim Change")
    assert api(manager)("POST", f"/api/v1/mentorships/{second}/complete", {"reason": "Programme ended"}).status_code == 200
    login_as(mentor)
    assert "Kim Change completed your mentorship with Elena Zweite" in text_of(client.get("/notifications/"))


def test_a_request_without_a_mentor_asks_for_one_and_the_current_run_is_offered_once(
        client, login_as, people, taxonomy, db):
    """Sending the form without a mentor read "Choose a person with the mentor role.", and the
    run select offered "the current run" beside the same run by its name."""
    import re
    from datetime import date

    from community.mentoring.models import Cohort

    running = Cohort(name="Run 2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), status="running")
    planned = Cohort(name="Run 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31), status="planned")
    db.session.add_all([running, planned])
    db.session.commit()
    _, executive = people()
    login_as(executive)
    page = client.post_form("/mentoring/request", {"mentor_id": 0, "cohort_id": 0, "goals": ["linkedin"]})
    assert page.status_code == 200
    text = text_of(page)
    assert "Please choose a mentor." in text and "mentor role" not in text
    body = page.get_data(as_text=True)
    select_ = re.search(r'<select[^>]*id="cohort_id".*?</select>', body, re.S).group(0)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select_) == ["Run 2026", "Run 2027"]
    # Which one is the current run is said under the select: an option short enough for a phone.
    assert "Run 2026 is the current run; a request joins it unless you choose another." in text


def test_without_a_running_programme_run_the_request_says_it_joins_none(client, login_as, people, taxonomy):
    _, executive = people()
    login_as(executive)
    assert "No programme run" in text_of(client.get("/mentoring/request"))


def test_suggested_next_topics_explain_themselves_in_plain_words(client, login_as, people, create_mentorship):
    mentor, executive = people()
    ship = create_mentorship(mentor, executive)
    login_as(executive)
    page = text_of(client.get(f"/mentoring/mentorships/{ship}"))
    assert "Goals not yet covered in a completed session." in page and "no done session" not in page


def test_a_goals_buttons_sit_together_at_the_end_of_its_row(client, login_as, people, create_mentorship):
    """The goal's state was a select beside a chip saying the same; now the buttons that move it on
    sit in one small form at the row's end (wrapping below the topic on a phone)."""
    import re
    from pathlib import Path

    mentor, executive = people()
    ship = create_mentorship(mentor, executive)
    login_as(executive)
    body = client.get(f"/mentoring/mentorships/{ship}").get_data(as_text=True)
    assert '<select name="progress"' not in body
    forms = re.findall(r'<form method="post" action="/mentoring/mentorships/\d+/goals" class="inline goal-actions">(.*?)</form>',
                       body, re.S)
    assert len(forms) == 2 and all(form.count('name="progress"') == 2 for form in forms)
    css = (Path(__file__).resolve().parents[2] / "static/css/app.css").read_text()
    assert re.search(r"\.goal-progress form\.goal-actions \{[^}]*inline-flex[^}]*margin-left: auto", css)


def test_a_full_mentor_is_refused_with_the_places_really_taken(people, create_mentorship, create_user, taxonomy, api):
    """A mentor who lowered their capacity below their open mentorships: the refusal names the real
    load ("3 of 2 taken"), not the capacity twice ("2 of 2 taken")."""
    mentor, executive = people(capacity=2)
    for _ in range(3):
        create_mentorship(mentor, create_user(roles=("executive",)), status="active")
    response = api(executive)("POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "goals": ["linkedin"]})
    assert response.status_code == 409
    assert "(3 of 2 taken)" in response.json["error"]["message"]
