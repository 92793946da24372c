"""The analysis input read from the database, the live graph of the current data, and the
stored coverage index of the latest snapshot.

Pictures and exports use the graph of the current data, loaded once and kept in the process
for ANALYSIS_CACHE_SECONDS (default 120 s) per latest snapshot. What-if uses the coverage
index stored with the latest snapshot (read once per process and snapshot, milliseconds),
and the live graph only when no index is stored.
"""

from __future__ import annotations

import gc
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import networkx as nx
import orjson
from flask import current_app
from sqlalchemy import Text, func, select
from sqlalchemy import cast as sql_cast

from community.accounts.models import User, UserRole
from community.database import utcnow
from community.expertise.models import Tag
from community.extensions import db
from community.network import analysis
from community.network.models import AnalysisSnapshot, SnapshotCoverage
from community.network.queries import latest_snapshot_id


@dataclass(frozen=True)
class NetworkData:
    """The analysis input as of `now`, and who opted out of being named."""

    input: analysis.AnalysisInput
    opted_out: frozenset[int]
    now: datetime


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a while (back on afterwards, as it was).

    Loading and analysing create about a million small objects that live until the snapshot
    is stored and form no cycles worth collecting; the collector's repeated full passes over
    them took a quarter of the time of `network analyze` at 10,000 people.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def analysis_params(now: datetime) -> analysis.AnalysisParams:
    """Defaults of analysis.AnalysisParams, overridable with the ANALYSIS_PARAMS config dict."""
    return analysis.AnalysisParams(now=now, **current_app.config.get("ANALYSIS_PARAMS", {}))


def _interaction_sources() -> tuple[Callable[..., Any] | None, Callable[..., Any] | None]:
    try:
        from community.discussions.queries import activity_records, interaction_edges
    except ImportError:  # the community feature is not installed
        return None, None
    return interaction_edges, activity_records


def _status_at(
    status: str, decided_at: datetime | None, completed_at: datetime | None, now: datetime
) -> str:
    """What a mentorship's status was at `now` (snapshots may be dated in the past)."""
    if status == "completed" and completed_at is not None and completed_at > now:
        status = "active"
    if status in ("active", "declined", "completed") and decided_at is not None and decided_at > now:
        status = "requested"
    return status


def load_input(now: datetime | None = None, params: analysis.AnalysisParams | None = None) -> NetworkData:
    """Everything the analysis needs, as it was at `now`, in a fixed number of queries.

    People: active users created by then; mentorships requested by then with the status they
    had then; sessions done and feedback given by then; community interactions and activity
    inside the analysis window.
    """
    now = now or utcnow()
    params = params or analysis_params(now)
    people, opted_out = _people(now)
    known = {person.id for person in people}
    tag_records = [
        analysis.TagRecord(slug, field_name or "")
        for slug, field_name in db.session.execute(select(Tag.slug, Tag.field).order_by(Tag.slug))
    ]
    mentorships, sessions_of_mentor = _mentorships(now)
    interactions, activities = _community(now, params, known)
    data = analysis.AnalysisInput(
        people=people,
        tags=tag_records,
        mentorships=mentorships,
        interactions=interactions,
        activities=activities,
        outcomes=_outcomes(now, sessions_of_mentor, known),
    )
    return NetworkData(data, opted_out, now)


def _people(now: datetime) -> tuple[list[analysis.PersonRecord], frozenset[int]]:
    """Active people created by `now` with roles and topics, and who of them opted out."""
    from community.profiles.models import PersonTag

    active = (User.active.is_(True), User.created_at <= now)
    people_rows = db.session.execute(
        select(User.id, User.department, User.capacity, User.is_ambassador, User.ambassador_since,
               User.analysis_opt_out).where(*active)
    ).all()
    roles: dict[int, set[str]] = defaultdict(set)
    for user_id, role in db.session.execute(
        select(UserRole.user_id, UserRole.role).join(User, User.id == UserRole.user_id).where(*active)
    ):
        roles[user_id].add(role)
    tags: dict[int, dict[str, str]] = defaultdict(dict)
    for user_id, slug, level in db.session.execute(
        select(PersonTag.user_id, Tag.slug, PersonTag.level)
        .join(Tag, Tag.id == PersonTag.tag_id)
        .join(User, User.id == PersonTag.user_id)
        .where(*active)
    ):
        tags[user_id][slug] = level
    people = [
        analysis.PersonRecord(
            id=row.id,
            roles=frozenset(roles.get(row.id, ())),
            department=row.department,
            capacity=row.capacity or 0,
            tags=tags.get(row.id, {}),
            is_ambassador=bool(row.is_ambassador)
            and (row.ambassador_since is None or row.ambassador_since <= now),
        )
        for row in people_rows
    ]
    return people, frozenset(row.id for row in people_rows if row.analysis_opt_out)


