"""A mentor hidden from the directory is not offered to an executive anywhere: not among the
request form's mentors, the mentor suggestions or the substitutes of a handover; and asking for
them by id answers exactly like asking for nobody. Change managers (who see hidden profiles)
still can, and so can an executive who already worked with them."""

import pytest

from tests.conftest import text_of


@pytest.fixture
def org(create_user, give_tags, taxonomy):
    shown = create_user(roles=("mentor",), name="Vera Visible", department="IT", languages=["de"], capacity=3)
    hidden = create_user(roles=("mentor",), name="Hanna Hidden", department="Skunkworks", languages=["de"], capacity=3,
                         directory_visible=False)
    for mentor in (shown, hidden):
        give_tags(mentor, {"microsoft-teams": "expert"})
    return {
        "shown": shown, "hidden": hidden,
        "executive": create_user(roles=("executive",), name="Eva Executive", department="Sales", languages=["de"]),
        "cm": create_user(roles=("change_manager",), name="Chris Change"),
    }


def _names(response):
    assert response.status_code == 200
    return [item["person"]["name"] for item in response.json["items"]]


def test_an_executive_is_not_offered_a_hidden_mentor(org, api, client, login_as):
    executive = org["executive"]
    call = api(executive)
    suggested = _names(call("GET", f"/api/v1/mentors/suggestions?executive={executive.id}&goal=microsoft-teams"))
    assert suggested == ["Vera Visible"]
    login_as(executive)
    form = text_of(client.get("/mentoring/request"))
    assert "Vera Visible" in form and "Hanna Hidden" not in form and "Skunkworks" not in form
    page = text_of(client.get("/mentoring/suggestions?goal=microsoft-teams"))
    assert "Vera Visible" in page and "Hanna Hidden" not in page


def test_asking_for_a_hidden_mentor_answers_like_asking_for_nobody(org, api):
    call = api(org["executive"])
    hidden = call("POST", "/api/v1/mentorships", {"mentor_id": org["hidden"].id, "goals": ["microsoft-teams"]})
    missing = call("POST", "/api/v1/mentorships", {"mentor_id": 999_999, "goals": ["microsoft-teams"]})
    assert hidden.status_code == missing.status_code == 422
    assert hidden.get_json() == missing.get_json()
    assert "Hanna" not in hidden.get_data(as_text=True)
    assert call("POST", "/api/v1/mentorships", {"mentor_id": org["shown"].id, "goals": ["microsoft-teams"]}).status_code == 201


def test_a_change_manager_still_matches_a_hidden_mentor(org, api, client, login_as):
    executive = org["executive"]
    call = api(org["cm"])
    suggested = _names(call("GET", f"/api/v1/mentors/suggestions?executive={executive.id}&goal=microsoft-teams"))
    assert set(suggested) == {"Vera Visible", "Hanna Hidden"}
    login_as(org["cm"])
    assert "Hanna Hidden" in text_of(client.get("/mentoring/request"))
    created = call("POST", "/api/v1/mentorships", {"mentor_id": org["hidden"].id, "executive_id": executive.id,
                                                   "goals": ["microsoft-teams"]})
    assert created.status_code == 201


def test_handover_substitutes_leave_out_a_hidden_mentor_for_the_executive(org, api, create_user, create_mentorship):
    leaver = create_user(roles=("mentor",), name="Lena Leaver", department="IT", languages=["de"], capacity=3)
    ship = create_mentorship(leaver, org["executive"], goals=("microsoft-teams",))
    call = api(org["executive"])
    substitutes = _names(call("GET", f"/api/v1/mentorships/{ship}/substitutes"))
    assert "Vera Visible" in substitutes and "Hanna Hidden" not in substitutes
    hidden = call("POST", f"/api/v1/mentorships/{ship}/handover", {"mentor_id": org["hidden"].id})
    missing = call("POST", f"/api/v1/mentorships/{ship}/handover", {"mentor_id": 999_999})
    assert hidden.status_code == missing.status_code == 422
    assert hidden.get_json() == missing.get_json()
    assert "Hanna Hidden" in _names(api(org["cm"])("GET", f"/api/v1/mentorships/{ship}/substitutes"))
    assert api(org["cm"])("POST", f"/api/v1/mentorships/{ship}/handover", {"mentor_id": org["hidden"].id}).status_code == 201


def test_an_executive_who_worked_with_a_hidden_mentor_may_ask_them_again(org, api, create_mentorship):
    create_mentorship(org["hidden"], org["executive"], status="completed")
    call = api(org["executive"])
    suggested = _names(call("GET", f"/api/v1/mentors/suggestions?executive={org['executive'].id}&goal=microsoft-teams"))
    assert "Hanna Hidden" in suggested
    again = call("POST", "/api/v1/mentorships", {"mentor_id": org["hidden"].id, "goals": ["microsoft-teams"]})
    assert again.status_code == 201


def test_a_mentorship_page_names_a_hidden_mentor_without_a_link_to_their_404_profile(
        org, create_mentorship, client, become):
    """The executive's mentorship page names the mentor who hid from the directory, but their
    profile answers 404 to the executive: the name is no longer a link to it. A visible mentor
    stays linked."""
    hidden_pair = create_mentorship(org["hidden"], org["executive"])
    shown_pair = create_mentorship(org["shown"], org["executive"])
    become(org["executive"])
    for mentorship_id, mentor, linked in ((hidden_pair, org["hidden"], False), (shown_pair, org["shown"], True)):
        page = client.get(f"/mentoring/mentorships/{mentorship_id}")
        assert page.status_code == 200 and mentor.name in text_of(page)
        assert (f'href="/people/{mentor.id}"' in page.get_data(as_text=True)) is linked, mentor.name
        assert client.get(f"/people/{mentor.id}").status_code == (200 if linked else 404)
