"""JSON API v1: thin routes over the same services the pages use, documented by OpenAPI 3.1.

One library (flask-smorest + marshmallow) validates input and generates the document,
so the document cannot drift from what the routes accept.
"""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user
from flask_smorest import Api

from community.api.schemas import ErrorSchema
from community.error_pages import respond
from community.security import SAFE_METHODS

PREFIX = "/api/v1"
PUBLIC_PATHS = {f"{PREFIX}/openapi.json"}


class CommunityApi(Api):
    """flask-smorest with SPEC's error shape; HTML pages keep their own error handlers."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """Not flask-smorest's handlers: community.error_pages answers JSON under /api/ and HTML elsewhere."""


api = CommunityApi(
    spec_kwargs={
        "info": {
            "description": "Integration API of the Mentor Community & Ambassador Network. "
            "Authenticate with `Authorization: Bearer <token>` (create tokens under Settings → API tokens "
            "or with `flask --app wsgi tokens create EMAIL`). Lists take `page` and `per_page` (max 100)."
        },
        "security": [{"bearerAuth": []}],
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    }
)


def init_app(app: Flask) -> None:
    api.init_app(app)
    from community.api import (
        ambassadors,
        discussions,
        impact,
        me,
        mentoring,
        network,
        people,
        pool,
        questions,
        tags,
    )

    for module in (me, people, tags, discussions, mentoring, ambassadors, network, impact, pool, questions):
        api.register_blueprint(module.blp, url_prefix=PREFIX)

    from community.api.idempotency import document, wrap_posts

    wrap_posts(app, PREFIX)
    document(api.spec)

    @app.before_request
    def require_api_authentication():
        if not request.path.startswith(PREFIX + "/") or request.path in PUBLIC_PATHS:
            return None
        if not current_user.is_authenticated:
            message = None
            if g.get("bad_token"):
                from flask_babel import gettext as _

                from community.logs import security_event

                security_event("api.bad_token")
                message = _("The API token is unknown, revoked, or its account is inactive.")
            return respond(401, message, headers={"WWW-Authenticate": 'Bearer realm="api"'})
        token_id = g.get("api_token_id")
        if token_id and request.method not in SAFE_METHODS:
            from community.accounts.auth import touch_token

            touch_token(token_id, g.get("api_token_last_used_at"), in_request_transaction=True)
        return None

    @app.after_request
    def record_token_use_of_reads(response):
        """A read records the token's use after its own transaction has ended, so the two
        never contend (on SQLite a read snapshot could not write after this commit)."""
        token_id = g.get("api_token_id")
        if token_id and request.method in SAFE_METHODS:
            from community.accounts.auth import touch_token

            touch_token(token_id, g.get("api_token_last_used_at"), in_request_transaction=False)
        return response
