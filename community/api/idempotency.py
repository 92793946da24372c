"""`Idempotency-Key` on every POST under /api/v1.

A client that may retry a POST (a timeout, a lost answer) sends a key of its own choosing. The
first successful response (status and body) is stored per (user, key) with a unique constraint
and kept for IDEMPOTENCY_RETENTION seconds: a repeat with the same key and the same body gets
that response back (with `Idempotent-Replayed: true`) and changes nothing; the same key with a
different body (or another route) answers 422. A repeat sent while the first is still running
waits for it (the unique row is written in the first one's transaction) and then gets its
response; when the database cannot wait (SQLite's single writer gave up) it answers 409.
A refused or failed request (status >= 400) stores nothing: it changed nothing, so it may run again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.wrappers import Response

from community.database import utcnow
from community.error_pages import respond
from community.extensions import Model, db

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


class IdempotentResponse(Model):
    """The first successful response to a POST with an Idempotency-Key, per person and key."""

    __tablename__ = "idempotent_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of method, path and body
    status: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[Any] = mapped_column(JSON, nullable=True)
    location: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotent_responses_user_key"),)


def _fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.path.encode() + b"\n")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _retention() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("IDEMPOTENCY_RETENTION", 24 * 3600)))


def _find(user_id: int, key: str) -> IdempotentResponse | None:
    row: IdempotentResponse | None = db.session.scalar(
        select(IdempotentResponse).where(IdempotentResponse.user_id == user_id, IdempotentResponse.key == key)
    )
    return row


def _answer(row: IdempotentResponse, fingerprint: str) -> Response:
    refusal: Response
    if row.fingerprint != fingerprint:
        refusal = respond(422, _("This Idempotency-Key was used for a different request."), code="idempotency_key_reused")
        return refusal
    if row.status is None:
        refusal = respond(409, _("A request with this Idempotency-Key is still running; try again shortly."), code="idempotency_in_progress")
        return refusal
    response = current_app.response_class(json.dumps(row.body), status=row.status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    if row.location:
        response.headers["Location"] = row.location
    return response


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not current_user.is_authenticated:
            return view(*args, **kwargs)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH or any(ord(c) < 33 or ord(c) > 126 for c in key):
            return respond(400, _("An Idempotency-Key has 1 to 200 visible ASCII characters."), code="bad_idempotency_key")
        user_id = int(current_user.id)
        fingerprint = _fingerprint()
        db.session.execute(
            delete(IdempotentResponse).where(
                IdempotentResponse.user_id == user_id, IdempotentResponse.created_at < utcnow() - _retention()
            )
        )
        found = _find(user_id, key)
        if found is not None:
            return _answer(found, fingerprint)
        row = IdempotentResponse(user_id=user_id, key=key, fingerprint=fingerprint, created_at=utcnow())
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except (IntegrityError, OperationalError):
            # Another request with this key got there first and has finished by now (we waited
            # for its transaction), or the database would not wait.
            from community.unit_of_work import rollback

            rollback()
            found = _find(user_id, key)
            if found is not None:
                return _answer(found, fingerprint)
            return respond(409, _("A request with this Idempotency-Key is still running; try again shortly."), code="idempotency_in_progress")
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code < 400:
            row.status = response.status_code
            row.body = response.get_json(silent=True)
            row.location = (response.headers.get("Location") or "")[:500] or None
            db.session.flush()
        return response

    return run


def wrap_posts(app: Flask, prefix: str) -> None:
    """Give every POST route under the API prefix the Idempotency-Key behaviour."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(prefix + "/") and "POST" in (rule.methods or ()):
            app.view_functions[rule.endpoint] = idempotent(app.view_functions[rule.endpoint])


PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": "A key of your choosing (1–200 visible ASCII characters) that makes a retried POST safe: "
    "a repeat with the same key and body returns the first successful response (header `Idempotent-Replayed: true`) "
    "and changes nothing; the same key with another body answers 422; a repeat while the first still runs waits "
    "for it or answers 409. Keys are kept per person for IDEMPOTENCY_RETENTION (24 hours by default).",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": "^[!-~]+$"},
}


def document(spec: Any) -> None:
    """Declare the header once and reference it from every POST operation of the document."""
    spec.components.parameter("IdempotencyKey", "header", PARAMETER)
    error = {"$ref": "#/components/schemas/Error"} if "Error" in spec.components.schemas else {"type": "object"}
    for operations in spec._paths.values():  # noqa: SLF001 - apispec keeps registered paths here
        post = operations.get("post")
        if post is None:
            continue
        post.setdefault("parameters", []).append({"$ref": "#/components/parameters/IdempotencyKey"})
        responses = post.setdefault("responses", {})
        responses.setdefault("400", {"description": "Malformed Idempotency-Key (or bad input)",
                                     "content": {"application/json": {"schema": error}}})
        responses.setdefault("409", {"description": "A request with this Idempotency-Key is still running",
                                     "content": {"application/json": {"schema": error}}})
        responses.setdefault("422", {"description": "The Idempotency-Key was used for a different request (or invalid input)",
                                     "content": {"application/json": {"schema": error}}})
