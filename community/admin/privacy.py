"""People imports hold the uploaded file and a preview of its rows: an erased person's row
must not stay there, nor be imported afterwards as someone new."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import func, select

from community.admin.models import PeopleImport
from community.database import utcnow
from community.errors import DomainError
from community.extensions import db

if TYPE_CHECKING:
    from community.accounts.models import User


def _names(row: list[str], email: str) -> bool:
    """A row holding the address as a whole cell ("ann@…" is not in "joann@…")."""
    return any(isinstance(cell, str) and cell.strip().lower() == email for cell in row)


def _file_names(content: str, email: str) -> bool:
    from community.accounts.importing import read_csv

    if email not in content.lower():
        return False  # the common case, without reading the file
    try:
        _header, rows = read_csv(content.encode("utf-8"))
        return any(_names(list(row.values()), email) for _line, row in rows)
    except DomainError:
        return True  # unreadable now: better called off than importing the person anew


def erase(user: User) -> None:
    email = (user.email or "").lower()
    if not email:
        return
    # Waiting to be started: the check said "updates <person>", the start would now create them
    # anew. Such an import is called off, its file dropped; the admin uploads it again.
    waiting = db.session.scalars(select(PeopleImport).where(
        PeopleImport.status.in_(("checked", "queued")),
        func.lower(PeopleImport.content).contains(email, autoescape=True)))
    for job in [job for job in waiting if _file_names(job.content, email)]:
        job.status, job.finished_at, job.content, job.preview = "failed", utcnow(), "", []
        job.errors = [[0, _("Someone in this file was erased after the check. Upload the file again.")]]
    # Finished ones keep their counts and refusals, not the person's row.
    for job in db.session.scalars(select(PeopleImport).where(PeopleImport.status.in_(("done", "failed")))):
        if any(_names(row, email) for row in job.preview or []):
            job.preview = [row for row in job.preview if not _names(row, email)]
        if job.content and _file_names(job.content, email):
            job.content = ""
