"""What the network analysis stores about a person: export, erasure, retention.

Hooks called by community.privacy.services (export_person, erase_person, run_retention).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update

from community.accounts.models import User
from community.extensions import db
from community.network.models import (
    AnalysisJob,
    AnalysisSetting,
    AnalysisSnapshot,
    PersonFigure,
    SnapshotCoverage,
)
from community.network.redaction import PERSON_LISTS, redact_findings


def _counted(value: Any) -> Any:
    """A finding about the person with other people's ids counted instead of listed (who would
    be cut off if they left is the analysts' to see, not part of the person's own data)."""
    if isinstance(value, dict):
        return {key: item if key == "person_id" else _counted(item) for key, item in value.items()}
    if isinstance(value, list) and value and all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        return len(value)
    return value


def export(user: User) -> dict[str, Any]:
    """The person's figures in every snapshot and the findings that name them."""
    rows = db.session.execute(
        select(PersonFigure, AnalysisSnapshot.computed_at)
        .join(AnalysisSnapshot, AnalysisSnapshot.id == PersonFigure.snapshot_id)
        .where(PersonFigure.user_id == user.id)
        .order_by(AnalysisSnapshot.computed_at)
    ).all()
    figures = [
        {"snapshot_id": f.snapshot_id, "computed_at": at.isoformat(), "degree": f.degree,
         "weighted_degree": f.weighted_degree, "betweenness": f.betweenness, "pagerank": f.pagerank,
         "community": f.community, "departments_reached": f.departments_reached, "load": f.load,
         "capacity": f.capacity, "network_roles": list(f.roles or [])}
        for f, at in rows
    ]
    findings = []
    for snapshot_id, computed_at, stored in db.session.execute(
        select(AnalysisSnapshot.id, AnalysisSnapshot.computed_at, AnalysisSnapshot.findings)
        .order_by(AnalysisSnapshot.computed_at)
    ):
        for name in PERSON_LISTS:
            for entry in (stored or {}).get(name) or []:
                if entry.get("person_id") == user.id:
                    findings.append({"snapshot_id": snapshot_id, "computed_at": computed_at.isoformat(),
                                     "finding": name, **_counted(entry)})
    if not figures and not findings:
        return {}
    return {"analysis_opt_out": bool(user.analysis_opt_out), "figures": figures, "findings": findings}


def erase(user: User) -> None:
    """Remove the person's figures and their id from every stored finding (then only counted).

    The stored coverage index of the latest snapshot (ties between people) is deleted whole:
    what-if then answers from the current data, where the person no longer is.
    """
    db.session.execute(delete(PersonFigure).where(PersonFigure.user_id == user.id))
    db.session.execute(delete(SnapshotCoverage))
    for snapshot in db.session.scalars(select(AnalysisSnapshot)):
        redacted = redact_findings(snapshot.findings or {}, {user.id})
        if redacted != snapshot.findings:
            snapshot.findings = redacted
        if snapshot.computed_by_id == user.id:
            snapshot.computed_by_id = None
    db.session.execute(update(AnalysisJob).where(AnalysisJob.requested_by_id == user.id).values(requested_by_id=None))
    db.session.execute(
        update(AnalysisSetting).where(AnalysisSetting.updated_by_id == user.id).values(updated_by_id=None)
    )
    db.session.flush()


def retain(cutoff: datetime) -> dict[str, int]:
    """Snapshots older than the cutoff keep their summary (the trend) and lose everything per person."""
    old = list(db.session.scalars(select(AnalysisSnapshot).where(AnalysisSnapshot.computed_at < cutoff)))
    ids = [snapshot.id for snapshot in old]
    figures = 0
    if ids:
        deleted = db.session.execute(delete(PersonFigure).where(PersonFigure.snapshot_id.in_(ids)))
        figures = cast(CursorResult[Any], deleted).rowcount or 0
        db.session.execute(delete(SnapshotCoverage).where(SnapshotCoverage.snapshot_id.in_(ids)))
    pruned = 0
    for snapshot in old:
        if snapshot.findings != {"expired": True}:
            snapshot.findings = {"expired": True}
            pruned += 1
    db.session.flush()
    return {"network_figures": figures, "network_snapshot_findings": pruned}
