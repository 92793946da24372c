"""Security events are logged once, with user and address; newlines escaped; no secrets."""

import logging

from tests.conftest import login


def security_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "community.security"]


def test_failed_login_is_logged_once_without_the_password(client, create_user, caplog):
    caplog.set_level(logging.INFO)
    user = create_user()
    login(client, user, "my-secret-guess-123")
    lines = security_lines(caplog)
    assert len(lines) == 1
    assert "login.failed" in lines[0] and user.email in lines[0] and "ip=" in lines[0]
    assert "my-secret-guess-123" not in caplog.text


def test_forged_newlines_in_a_login_cannot_fake_log_lines(client, caplog):
    caplog.set_level(logging.INFO)
    login(client, "x@example.com\nINFO admin logged in", "whatever-it-is")
    for record in caplog.records:
        assert "\n" not in record.getMessage()
    assert any("\\n" in line for line in security_lines(caplog))


def test_forbidden_requests_are_logged_with_the_user(client, login_as, create_user, caplog):
    caplog.set_level(logging.INFO)
    user = create_user(roles=["mentor"])
    login_as(user)
    client.get("/admin/users")
    lines = [line for line in security_lines(caplog) if line.startswith("forbidden")]
    assert len(lines) == 1 and f"user={user.id}" in lines[0] and "/admin/users" in lines[0]


def test_bad_api_tokens_are_logged_without_the_token(client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/api/v1/me", headers={"Authorization": "Bearer mcn_stolen-or-guessed-token"})
    assert any("api.bad_token" in line for line in security_lines(caplog))
    assert "mcn_stolen-or-guessed-token" not in caplog.text


def test_admin_actions_are_logged_once(client, login_as, create_user, caplog):
    caplog.set_level(logging.INFO)
    login_as(create_user(roles=["admin"]))
    person = create_user()
    client.post_form(f"/admin/users/{person.id}", {"roles-roles": ["mentor"]})
    audit_lines = [r.getMessage() for r in caplog.records if r.name == "community.audit"]
    assert len([line for line in audit_lines if line.startswith("user.roles_changed")]) == 1


def test_behind_a_proxy_the_forwarded_client_address_is_logged_and_rate_limited(app, create_user, caplog):
    """PROXY_COUNT=1: the address nginx forwards counts, not the proxy's own; without it the header is ignored."""
    from community import create_app
    from tests.conftest import CSRFClient

    proxied = create_app({**app.config, "PROXY_COUNT": 1, "LOGIN_RATE_LIMIT": "2 per minute"})
    proxied.test_client_class = CSRFClient
    try:
        _proxied_logins(proxied, app, create_user, caplog)
    finally:
        from community.extensions import db

        with proxied.app_context():
            db.engine.dispose()  # its own pool: left open, a later test's garbage collection warns about it


def _proxied_logins(proxied, app, create_user, caplog):
    user = create_user()
    caplog.set_level(logging.INFO)
    alice, bob = proxied.test_client(), proxied.test_client()
    alice.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.7"
    bob.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.9"
    for _ in range(2):
        assert login(alice, user, "wrong-password-x1").status_code == 200
    assert login(alice, user, "wrong-password-x1").status_code == 429
    assert login(bob, user, "wrong-password-x1").status_code == 200  # another client behind the same proxy
    assert any("ip=203.0.113.7" in line for line in security_lines(caplog))

    direct = app.test_client()
    direct.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.99"
    caplog.clear()
    login(direct, user, "wrong-password-x1")
    assert not any("203.0.113.99" in line for line in security_lines(caplog))
