"""Domain errors raised by services.

Services raise these; views turn them into form messages or pages, the API into
`{"error": {"code", "message", "fields"}}` (the handlers live in community.error_pages).
This module imports nothing from the application, so any module may import it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

T = TypeVar("T")


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


class Refusals:
    """Several checks of one request, each run whatever the others found, refused together:
    every field's error at once, not one round after another.

        refusals = Refusals()
        start = refusals.check(lambda: check_start(given_start))
        duration = refusals.check(lambda: check_duration(given_duration))
        refusals.raise_if_any()  # before any value is used: a refused check's value is None

    A check that raises ValidationFailed without naming a field is kept under `field`."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.message = ""  # the first refusal's own words ("Unknown role: king.") say it all

    def check(self, run: Callable[[], T], field: str = "") -> T:
        try:
            return run()
        except ValidationFailed as refused:
            self.message = self.message or refused.message
            for name, messages in (refused.fields or {field: [refused.message]}).items():
                self.fields.setdefault(name, []).extend(messages)
            return cast(T, None)

    def add(self, field: str, message: str) -> None:
        self.message = self.message or message
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(self.message, self.fields)
