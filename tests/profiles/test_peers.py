"""The mentors' peer finder: similar and complementary mentors not yet connected."""

from __future__ import annotations

import html

import pytest

from tests.conftest import text_of


@pytest.fixture
def pool(create_user, give_tags, mentoring, taxonomy):
    me = create_user(roles=["mentor"], name="Mia Mentor", department="Sales")
    give_tags(me, {"microsoft-teams": "expert", "sharepoint": "practitioner", "video-calls": "practitioner",
                   "dashboards": "interested"})
    similar = create_user(roles=["mentor"], name="Sam Similar")
    give_tags(similar, {"microsoft-teams": "expert", "sharepoint": "expert", "video-calls": "practitioner"})
    complementary = create_user(roles=["mentor"], name="Cleo Complementary")
    give_tags(complementary, {"whiteboarding": "expert", "onedrive": "expert"})
    data = create_user(roles=["mentor"], name="Dana Data")
    give_tags(data, {"data-literacy": "expert", "dashboards": "practitioner"})
    connected = create_user(roles=["mentor"], name="Conny Connected")
    give_tags(connected, {"microsoft-teams": "expert", "sharepoint": "expert", "whiteboarding": "expert"})
    hidden = create_user(roles=["mentor"], name="Hanna Hidden", directory_visible=False)
    give_tags(hidden, {"microsoft-teams": "expert", "sharepoint": "expert"})
    staff = create_user(roles=["staff"], name="Stefan Staff")
    give_tags(staff, {"microsoft-teams": "expert", "sharepoint": "expert"})
    executive = create_user(roles=["executive"], name="Eva Executive")
    mentoring.mentorship(me, executive, status="completed", days_ago=300)
    mentoring.mentorship(connected, executive, status="active", days_ago=30)
    return me


def test_mentor_sees_similar_and_complementary_peers_with_reasons(client, create_user, api_token, pool):
    response = client.get(f"/api/v1/people/{pool.id}/peers", headers={"Authorization": f"Bearer {api_token(create_user())}"})
    assert response.status_code == 200
    items = {item["person"]["name"]: item for item in response.json["items"]}
    assert items["Sam Similar"]["kind"] == "similar"
    assert items["Sam Similar"]["reasons"][0].startswith("shares 3 topics: ")
    assert "Microsoft Teams" in items["Sam Similar"]["reasons"][0]
    assert items["Cleo Complementary"]["kind"] == "complementary"
    assert items["Cleo Complementary"]["reasons"] == [
        "covers OneDrive & file sharing, Digital whiteboards in the field Collaboration"  # Mia's field, not the reader's
    ]
    assert items["Dana Data"]["kind"] == "complementary"
    assert "in the field Data & AI" in items["Dana Data"]["reasons"][0]
    assert all(item["score"] > 0 for item in items.values())
    own = client.get(f"/api/v1/people/{pool.id}/peers", headers={"Authorization": f"Bearer {api_token(pool)}"})
    mine = {item["person"]["name"]: item for item in own.json["items"]}
    assert mine["Cleo Complementary"]["reasons"] == [
        "covers OneDrive & file sharing, Digital whiteboards in your field Collaboration"
    ]


def test_connected_hidden_and_non_mentors_are_not_suggested(client, api_token, pool):
    response = client.get(f"/api/v1/people/{pool.id}/peers", headers={"Authorization": f"Bearer {api_token(pool)}"})
    names = {item["person"]["name"] for item in response.json["items"]}
    assert names == {"Sam Similar", "Cleo Complementary", "Dana Data"}


