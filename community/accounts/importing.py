"""CSV import of people: every bad row is reported with its line number, the rest imported.

Re-importing the same file changes nothing (people are matched by e-mail). Roles are only
ever added by an import, never removed, and the admin role is never granted by a file.

One `RowChecker` decides, for both the web check (the preview) and the import itself, whether
a row is refused and what it does (creates a person, updates one, changes nothing), so the
check's figures are the import's. The import writes each row in a savepoint of its own: a row
the database refuses becomes that row's error and the other rows are still written.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from community.accounts import services
from community.accounts.models import ROLES, User, UserLanguage, UserRole
from community.errors import DomainError
from community.extensions import db

REQUIRED_COLUMNS = ("name", "email")
KNOWN_COLUMNS = ("name", "email", "department", "location", "roles", "tags", "languages", "timezone")
IMPORTABLE_ROLES = tuple(r for r in ROLES if r != "admin")
SPLIT = re.compile(r"[;|,]")
MAX_ROWS = 200_000
MAX_NAME = 120

log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)  # the accounts an import changed, in file order

    @property
    def ok(self) -> bool:
        return not self.errors


# Features that understand extra columns (e.g. expertise tags) register a handler:
# handler(user, raw_value) -> bool (changed?); raises DomainError for a bad value.
# An optional check(user or None for a new person, raw_value) -> bool (would it change them?)
# raises the same DomainError without writing; without one the web check tries the row in a
# savepoint that is rolled back (the same code, only slower: about 3 ms a row).
COLUMN_HANDLERS: dict[str, Callable[[User, str], bool]] = {}
COLUMN_CHECKS: dict[str, Callable[[User | None, str], bool]] = {}


def register_column(name: str, handler: Callable[[User, str], bool],
                    check: Callable[[User | None, str], bool] | None = None) -> None:
    COLUMN_HANDLERS[name] = handler
    if check is not None:
        COLUMN_CHECKS[name] = check


def _file_error(message: str) -> DomainError:
    return DomainError(message, {"file": [message]})


def read_csv(data: bytes) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """(header, rows as (line, {column: value})). A file that is not clean CSV text raises
    DomainError naming the line, also while the rows are read: not UTF-8, a NUL character, a
    required column missing, a column heading used twice, a quote that is not closed, a cell
    longer than the csv limit."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(_("The file is not UTF-8 text; save it as “CSV UTF-8” and try again.")) from None
    if not text.strip():
        raise _file_error(_("The file is empty: it needs a header line (name, email, …) and one line per person."))
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise _file_error(_("Line %(line)d contains a NUL character; save the file as “CSV UTF-8” and try again.", line=line))
    if text and not text.endswith(("\n", "\r")):
        text += "\n"  # so that a quote left open in the last line shows as a cell running past it
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect=dialect)
    records = _records(reader)
    first = next(records, None)
    header = [h.strip().lower() for h in (first[1] if first else [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DomainError(ngettext("The header lacks the column: %(cols)s.", "The header lacks the columns: %(cols)s.", len(missing),
                                   cols=", ".join(missing)))
    # Two columns with one heading (e.g. two "email" columns) would let the last one win unseen.
    repeated = list(dict.fromkeys(c for i, c in enumerate(header) if c and c in header[:i]))
    if repeated:
        raise _file_error(ngettext(
            "The header has the column %(cols)s more than once; keep one of them and check the file again.",
            "The header has the columns %(cols)s more than once; keep one of each and check the file again.",
            len(repeated), cols=", ".join(repeated)))

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for line, values in records:
            if not values:
                continue  # a blank line
            yield line, {column: (values[i] if i < len(values) else "").strip() for i, column in enumerate(header) if column}

    return header, rows()


def _records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """(the line a record starts on, its cells). A cell running over several lines is a quote
    left open (people's fields never hold line breaks): the file is refused, naming that line."""
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field limit" in str(error):
                raise _file_error(_(
                    "Line %(line)d has a cell longer than %(max)s characters; check that every quote in it is closed.",
                    line=start, max=format_number(csv.field_size_limit()))) from None
            raise _file_error(_("Line %(line)d cannot be read as CSV; check its quotes and separators.", line=start)) from None
        if any("\n" in value or "\r" in value for value in values):
            raise _file_error(_(
                "Line %(line)d opens a quote that is not closed on that line, so lines %(line)d to %(end)d "
                "were read as one cell. Close or remove the quote and check the file again.",
                line=start, end=reader.line_num))
        yield start, values


@dataclass
class RowPlan:
    """A row that passed every check: what importing it would write."""

    email: str
    name: str
    roles: list[str]
    languages: list[str]
    timezone: str | None
    existing: User | None  # the person with this e-mail address, or None for a new person
    outcome: str = "created"  # created | updated | unchanged, as the import will count it


class RowChecker:
    """The rules for a row, shared by the check and the import (one per pass over a file).

    `check(line, row)` raises DomainError with the reason a row is refused, or returns its plan.
    With `trial=True` (the web check), a row that has values in a registered column without a
    pure check is written in a savepoint and rolled back, so the column's own rules run too.
    """

    def __init__(self, *, trial: bool = False) -> None:
        self.by_email = {u.email: u for u in db.session.scalars(select(User))}
        self.seen: dict[str, int] = {}
        self.trial = trial
        self._handles: services.HandleAllocator | None = None

    @property
    def handles(self) -> services.HandleAllocator:
        if self._handles is None:
            self._handles = services.HandleAllocator()
        return self._handles

    def check(self, line: int, row: dict[str, str]) -> RowPlan:
        """Every problem of the row at once, so that one round of corrections fixes it."""
        if not any(row.values()):
            raise DomainError(_("Empty row."))
        problems: list[str] = []

        def checked(check: Callable[[], Any], default: Any = None) -> Any:
            try:
                return check()
            except DomainError as error:
                problems.append(error.message)
                return default

        email = checked(lambda: self._email(line, row.get("email", "")))
        name = " ".join(row.get("name", "").split())
        if not name:
            problems.append(_("Enter a name."))
        elif len(name) > MAX_NAME:
            problems.append(_("Names have at most 120 characters."))
        roles = checked(lambda: _roles(row), [])
        languages = checked(lambda: services.check_languages(SPLIT.split(row.get("languages", ""))), [])
        timezone = checked(lambda: _timezone(row))
        for column in ("department", "location"):
            if len(row.get(column, "")) > 120:
                problems.append(_("%(column)s has more than 120 characters.", column=column))
        existing = self.by_email.get(email) if email else None
        columns_change = False
        for column, column_check in COLUMN_CHECKS.items():
            if row.get(column):
                columns_change = checked(partial(column_check, existing, row[column]), False) or columns_change
        if problems:
            raise DomainError(" ".join(dict.fromkeys(problems)))
        plan = RowPlan(email=email, name=name, roles=roles, languages=languages, timezone=timezone, existing=existing)
        if plan.existing is not None:
            plan.outcome = "updated" if columns_change or _changes(plan.existing, plan, row) else "unchanged"
        # A column without a check of its own is tried: written in a savepoint and rolled back.
        if self.trial and any(row.get(c) for c in COLUMN_HANDLERS if c not in COLUMN_CHECKS):
            plan.outcome = self._try(plan, row)
        return plan

    def _email(self, line: int, raw: str) -> str:
        """The row's e-mail address, valid and not used by an earlier row of the file."""
        try:
            email = services.normalise_email(raw)
        except DomainError as error:
            raise DomainError(f"{error.message} ({raw[:80]})" if raw else error.message) from None
        if email in self.seen:
            raise DomainError(_("Duplicate of line %(line)d.", line=self.seen[email]))
        self.seen[email] = line
        return email

    def _try(self, plan: RowPlan, row: dict[str, str]) -> str:
        """Write the row in a savepoint and roll it back: the registered columns' own rules."""
        savepoint = db.session.begin_nested()
        try:
            return apply_row(plan, row, self.handles)
        except SQLAlchemyError:
            log.info("import check: the database refused a row", exc_info=True)
            raise DomainError(_("The database refused this row; check its values.")) from None
        finally:
            if savepoint.is_active:
                savepoint.rollback()

def _roles(row: dict[str, str]) -> list[str]:
    roles = list(dict.fromkeys(r.strip().lower() for r in SPLIT.split(row.get("roles", "")) if r.strip()))
    bad = [r for r in roles if r not in IMPORTABLE_ROLES]
    if bad:
        raise DomainError(
            ngettext("Unknown or non-importable role: %(roles)s (allowed: %(allowed)s).",
                     "Unknown or non-importable roles: %(roles)s (allowed: %(allowed)s).", len(bad),
                     roles=", ".join(bad), allowed=", ".join(IMPORTABLE_ROLES))
        )
    return roles


def _timezone(row: dict[str, str]) -> str | None:
    timezone = row.get("timezone") or None
    if timezone:
        try:
            services.check_timezone(timezone)
        except DomainError:
            raise DomainError(_("Unknown time zone: %(zone)s (use a name like Europe/Berlin).", zone=timezone[:80])) from None
    return timezone


def _changes(user: User, plan: RowPlan, row: dict[str, str]) -> dict[str, Any]:
    """What importing the row changes on an existing person (name, department, location,
    new roles, languages, time zone); the registered columns are not included."""
    changes: dict[str, Any] = {}
    updates: dict[str, str | None] = {"name": plan.name}
    for column in ("department", "location"):
        if column in row:
            updates[column] = row[column] or None
    for attr, value in updates.items():
        if getattr(user, attr) != value:
            changes[attr] = value
    new_roles = [r for r in plan.roles if r not in user.roles]
    if new_roles:
        changes["roles"] = new_roles
    if plan.languages and sorted(plan.languages) != sorted(user.languages):
        changes["languages"] = plan.languages
    if plan.timezone and user.timezone != plan.timezone:
        changes["timezone"] = plan.timezone
    return changes


def apply_row(plan: RowPlan, row: dict[str, str], handles: services.HandleAllocator) -> str:
    """Write a checked row; 'created', 'updated' or 'unchanged'. The caller holds a savepoint."""
    user = plan.existing
    if user is None:
        user = services.create_user(
            email=plan.email,
            name=plan.name,
            roles=plan.roles or ["staff"],
            department=row.get("department"),
            location=row.get("location"),
            languages=plan.languages,
            timezone=plan.timezone,
            handles=handles,
        )
        _apply_columns(user, row)
        outcome = "created"
    else:
        changed = _update(user, _changes(user, plan, row))
        changed = _apply_columns(user, row) or changed
        outcome = "updated" if changed else "unchanged"
    db.session.flush()
    return outcome


PROGRESS_EVERY = 100


def row_error(error: DomainError) -> str:
    """A refused row's reason, as the check and the import show it."""
    return error.message


def import_people(data: bytes, *, actor: User | None = None,
                  progress: Callable[[int, ImportReport], None] | None = None) -> ImportReport:
    """Import every good row; `progress(rows_done, report)` is called every PROGRESS_EVERY rows.

    The whole file is read before anything is written, so a file that cannot be read (see
    `read_csv`) raises DomainError with nothing written."""
    report = ImportReport()
    _header, reader = read_csv(data)
    rows = list(reader)
    checker = RowChecker()
    for count, (line, row) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            report.errors.append((line, _("More than %(n)d rows; split the file.", n=MAX_ROWS)))
            break
        try:
            plan = checker.check(line, row)
            with db.session.begin_nested():
                outcome = apply_row(plan, row, checker.handles)
        except DomainError as error:
            report.errors.append((line, row_error(error)))
            continue
        except SQLAlchemyError:
            # The savepoint is rolled back: this row is refused, the rows before and after are kept.
            log.warning("people import: the database refused line %s", line, exc_info=True)
            report.errors.append((line, _("The database refused this row; check its values.")))
            continue
        if outcome == "updated" and plan.existing is not None:
            report.updated_ids.append(plan.existing.id)
        setattr(report, outcome, getattr(report, outcome) + 1)
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, report)
    return report


def _update(user: User, changes: dict[str, Any]) -> bool:
    for attr in ("name", "department", "location", "timezone"):
        if attr in changes:
            setattr(user, attr, changes[attr])
    if "roles" in changes:
        user.role_rows.extend(UserRole(role=r) for r in changes["roles"])
    if "languages" in changes:
        user.language_rows = [UserLanguage(code=c) for c in changes["languages"]]
    return bool(changes)


def _apply_columns(user: User, row: dict[str, str]) -> bool:
    changed = False
    for column, handler in COLUMN_HANDLERS.items():
        if column in row:
            changed = handler(user, row[column]) or changed
    return changed
