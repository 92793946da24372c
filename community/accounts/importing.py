"""CSV import of people: every bad row is reported with its line number, the rest imported.

Re-importing the same file changes nothing (people are matched by e-mail). Roles are only
ever added by an import, never removed, and the admin role is never granted by a file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from community.accounts import services
from community.accounts.models import ROLES, User, UserRole
from community.errors import DomainError
from community.extensions import db

REQUIRED_COLUMNS = ("name", "email")
KNOWN_COLUMNS = ("name", "email", "department", "location", "roles", "tags", "languages", "timezone")
IMPORTABLE_ROLES = tuple(r for r in ROLES if r != "admin")
SPLIT = re.compile(r"[;|,]")
MAX_ROWS = 200_000


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# Features that understand extra columns (e.g. expertise tags) register a handler:
# handler(user, raw_value) -> bool (changed?); raises DomainError for a bad value.
COLUMN_HANDLERS: dict[str, Callable[[User, str], bool]] = {}


def register_column(name: str, handler: Callable[[User, str], bool]) -> None:
    COLUMN_HANDLERS[name] = handler


def read_csv(data: bytes) -> tuple[list[str], Iterable[tuple[int, dict[str, str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(_("The file is not UTF-8 text; save it as “CSV UTF-8” and try again.")) from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DomainError(ngettext("The header lacks the column: %(cols)s.", "The header lacks the columns: %(cols)s.", len(missing),
                                   cols=", ".join(missing)))

    def rows():
        for row in reader:
            # DictReader's line_num is the physical line of the row's end; fine for reporting.
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}

    return header, rows()


PROGRESS_EVERY = 100


def import_people(data: bytes, *, actor: User | None = None,
                  progress: Callable[[int, ImportReport], None] | None = None) -> ImportReport:
    """Import every good row; `progress(rows_done, report)` is called every PROGRESS_EVERY rows."""
    report = ImportReport()
    _header, rows = read_csv(data)
    handles = services.HandleAllocator()
    by_email = {u.email: u for u in db.session.scalars(select(User))}
    seen: dict[str, int] = {}
    for count, (line, row) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            report.errors.append((line, _("More than %(n)d rows; split the file.", n=MAX_ROWS)))
            break
        try:
            with db.session.begin_nested():
                outcome = _import_row(row, by_email, handles, seen, line, actor)
        except DomainError as error:
            detail = "; ".join(m for msgs in error.fields.values() for m in msgs) or error.message
            report.errors.append((line, detail))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, report)
    return report


def _import_row(row, by_email, handles, seen, line, actor: User | None) -> str:
    if not any(row.values()):
        raise DomainError(_("Empty row."))
    email = services.normalise_email(row.get("email", ""))
    if email in seen:
        raise DomainError(_("Duplicate of line %(line)d.", line=seen[email]))
    seen[email] = line
    roles = [r.strip().lower() for r in SPLIT.split(row.get("roles", "")) if r.strip()]
    bad = [r for r in roles if r not in IMPORTABLE_ROLES]
    if bad:
        raise DomainError(
            ngettext("Unknown or non-importable role: %(roles)s (allowed: %(allowed)s).",
                     "Unknown or non-importable roles: %(roles)s (allowed: %(allowed)s).", len(bad),
                     roles=", ".join(bad), allowed=", ".join(IMPORTABLE_ROLES))
        )
    languages = services.check_languages(SPLIT.split(row.get("languages", "")))
    timezone = row.get("timezone") or None
    if timezone:
        services.check_timezone(timezone)
    for column in ("department", "location"):
        if len(row.get(column, "")) > 120:
            raise DomainError(_("%(column)s has more than 120 characters.", column=column))

    user = by_email.get(email)
    if user is None:
        user = services.create_user(
            email=email,
            name=row.get("name", ""),
            roles=roles or ["staff"],
            department=row.get("department"),
            location=row.get("location"),
            languages=languages,
            timezone=timezone,
            handles=handles,
        )
        by_email[email] = user
        outcome = "created"
        _apply_columns(user, row)
    else:
        changed = _update(user, row, roles, languages, timezone)
        changed = _apply_columns(user, row) or changed
        outcome = "updated" if changed else "unchanged"
    db.session.flush()
    return outcome


def _update(user: User, row, roles, languages, timezone) -> bool:
    changed = False
    name = " ".join(row.get("name", "").split())
    if not name:
        raise DomainError(_("Enter a name."))
    updates: dict[str, str | None] = {"name": name}
    for column in ("department", "location"):
        if column in row:
            updates[column] = row[column] or None
    for attr, value in updates.items():
        if getattr(user, attr) != value:
            setattr(user, attr, value)
            changed = True
    new_roles = [r for r in roles if r not in user.roles]
    if new_roles:
        user.role_rows.extend(UserRole(role=r) for r in new_roles)
        changed = True
    if languages and sorted(languages) != sorted(user.languages):
        from community.accounts.models import UserLanguage

        user.language_rows = [UserLanguage(code=c) for c in languages]
        changed = True
    if timezone and user.timezone != timezone:
        user.timezone = timezone
        changed = True
    return changed


def _apply_columns(user: User, row: dict[str, str]) -> bool:
    changed = False
    for column, handler in COLUMN_HANDLERS.items():
        if column in row:
            changed = handler(user, row[column]) or changed
    return changed
