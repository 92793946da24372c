"""The mentors' peer finder: similar and complementary mentors not yet connected."""

from __future__ import annotations

import html
import re

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
    assert mine["Cleo Complementary"]["ask_topic"] == "onedrive" and mine["Dana Data"]["ask_topic"] == "dashboards"
    asked = client.post(f"/api/v1/tags/{mine['Cleo Complementary']['ask_topic']}/questions",
                        json={"person_id": mine["Cleo Complementary"]["person"]["id"], "message": "How do you share?"},
                        headers={"Authorization": f"Bearer {api_token(pool)}"})
    assert asked.status_code == 201
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


def test_a_peer_card_offers_to_ask_the_peer_about_a_topic_they_cover(client, login_as, pool):
    """The action of a peer card: ask the peer about a topic they cover that the mentor lacks
    (complementary), else one they share; it opens the topic's contacts page with the peer
    chosen in the ask form, and the question goes to them."""
    login_as(pool)
    page = client.get(f"/people/{pool.id}/peers").get_data(as_text=True)
    cards = {name: card for card in page.split('<article class="card person-card')[1:]
             for name in ("Sam Similar", "Cleo Complementary", "Dana Data") if name in card}
    cleo_link = re.search(r'href="(/tags/onedrive/contacts\?ask=(\d+)#ask)"', cards["Cleo Complementary"])
    assert cleo_link and "Ask about OneDrive &amp; file sharing" in cards["Cleo Complementary"]
    assert "/tags/dashboards/contacts?ask=" in cards["Dana Data"]  # she practises it, Mia is only interested
    assert re.search(r'/tags/(microsoft-teams|sharepoint|video-calls)/contacts\?ask=', cards["Sam Similar"])  # shared
    contacts = client.get(cleo_link.group(1).replace("#ask", "")).get_data(as_text=True)
    assert f'<option value="{cleo_link.group(2)}" selected>Cleo Complementary</option>' in contacts
    asked = client.post_form("/tags/onedrive/contacts/ask", {"person_id": cleo_link.group(2), "message": "How do you share?"})
    assert asked.status_code == 302 and "/questions/" in asked.headers["Location"]


def test_the_ask_form_offers_a_named_contact_from_another_page_and_no_one_else(client, create_user, login_as, pool, db):
    from sqlalchemy import select

    from community.accounts.models import User

    def whom(page: str) -> list[tuple[str, str]]:  # the ask form's choice of person: (id, " selected" or "")
        select_ = re.search(r'<select class="form-select" id="person_id".*?</select>', page, re.S).group(0)
        return re.findall(r'<option value="(\d+)"( selected)?>', select_)

    def contacts(slug: str, ask: int | None = None) -> str:
        return client.get(f"/tags/{slug}/contacts?per_page=1" + (f"&ask={ask}" if ask else "")).get_data(as_text=True)

    person = {name: db.session.scalar(select(User.id).where(User.name == name))
              for name in ("Cleo Complementary", "Conny Connected", "Hanna Hidden", "Stefan Staff")}
    login_as(create_user(name="Reader"))
    first = contacts("whiteboarding")  # two contacts, one per page
    assert "2 contacts" in first and len(whom(first)) == 1
    shown = int(whom(first)[0][0])
    other = next(i for i in (person["Cleo Complementary"], person["Conny Connected"]) if i != shown)
    named = contacts("whiteboarding", ask=other)
    assert whom(named) == [(str(other), " selected"), (str(shown), "")]
    assert named.count('<article class="card person-card') == 1  # the list itself stays the page's
    # Hidden from the directory, not listed for the topic, unknown: nothing is added, and the
    # form reads as if no one had been named.
    hidden = contacts("microsoft-teams", ask=person["Hanna Hidden"])
    assert "Hanna Hidden" not in hidden and whom(hidden) == whom(contacts("microsoft-teams", ask=99_999))
    for nobody in (person["Stefan Staff"], 99_999):
        assert whom(contacts("whiteboarding", ask=nobody)) == [(str(shown), "")], nobody
    # Nor is the reader, who is not listed on their own topic's page.
    client.post_form("/logout")
    login_as(db.session.get(User, shown))
    assert whom(contacts("whiteboarding", ask=shown)) == [(str(other), "")]


def test_a_long_list_of_peers_shows_the_strongest_first_and_the_rest_on_request(client, create_user, give_tags, login_as,
                                                                                taxonomy):
    me = create_user(roles=["mentor"], name="Mia Mentor")
    give_tags(me, {"microsoft-teams": "expert", "sharepoint": "practitioner"})
    for n in range(11):
        give_tags(create_user(roles=["mentor"], name=f"Peer {n:02d}"), {"microsoft-teams": "expert", "sharepoint": "expert"})
    login_as(me)

    def similar_cards(page: str) -> int:
        section = page.split('id="similar"', 1)[1].split("</section>", 1)[0]
        return section.count('<article class="card person-card')

    page = client.get(f"/people/{me.id}/peers").get_data(as_text=True)
    assert similar_cards(page) == 8
    more = re.search(r'<a href="([^"]+)">Show all 11 similar mentors</a>', page)
    assert more and more.group(1) == f"/people/{me.id}/peers?more=similar#similar"
    everyone = client.get(more.group(1).split("#")[0]).get_data(as_text=True)
    assert similar_cards(everyone) == 11 and "Show all 11 similar mentors" not in everyone
    assert similar_cards(client.get(f"/people/{me.id}/peers?more=anything").get_data(as_text=True)) == 8
