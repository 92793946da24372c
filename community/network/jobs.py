"""Analyses of large organisations: queued jobs and their runner.

Large organisations are never analysed inside a web request: up to ANALYSIS_INLINE_MAX_PEOPLE
active people a request computes the snapshot itself, above that it queues an AnalysisJob that
a background thread runs with its own app context (`flask --app wsgi network analyze`, e.g.
from cron, is the recommended route for big organisations). The job runner is the only network
module that commits (through `community.unit_of_work.commit`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import CursorResult, delete, func, select, update

from community import unit_of_work
from community.accounts.models import User
from community.audit import services as audit
from community.database import utcnow
from community.errors import NotFoundError
from community.extensions import db
from community.network.access import require_analyst
from community.network.models import AnalysisJob, AnalysisSnapshot
from community.network.snapshots import compute_snapshot

log = logging.getLogger("community.network")


STALE_JOB_AFTER = timedelta(hours=2)


def active_people() -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))) or 0


def open_job() -> AnalysisJob | None:
    """A queued or running job; jobs stuck longer than STALE_JOB_AFTER are marked failed."""
    job = db.session.scalar(
        select(AnalysisJob).where(AnalysisJob.status.in_(("queued", "running")))
        .order_by(AnalysisJob.id.desc()).limit(1)
    )
    if job is not None and utcnow() - (job.started_at or job.requested_at) > STALE_JOB_AFTER:
        job.status = "failed"
        job.finished_at = utcnow()
        job.error = "abandoned: the process running it stopped"
        db.session.flush()
        return None
    return job


def request_analysis(actor: User, now: datetime | None = None) -> tuple[str, AnalysisSnapshot | AnalysisJob]:
    """("done", snapshot) when computed in this request, ("queued", job) for big organisations.

    After committing, the caller starts a queued job with `start_job(job.id)`.
    """
    require_analyst(actor)
    if active_people() <= current_app.config["ANALYSIS_INLINE_MAX_PEOPLE"]:
        return "done", compute_snapshot(actor, now)
    job = open_job()
    if job is None:
        job = AnalysisJob(status="queued", requested_by_id=actor.id, requested_at=utcnow())
        db.session.add(job)
        db.session.flush()
        audit.record("network.requested", actor=actor, subject_type="analysis_job", subject_id=job.id)
    return "queued", job


def get_job(actor: User, job_id: int) -> AnalysisJob:
    require_analyst(actor)
    job = db.session.get(AnalysisJob, job_id)
    if job is None:
        raise NotFoundError(_("No such analysis job."))
    return job


def start_job(job_id: int) -> None:
    """Queue the job on the task runner (community.tasks): a Celery worker with REDIS_URL,
    else this process right after the commit. With ANALYSIS_JOBS_QUEUED = False it waits
    for `flask --app wsgi network run-jobs` (cron) or a test calling run_job()."""
    if not current_app.config.get("ANALYSIS_JOBS_QUEUED", True):
        return
    from community import tasks

    tasks.enqueue("network.run_job", job_id)


def start_job_after_commit(job_id: int) -> None:
    """Start a queued job once this request's unit of work has committed it (a job that is
    not stored when the request fails finds nothing to claim)."""

    start_job(job_id)  # the task runner hands it over only once the transaction commits


def run_job(job_id: int) -> AnalysisJob | None:
    """Compute the snapshot of a queued job and record the outcome (commits: it is a worker)."""
    # Claim it atomically: a web worker's thread and `network run-jobs` may both try.
    claimed = cast(CursorResult[Any], db.session.execute(
        update(AnalysisJob).where(AnalysisJob.id == job_id, AnalysisJob.status == "queued")
        .values(status="running", started_at=utcnow()).execution_options(synchronize_session=False)
    )).rowcount
    unit_of_work.commit()
    job = db.session.get(AnalysisJob, job_id)
    if job is None or not claimed:
        return job
    requested_by_id = job.requested_by_id
    try:
        actor = db.session.get(User, requested_by_id) if requested_by_id else None
        snapshot = compute_snapshot(actor, after_loading=unit_of_work.commit)
        job = db.session.get_one(AnalysisJob, job_id)
        job.status = "done"
        job.snapshot_id = snapshot.id
        job.finished_at = utcnow()
        unit_of_work.commit()
    except Exception as error:  # noqa: BLE001 - a failed job is reported on the job, not lost
        unit_of_work.rollback()
        log.exception("analysis job %s failed", job_id)
        job = db.session.get(AnalysisJob, job_id)
        if job is None:
            return None
        job.status = "failed"
        job.error = f"{type(error).__name__}: {error}"[:1000]
        job.finished_at = utcnow()
        unit_of_work.commit()
    return job


def run_queued_jobs() -> list[AnalysisJob]:
    """Run every queued job, oldest first (for `flask --app wsgi network run-jobs`)."""
    open_job()  # marks jobs abandoned by a stopped process as failed
    unit_of_work.commit()
    queued = list(db.session.scalars(select(AnalysisJob.id).where(AnalysisJob.status == "queued").order_by(AnalysisJob.id)))
    return [job for job in (run_job(job_id) for job_id in queued) if job is not None]


def forget_jobs(older_than_days: int = 30) -> int:
    """Delete finished and failed jobs older than this; returns how many."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    result = cast(CursorResult[Any], db.session.execute(
        delete(AnalysisJob).where(AnalysisJob.status.in_(("done", "failed")), AnalysisJob.requested_at < cutoff)
    ))
    return result.rowcount or 0
