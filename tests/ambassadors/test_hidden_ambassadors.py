"""An ambassador hidden from the directory is not listed in the ambassador directory either
(page and API, filters included), except for themselves, change managers and admins, who
see the mark "hidden"."""

import pytest

from tests.conftest import text_of


@pytest.fixture
def ambassadors(create_user):
    return {
        "shown": create_user(roles=["mentor"], name="Vera Visible", is_ambassador=True, department="Sales", location="Kiel"),
        "hidden": create_user(roles=["mentor"], name="Hanna Hidden", is_ambassador=True, directory_visible=False,
                              department="Skunkworks", location="Atlantis"),
    }


def _api_names(client, api_token, user, query=""):
    response = client.send_json("GET", f"/api/v1/ambassadors{query}", None, token=api_token(user))
    assert response.status_code == 200
    return [item["name"] for item in response.json["items"]], response.json["total"]


def test_a_hidden_ambassador_is_not_listed_for_members(client, login_as, api_token, create_user, ambassadors):
    staff = create_user(roles=["staff"])
    assert _api_names(client, api_token, staff) == (["Vera Visible"], 1)
    # Filtering on what only the hidden person has finds nothing, like a value nobody has.
    assert _api_names(client, api_token, staff, "?department=Skunkworks") == ([], 0)
    assert _api_names(client, api_token, staff, "?location=Atlantis") == ([], 0)
    login_as(staff)
    page = text_of(client.get("/ambassadors"))
    assert "Vera Visible" in page and "1 ambassador" in page
    assert "Hanna Hidden" not in page and "Skunkworks" not in page and "Atlantis" not in page
    assert f"/people/{ambassadors['hidden'].id}" not in page
    assert client.get(f"/people/{ambassadors['hidden'].id}").status_code == 404


def test_change_managers_and_the_person_see_a_hidden_ambassador_marked(client, login_as, api_token, create_user, ambassadors):
    manager = create_user(roles=["change_manager"])
    assert _api_names(client, api_token, manager) == (["Hanna Hidden", "Vera Visible"], 2)
    login_as(manager)
    page = text_of(client.get("/ambassadors"))
    assert "Hanna Hidden" in page and "hidden" in page and "Skunkworks" in page  # the filter offers it too
    assert f"/ambassadors/{ambassadors['hidden'].id}/end" in client.get("/ambassadors").get_data(as_text=True)
    client.post_form("/logout")
    assert _api_names(client, api_token, ambassadors["hidden"]) == (["Hanna Hidden", "Vera Visible"], 2)