def test_only_the_mentor_and_change_managers_see_connected_mentors_left_out(client, create_user, api_token, login_as,
                                                                            give_tags, mentoring, taxonomy):
    """Mentors A and B each mentored the same executive, hidden from the directory; C did not.
    A staff member saw C only among A's peers but A and B among C's: B's absence told them that
    A and B share an executive, which only the pair and change managers may see."""
    topics = {"microsoft-teams": "expert", "sharepoint": "expert", "video-calls": "practitioner"}
    a, b, c = (create_user(roles=["mentor"], name=name) for name in ("Anna A", "Bert B", "Cora C"))
    for mentor in (a, b, c):
        give_tags(mentor, topics)
    executive = create_user(roles=["executive"], name="Hidden Executive", directory_visible=False)
    mentoring.mentorship(a, executive, status="completed", days_ago=200)
    mentoring.mentorship(b, executive, status="active", days_ago=20)
    staff, manager = create_user(roles=["staff"]), create_user(roles=["change_manager"])

    def peers_of(viewer, mentor) -> set[str]:
        response = client.get(f"/api/v1/people/{mentor.id}/peers", headers={"Authorization": f"Bearer {api_token(viewer)}"})
        return {item["person"]["name"] for item in response.json["items"]}

    for viewer in (staff, c, create_user(roles=["admin"])):
        assert peers_of(viewer, a) == {"Bert B", "Cora C"}
        assert peers_of(viewer, c) == {"Anna A", "Bert B"}
    for viewer in (a, manager):
        assert peers_of(viewer, a) == {"Cora C"}
    assert peers_of(b, b) == {"Cora C"}

    login_as(staff)
    page = html.unescape(text_of(client.get(f"/people/{a.id}/peers")))
    assert "Bert B" in page and "Cora C" in page
    assert "not yet connected" not in page and "Mentors who work on the same topics as Anna A" in page
    client.post_form("/logout")
    login_as(a)
    page = html.unescape(text_of(client.get(f"/people/{a.id}/peers")))
    assert "Bert B" not in page and "Mentors you are not yet connected to" in page
    client.post_form("/logout")
    login_as(manager)
    page = html.unescape(text_of(client.get(f"/people/{a.id}/peers")))
    assert "Bert B" not in page and "Mentors not yet connected to Anna A" in page


def test_connected_mentors_are_those_sharing_an_executive(app, db, pool):
    from community.accounts.models import User
    from community.profiles.peers import connected_mentor_ids

    conny = db.session.scalar(db.select(User).where(User.name == "Conny Connected"))
    assert connected_mentor_ids(pool.id) == {conny.id}
    assert connected_mentor_ids(conny.id) == {pool.id}


def test_peers_page_shows_both_kinds(client, create_user, login_as, pool):
    login_as(create_user())
    page = html.unescape(text_of(client.get(f"/people/{pool.id}/peers")))
    assert "Similar mentors" in page and "Complementary mentors" in page
    assert "Sam Similar" in page and "shares 3 topics" in page
    assert "covers OneDrive & file sharing, Digital whiteboards in the field Collaboration" in page
    assert "your field" not in page and "Add topics to your profile" not in page


def test_peer_finder_is_only_for_mentors(client, create_user, api_token, login_as):
    staff = create_user(name="Stefan Staff")
    response = client.get(f"/api/v1/people/{staff.id}/peers", headers={"Authorization": f"Bearer {api_token(staff)}"})
    assert response.status_code == 404
    assert "Stefan Staff is not a mentor" in response.json["error"]["message"]
    login_as(staff)
    page = client.get(f"/people/{staff.id}/peers")
    assert page.status_code == 404 and "Stefan Staff is not a mentor" in text_of(page)
    assert client.get("/people/999999/peers").status_code == 404


def test_peer_records_are_loaded_in_a_few_queries(app, db, create_user, give_tags, taxonomy, count_statements):
    from community.profiles.peers import mentor_records

    first = create_user(roles=["mentor"])
    give_tags(first, {"linkedin": "expert"})

    def load():
        with app.app_context():
            mentor_records(include_id=first.id)

    few = count_statements(load)
    for i in range(15):
        give_tags(create_user(roles=["mentor"], name=f"Mentor {i}"), {"linkedin": "expert", "sharepoint": "interested"})
    assert count_statements(load) == few <= 4  # BEGIN (SQLite) + mentors, topics, taxonomy
