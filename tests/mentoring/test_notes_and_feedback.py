"""Private notes for the two participants only; feedback after done sessions with its visibility rule."""

from sqlalchemy import select

from tests.conftest import text_of
from tests.mentoring.conftest import in_days


def test_both_participants_read_and_write_the_private_notes(client, login_as, become, people, create_mentorship,
                                                             create_session, api):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(2))
    login_as(mentor)
    response = client.post_form(f"/sessions/{session_id}/notes", {"notes": "Show her the Planner app"})
    assert response.status_code == 302
    become(executive)
    assert "Show her the Planner app" in text_of(client.get(f"/sessions/{session_id}"))
    patched = api(executive)("PATCH", f"/api/v1/sessions/{session_id}", {"notes": "Planner: done", "tried": "Built a board"})
    assert patched.status_code == 200
    assert patched.json["notes"] == "Planner: done" and patched.json["tried"] == "Built a board"
    assert api(mentor)("GET", f"/api/v1/sessions/{session_id}").json["notes"] == "Planner: done"


def test_only_the_executive_writes_what_they_tried(client, login_as, people, create_mentorship, create_session, api):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(-2), status="done")
    assert api(mentor)("PATCH", f"/api/v1/sessions/{session_id}", {"tried": "I tried nothing"}).status_code == 403
    api(executive)("PATCH", f"/api/v1/sessions/{session_id}", {"tried": "Posted on Viva Engage"})
    login_as(mentor)
    html = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert 'name="tried"' not in html
    assert "What Eva Executive tried since" in text_of(client.get(f"/sessions/{session_id}"))
    assert "Posted on Viva Engage" in html


def test_private_notes_stay_hidden_from_change_managers_and_admins(client, login_as, people, create_mentorship,
                                                                  create_session, create_user, api):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    session_id = create_session(mentorship_id, starts_at=in_days(-1), status="done")
    api(executive)("PATCH", f"/api/v1/sessions/{session_id}", {"notes": "SECRET-NOTE", "tried": "SECRET-TRIED"})
    admin = create_user(roles=("admin", "change_manager"))
    call = api(admin)
    assert call("GET", f"/api/v1/sessions/{session_id}").status_code == 404
    assert call("GET", f"/api/v1/mentorships/{mentorship_id}/sessions").status_code == 403
    assert call("PATCH", f"/api/v1/sessions/{session_id}", {"notes": "overwritten"}).status_code == 404
    login_as(admin)
    assert client.get(f"/sessions/{session_id}").status_code == 404
    for page in (f"/mentoring/mentorships/{mentorship_id}", "/mentoring/", "/mentoring/runs"):
        html = client.get(page).get_data(as_text=True)
        assert "SECRET" not in html
        assert f"/sessions/{session_id}" not in html
    assert "SECRET" not in client.get(f"/api/v1/mentorships/{mentorship_id}").get_data(as_text=True)


def test_notes_are_rendered_inert(client, login_as, people, create_mentorship, create_session):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(2))
    login_as(executive)
    client.post_form(f"/sessions/{session_id}/notes", {"notes": "<img src=x onerror=alert(1)>"})
    html = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_feedback_only_after_the_session_is_done_and_once_per_side(people, create_mentorship, create_session, api):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    planned = create_session(mentorship_id, starts_at=in_days(2))
    done = create_session(mentorship_id, starts_at=in_days(-2), status="done")
    assert api(executive)("POST", f"/api/v1/sessions/{planned}/feedback", {"rating": 5}).status_code == 409
    for rating in (0, 6, "five"):
        response = api(executive)("POST", f"/api/v1/sessions/{done}/feedback", {"rating": rating})
        assert response.status_code == 422 and "rating" in response.json["error"]["fields"]
    assert api(executive)("POST", f"/api/v1/sessions/{done}/feedback", {"rating": 5, "comment": "Great"}).status_code == 201
    assert api(executive)("POST", f"/api/v1/sessions/{done}/feedback", {"rating": 1}).status_code == 409


def test_a_side_sees_the_other_sides_feedback_only_after_giving_its_own(client, login_as, become, people,
                                                                       create_mentorship, create_session, api, db):
    from community.notifications.models import Notification

    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(-2), status="done")
    login_as(mentor)
    response = client.post_form(f"/sessions/{session_id}/feedback", {"rating": 4, "comment": "She asked sharp questions"})
    assert response.status_code == 302
    assert db.session.scalar(select(Notification.kind).where(Notification.user_id == executive.id)) == "feedback_received"
    become(executive)
    page = text_of(client.get(f"/sessions/{session_id}"))
    assert "Mia Mentor has given feedback; you see it once you have given yours" in page
    assert "sharp questions" not in page
    assert api(executive)("GET", f"/api/v1/sessions/{session_id}").json["feedback"] == []
    client.post_form(f"/sessions/{session_id}/feedback", {"rating": 5, "comment": "Learned a lot"})
    page = text_of(client.get(f"/sessions/{session_id}"))
    assert "sharp questions" in page and "Learned a lot" in page
    ratings = {f["author"]["id"]: f["rating"] for f in api(executive)("GET", f"/api/v1/sessions/{session_id}").json["feedback"]}
    assert ratings == {mentor.id: 4, executive.id: 5}


