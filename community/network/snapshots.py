"""Dated snapshots: analyse the loaded input and store summary, findings and figures."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import case, delete, insert, select

from community.accounts.models import User
from community.audit import services as audit
from community.database import utcnow
from community.extensions import db
from community.network import analysis
from community.network.loading import (
    NetworkData,
    analysis_params,
    collector_paused,
    load_input,
    remember_coverage,
    remember_live,
)
from community.network.models import AnalysisSnapshot, PersonFigure, SnapshotCoverage
from community.network.queries import latest_snapshot_id
from community.network.redaction import redact_findings


def cohort_at(now: datetime) -> int | None:
    """The programme run going on at `now` (a running one first), if any."""
    from community.mentoring.models import Cohort

    day = now.date()
    return db.session.scalar(
        select(Cohort.id)
        .where(Cohort.starts_on <= day, Cohort.ends_on >= day)
        .order_by(case((Cohort.status == "running", 0), else_=1), Cohort.starts_on.desc(), Cohort.id.desc())
        .limit(1)
    )


FIGURE_ROWS_PER_INSERT = 500  # 11 parameters a row: well under SQLite's and PostgreSQL's limits

# Other features add their findings to a snapshot as it is stored (the pool feature: fading mentors).
SNAPSHOT_HOOKS: list[Callable[[AnalysisSnapshot, frozenset[int]], None]] = []


def store_snapshot(actor: User | None, data: NetworkData, result: analysis.AnalysisResult,
                   params: analysis.AnalysisParams, *, duration: float) -> AnalysisSnapshot:
    """Write a snapshot: summary, findings (opted-out people stripped), figures in bulk."""
    plain = result.to_dict(without=("people", "computed_at"))  # figures go to PersonFigure rows
    summary = plain.pop("summary")
    for community in plain.get("communities", []):
        community.pop("members", None)  # per person; kept in PersonFigure.community
    findings = redact_findings(plain, data.opted_out)
    summary["opted_out"] = len(data.opted_out)
    stored_params = analysis.plain_data(params)
    stored_params.pop("now", None)
    snapshot = AnalysisSnapshot(
        computed_at=data.now,
        computed_by_id=getattr(actor, "id", None),
        cohort_id=cohort_at(data.now),
        params=stored_params,
        summary=summary,
        findings=findings,
        duration=round(duration, 3),
    )
    db.session.add(snapshot)
    db.session.flush()
    roles_of: dict[int, list[str]] = defaultdict(list)
    for role in result.roles:
        if role.role not in roles_of[role.person_id]:
            roles_of[role.person_id].append(role.role)
    rows = [
        {
            "snapshot_id": snapshot.id,
            "user_id": figure.person_id,
            "degree": int(figure.degree),
            "weighted_degree": float(figure.weighted_degree),
            "betweenness": float(figure.betweenness),
            "pagerank": float(figure.pagerank),
            "community": figure.community,
            "departments_reached": int(figure.departments_reached),
            "load": figure.load,
            "capacity": figure.capacity,
            "roles": roles_of.get(figure.person_id, []),
        }
        for figure in result.people
        if figure.person_id not in data.opted_out
    ]
    # Multi-row INSERT statements: an executemany sends one statement per person, which on
    # PostgreSQL took most of the storing time at 100,000 people.
    for start in range(0, len(rows), FIGURE_ROWS_PER_INSERT):
        db.session.execute(insert(PersonFigure.__table__).values(rows[start : start + FIGURE_ROWS_PER_INSERT]))
    # What what-if needs, for the latest snapshot only (it names who is tied to whom).
    latest = latest_snapshot_id()
    if latest == snapshot.id:
        db.session.execute(insert(SnapshotCoverage), [{"snapshot_id": snapshot.id, "data": result.coverage.to_plain()}])
    db.session.execute(delete(SnapshotCoverage).where(SnapshotCoverage.snapshot_id != latest))
    for hook in SNAPSHOT_HOOKS:
        hook(snapshot, data.opted_out)
    audit.record(
        "network.computed", actor=actor, subject_type="analysis_snapshot", subject_id=snapshot.id,
        data={"people": summary.get("people"), "seconds": snapshot.duration},
    )
    return snapshot


def compute_snapshot(actor: User | None, now: datetime | None = None, *,
                     after_loading: Callable[[], None] | None = None,
                     phases: dict[str, float] | None = None) -> AnalysisSnapshot:
    """Load, analyse and store one dated snapshot (the caller commits).

    `after_loading` runs between reading and analysing: the CLI and background jobs pass
    `community.unit_of_work.commit` so a long analysis holds no database transaction open.
    `phases`, when given, receives the seconds spent loading, analysing and storing, wall
    and process CPU time (the benchmark reads them; the analysis steps are in the snapshot's
    summary timings).
    """
    started, started_cpu = time.perf_counter(), time.process_time()
    now = now or utcnow()
    params = analysis_params(now)
    with collector_paused():
        data = load_input(now, params)
        loaded, loaded_cpu = time.perf_counter(), time.process_time()
        actor_id = getattr(actor, "id", None)
        if after_loading is not None:
            after_loading()
            actor = db.session.get(User, actor_id) if actor_id else None
        result = analysis.analyse(data.input, params)
        analysed, analysed_cpu = time.perf_counter(), time.process_time()
        snapshot = store_snapshot(actor, data, result, params, duration=analysed - started)
    remember_live(snapshot.id, data, params, result.graph, result.coverage)
    remember_coverage(snapshot.id, result.coverage)
    if phases is not None:
        phases.update(load=loaded - started, analyse=analysed - loaded,
                      store=time.perf_counter() - analysed, load_cpu=loaded_cpu - started_cpu,
                      analyse_cpu=analysed_cpu - loaded_cpu, store_cpu=time.process_time() - analysed_cpu)
    return snapshot


def summary_lines(snapshot: AnalysisSnapshot) -> list[str]:
    """A human summary of a snapshot for the CLI."""
    s = snapshot.summary
    lines = [
        f"Snapshot {snapshot.id} computed at {snapshot.computed_at.isoformat(timespec='seconds')} "
        f"in {snapshot.duration:.2f} s",
        f"People: {s.get('people', 0)} ({s.get('connected_people', 0)} connected, {s.get('edges', 0)} ties), "
        f"{s.get('mentors', 0)} mentors, {s.get('executives', 0)} executives, "
        f"{s.get('communities', 0)} communities",
        f"Single points of failure: {s.get('single_points_of_failure', 0)}",
        f"Overloaded mentors: {s.get('overloaded', 0)}; idle mentors: {s.get('idle', 0)}",
        f"Uncovered topics: {s.get('uncovered_topics', 0)}; departments without mentors: "
        f"{s.get('departments_without_mentors', 0)}; unmatched executives: {s.get('unmatched_executives', 0)}",
        f"Opted out of the analysis (counted, not named): {s.get('opted_out', 0)}",
    ]
    return lines


def summary_json(snapshot: AnalysisSnapshot) -> str:
    return json.dumps({"snapshot_id": snapshot.id, "computed_at": snapshot.computed_at.isoformat(),
                       "duration": snapshot.duration, "summary": snapshot.summary}, indent=2, sort_keys=True)
