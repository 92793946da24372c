"""Moderators list the removed threads through the API (`GET /api/v1/threads/removed`), as the
page "Removed threads" shows them: newest removal first, each with its category, author, who
removed it, when and why. Nobody else learns anything from it."""

from __future__ import annotations

import pytest

from tests.discussions.test_queries import count_statements

LIST = "/api/v1/threads/removed"


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _remove(client, token: str, thread_id: int, reason: str | None = None) -> None:
    body = {"reason": reason} if reason is not None else None
    assert client.send_json("DELETE", f"/api/v1/threads/{thread_id}", body, token=token).status_code == 204


@pytest.fixture
def removal_world(create_user, create_category, create_thread, create_tag):
    create_tag("microsoft-teams", "Microsoft Teams")
    tools = create_category(name="Tools & tricks", name_de="Tools & Tricks")
    lounge = create_category(name="Mentor lounge", visibility="mentors")
    sam, mia = create_user(name="Sam Spammer"), create_user(roles=["mentor"], name="Mia Mentor")
    return {
        "older": create_thread(sam, category=tools, title="Cheap watches", tags=["microsoft-teams"]),
        "newer": create_thread(mia, category=lounge, title="Off-topic rant"),
        "kept": create_thread(sam, category=tools, title="Teams channels per project"),
        "tools": tools, "lounge": lounge, "sam": sam, "mia": mia,
        "mona": create_user(roles=["change_manager"], name="Mona Moderator"),
        "adam": create_user(roles=["admin"], name="Adam Admin"),
    }


def test_moderators_list_removed_threads_newest_removal_first_with_who_when_and_why(client, api_token, removal_world):
    world = removal_world
    mona, adam = api_token(world["mona"]), api_token(world["adam"])
    assert client.get(LIST, headers=_bearer(mona)).json == {"items": [], "page": 1, "per_page": 20, "total": 0, "more": False}

    # The newer thread is removed first: the list follows the removals, not the threads' age.
    _remove(client, mona, world["newer"].id, "Belongs in the lounge's archive")
    _remove(client, adam, world["older"].id)
    listed = client.get(LIST, headers=_bearer(mona))
    assert listed.status_code == 200 and listed.json["total"] == 2
    older, newer = listed.json["items"]
    assert [older["id"], newer["id"]] == [world["older"].id, world["newer"].id]
    assert older["title"] == "Cheap watches" and older["tags"] == ["microsoft-teams"]
    assert older["category"] == {"id": world["tools"].id, "slug": world["tools"].slug, "name": "Tools & tricks",
                                 "name_de": "Tools & Tricks"}
    assert older["author"]["name"] == "Sam Spammer" and older["removed_by"]["name"] == "Adam Admin"
    assert older["removed"] is True and older["removal_reason"] is None
    assert newer["category"]["name"] == "Mentor lounge" and newer["author"]["name"] == "Mia Mentor"
    assert newer["removed_by"]["name"] == "Mona Moderator" and newer["removal_reason"] == "Belongs in the lounge's archive"
    assert older["removed_at"] > newer["removed_at"]
    assert client.get(LIST, headers=_bearer(adam)).json["items"] == listed.json["items"]

    # Pages as every list of the API; a restored thread leaves the list.
    second = client.get(LIST, query_string={"page": 2, "per_page": 1}, headers=_bearer(mona)).json
    assert [t["id"] for t in second["items"]] == [world["newer"].id] and second["total"] == 2
    assert client.get(LIST, query_string={"page": 3, "per_page": 1}, headers=_bearer(mona)).json["items"] == []
    assert client.send_json("POST", f"/api/v1/threads/{world['older'].id}/restore", token=mona).status_code == 200
    after = client.get(LIST, headers=_bearer(mona)).json
    assert [t["id"] for t in after["items"]] == [world["newer"].id] and after["total"] == 1


