"""Double submits of forms: the same form sent twice (a double click, a reload, two tabs) makes
one record, and the second sender is taken to what the first one made.

A form that makes something carries `SubmissionMixin`: a hidden `submission` field with a
random token, new for every rendering. The view claims the token before it calls the service;
the claim is a row with a unique (person, token) key, written in the request's own transaction,
so a parallel copy waits for the first (PostgreSQL) or fails at once (SQLite) and then finds the
finished first one and its result address. A refused attempt is rolled back with its claim, so
the corrected form can be sent again.

    replay = submissions.claim(current_user, form)
    if replay:
        return replay
    with form_attempt(form) as attempt:
        post = services.reply(...)
    if attempt.ok:
        return submissions.done(current_user, form, url)
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import flash, redirect
from flask_babel import gettext as _
from sqlalchemy import ForeignKey, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.wrappers import Response
from wtforms import HiddenField

from community.database import utcnow
from community.extensions import Model, db

if TYPE_CHECKING:
    from community.accounts.models import User

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEEP = timedelta(days=2)


class FormSubmission(Model):
    """One sent form per person and submission token, with where its result is."""

    __tablename__ = "form_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64))
    result_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (UniqueConstraint("user_id", "token", name="uq_form_submissions_user_token"),)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SubmissionMixin:
    """Give a FlaskForm the hidden submission token."""

    submission = HiddenField(default=new_token)


def _token(form: Any) -> str | None:
    field = getattr(form, "submission", None)
    value = (field.data or "") if field is not None else ""
    return value if TOKEN.match(value) else None


def _replay(row: FormSubmission | None) -> Response | None:
    if row is None:
        return None
    flash(_("This form was sent twice; it was saved once."), "info")
    return redirect(row.result_url or "/")


def sent_before(user: User, form: Any) -> Response | None:
    """The answer for a form this sender has sent before and that finished, without claiming
    anything: for forms whose choices the first submission changes (a mentor asked is no longer
    offered), checked before the form's own checks would refuse the copy."""
    token = _token(form)
    if token is None:
        return None
    row = db.session.scalar(select(FormSubmission).where(FormSubmission.user_id == user.id, FormSubmission.token == token,
                                                         FormSubmission.result_url.is_not(None)))
    return _replay(row)


def claim(user: User, form: Any) -> Response | None:
    """Claim the form's token for this request; when the same form was sent before (and has
    finished), the answer that takes this sender to its result. Without a (valid) token the
    form is handled as before."""
    token = _token(form)
    if token is None:
        return None
    db.session.execute(delete(FormSubmission).where(FormSubmission.user_id == user.id, FormSubmission.created_at < utcnow() - KEEP))
    existing = db.session.scalar(select(FormSubmission).where(FormSubmission.user_id == user.id, FormSubmission.token == token))
    if existing is not None:
        return _replay(existing)
    try:
        with db.session.begin_nested():
            db.session.add(FormSubmission(user_id=user.id, token=token, created_at=utcnow()))
    except (IntegrityError, OperationalError):
        from community.unit_of_work import rollback

        rollback()  # a parallel copy got there first; we waited for it (or the database would not)
        found = db.session.scalar(select(FormSubmission).where(FormSubmission.user_id == user.id, FormSubmission.token == token))
        return _replay(found) or _replay(FormSubmission(result_url=None))
    return None


def remember(user: User, form: Any, url: str) -> None:
    """Record where the first submission's result is."""
    token = _token(form)
    if token is not None:
        row = db.session.scalar(select(FormSubmission).where(FormSubmission.user_id == user.id, FormSubmission.token == token))
        if row is not None:
            row.result_url = url[:500]
            db.session.flush()


def done(user: User, form: Any, url: str) -> Response:
    """Record where the first submission's result is, and go there."""
    remember(user, form, url)
    return redirect(url)
