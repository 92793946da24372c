"""Company sign-in (OpenID Connect) against a real provider process: the whole redirect flow.

The app is driven with its test client, the provider with HTTP requests; the app itself calls
the provider's discovery, token and JWKS endpoints over the network.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, text_of
from tests.oidc_provider import local_path, query_of, running_provider

ROLE_MAP = "digital-mentors=mentor,leaders=executive,change=change_manager"


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture
def app_config(provider):
    return {
        "OIDC_ISSUER": provider.url,
        "OIDC_CLIENT_ID": "mentor-community",
        "OIDC_CLIENT_SECRET": "client-secret",
        "OIDC_NAME": "Contoso ID",
        "OIDC_ROLE_MAP": ROLE_MAP,
        "OIDC_DEPARTMENT_CLAIM": "department",
        "OIDC_LOCATION_CLAIM": "office",
    }


def person(provider, sub: str, **claims) -> str:
    defaults = {"email": f"{sub}@example.com", "email_verified": True, "name": sub.replace(".", " ").title()}
    provider.set_person(sub, **{**defaults, **claims})
    return sub


def start(client, next_url: str | None = None) -> str:
    response = client.get("/login/oidc" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def sign_in(client, provider, sub: str | None, *, deny: bool = False, next_url: str | None = None):
    """Start at the app, choose the person at the provider, come back: returns (response, callback URL)."""
    callback = provider.answer(start(client, next_url), sub, deny=deny)
    return client.get(local_path(callback)), callback


def users_count(db) -> int:
    db.session.expire_all()
    from community.accounts.models import User

    return db.session.scalar(select(func.count()).select_from(User))


def the_user(db, email: str):
    from community.accounts.models import User

    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_login_page_offers_the_company_sign_in_and_the_request_uses_pkce_state_and_nonce(client, provider):
    page = text_of(client.get("/login"))
    assert "Sign in with Contoso ID" in page and "Password" in page
    authorize = start(client)
    params = query_of(authorize)
    assert params["response_type"] == "code" and params["client_id"] == "mentor-community"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) >= 43
    assert params["state"] and params["nonce"] and "openid" in params["scope"].split()
    assert params["redirect_uri"] == "http://localhost/login/oidc/callback"
    # The verifier kept for the token request is the one the challenge was derived from (S256).
    import base64
    import hashlib

    with client.session_transaction() as sess:
        kept = sess[f"_state_company_{params['state']}"]["data"]
    digest = base64.urlsafe_b64encode(hashlib.sha256(kept["code_verifier"].encode()).digest()).rstrip(b"=").decode()
    assert digest == params["code_challenge"] and kept["nonce"] == params["nonce"]


def test_first_sign_in_creates_the_account_from_the_claims(client, provider, db):
    from community.audit.models import AuditEvent

    sub = person(provider, "nora.new", groups=["digital-mentors", "leaders", "unrelated"], department="Finance",
                 office="Hamburg", name="Nora New")
    response, _callback = sign_in(client, provider, sub, next_url="/people")
    assert response.status_code == 302 and response.headers["Location"] == "/people"
    user = the_user(db, "nora.new@example.com")
    assert (user.name, user.department, user.location) == ("Nora New", "Finance", "Hamburg")
    assert user.roles == ["mentor", "executive"] and user.password_hash is None
    assert "Nora New" in text_of(client.get("/"))
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == user.id)).all()
    assert "user.created" in actions and "user.oidc_linked" in actions


def test_an_existing_account_with_the_same_verified_email_is_linked_not_duplicated(client, provider, db, create_user):
    from community.accounts.models import ExternalIdentity

    existing = create_user(roles=("staff",), email="lena.link@example.com", name="Lena Link")
    before = users_count(db)
    response, _ = sign_in(client, provider, person(provider, "lena.link", groups=[]))
    assert response.status_code == 302
    assert users_count(db) == before
    identity = db.session.scalar(select(ExternalIdentity))
    assert identity.user_id == existing.id and identity.issuer == provider.url
    # The same person signs in again: still one account, found through the link.
    client.post_form("/logout")
    assert sign_in(client, provider, "lena.link")[0].status_code == 302
    assert users_count(db) == before


def test_mapped_roles_are_granted_and_removed_at_every_sign_in_and_unmapped_roles_stay(
        app, client, provider, db, create_user):
    create_user(roles=("staff", "mentor"), email="rolf.roles@example.com")
    sub = person(provider, "rolf.roles", groups=["digital-mentors", "change"])
    sign_in(client, provider, sub)
    assert the_user(db, "rolf.roles@example.com").roles == ["mentor", "staff", "change_manager"]

    person(provider, sub, groups=["leaders"])  # HR moved Rolf: no longer a mentor nor in "change"
    client.post_form("/logout")
    sign_in(client, provider, sub)
    assert the_user(db, "rolf.roles@example.com").roles == ["executive", "staff"]


def test_admin_is_never_granted_unless_the_map_names_it(app, client, provider, db, create_user):
    from community.accounts.oidc import parse_role_map

    sub = person(provider, "adam.admin", groups=["admin", "admins", "Administrators", "it-admins"])
    sign_in(client, provider, sub)
    assert the_user(db, "adam.admin@example.com").roles == ["staff"]

    app.config["OIDC_ROLE_MAP_PARSED"] = parse_role_map(ROLE_MAP + ",it-admins=admin")
    client.post_form("/logout")
    sign_in(client, provider, sub)
    assert the_user(db, "adam.admin@example.com").roles == ["staff", "admin"]


def test_the_provider_refusing_the_sign_in_gives_a_clear_page_and_no_account(client, provider, db):
    before = users_count(db)
    response, _ = sign_in(client, provider, None, deny=True)
    assert response.status_code == 400
    page = text_of(response)
    assert "Sign-in did not work" in page and "cancelled" in page and "no account was created" in page
    assert users_count(db) == before


def test_an_unverified_email_gives_a_clear_page_and_no_account(client, provider, db):
    before = users_count(db)
    response, _ = sign_in(client, provider, person(provider, "una.verified", email_verified=False))
    assert response.status_code == 403 and "has not verified your e-mail address" in text_of(response)
    assert users_count(db) == before
    assert "Log in" in text_of(client.get("/"))  # not signed in


def test_an_email_outside_the_allowed_domains_gives_a_clear_page_and_no_account(app, client, provider, db):
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["contoso.com"]
    before = users_count(db)
    response, _ = sign_in(client, provider, person(provider, "olga.outside"))
    assert response.status_code == 403 and "company e-mail addresses only (contoso.com)" in text_of(response)
    assert users_count(db) == before


def test_a_forged_state_is_refused(client, provider, db):
    callback = provider.answer(start(client), person(provider, "fred.forged"))
    params = query_of(callback)
    response = client.get(f"/login/oidc/callback?code={params['code']}&state=forged-{params['state']}")
    assert response.status_code == 400 and "expired or was used already" in text_of(response)
    assert the_user(db, "fred.forged@example.com") is None


def test_a_replayed_callback_is_refused(client, provider, db):
    from community.accounts.models import LoginSession

    response, callback = sign_in(client, provider, person(provider, "rita.replay"))
    assert response.status_code == 302
    client.post_form("/logout")
    again = client.get(local_path(callback))
    assert again.status_code == 400 and "expired or was used already" in text_of(again)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 1


def test_a_changed_nonce_makes_the_id_token_unacceptable(client, provider, db):
    callback = provider.answer(start(client), person(provider, "nina.nonce"))
    with client.session_transaction() as sess:
        key = next(k for k in sess if k.startswith("_state_company_"))
        entry = sess[key]
        entry["data"]["nonce"] = "not-the-nonce-that-was-sent"
        sess[key] = entry
    response = client.get(local_path(callback))
    assert response.status_code == 400 and "could not be verified" in text_of(response)
    assert the_user(db, "nina.nonce@example.com") is None


def test_a_deactivated_account_cannot_sign_in(client, provider, db, create_user):
    create_user(email="dora.deactivated@example.com", active=False)
    response, _ = sign_in(client, provider, person(provider, "dora.deactivated"))
    assert response.status_code == 403 and "deactivated" in text_of(response)


def test_logout_ends_the_login_session_and_the_provider_session(client, provider, db):
    from community.accounts.models import LoginSession

    sign_in(client, provider, person(provider, "otto.out"))
    response = client.post_form("/logout")
    assert response.status_code == 302
    target = response.headers["Location"]
    assert target.startswith(f"{provider.url}/oauth2/end_session")
    params = query_of(target)
    assert params["post_logout_redirect_uri"] == "http://localhost/login" and params["id_token_hint"]
    db.session.expire_all()
    assert db.session.scalar(select(LoginSession.revoked_at)) is not None
    assert client.get("/people").status_code == 302  # signed out here


@pytest.mark.parametrize("with_admin", [True, False])
def test_oidc_only_hides_password_login_and_keeps_a_break_glass_login_for_admins(
        app, client, create_user, with_admin):
    app.config["OIDC_ONLY"] = True
    user = create_user(roles=("admin",) if with_admin else ("staff",))
    page = text_of(client.get("/login"))
    assert "Sign in with Contoso ID" in page and "Password" not in page and "Register" not in page
    # A password posted to /login does nothing.
    assert client.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 200
    assert client.get("/people").status_code == 302
    assert client.get("/register").status_code == 403
    response = client.post_form("/login/password", {"email": user.email, "password": PASSWORD})
    if with_admin:
        assert response.status_code == 302 and client.get("/people").status_code == 200
    else:
        assert response.status_code == 200 and "not correct" in text_of(response)
        assert client.get("/people").status_code == 302


def test_an_unreachable_provider_gives_a_clear_page(app, client):
    from community import create_app
    from community.config import config_for_tests

    down = create_app({**config_for_tests(app.config["SQLALCHEMY_DATABASE_URI"]), "OIDC_ISSUER": "http://127.0.0.1:9",
                       "OIDC_CLIENT_ID": "x", "OIDC_TIMEOUT_SECONDS": 2})
    response = down.test_client().get("/login/oidc")
    assert response.status_code == 502 and "cannot be reached" in text_of(response)


def test_without_an_issuer_only_password_login_exists(database_url):
    from community import create_app
    from community.config import config_for_tests

    plain = create_app(config_for_tests(database_url)).test_client()
    assert plain.get("/login/oidc").status_code == 404
    assert plain.get("/login/oidc/callback?code=x&state=y").status_code == 404
    page = text_of(plain.get("/login"))
    assert "Sign in with" not in page and "Password" in page


def test_a_person_who_signs_in_with_the_company_account_can_erase_it_without_a_password(client, provider, db):
    sign_in(client, provider, person(provider, "eric.erase"))
    page = text_of(client.get("/settings/privacy"))
    assert "Your e-mail address" in page and "Your password" not in page
    wrong = client.post_form("/settings/privacy/erase", {"email": "someone@example.com", "confirm": "y"})
    assert wrong.status_code == 200 and "exactly as it is shown" in text_of(wrong)
    assert the_user(db, "eric.erase@example.com") is not None
    done = client.post_form("/settings/privacy/erase", {"email": "Eric.Erase@example.com", "confirm": "y"})
    assert done.status_code == 302
    assert the_user(db, "eric.erase@example.com") is None
    # Signing in again starts a new account: the link to the provider went with the erasure.
    assert sign_in(client, provider, "eric.erase")[0].status_code == 302
    assert the_user(db, "eric.erase@example.com").erased_at is None
