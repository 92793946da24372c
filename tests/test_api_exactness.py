"""The API takes exactly what its OpenAPI document says: a parameter given twice, a missing or
non-JSON body, a value outside a declared enum or range are refused with the documented 422;
the document lists every error an operation can answer."""

from __future__ import annotations

import pytest


@pytest.fixture
def token(create_user, api_token):
    return api_token(create_user(roles=("mentor", "change_manager")))


def _fields(response) -> dict:
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.is_json and response.json["error"]["code"] == "invalid"
    return response.json["error"]["fields"]


@pytest.mark.parametrize("url, name", [
    ("/api/v1/people?page=1&page=2", "page"),
    ("/api/v1/people?role=mentor&role=staff", "role"),
    ("/api/v1/threads?per_page=5&per_page=50", "per_page"),
    ("/api/v1/network/graph?format=json&format=graphml", "format"),
])
def test_a_parameter_given_twice_is_refused_not_silently_taken_once(client, token, url, name):
    fields = _fields(client.send_json("GET", url, token=token))
    assert name in fields


def test_a_list_parameter_may_be_repeated(client, token):
    response = client.send_json("GET", "/api/v1/mentors/suggestions?executive=1&goal=teams&goal=excel", token=token)
    assert response.status_code != 422 or "goal" not in response.json["error"]["fields"]


@pytest.mark.parametrize("method, url", [
    ("POST", "/api/v1/threads"),
    ("PATCH", "/api/v1/me"),
    ("POST", "/api/v1/nominations"),
    ("DELETE", "/api/v1/me"),
])
def test_a_missing_body_is_refused(client, token, method, url):
    fields = _fields(client.send_json(method, url, token=token))
    assert "body" in fields
    # Form-encoded or plain text is not the JSON the document asks for either.
    response = client.open(url, method=method, data="locale=de", content_type="text/plain",
                           headers={"Authorization": f"Bearer {token}"})
    assert "body" in _fields(response)


def test_a_patch_with_an_empty_object_changes_nothing_and_is_accepted(client, token):
    assert client.send_json("PATCH", "/api/v1/me", json={}, token=token).status_code == 200


@pytest.mark.parametrize("url, field", [
    ("/api/v1/people?role=superuser", "role"),
    ("/api/v1/mentors/suggestions?executive=99999999999999999999", "executive"),
    ("/api/v1/mentorships?cohort=0", "cohort"),
])
def test_values_outside_the_declared_enum_or_range_are_refused(client, token, url, field):
    assert field in _fields(client.send_json("GET", url, token=token))


@pytest.mark.parametrize("body, field", [
    ({"category_id": 1, "title": "   ", "body": "Hello"}, "title"),
    ({"category_id": 1, "title": "Hi", "body": "\n \t"}, "body"),
    ({"category_id": 0, "title": "Hi", "body": "Hello"}, "category_id"),
])
def test_blank_text_and_impossible_ids_are_refused_as_the_document_says(client, token, body, field):
    assert field in _fields(client.send_json("POST", "/api/v1/threads", json=body, token=token))


def test_what_the_document_calls_blank_is_what_the_server_strips(client, token):
    """The document's pattern and the server agree on every character: the separators
    U+001C-U+001F and U+0085, which Python strips and ECMA 262's \\s leaves, are blank for both,
    and U+FEFF (a space to ECMA 262, kept by Python) says something for both."""
    import re

    spec = client.get("/api/v1/openapi.json").json
    pattern = re.compile(spec["components"]["schemas"]["ThreadCreate"]["properties"]["title"]["pattern"])
    for blank in ("\x1c", " \x1f ", "\x85", "\u3000\t"):
        assert pattern.search(blank) is None, repr(blank)
        refused = client.send_json("POST", "/api/v1/threads", json={"category_id": 1, "title": blank, "body": "Hello"},
                                   token=token)
        assert "title" in _fields(refused), repr(blank)
    assert pattern.search("\ufeff") and pattern.search(" a ")


def test_the_document_declares_enums_ranges_and_every_error(client):
    spec = client.get("/api/v1/openapi.json").json
    role = next(p for p in spec["paths"]["/api/v1/people"]["get"]["parameters"] if p["name"] == "role")
    assert set(role["schema"]["enum"]) >= {"mentor", "executive", "staff", "change_manager", "admin"}
    settings = spec["components"]["schemas"]["MeSettings"]["properties"]
    assert "Europe/Berlin" in settings["timezone"]["enum"]
    prefs = spec["components"]["schemas"]["NotificationPrefs"]
    assert prefs["additionalProperties"] is False and "reply" in prefs["properties"]
    thread = spec["components"]["schemas"]["ThreadCreate"]["properties"]
    assert thread["title"]["minLength"] == 1 and thread["title"]["pattern"]
    assert thread["category_id"]["minimum"] == 1
    for path, operations in spec["paths"].items():
        if path.endswith("openapi.json"):
            continue
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation["responses"]
            assert {"401", "503"} <= set(responses), (method, path)
            has_input = "requestBody" in operation or any(p.get("in") == "query" for p in operation.get("parameters", []))
            if has_input:
                assert "422" in responses, (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