def test_members_are_refused_with_the_api_error_and_learn_nothing(client, api_token, removal_world, create_user):
    world = removal_world
    _remove(client, api_token(world["mona"]), world["older"].id, "Advertising")
    # The author of a removed thread, a mentor and an executive alike: 403, no thread named.
    for person in (world["sam"], world["mia"], create_user(roles=["executive"])):
        refused = client.get(LIST, headers=_bearer(api_token(person)))
        assert refused.status_code == 403, person.name
        assert refused.json["error"]["code"] == "forbidden" and refused.json["error"]["message"]
        assert "Cheap watches" not in refused.get_data(as_text=True)
        # Bad parameters are refused as for anyone (422, before the role is looked at): still JSON, no thread named.
        bad = client.get(LIST, query_string={"per_page": 500}, headers=_bearer(api_token(person)))
        assert bad.status_code == 422 and "per_page" in bad.json["error"]["fields"]


def test_no_token_is_a_401_in_the_api_error_shape(client, removal_world):
    for headers in ({}, _bearer("not-a-token")):
        response = client.get(LIST, headers=headers)
        assert response.status_code == 401 and response.is_json
        assert set(response.json["error"]) >= {"code", "message"}
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("query, field", [
    ("page=0", "page"), ("page=-1", "page"), ("page=100001", "page"), ("page=abc", "page"), ("page=%D9%A3", "page"),
    ("per_page=0", "per_page"), ("per_page=101", "per_page"), ("per_page=1.5", "per_page"),
    ("per_page=5&per_page=50", "per_page"), ("page=99999999999999999999999", "page"),
])
def test_bad_pagination_is_a_422_with_the_field_never_a_500(client, api_token, removal_world, query, field):
    response = client.get(f"{LIST}?{query}", headers=_bearer(api_token(removal_world["mona"])))
    assert response.status_code == 422 and response.is_json
    assert field in response.json["error"]["fields"]


def test_a_signed_in_moderator_reads_it_in_the_browser_session_too(client, login_as, removal_world):
    """The API accepts the browser session; a member's session is refused like their token."""
    login_as(removal_world["mona"])
    assert client.get(LIST).status_code == 200
    client.post_form("/logout")
    login_as(removal_world["sam"])
    assert client.get(LIST).status_code == 403


def test_the_openapi_document_describes_the_list(client):
    document = client.get("/api/v1/openapi.json").json
    operation = document["paths"]["/api/v1/threads/removed"]["get"]
    assert {"page", "per_page"} <= {p["name"] for p in operation["parameters"]}
    assert {"200", "401", "403", "422"} <= set(operation["responses"])
    assert operation["responses"]["403"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    page_schema = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    item = document["components"]["schemas"][page_schema]["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[1]
    fields = document["components"]["schemas"][item]["properties"]
    assert {"id", "title", "category", "author", "removed_at", "removed_by", "removal_reason"} <= set(fields)


def test_the_list_runs_as_many_statements_for_many_removed_threads_as_for_few(
    client, db, api_token, create_user, create_category, create_thread, create_tag
):
    moderators = [create_user(roles=["change_manager"]), create_user(roles=["admin"]), create_user(roles=["change_manager"])]
    tokens = [api_token(m) for m in moderators]
    categories = [create_category(), create_category(visibility="mentors")]
    for slug in ("wiki", "blogs", "teams"):
        create_tag(slug)

    def remove_more(count: int) -> None:
        for n in range(count):
            author = create_user(roles=["mentor"], is_ambassador=n % 2 == 0)
            thread = create_thread(author, category=categories[n % 2], tags=[("wiki", "blogs", "teams")[n % 3]])
            _remove(client, tokens[n % 3], thread.id, f"Reason {n}" if n % 2 else None)

    def measured() -> int:
        # A first request remembers who the token belongs to (new people forget it): not counted.
        client.get(LIST, headers=reader)
        return count_statements(db, lambda: client.get(f"{LIST}?per_page=50", headers=reader))

    reader = _bearer(tokens[0])
    remove_more(2)
    few = measured()
    remove_more(14)
    many = measured()
    assert client.get(f"{LIST}?per_page=50", headers=reader).json["total"] == 16
    assert many == few, (few, many)
    assert few <= 8
