"""Dated analysis snapshots, per-person figures, background jobs and the privacy setting."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.database import utcnow
from community.extensions import db

JOB_STATUSES = ("queued", "running", "done", "failed")


class AnalysisSnapshot(db.Model):  # type: ignore[name-defined,misc]  # db.Model is dynamic
    """One run of the network analysis, kept so pool health can be compared over time.

    `summary` is AnalysisResult.summary (plus `opted_out`), `findings` the rest of
    AnalysisResult.to_dict() without per-person figures (those are PersonFigure rows) and
    without community member lists; people who opted out of the analysis are already
    removed from `findings` and only counted (`findings["opted_out"]`).
    """

    __tablename__ = "analysis_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    computed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    findings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    duration: Mapped[float] = mapped_column(default=0.0)  # seconds, loading included

    computed_by = relationship("User", foreign_keys=[computed_by_id], lazy="joined")
    cohort = relationship("Cohort", lazy="joined")


class PersonFigure(db.Model):  # type: ignore[name-defined,misc]  # db.Model is dynamic
    """A person's network figures in one snapshot (never for people who opted out)."""

    __tablename__ = "person_figures"

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("analysis_snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    degree: Mapped[int] = mapped_column(default=0)
    weighted_degree: Mapped[float] = mapped_column(default=0.0)
    betweenness: Mapped[float] = mapped_column(default=0.0)
    pagerank: Mapped[float] = mapped_column(default=0.0)
    community: Mapped[int | None]
    departments_reached: Mapped[int] = mapped_column(default=0)
    load: Mapped[int | None]  # active mentorships (mentors only)
    capacity: Mapped[int | None]  # mentors only
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)  # network roles held

    # "Network reach" of a person = their figure in the latest snapshot.
    __table_args__ = (Index("ix_person_figures_user_snapshot", "user_id", "snapshot_id"),)


class AnalysisJob(db.Model):  # type: ignore[name-defined,misc]  # db.Model is dynamic
    """An analysis requested from the web for an organisation too big to analyse inline."""

    __tablename__ = "analysis_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("analysis_snapshots.id", ondelete="SET NULL")
    )
    error: Mapped[str | None] = mapped_column(Text)

    requested_by = relationship("User", foreign_keys=[requested_by_id], lazy="joined")


class AnalysisSetting(db.Model):  # type: ignore[name-defined,misc]  # db.Model is dynamic
    """Settings of the analysis changed by admins on the dashboard (one row per key).

    Key "pseudonymised": {"on": bool}. Without a row, the ANALYSIS_PSEUDONYMISED config
    decides; with ANALYSIS_PSEUDONYMISED=1 the mode is locked on whatever the row says.
    """

    __tablename__ = "analysis_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class SnapshotCoverage(db.Model):  # type: ignore[name-defined,misc]  # db.Model is dynamic
    """What what-if needs of the latest snapshot, as one document (CoverageIndex.to_plain()).

    Kept for the latest snapshot only (older rows are deleted when a snapshot is stored), and
    deleted on erasure and by retention: it holds who is tied to whom, people who opted out
    included (they count for coverage, and what-if never names them). Without a row, what-if
    falls back to the live graph of the current data.
    """

    __tablename__ = "snapshot_coverage"

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("analysis_snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
