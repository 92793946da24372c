"""SCIM fixtures: a provisioning token made the way `flask --app wsgi scim token` makes it."""

from __future__ import annotations

import pytest

from tests.conftest import isolated


@pytest.fixture
def scim_token(app) -> str:
    def make() -> str:
        from community.extensions import db
        from community.scim.services import create_token

        with app.app_context():
            _token, plain = create_token("tests")
            db.session.commit()
            return plain

    return isolated(app, make)


@pytest.fixture
def scim(client, scim_token):
    """scim(method, path, json=None, token=...) -> response, against /scim/v2."""

    def call(method: str, path: str, json=None, token: str | None = scim_token, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return client.open(f"/scim/v2{path}", method=method, json=json, headers=headers, **kwargs)

    return call
