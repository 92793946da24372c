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


ERROR_RESPONSES = {
    "400": "The body is not valid JSON",
    "401": "No valid API token (`Authorization: Bearer <token>`)",
    "404": "Not found, or not visible to the caller (the same answer for both)",
    "422": "Invalid input: the field names and messages are in `error.fields`",
    "503": "The database is briefly unavailable or busy; retry after `Retry-After` seconds",
}


def document_errors(spec) -> None:
    """Every error an operation can really answer is in the document, with the error body:
    401 and 503 everywhere, 404 where the path names something, 422 where there is input
    (query or body), 400 where there is a JSON body. What a route documents itself stays."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in spec._paths.items():  # noqa: SLF001 - apispec keeps registered paths here
        if path in PUBLIC_PATHS:
            continue
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            parameters = [p for p in operation.get("parameters", []) if isinstance(p, dict)]
            query = any(p.get("in") == "query" for p in parameters)
            wanted = ["401", "503"]
            if "{" in path:
                wanted.append("404")
            if query or "requestBody" in operation:
                wanted.append("422")
            if "requestBody" in operation:
                wanted.append("400")
            responses = operation.setdefault("responses", {})
            for status in wanted:
                responses.setdefault(status, {"description": ERROR_RESPONSES[status], "content": error})


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
    document_errors(api.spec)

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
