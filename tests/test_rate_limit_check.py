"""Flask-Limiter's check before every request runs only where it has something to check (issue
19): the app's limits decorate their views and are checked there, so without application,
default, blueprint or meta limits the check is taken off the request path."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.conftest import login


def _limiter(application=(), default=(), blueprint=()) -> SimpleNamespace:
    manager = SimpleNamespace(application_limits=list(application), default_limits=list(default),
                              blueprint_limits=lambda app, name: list(blueprint) if name == "people" else [])
    return SimpleNamespace(limit_manager=manager)


def test_the_check_is_needed_once_any_limit_applies_beyond_its_own_view():
    from community.extensions import limit_check_needed

    app = SimpleNamespace(config={}, blueprints={"people": object(), "community": object()})
    assert not limit_check_needed(app, _limiter())
    assert limit_check_needed(app, _limiter(application=["1000 per minute"]))
    assert limit_check_needed(app, _limiter(default=["100 per minute"]))
    assert limit_check_needed(app, _limiter(blueprint=["10 per second"]))
    for name in ("RATELIMIT_APPLICATION", "RATELIMIT_DEFAULT", "RATELIMIT_META"):
        configured = SimpleNamespace(config={name: "100 per minute"}, blueprints={})
        assert limit_check_needed(configured, _limiter()), name


@pytest.mark.parametrize("app_config", [{"LOGIN_RATE_LIMIT": "3 per minute"}])
def test_without_such_limits_pages_skip_the_check_and_decorated_limits_still_answer_429(app, client, create_user):
    from community.extensions import limiter

    assert limiter._check_request_limit not in app.before_request_funcs.get(None, [])
    user = create_user()
    for _ in range(3):
        assert login(client, user, "wrong").status_code == 200
    refused = login(client, user, "wrong")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.headers["X-RateLimit-Limit"] == "3"
