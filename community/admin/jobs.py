"""The web CSV import's job: writes the rows, reports progress as it goes (commits: it is a runner)."""

from __future__ import annotations

import logging
from typing import Any, cast

from sqlalchemy import CursorResult, update

from community.accounts.importing import ImportReport, import_people
from community.admin.importing import ERRORS_KEPT
from community.admin.models import PeopleImport
from community.audit import services as audit
from community.database import BULK_ROWS, gather_statistics, utcnow
from community.errors import DomainError
from community.extensions import db
from community.tasks import task
from community.unit_of_work import commit, rollback

log = logging.getLogger(__name__)


def _save(job: PeopleImport, done: int, report: ImportReport) -> None:
    job.processed = done
    job.created, job.updated, job.unchanged = report.created, report.updated, report.unchanged
    job.errors = [[line, reason] for line, reason in report.errors[:ERRORS_KEPT]]


@task("people.import", max_retries=0)
def run_import(import_id: int) -> None:
    """Claim the queued import (once), import its rows, and record the result."""
    claimed = cast(CursorResult[Any], db.session.execute(
        update(PeopleImport).where(PeopleImport.id == import_id, PeopleImport.status == "queued")
        .values(status="running", started_at=utcnow()).execution_options(synchronize_session=False)
    ))
    commit()
    if claimed.rowcount != 1:
        return  # another worker has it, or it ran already
    found = db.session.get(PeopleImport, import_id)
    if found is None:
        return
    job: PeopleImport = found
    actor = job.created_by

    def progress(done: int, report: ImportReport) -> None:
        _save(job, done, report)
        commit()

    try:
        report = import_people(job.content.encode("utf-8"), actor=actor, progress=progress)
    except DomainError as error:
        rollback()
        failed = db.session.get(PeopleImport, import_id)
        if failed is not None:
            failed.status, failed.finished_at, failed.errors = "failed", utcnow(), [[0, error.message]]
            failed.content, failed.preview = "", []
            commit()
        return
    except Exception:
        rollback()
        log.exception("people import %s failed", import_id)
        failed = db.session.get(PeopleImport, import_id)
        if failed is not None:
            failed.status, failed.finished_at = "failed", utcnow()
            failed.content, failed.preview = "", []
            commit()
        return
    _save(job, job.total_rows, report)
    # The file and its preview go once done: people's rows are kept only while they are needed.
    job.status, job.finished_at, job.content, job.preview = "done", utcnow(), "", []
    audit.record("people.imported", actor=actor, subject_type="import", subject_id=job.id,
                 data={"created": report.created, "updated": report.updated, "unchanged": report.unchanged,
                       "errors": len(report.errors), "updated_ids": report.updated_ids[:ERRORS_KEPT]})
    commit()
    if report.created + report.updated >= BULK_ROWS:
        gather_statistics(db.engine)