def _mentorships(now: datetime) -> tuple[list[analysis.MentorshipRecord], Counter[int]]:
    """Mentorships requested by `now`, as they stood then, and sessions done per mentor."""
    from community.mentoring.models import (
        MentoringSession,
        Mentorship,
        MentorshipGoal,
        SessionAgendaTag,
    )

    mentorship_rows = db.session.execute(
        select(Mentorship.id, Mentorship.mentor_id, Mentorship.executive_id, Mentorship.status,
               Mentorship.decided_at, Mentorship.completed_at, Mentorship.continues_id)
        .where(Mentorship.requested_at <= now)
        .order_by(Mentorship.id)
    ).all()
    done_at = func.coalesce(MentoringSession.done_at, MentoringSession.starts_at)
    sessions_done = dict(
        db.session.execute(
            select(MentoringSession.mentorship_id, func.count(MentoringSession.id))
            .where(MentoringSession.status == "done", done_at <= now)
            .group_by(MentoringSession.mentorship_id)
        ).all()
    )
    goals: dict[int, list[str]] = defaultdict(list)
    for mentorship_id, slug in db.session.execute(
        select(MentorshipGoal.mentorship_id, Tag.slug)
        .join(Tag, Tag.id == MentorshipGoal.tag_id)
        .order_by(MentorshipGoal.mentorship_id, Tag.slug)
    ):
        goals[mentorship_id].append(slug)
    agenda: dict[int, list[str]] = defaultdict(list)
    for mentorship_id, slug in db.session.execute(
        select(MentoringSession.mentorship_id, Tag.slug)
        .join(SessionAgendaTag, SessionAgendaTag.session_id == MentoringSession.id)
        .join(Tag, Tag.id == SessionAgendaTag.tag_id)
        .where(MentoringSession.status != "cancelled", MentoringSession.created_at <= now)
        .distinct()
        .order_by(MentoringSession.mentorship_id, Tag.slug)
    ):
        agenda[mentorship_id].append(slug)
    mentorships = []
    sessions_of_mentor: Counter[int] = Counter()
    for row in mentorship_rows:
        done = int(sessions_done.get(row.id, 0))
        sessions_of_mentor[row.mentor_id] += done
        mentorships.append(
            analysis.MentorshipRecord(
                mentor_id=row.mentor_id,
                executive_id=row.executive_id,
                status=_status_at(row.status, row.decided_at, row.completed_at, now),
                sessions_done=done,
                # A handed-over mentorship carries its predecessor's goals: the executive wants
                # them once, so they count as demand once (the topic demand page counts so too).
                goals=() if row.continues_id is not None else tuple(goals.get(row.id, ())),
                agenda_tags=tuple(agenda.get(row.id, ())),
            )
        )
    return mentorships, sessions_of_mentor


def _outcomes(
    now: datetime, sessions_of_mentor: Counter[int], known: set[int]
) -> list[analysis.OutcomeRecord]:
    """Sessions held and the executives' feedback per mentor, by `now`."""
    from community.mentoring.models import MentoringSession, Mentorship, SessionFeedback

    feedback = {
        mentor_id: (count, float(average) if average is not None else None)
        for mentor_id, count, average in db.session.execute(
            select(Mentorship.mentor_id, func.count(SessionFeedback.id), func.avg(SessionFeedback.rating))
            .join(MentoringSession, MentoringSession.id == SessionFeedback.session_id)
            .join(Mentorship, Mentorship.id == MentoringSession.mentorship_id)
            .where(SessionFeedback.author_id == Mentorship.executive_id, SessionFeedback.created_at <= now)
            .group_by(Mentorship.mentor_id)
        )
    }
    return [
        analysis.OutcomeRecord(
            mentor_id=mentor_id,
            sessions_done=sessions_of_mentor.get(mentor_id, 0),
            feedback_count=feedback.get(mentor_id, (0, None))[0],
            feedback_avg=feedback.get(mentor_id, (0, None))[1],
        )
        for mentor_id in sorted(set(sessions_of_mentor) | set(feedback))
        if mentor_id in known
    ]


