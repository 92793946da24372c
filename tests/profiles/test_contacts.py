"""Topic contacts: "whom do I ask about X?" — ranked with reasons, spreading the load."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import text_of


def contacts(client, token, slug="microsoft-teams", **params):
    response = client.get(f"/api/v1/tags/{slug}/contacts", query_string=params, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return response.json


def test_contacts_are_ranked_by_level_activity_and_load_with_reasons(client, create_user, give_tags, mentoring, api_token, taxonomy):
    expert = create_user(roles=["mentor"], name="Erik Expert", capacity=3, availability="Tuesdays after 3 pm")
    practitioner = create_user(roles=["staff"], name="Paula Practitioner")
    interested = create_user(roles=["staff"], name="Ida Interested")
    give_tags(expert, {"microsoft-teams": "expert"})
    give_tags(practitioner, {"microsoft-teams": "practitioner"})
    give_tags(interested, {"microsoft-teams": "interested"})
    executive = create_user(roles=["executive"])
    pair = mentoring.mentorship(expert, executive, status="active", days_ago=200)
    for days in (20, 100, 300):
        mentoring.session(pair, expert, days_ago=days, tags=["microsoft-teams"])
    mentoring.session(pair, expert, days_ago=400, tags=["microsoft-teams"])  # older than a year: not counted

    body = contacts(client, api_token(create_user()))
    assert [item["person"]["name"] for item in body["items"]] == ["Erik Expert", "Paula Practitioner", "Ida Interested"]
    assert body["items"][0]["reasons"] == [
        "expert", "3 sessions on this topic this year", "2 of 3 places free", "available: Tuesdays after 3 pm",
    ]
    assert body["items"][1]["reasons"] == ["practitioner"]
    assert body["total"] == 3
    assert body["items"][0]["score"] > body["items"][1]["score"] > body["items"][2]["score"]


def test_a_fully_booked_expert_ranks_below_a_free_practitioner(client, create_user, give_tags, mentoring, api_token, taxonomy):
    full = create_user(roles=["mentor"], name="Fiona Full", capacity=2)
    free = create_user(roles=["mentor"], name="Frank Free", capacity=2)
    give_tags(full, {"microsoft-teams": "expert"})
    give_tags(free, {"microsoft-teams": "practitioner"})
    mentoring.mentorship(full, create_user(roles=["executive"]), status="active", days_ago=60)
    mentoring.mentorship(full, create_user(roles=["executive"]), status="requested", days_ago=45)
    mentoring.mentorship(full, create_user(roles=["executive"]), status="completed", days_ago=300)  # not open

    body = contacts(client, api_token(create_user()))
    assert [item["person"]["name"] for item in body["items"]] == ["Frank Free", "Fiona Full"]
    assert "fully booked (2 of 2 places taken)" in body["items"][1]["reasons"]
    assert "2 of 2 places free" in body["items"][0]["reasons"]


def test_a_mentor_who_paused_mentoring_offers_no_place_and_moves_down(client, create_user, give_tags, api_token,
                                                                        taxonomy, db):
    from community.accounts.models import User

    paused = create_user(roles=["mentor"], name="Paul Paused", capacity=4)
    free = create_user(roles=["mentor"], name="Frank Free", capacity=2)
    give_tags(paused, {"microsoft-teams": "expert"})
    give_tags(free, {"microsoft-teams": "practitioner"})
    db.session.get(User, paused.id).mentoring_paused = True
    db.session.commit()

    body = contacts(client, api_token(create_user()))
    assert [item["person"]["name"] for item in body["items"]] == ["Frank Free", "Paul Paused"]
    reasons = body["items"][1]["reasons"]
    assert "mentoring paused: takes no new mentees for now" in reasons  # still a contact for questions
    assert not any("free" in reason for reason in reasons)


def test_an_expert_asked_often_lately_drops_below_colleagues(app, client, create_user, give_tags, api_token, taxonomy):
    from community.database import utcnow
    from community.extensions import db
    from community.profiles.models import TopicQuestion
    from tests.conftest import isolated

    popular = create_user(name="Petra Popular")
    quiet = create_user(name="Quentin Quiet")
    give_tags(popular, {"microsoft-teams": "expert"})
    give_tags(quiet, {"microsoft-teams": "practitioner"})
    asker = create_user(name="Asking Colleague")
    token = api_token(asker)
    assert [i["person"]["name"] for i in contacts(client, token)["items"]] == ["Petra Popular", "Quentin Quiet"]

    for i in range(3):
        response = client.send_json("POST", "/api/v1/tags/microsoft-teams/questions",
                                    {"person_id": popular.id, "message": f"Question {i}"}, token=token)
        assert response.status_code == 201

    def old_question():
        with app.app_context():
            tag_id = db.session.scalar(select(TopicQuestion.tag_id))
            db.session.add(TopicQuestion(asker_id=asker.id, person_id=popular.id, tag_id=tag_id, message="old",
                                         created_at=utcnow() - timedelta(days=40)))
            db.session.commit()

    isolated(app, old_question)  # older than 30 days: does not count
    body = contacts(client, token)
    assert [i["person"]["name"] for i in body["items"]] == ["Quentin Quiet", "Petra Popular"]
    assert "asked 3 times in the last 30 days" in body["items"][1]["reasons"]


def test_equally_good_experts_take_turns_week_by_week_but_each_week_is_stable(app, db, create_user, give_tags, taxonomy):
    from community.database import utcnow
    from community.expertise.services import get_tag
    from community.profiles.contacts import ranked_candidates

    experts = [create_user(name=f"Expert {i}") for i in range(4)]
    for person in experts:
        give_tags(person, {"microsoft-teams": "expert"})
    tag = get_tag("microsoft-teams")
    monday = utcnow() - timedelta(days=utcnow().weekday())
    firsts = set()
    for week in range(12):
        now = monday + timedelta(weeks=week)
        order = [c.person_id for c in ranked_candidates(tag, now=now)]
        assert order == [c.person_id for c in ranked_candidates(tag, now=now + timedelta(days=3))]
        assert sorted(order) == sorted(p.id for p in experts)
        firsts.add(order[0])
    assert len(firsts) >= 2


def test_hidden_people_and_the_asker_are_not_contacts(client, create_user, give_tags, api_token, taxonomy):
    me = create_user(name="Me Myself")
    hidden = create_user(name="Hilde Hidden", directory_visible=False)
    gone = create_user(name="Gerd Gone", active=False)
    for person in (me, hidden, gone):
        give_tags(person, {"microsoft-teams": "expert"})
    assert contacts(client, api_token(me))["items"] == []


def test_contacts_are_paginated(client, create_user, give_tags, api_token, taxonomy):
    for i in range(5):
        give_tags(create_user(name=f"Person {i}"), {"linkedin": "practitioner"})
    body = contacts(client, api_token(create_user()), slug="linkedin", per_page=2, page=3)
    assert body["total"] == 5 and len(body["items"]) == 1 and body["page"] == 3


def test_unknown_topic_gives_404_on_page_and_api(client, create_user, api_token, login_as, taxonomy):
    user = create_user()
    response = client.get("/api/v1/tags/no-such-topic/contacts", headers={"Authorization": f"Bearer {api_token(user)}"})
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    login_as(user)
    assert client.get("/tags/no-such-topic/contacts").status_code == 404


def test_contacts_page_explains_each_rank_and_offers_to_ask(client, create_user, give_tags, login_as, taxonomy):
    give_tags(create_user(roles=["mentor"], name="Erik Expert", capacity=3), {"microsoft-teams": "expert"})
    login_as(create_user())
    page = text_of(client.get("/tags/microsoft-teams/contacts"))
    assert "Whom do I ask about Microsoft Teams?" in page
    assert "Erik Expert" in page and "expert" in page and "3 of 3 places free" in page
    assert "Ask about this topic" in page


def test_asking_sends_a_notification_and_is_recorded(client, create_user, give_tags, login_as, db, taxonomy):
    from community.notifications.models import Notification
    from community.profiles.models import TopicQuestion

    expert = create_user(name="Erik Expert")
    give_tags(expert, {"microsoft-teams": "expert"})
    asker = create_user(name="Asking Colleague")
    login_as(asker)
    response = client.post_form("/tags/microsoft-teams/contacts/ask",
                                {"person_id": expert.id, "message": "How do I <script>alert(1)</script> share a channel?"})
    assert response.status_code == 302
    question = db.session.scalar(select(TopicQuestion))
    assert (question.asker_id, question.person_id) == (asker.id, expert.id)
    note = db.session.scalar(select(Notification).where(Notification.user_id == expert.id))
    assert note.kind == "topic_question" and note.link == f"/questions/{question.id}"
    from tests.conftest import login

    expert_browser = client.application.test_client()
    login(expert_browser, expert)
    page = expert_browser.get("/notifications", follow_redirects=True).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "Asking Colleague" in page


def test_questions_are_limited_per_day_with_a_clear_refusal(client, create_user, give_tags, login_as, api_token, db, taxonomy):
    from community.profiles.models import TopicQuestion

    expert = create_user(name="Erik Expert")
    give_tags(expert, {"microsoft-teams": "expert"})
    asker = create_user()
    token = api_token(asker)
    for i in range(5):
        assert client.send_json("POST", "/api/v1/tags/microsoft-teams/questions",
                                {"person_id": expert.id, "message": f"q{i}"}, token=token).status_code == 201
    response = client.send_json("POST", "/api/v1/tags/microsoft-teams/questions",
                                {"person_id": expert.id, "message": "one more"}, token=token)
    assert response.status_code == 429 and response.json["error"]["code"] == "rate_limited"
    login_as(asker)
    page = client.post_form("/tags/microsoft-teams/contacts/ask", {"person_id": expert.id, "message": "one more"})
    assert page.status_code == 200 and "please wait before asking more" in text_of(page)
    assert len(db.session.scalars(select(TopicQuestion)).all()) == 5


@pytest.mark.parametrize("case", ["hidden", "not_holding", "self", "empty", "unknown_person"])
def test_questions_only_go_to_listed_people(client, create_user, give_tags, api_token, taxonomy, case):
    asker = create_user()
    target = {
        "hidden": lambda: create_user(directory_visible=False),
        "not_holding": lambda: create_user(),
        "self": lambda: asker,
        "empty": lambda: create_user(),
        "unknown_person": lambda: None,
    }[case]()
    if target is not None and case in ("hidden", "self", "empty"):
        give_tags(target, {"microsoft-teams": "expert"})
    body = {"person_id": target.id if target else 999999, "message": "" if case == "empty" else "Hi"}
    response = client.send_json("POST", "/api/v1/tags/microsoft-teams/questions", body, token=api_token(asker))
    assert response.status_code == {"hidden": 404, "not_holding": 404, "self": 422, "empty": 422, "unknown_person": 404}[case]


def test_the_cached_contacts_page_leaves_out_each_listed_viewer_and_shows_changes_at_once(
        app, create_user, give_tags, api_token, taxonomy):
    """The rendered list is shared between viewers; a listed person still never sees themselves,
    and a contact who hides disappears for everyone on the next visit."""
    from tests.conftest import CSRFClient, login

    erik = create_user(roles=["mentor"], name="Erik Expert")
    paula = create_user(roles=["staff"], name="Paula Practitioner")
    give_tags(erik, {"microsoft-teams": "expert"})
    give_tags(paula, {"microsoft-teams": "practitioner"})
    outsider = create_user(roles=["staff"], name="Otto Outsider")

    def page_for(user) -> str:
        client = CSRFClient(app, app.response_class, use_cookies=True)
        assert login(client, user).status_code == 302
        response = client.get("/tags/microsoft-teams/contacts")
        assert response.status_code == 200
        return text_of(response).split("Whom do I ask about")[1]  # the page body, not the menu

    first = page_for(outsider)
    assert "Erik Expert" in first and "Paula Practitioner" in first and "2 contacts" in first
    own = page_for(erik)
    assert "Erik Expert" not in own and "Paula Practitioner" in own and "1 contact" in own
    assert "Erik Expert" in page_for(paula)

    client = CSRFClient(app, app.response_class)
    assert client.send_json("PATCH", f"/api/v1/people/{erik.id}", {"directory_visible": False},
                            token=api_token(erik)).status_code == 200
    after = page_for(outsider)
    assert "Erik Expert" not in after and "1 contact" in after


def test_reasons_against_asking_now_are_not_ticked_like_the_others(client, create_user, give_tags, login_as, taxonomy):
    """"✓ mentoring paused: takes no new mentees for now" had the same tick as "✓ expert"."""
    paused = create_user(roles=("mentor",), name="Paula Paused", mentoring_paused=True, capacity=2)
    give_tags(paused, {"sharepoint": "expert"})
    login_as(create_user(name="Sam Staff"))
    html = client.get("/tags/sharepoint/contacts").get_data(as_text=True)
    card = html.split("Paula Paused")[1]
    assert re.search(r'<li class="reason-caveat"><i class="bi bi-dash-circle"[^>]*></i> mentoring paused', card)
    assert re.search(r'<li><i class="bi bi-check2"[^>]*></i> expert</li>', card)


def test_a_profile_offers_to_ask_its_person_about_each_of_their_topics(client, create_user, give_tags, login_as, taxonomy):
    """Staff reading a mentor's profile had no way to ask them anything from it."""
    mentor = create_user(roles=("mentor",), name="Sofia Sharepoint")
    give_tags(mentor, {"sharepoint": "expert", "linkedin": "practitioner", "onedrive": "interested"})
    login_as(create_user(name="Sam Staff"))
    html = client.get(f"/people/{mentor.id}").get_data(as_text=True)
    links = re.findall(r'href="(/tags/[a-z-]+/contacts\?ask=\d+#ask)"', html.split('class="ask-about')[1])
    # The topics they practise; not one they are only interested in.
    assert sorted(links) == [f"/tags/linkedin/contacts?ask={mentor.id}#ask", f"/tags/sharepoint/contacts?ask={mentor.id}#ask"]
    form = client.get(f"/tags/sharepoint/contacts?ask={mentor.id}").get_data(as_text=True)
    assert re.search(rf'<option[^>]*selected[^>]*value="{mentor.id}"|<option[^>]*value="{mentor.id}"[^>]*selected', form)
    client.post_form("/logout")
    login_as(mentor)  # not on their own profile
    assert 'class="ask-about' not in client.get(f"/people/{mentor.id}").get_data(as_text=True)
