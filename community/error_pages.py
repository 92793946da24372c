"""The HTML and JSON error pages: domain errors, HTTP errors and database failures.

Domain errors (community.errors) become pages or `{"error": {"code", "message", "fields"}}`
for the API. Users never see a traceback, SQL or a connection string.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlencode

from flask import Flask, Response, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DatabaseError as SQLDatabaseError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from community.errors import DomainError, NotFoundError
from community.pagination import PastTheLastPage

log = logging.getLogger("community.errors")

RETRY_AFTER_SECONDS = 5


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_body(status: int, code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Authentication is required."),
        403: _("You are not allowed to do this."),
        404: _("This page or object does not exist, or you cannot see it."),
        405: _("This method is not allowed here."),
        409: _("This conflicts with the current state; reload and try again."),
        413: _("What you sent is too large."),
        415: _("Send JSON with Content-Type: application/json."),
        422: _("Some fields are not valid."),
        429: _("Too many requests; please wait a moment and try again."),
        500: _("Something went wrong on our side. It has been logged."),
        503: _("The service is briefly unavailable; please try again in a few seconds."),
    }


# Areas with an error format of their own (e.g. SCIM under /scim/): path prefix -> renderer
# taking (status, message, headers). Registered by the area's package.
ERROR_RENDERERS: dict[str, Callable[[int, str, dict[str, str] | None], Response]] = {}


def respond(status: int, message: str | None = None, code: str | None = None, fields=None, headers=None):
    from flask import g, make_response

    g.rendering_error_page = True  # from here on, a failing database must not fail the page
    if status >= 500:
        _forget_user()  # a 500/503 page never asks the database who is signed in
    message = message or _messages().get(status, _messages()[500])
    for prefix, render in ERROR_RENDERERS.items():
        if request.path.startswith(prefix):
            return render(status, message, headers)
    code = code or CODES.get(status, "error")
    if wants_json():
        response = jsonify(error_body(status, code, message, fields))
    else:
        try:
            response = make_response(render_template("errors/error.html", status=status, message=message))
        except Exception:  # noqa: BLE001 - e.g. the database went away while the page was drawn
            log.warning("error page for %s rendered without the layout", status, exc_info=True)
            _rollback()
            _forget_user()
            response = make_response(plain_error_page(status, message))
            response.content_type = "text/html; charset=utf-8"
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _forget_user() -> None:
    """Render as anonymous: the signed-in person's row may be expired after a rollback, and
    reloading it would knock on a database that may be down."""
    from flask import g

    from community.accounts.auth import Anonymous

    g._login_user = Anonymous()


def plain_error_page(status: int, message: str) -> str:
    """The product's error page without the layout (no database, no template engine state)."""
    from html import escape

    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>'
        f"{status}</title>"
        '<link rel="stylesheet" href="/static/css/app.css"></head><body><main>'
        f'<section class="error-page"><h1>{status}</h1><p>{escape(message)}</p>'
        '<p><a href="/">Start page · Startseite</a></p></section></main></body></html>'
    )


def _rollback() -> None:
    from community.extensions import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone; nothing left to undo
        log.debug("rollback after error failed", exc_info=True)


def init_app(app: Flask) -> None:
    @app.teardown_appcontext
    def remove_session_quietly(_error):
        """Runs before Flask-SQLAlchemy's own teardown: a rollback on a connection that died
        mid-request must not turn an answered request into the server's bare 500."""
        from community.extensions import db

        try:
            db.session.remove()
        except Exception:  # noqa: BLE001 - nothing left to undo on a dead connection
            log.debug("session cleanup after the request failed", exc_info=True)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        _rollback()
        if error.status == 403:
            _log_forbidden()
        if isinstance(error, NotFoundError) and not error.informative:
            return respond(404)  # the same answer for missing and hidden things
        return respond(error.status, error.message, error.code, error.fields)

    @app.errorhandler(PastTheLastPage)
    def past_the_last_page(error: PastTheLastPage):
        # ?page=500 of 20 pages (or a number too large to count): the last page, at its own
        # address, with the rest of the query (filters, search) kept.
        _rollback()
        args = request.args.copy()
        args["page"] = str(error.last)
        return redirect(f"{request.script_root}{request.path}?{urlencode(list(args.items(multi=True)))}")

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return respond(400, _("The form expired or was sent from elsewhere; reload it and try again."), "csrf_failed")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if status == 429 and error.response is not None:
            return error.response  # a limit's own answer (on_breach), e.g. the login page again
        headers = {}
        if status == 403:
            _log_forbidden()
        elif status == 401 and request.headers.get("Authorization"):
            from community.logs import security_event

            security_event("api.unauthorized")
        if status == 429:
            retry_after = _retry_after()
            headers["Retry-After"] = str(retry_after)
        valid_methods = getattr(error, "valid_methods", None)
        if status == 405 and valid_methods:
            headers["Allow"] = ", ".join(valid_methods)
        fields = None
        message = None
        data = getattr(error, "data", None)
        if status == 422 and isinstance(data, dict) and "messages" in data:
            fields = flatten_messages(data["messages"])
        elif status not in (404, 429) and error.description and error.description != type(error).description:
            message = error.description  # a view's own abort(..., description=...)
        return respond(status, message, fields=fields, headers=headers)

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeoutError)
    def database_unavailable(error):
        _rollback()
        # The driver's error class and SQLSTATE say which (a lock waited for too long, no
        # connection, a server gone) without the statement or its values (personal data).
        cause = getattr(error, "orig", None)
        code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None) or getattr(cause, "sqlite_errorname", None)
        log.error("database unavailable: %s (%s%s)", type(error).__name__, type(cause).__name__ if cause else "-",
                  f" {code}" if code else "")
        return respond(503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        # Services check uniqueness first; this is the rare race two requests lost together.
        _rollback()
        log.warning("integrity error: %s", type(error.orig).__name__)
        return respond(409)

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def value_out_of_range(error):
        # A number or text the database cannot hold that slipped past validation.
        _rollback()
        log.warning("value out of range: %s", type(error).__name__)
        return respond(422, _("A value is out of range."))

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        _rollback()
        unreadable = type(error) in (SQLDatabaseError, InterfaceError)  # e.g. "file is not a database"
        if error.connection_invalidated or unreadable:
            log.error("database unavailable: %s", type(error.orig).__name__)
            return respond(503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        log.exception("database error")
        return respond(500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        _rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return respond(500)


def _log_forbidden() -> None:
    from flask import g

    from community.accounts.auth import peek_user
    from community.logs import security_event

    g.rendering_error_page = True
    security_event("forbidden", user=peek_user(), method=request.method)


def _retry_after() -> int:
    """Seconds until the exceeded rate-limit window resets."""
    import time

    from community.extensions import limiter

    current = limiter.current_limit
    if current is not None:
        return max(1, int(current.reset_at - time.time()))
    return 60


def flatten_messages(messages) -> dict[str, list[str]]:
    """webargs/marshmallow nest messages by location and field; SPEC wants field → [msg], in
    the reader's language (marshmallow's own messages are English)."""
    from community.field_messages import translated
    fields: dict[str, list[str]] = {}

    def walk(prefix: str, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            fields.setdefault(prefix or "_schema", []).extend(translated(v) for v in value)
        else:
            fields.setdefault(prefix or "_schema", []).append(str(value))

    if isinstance(messages, dict):
        for location, inner in messages.items():
            if location in {"json", "query", "form", "files", "headers", "path", "view_args"}:
                walk("", inner)
            else:
                walk(str(location), inner)
    return fields