def test_feedback_form_shows_errors_next_to_the_field(client, login_as, people, create_mentorship, create_session):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(-2), status="done")
    login_as(executive)
    response = client.post_form(f"/sessions/{session_id}/feedback", {"comment": "no rating"})
    assert response.status_code == 200 and "This field is required" in text_of(response)


def test_the_private_notes_are_named_once_with_one_hint(client, login_as, people, create_mentorship, create_session):
    """The heading "Private notes" was followed by a field labelled "Private notes" with a second
    hint ("Only you and the other participant can read these notes.")."""
    import re

    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(2))
    login_as(executive)
    html = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    section = re.search(r'<section id="private-notes".*?</section>', html, re.S).group(0)
    words = " ".join(re.sub(r"<[^>]+>", " ", section).split())
    visible = " ".join(re.sub(r"<[^>]+>", " ", re.sub(r'<label[^>]*class="visually-hidden"[^>]*>.*?</label>', "",
                                                        section, flags=re.S)).split())
    assert visible.count("Private notes") == 1
    assert words.count("these notes") == 1
    assert "Only Mia Mentor and Eva Executive can see these notes." in words
    # The field keeps its name for screen readers and points at the hint.
    assert re.search(r'<label[^>]*class="visually-hidden"[^>]*for="notes"|<label[^>]*for="notes"[^>]*class="visually-hidden"',
                     section)
    assert re.search(r'<textarea[^>]*aria-describedby="notes-who notes-format"', section)


def _notes_version(html: str) -> str:
    import re

    return re.search(r'name="notes_version"[^>]*value="([0-9a-f]+)"|value="([0-9a-f]+)"[^>]*name="notes_version"', html).group(1)


def test_two_participants_saving_notes_at_once_lose_nothing(client, people, create_mentorship, create_session):
    """The second of two saves started from the same notes is refused, with the typed text kept
    in the box and the other's text shown; saving again then is a choice made having seen it."""
    from tests.conftest import login

    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(2))
    hers, his = client.application.test_client(), client.application.test_client()
    login(hers, mentor)
    login(his, executive)
    url = f"/sessions/{session_id}"
    her_start, his_start = _notes_version(hers.get(url).get_data(as_text=True)), _notes_version(his.get(url).get_data(as_text=True))
    saved = hers.post_form(f"{url}/notes", {"notes": "MENTOR-TEXT", "notes_version": her_start})
    assert saved.status_code == 302
    refused = his.post_form(f"{url}/notes", {"notes": "EXEC-TEXT", "tried": "Tried Loop", "notes_version": his_start})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "The notes were changed after you opened them, and your text was not saved." in text_of(refused)
    assert "EXEC-TEXT</textarea>" in page and "Tried Loop</textarea>" in page  # what he typed is kept
    assert "The notes as they are now" in text_of(refused) and "MENTOR-TEXT" in text_of(refused)
    assert "MENTOR-TEXT" in text_of(hers.get(url)) and "EXEC-TEXT" not in text_of(hers.get(url))
    # Having seen hers, he saves his merged text: now it goes through.
    again = his.post_form(f"{url}/notes", {"notes": "MENTOR-TEXT + EXEC-TEXT", "tried": "Tried Loop",
                                           "notes_version": _notes_version(page)})
    assert again.status_code == 302
    assert "MENTOR-TEXT + EXEC-TEXT" in text_of(hers.get(url))


def test_notes_left_as_found_are_not_written_back_over_newer_ones(client, people, create_mentorship, create_session):
    """The executive changes only "what I tried since": the notes in the same form, as he found
    them, do not overwrite the mentor's newer notes, and his save is not refused."""
    from tests.conftest import login

    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(2))
    hers, his = client.application.test_client(), client.application.test_client()
    login(hers, mentor)
    login(his, executive)
    url = f"/sessions/{session_id}"
    his_start = _notes_version(his.get(url).get_data(as_text=True))
    hers.post_form(f"{url}/notes", {"notes": "MENTOR-TEXT", "notes_version": _notes_version(hers.get(url).get_data(as_text=True))})
    saved = his.post_form(f"{url}/notes", {"notes": "", "tried": "Tried Loop", "notes_version": his_start})
    assert saved.status_code == 302
    page = text_of(hers.get(url))
    assert "MENTOR-TEXT" in page and "Tried Loop" in page


def test_the_api_refuses_a_stale_notes_version_and_without_one_writes_as_before(people, create_mentorship,
                                                                                 create_session, api):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(2))
    url = f"/api/v1/sessions/{session_id}"
    start = api(executive)("GET", url).json["notes_version"]
    assert api(mentor)("PATCH", url, {"notes": "MENTOR-TEXT", "notes_version": start}).status_code == 200
    stale = api(executive)("PATCH", url, {"notes": "EXEC-TEXT", "notes_version": start})
    assert stale.status_code == 409
    assert stale.json["error"]["code"] and "notes" in stale.json["error"]["fields"]
    assert "your text was not saved" in stale.json["error"]["message"]
    current = api(executive)("GET", url).json
    assert current["notes"] == "MENTOR-TEXT"
    fresh = api(executive)("PATCH", url, {"notes": "BOTH", "notes_version": current["notes_version"]})
    assert fresh.status_code == 200 and fresh.json["notes"] == "BOTH"
    # A client that sends no version writes as it always did.
    assert api(mentor)("PATCH", url, {"notes": "LAST"}).json["notes"] == "LAST"
