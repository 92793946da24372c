"""Domain errors raised by services.

Services raise these; views turn them into form messages or pages, the API into
`{"error": {"code", "message", "fields"}}` (the handlers live in community.error_pages).
This module imports nothing from the application, so any module may import it.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFoundError(DomainError):
    """Answered with one message for everything that is missing *or hidden from the caller*:
    the text a service gives (which names the kind of thing, or a person) never reaches the
    caller, so no 404 tells "exists but not for you" from "does not exist"."""

    status = 404
    code = "not_found"
    # True only for refusals that reveal nothing (e.g. "no analysis computed yet" to the
    # change managers who may compute one): their own text is shown.
    informative = False


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class ConflictError(DomainError):
    status = 409
    code = "conflict"


class ValidationFailed(DomainError):
    status = 422
    code = "invalid"
