"""The web CSV import of people: check the upload (preview, bad rows), start it once, follow it.

The rows are written by a job on the task queue (community.admin.jobs), with the same rules
as `flask --app wsgi people import` (community.accounts.importing). Admins only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, select, update

from community.accounts import services as accounts
from community.accounts.importing import MAX_ROWS, RowChecker, read_csv, row_error
from community.accounts.models import User
from community.admin.models import PeopleImport
from community.errors import ConflictError, DomainError, NotFoundError
from community.extensions import db

PREVIEW_ROWS = 5
ERRORS_KEPT = 1000


PREVIEW_CELL = 500  # characters of a cell kept for the preview


def _preview_row(line: int, kind: str, name: str, values: list[str]) -> list[str]:
    """A stored preview row: [line, kind (created | updated | unchanged | refused), the existing
    person's name, *cells]."""
    cells = [v if len(v) <= PREVIEW_CELL else v[:PREVIEW_CELL] + "…" for v in values]
    return [str(line), kind, name, *cells]


@dataclass
class CheckResult:
    total: int = 0
    preview: list[list[str]] = field(default_factory=list)  # the first rows, then every row updating someone
    errors: list[list[Any]] = field(default_factory=list)  # [line, reason] of every refused row
    outcomes: Counter[str] = field(default_factory=Counter)  # created / updated / unchanged, as the import counts


def check_rows(header: list[str], rows: Iterable[tuple[int, dict[str, str]]]) -> CheckResult:
    """Run every row through the import's own checks (`RowChecker`), writing nothing."""
    result = CheckResult()
    checker = RowChecker(trial=True)
    updates_kept = 0
    for line, row in rows:
        result.total += 1
        if result.total > MAX_ROWS:
            result.errors.append([line, _("More than %(n)d rows; split the file.", n=MAX_ROWS)])
            break
        try:
            plan = checker.check(line, row)
        except DomainError as error:
            result.errors.append([line, row_error(error)])
            kind, name = "refused", ""
        else:
            kind, name = plan.outcome, plan.existing.name if plan.existing is not None else ""
            result.outcomes[kind] += 1
        values = [row.get(column, "") for column in header]
        # the first rows, and every row that updates someone (the page lists those)
        if result.total <= PREVIEW_ROWS or (kind == "updated" and updates_kept < ERRORS_KEPT):
            result.preview.append(_preview_row(line, kind, name, values))
        if kind == "updated":
            updates_kept += 1
    return result


@dataclass
class PreviewRow:
    line: str
    kind: str  # created | updated | unchanged | refused; "" for an import checked before kinds were kept
    name: str  # the existing person's name (updated, unchanged)
    cells: list[str]
    email: str


def preview_rows(job: PeopleImport) -> tuple[list[PreviewRow], list[PreviewRow]]:
    """(the first rows, the rows that update an existing person) of a checked import."""
    width = len(job.header)
    email_at = job.header.index("email") if "email" in job.header else 0
    rows = []
    for stored in job.preview or []:
        if len(stored) == width + 3 and stored[1] in KINDS:
            line, kind, name, cells = str(stored[0]), stored[1], stored[2], list(stored[3:])
        else:  # stored before the check kept what each row does
            line, kind, name, cells = "", "", "", list(stored)
        rows.append(PreviewRow(line, kind, name, cells, cells[email_at] if email_at < len(cells) else ""))
    return rows[:PREVIEW_ROWS], [r for r in rows if r.kind == "updated"]


KINDS = ("created", "updated", "unchanged", "refused")


def check_upload(actor: User, filename: str, data: bytes) -> PeopleImport:
    """Read and check an uploaded CSV; store it, waiting for the start."""
    accounts.require_admin(actor)
    header, rows = read_csv(data)  # DomainError: not UTF-8, a required column missing, a quote left open…
    result = check_rows(header, rows)
    if result.total == 0:
        raise DomainError(_("The file has a header but no rows."))
    # Until the import starts, created / updated / unchanged hold what the check expects.
    job = PeopleImport(created_by_id=actor.id, filename=(filename or "people.csv")[:200],
                       content=data.decode("utf-8-sig"), status="checked", total_rows=result.total, header=header,
                       preview=result.preview, check_errors=result.errors[:ERRORS_KEPT], errors=[],
                       created=result.outcomes["created"], updated=result.outcomes["updated"],
                       unchanged=result.outcomes["unchanged"])
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
    if job.status == "checked" and not job.created + job.updated:
        raise ConflictError(_("Nothing in this file would change: every row is refused or matches what is stored."))
    claimed = cast(CursorResult[Any], db.session.execute(
        update(PeopleImport).where(PeopleImport.id == job.id, PeopleImport.status == "checked")
        .values(status="queued", created=0, updated=0, unchanged=0).execution_options(synchronize_session=False)
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
