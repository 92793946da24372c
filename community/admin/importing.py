"""The web CSV import of people: check the upload (preview, bad rows), start it once, follow it.

The rows are written by a job on the task queue (community.admin.jobs), with the same rules
as `flask --app wsgi people import` (community.accounts.importing). Admins only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, select, update

from community.accounts import services as accounts
from community.accounts.importing import IMPORTABLE_ROLES, MAX_ROWS, SPLIT, read_csv
from community.accounts.models import User
from community.admin.models import PeopleImport
from community.errors import DomainError, NotFoundError
from community.extensions import db

PREVIEW_ROWS = 5
ERRORS_KEPT = 1000


def _row_problem(row: dict[str, str], seen: dict[str, int], line: int) -> str | None:
    """Why a row would be refused, checked without writing (the import checks again)."""
    if not any(row.values()):
        return _("Empty row.")
    try:
        email = accounts.normalise_email(row.get("email", ""))
    except DomainError as error:
        return f"{error.message} ({row.get('email', '')[:80]})" if row.get("email") else error.message
    if email in seen:
        return _("Duplicate of line %(line)d.", line=seen[email])
    seen[email] = line
    if not " ".join(row.get("name", "").split()):
        return _("Enter a name.")
    roles = [r.strip().lower() for r in SPLIT.split(row.get("roles", "")) if r.strip()]
    bad = [r for r in roles if r not in IMPORTABLE_ROLES]
    if bad:
        return _("Unknown or non-importable role: %(roles)s (allowed: %(allowed)s).",
                 roles=", ".join(bad), allowed=", ".join(IMPORTABLE_ROLES))
    try:
        accounts.check_languages(SPLIT.split(row.get("languages", "")))
        if row.get("timezone"):
            accounts.check_timezone(row["timezone"])
    except DomainError as error:
        return error.message
    for column in ("department", "location"):
        if len(row.get(column, "")) > 120:
            return _("%(column)s has more than 120 characters.", column=column)
    return None


def check_rows(header: list[str], rows: Iterable[tuple[int, dict[str, str]]]) -> tuple[int, list[list[str]], list[list[Any]]]:
    """(number of rows, the first rows for the preview, [line, reason] of every bad row)."""
    total = 0
    preview: list[list[str]] = []
    errors: list[list[Any]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        total += 1
        if total > MAX_ROWS:
            errors.append([line, _("More than %(n)d rows; split the file.", n=MAX_ROWS)])
            break
        if len(preview) < PREVIEW_ROWS:
            preview.append([row.get(column, "") for column in header])
        problem = _row_problem(row, seen, line)
        if problem:
            errors.append([line, problem])
    return total, preview, errors


def check_upload(actor: User, filename: str, data: bytes) -> PeopleImport:
    """Read and check an uploaded CSV; store it, waiting for the start."""
    accounts.require_admin(actor)
    header, rows = read_csv(data)  # DomainError: not UTF-8, a required column missing
    total, preview, errors = check_rows(header, rows)
    if total == 0:
        raise DomainError(_("The file has a header but no rows."))
    job = PeopleImport(created_by_id=actor.id, filename=(filename or "people.csv")[:200],
                       content=data.decode("utf-8-sig"), status="checked", total_rows=total, header=header,
                       preview=preview, check_errors=errors[:ERRORS_KEPT], errors=[])
    db.session.add(job)
    db.session.flush()
    return job


def get_import(actor: User, import_id: int) -> PeopleImport:
    accounts.require_admin(actor)
    job = db.session.get(PeopleImport, import_id)
    if job is None:
        raise NotFoundError(_("No such import."))
    return job


def start_import(actor: User, import_id: int) -> tuple[PeopleImport, bool]:
    """Queue a checked import; a second press (or a second tab) starts nothing. (job, started now?)"""
    job = get_import(actor, import_id)
    claimed = cast(CursorResult[Any], db.session.execute(
        update(PeopleImport).where(PeopleImport.id == job.id, PeopleImport.status == "checked")
        .values(status="queued").execution_options(synchronize_session=False)
    ))
    db.session.refresh(job)
    if claimed.rowcount != 1:
        return job, False
    from community import tasks

    tasks.enqueue("people.import", job.id)
    return job, True


def recent_imports(actor: User, limit: int = 10) -> list[PeopleImport]:
    accounts.require_admin(actor)
    return list(db.session.scalars(select(PeopleImport).order_by(PeopleImport.id.desc()).limit(limit)))
