"""Property-based tests of the JSON API from its own OpenAPI document (schemathesis): whatever
the input, no server error, and every response matches what the document promises."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from tests.access_world import build_world
from tests.conftest import isolated

LIMITS = {"POST_RATE_LIMIT": "100000 per minute", "NOMINATION_RATE_LIMIT": "100000 per minute",
          "TOKEN_RATE_LIMIT": "100000 per minute", "ANALYSIS_JOBS_QUEUED": False}


@pytest.fixture
def app_config():
    return LIMITS


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def power_token(app):
    """A person with every role, so the fuzzer reaches every code path, plus a small world."""
    from community.accounts import services as accounts
    from community.accounts.models import ROLES
    from community.extensions import db

    def make():
        build_world(app)
        with app.app_context():
            user = accounts.create_user(email="fuzz@example.com", name="Fuzz Everything", password="correct horse battery staple",
                                        roles=ROLES, check_password=False)
            _row, plain = accounts.create_api_token(user, "fuzz")
            db.session.commit()
            return plain

    return isolated(app, make)


def test_api_answers_as_documented_whatever_it_is_sent(api_schema, power_token):
    """Every operation of the document, with generated valid and invalid input."""
    from hypothesis import given

    headers = {"Authorization": f"Bearer {power_token}"}
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            case.call_and_validate(headers=headers, checks=checks)

        check()
