"""API tokens and the API's authentication, error format and OpenAPI document."""

import re

from sqlalchemy import select

from tests.conftest import text_of


def test_person_creates_a_token_that_is_shown_once_and_stored_hashed(client, login_as, create_user, db):
    from community.accounts.models import ApiToken

    login_as(create_user())
    response = client.post_form("/settings/tokens", {"name": "HR sync"})
    token = re.search(r"mcn_[A-Za-z0-9_-]+", response.get_data(as_text=True)).group(0)
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash != token and token not in stored.token_hash
    assert token not in client.get("/settings/tokens").get_data(as_text=True)
    me = client.application.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200


def test_revoked_token_is_refused_with_json_401(client, login_as, create_user, api_token, db):
    from community.accounts.models import ApiToken

    user = create_user()
    token = api_token(user)
    login_as(user)
    token_id = db.session.scalar(select(ApiToken.id))
    client.post_form(f"/settings/tokens/{token_id}/revoke")
    response = client.application.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert "revoked" in response.json["error"]["message"]


def test_nobody_can_revoke_another_persons_token(client, login_as, create_user, api_token, db):
    from community.accounts.models import ApiToken

    owner = create_user()
    api_token(owner)
    login_as(create_user())
    token_id = db.session.scalar(select(ApiToken.id))
    assert client.post_form(f"/settings/tokens/{token_id}/revoke").status_code == 404
    assert db.session.get(ApiToken, token_id).revoked_at is None


def test_api_without_credentials_answers_401_in_the_spec_error_shape(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert set(response.json["error"]) == {"code", "message", "fields"}


def test_api_me_shows_own_profile_with_roles(client, create_user, api_token):
    user = create_user(roles=["mentor", "executive"], name="Tim Kraus", department="Sales")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {api_token(user)}"})
    assert response.json["roles"] == ["mentor", "executive"]
    assert response.json["email"] == user.email and response.json["department"] == "Sales"


def test_api_validation_errors_name_the_field(client, create_user, api_token):
    token = api_token(create_user())
    response = client.send_json("PATCH", "/api/v1/me", {"timezone": "Mars/Olympus"}, token=token)
    assert response.status_code == 422
    assert "timezone" in response.json["error"]["fields"]
    response = client.send_json("PATCH", "/api/v1/me", {"roles": ["admin"]}, token=token)
    assert response.status_code == 422
    assert "roles" in response.json["error"]["fields"]


def test_api_patch_me_changes_settings(client, create_user, api_token):
    token = api_token(create_user())
    response = client.send_json("PATCH", "/api/v1/me", {"timezone": "America/New_York", "locale": "de"}, token=token)
    assert response.status_code == 200
    assert response.json["timezone"] == "America/New_York" and response.json["locale"] == "de"


def test_cookie_authenticated_api_write_needs_csrf(client, login_as, create_user):
    login_as(create_user())
    refused = client.patch("/api/v1/me", json={"locale": "de"})
    assert refused.status_code == 400
    assert refused.json["error"]["code"] == "csrf_failed"
    accepted = client.send_json("PATCH", "/api/v1/me", {"locale": "de"})
    assert accepted.status_code == 200


def test_malformed_json_is_a_400_not_a_500(client, create_user, api_token):
    token = api_token(create_user())
    response = client.patch(
        "/api/v1/me", data="{not json", headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert "error" in response.json


def test_openapi_document_is_3_1_with_bearer_auth(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/me" in document["paths"]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_token_settings_page_needs_login(client):
    assert client.get("/settings/tokens").status_code == 302


def test_token_name_is_required(client, login_as, create_user):
    login_as(create_user())
    response = client.post_form("/settings/tokens", {"name": ""})
    assert "This field is required" in text_of(response)


def test_the_token_form_sent_twice_makes_one_token(client, login_as, create_user, db):
    import re

    from sqlalchemy import func, select

    from community.accounts.models import ApiToken

    user = create_user()
    login_as(user)
    page = client.get("/settings/tokens").get_data(as_text=True)
    found = re.search(r'name="submission"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="submission"', page)
    data = {"name": "HR sync", "submission": found.group(1) or found.group(2)}
    first = client.post_form("/settings/tokens", data)
    second = client.post_form("/settings/tokens", data)
    assert first.status_code == 200 and second.status_code == 302
    assert second.headers["Location"].endswith("/settings/tokens")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id)) == 1
