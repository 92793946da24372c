"""A mentorship's learning goals: each shows where it stands once (a chip with the word), and
the pair moves it on with buttons that name the new state."""

from __future__ import annotations

import re

from tests.conftest import text_of


def _goal_rows(page: str) -> dict[str, str]:
    """Each goal row's visible text (screen-reader-only text left out), by its topic."""
    block = page.split('aria-labelledby="goals-heading"', 1)[1].split("</section>", 1)[0]
    rows = {}
    for item in re.findall(r"<li>(.*?)</li>", block, flags=re.S):
        item = re.sub(r'<span class="visually-hidden">.*?</span>', "", item, flags=re.S)
        text = " ".join(re.sub(r"<[^>]+>", " ", item).split())
        topic = re.search(r'class="goal-topic">([^<]+)<', item).group(1)
        rows[topic] = text
    return rows


def test_each_goal_shows_its_state_once_with_buttons_for_the_others(client, login_as, people, create_mentorship):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    login_as(mentor)
    page = client.get(f"/mentoring/mentorships/{mentorship_id}").get_data(as_text=True)
    assert _goal_rows(page) == {
        "LinkedIn": "LinkedIn planned Mark in progress Mark reached",
        "Microsoft Teams": "Microsoft Teams planned Mark in progress Mark reached",
    }
    assert "<select" not in page.split('aria-labelledby="goals-heading"', 1)[1].split("</section>", 1)[0]

    response = client.post_form(f"/mentoring/mentorships/{mentorship_id}/goals",
                                {"goal": "microsoft-teams", "progress": "in_progress"}, follow_redirects=True)
    assert "Microsoft Teams: in progress." in text_of(response)
    rows = _goal_rows(response.get_data(as_text=True))
    assert rows["Microsoft Teams"] == "Microsoft Teams in progress Mark reached Back to planned"
    client.post_form(f"/mentoring/mentorships/{mentorship_id}/goals", {"goal": "microsoft-teams", "progress": "reached"})
    rows = _goal_rows(client.get(f"/mentoring/mentorships/{mentorship_id}").get_data(as_text=True))
    assert rows["Microsoft Teams"] == "Microsoft Teams reached Mark in progress Back to planned"


def test_the_buttons_name_the_goal_for_screen_readers(client, login_as, people, create_mentorship):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, goals=("linkedin",))
    login_as(executive)
    page = client.get(f"/mentoring/mentorships/{mentorship_id}").get_data(as_text=True)
    assert re.search(r'<button type="submit" name="progress" value="reached"[^>]*>Mark reached'
                     r'<span class="visually-hidden">: LinkedIn</span></button>', page)


def test_people_outside_the_pair_and_requests_get_no_buttons(client, login_as, people, create_mentorship, create_user):
    mentor, executive = people()
    requested = create_mentorship(mentor, executive, status="requested")
    login_as(executive)
    rows = _goal_rows(client.get(f"/mentoring/mentorships/{requested}").get_data(as_text=True))
    assert rows["LinkedIn"] == "LinkedIn planned"  # not marked before the mentor has said yes
    client.post_form("/logout")

    active = create_mentorship(mentor, create_user(roles=("executive",)))
    login_as(create_user(roles=("change_manager",)))
    page = client.get(f"/mentoring/mentorships/{active}")
    assert page.status_code == 200
    assert _goal_rows(page.get_data(as_text=True))["LinkedIn"] == "LinkedIn planned"
    refused = client.post_form(f"/mentoring/mentorships/{active}/goals", {"goal": "linkedin", "progress": "reached"})
    assert refused.status_code == 403


def test_an_unknown_state_is_refused_with_a_message(client, login_as, people, create_mentorship):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, goals=("linkedin",))
    login_as(mentor)
    response = client.post_form(f"/mentoring/mentorships/{mentorship_id}/goals",
                                {"goal": "linkedin", "progress": "done"}, follow_redirects=True)
    assert response.status_code == 200
    assert _goal_rows(response.get_data(as_text=True))["LinkedIn"].startswith("LinkedIn planned")
    assert "Choose planned, in progress or reached." in text_of(response)


def test_the_goals_read_in_german(client, login_as, people, create_mentorship):
    mentor, executive = people(mentor_fields={"locale": "de"})
    mentorship_id = create_mentorship(mentor, executive, goals=("linkedin",))
    login_as(mentor)
    client.post_form(f"/mentoring/mentorships/{mentorship_id}/goals", {"goal": "linkedin", "progress": "in_progress"})
    rows = _goal_rows(client.get(f"/mentoring/mentorships/{mentorship_id}").get_data(as_text=True))
    assert rows["LinkedIn"].startswith("LinkedIn in Arbeit ")  # the buttons' German comes with the catalogue
    assert rows["LinkedIn"].count("in Arbeit") == 1
