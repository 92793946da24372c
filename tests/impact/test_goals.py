"""Learning goals with progress: marked by the pair only, on the mentorship page and in the API."""

from __future__ import annotations

from tests.conftest import login, text_of


def test_the_pair_marks_goal_progress_on_the_page_and_the_mentorship_shows_it(app, client, make_run):
    run = make_run(pairs=1)
    mentorship_id = run.mentorships[0]
    login(client, run.mentors[0])
    page = text_of(client.get(f"/mentoring/mentorships/{mentorship_id}"))
    assert "Microsoft Teams" in page and "planned" in page
    response = client.post_form(f"/mentoring/mentorships/{mentorship_id}/goals",
                                {"goal": "microsoft-teams", "progress": "in_progress"})
    assert response.status_code == 302
    executive = app.test_client()
    login(executive, run.executives[0])
    executive.post_form(f"/mentoring/mentorships/{mentorship_id}/goals", {"goal": "linkedin", "progress": "reached"})
    page = text_of(executive.get(f"/mentoring/mentorships/{mentorship_id}"))
    assert "LinkedIn reached" in page and "Microsoft Teams in progress" in page


def test_goal_progress_in_the_api_keeps_the_goal_slugs(app, client, api_token, make_run):
    run = make_run(pairs=1)
    mentorship_id = run.mentorships[0]
    token = api_token(run.executives[0])
    response = client.send_json("PATCH", f"/api/v1/mentorships/{mentorship_id}/goals/linkedin", {"progress": "reached"},
                                token=token)
    assert response.status_code == 200
    body = response.get_json()
    assert sorted(body["goals"]) == ["linkedin", "microsoft-teams"]  # the existing field is unchanged
    progress = {g["slug"]: g["progress"] for g in body["goal_progress"]}
    assert progress == {"linkedin": "reached", "microsoft-teams": "planned"}
    got = client.send_json("GET", f"/api/v1/mentorships/{mentorship_id}", token=token).get_json()
    assert {g["slug"]: g["progress"] for g in got["goal_progress"]} == progress


def test_only_the_pair_marks_goals(app, client, api_token, create_user, make_run):
    run = make_run(pairs=1)
    mentorship_id = run.mentorships[0]
    url = f"/api/v1/mentorships/{mentorship_id}/goals/linkedin"
    assert client.send_json("PATCH", url, {"progress": "reached"}, token=api_token(run.manager)).status_code == 403
    outsider = create_user(roles=("staff", "admin"))
    assert client.send_json("PATCH", url, {"progress": "reached"}, token=api_token(outsider)).status_code == 404
    login(client, run.manager)
    page = client.post_form(f"/mentoring/mentorships/{mentorship_id}/goals", {"goal": "linkedin", "progress": "reached"})
    assert page.status_code == 403
    token = api_token(run.mentors[0])
    assert client.send_json("PATCH", f"/api/v1/mentorships/{mentorship_id}/goals/sharepoint", {"progress": "reached"},
                            token=token).status_code == 404  # not one of its goals
    assert client.send_json("PATCH", url, {"progress": "done"}, token=token).status_code == 422
    body = client.send_json("GET", f"/api/v1/mentorships/{mentorship_id}", token=token).get_json()
    assert {g["progress"] for g in body["goal_progress"]} == {"planned"}


def test_goals_of_a_request_cannot_be_marked_yet(app, client, api_token, create_user, create_mentorship, taxonomy):
    mentor = create_user(roles=("mentor",), capacity=2)
    executive = create_user(roles=("executive",))
    mentorship_id = create_mentorship(mentor, executive, status="requested")
    response = client.send_json("PATCH", f"/api/v1/mentorships/{mentorship_id}/goals/linkedin", {"progress": "reached"},
                                token=api_token(executive))
    assert response.status_code == 409