def _community(
    now: datetime, params: analysis.AnalysisParams, known: set[int]
) -> tuple[list[analysis.InteractionRecord], list[analysis.ActivityRecord]]:
    """Community interactions and own activity inside the window (and the retention period)."""
    interactions: list[analysis.InteractionRecord] = []
    activities: list[analysis.ActivityRecord] = []
    interaction_edges, activity_records = _interaction_sources()
    # Interaction traces older than the retention period are never used, whatever the window.
    retention_days = round(current_app.config["RETENTION_MONTHS"] * 30.44)
    since = now - timedelta(days=min(params.window_days, retention_days))
    if interaction_edges is not None:
        interactions = [
            analysis.InteractionRecord(source, target, kind, at)
            for source, target, kind, at in interaction_edges(since=since, until=now)
            if source in known and target in known
        ]
    if activity_records is not None:
        activities = [
            analysis.ActivityRecord(person_id, kind, at)
            for person_id, kind, at in activity_records(since=since)
            if person_id in known and at <= now
        ]
    return interactions, activities


@dataclass
class LiveNetwork:
    """The graph of the current data, for pictures, exports and what-if."""

    snapshot_id: int | None
    loaded: float
    data: NetworkData
    params: analysis.AnalysisParams
    graph: nx.Graph
    coverage: analysis.CoverageIndex
    pictures: dict[tuple[Any, ...], str] = field(default_factory=dict)


_LIVE_LOCK = threading.Lock()


def remember_live(
    snapshot_id: int | None,
    data: NetworkData,
    params: analysis.AnalysisParams,
    network: nx.Graph,
    coverage: analysis.CoverageIndex,
) -> LiveNetwork:
    entry = LiveNetwork(snapshot_id, time.monotonic(), data, params, network, coverage)
    with _LIVE_LOCK:
        current_app.extensions.setdefault("network.live", {})["entry"] = entry
    return entry


def live_network() -> LiveNetwork:
    """The current data as a graph; reused for ANALYSIS_CACHE_SECONDS per latest snapshot."""
    latest_id = latest_snapshot_id()
    ttl = float(current_app.config.get("ANALYSIS_CACHE_SECONDS", 120))
    with _LIVE_LOCK:
        entry: LiveNetwork | None = current_app.extensions.setdefault("network.live", {}).get("entry")
    if entry is not None and entry.snapshot_id == latest_id and time.monotonic() - entry.loaded < ttl:
        return entry
    now = utcnow()
    params = analysis_params(now)
    with collector_paused():
        data = load_input(now, params)
        network = analysis.build_graph(data.input, params)
        coverage = analysis.CoverageIndex.build(data.input, params, graph=network)
    return remember_live(latest_id, data, params, network, coverage)


def remember_coverage(snapshot_id: int, index: analysis.CoverageIndex | None) -> None:
    with _LIVE_LOCK:
        current_app.extensions.setdefault("network.live", {})["coverage"] = (snapshot_id, index)


def stored_coverage() -> tuple[int, analysis.CoverageIndex] | None:
    """(snapshot id, coverage index) of the latest snapshot, if stored with it.

    One query says which snapshot is the latest and whether its index is still stored
    (erasure and retention delete it); the index itself is read and decoded once per process
    and snapshot.
    """
    row = db.session.execute(
        select(AnalysisSnapshot.id, SnapshotCoverage.snapshot_id)
        .outerjoin(SnapshotCoverage, SnapshotCoverage.snapshot_id == AnalysisSnapshot.id)
        .order_by(AnalysisSnapshot.computed_at.desc(), AnalysisSnapshot.id.desc())
        .limit(1)
    ).first()
    if row is None or row[1] is None:
        return None
    snapshot_id = int(row[0])
    with _LIVE_LOCK:
        cached = current_app.extensions.setdefault("network.live", {}).get("coverage")
    if cached is not None and cached[0] == snapshot_id:
        # (id, None): this snapshot's document could not be read; not parsed again each time.
        return None if cached[1] is None else cast("tuple[int, analysis.CoverageIndex]", cached)
    # Decoding makes a few hundred thousand small objects at 100,000 people; the collector's
    # full passes over them (collector_paused) doubled or tripled a cold what-if's time.
    # The document is read as text and parsed by orjson (a few MB at 100,000 people: the
    # standard library's parser, which the database drivers use, takes about twice as long).
    with collector_paused():
        text = db.session.scalar(select(sql_cast(SnapshotCoverage.data, Text)).where(SnapshotCoverage.snapshot_id == snapshot_id))
        index = _read_coverage(text)
    remember_coverage(snapshot_id, index)
    return None if index is None else (snapshot_id, index)


def _read_coverage(text: str | None) -> analysis.CoverageIndex | None:
    """The index a stored document holds; None when it is not one this version reads (written
    by another, or damaged): what-if then answers from the live graph."""
    try:
        data = orjson.loads(text) if text else None
        if not isinstance(data, dict) or data.get("version") not in (1, 2):
            return None
        return analysis.CoverageIndex.from_plain(data)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):  # JSONDecodeError is a ValueError
        return None
