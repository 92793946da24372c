"""Network analysis over the database: load records, store dated snapshots, answer what-if,
draw pictures and export the graph — always with the analysis' privacy rules applied.

Privacy rules (issue "privacy by design"):
- People with `analysis_opt_out` take part in the computation, so coverage stays correct, but
  they appear only in aggregates: no PersonFigure row, never named in findings, roles,
  shortlist, what-if results, drawings or exports (a count says how many were left out).
  Findings are stripped when a snapshot is stored and again when it is read, so a person who
  opts out later disappears from older snapshots as well.
- Pseudonymised mode (config ANALYSIS_PSEUDONYMISED, or the admins' switch on the dashboard,
  stored in AnalysisSetting "pseudonymised"): people are shown as stable pseudonyms derived
  from an HMAC of their id with the SECRET_KEY; a change manager may reveal one name with a
  stated reason, which goes to the audit trail. ANALYSIS_PSEUDONYMISED=1 locks the mode on.
- Every view, export, what-if and reveal is written to the audit trail ("network.*").

Large organisations are never analysed inside a web request: up to ANALYSIS_INLINE_MAX_PEOPLE
active people a request computes the snapshot itself, above that it queues an AnalysisJob that
a background thread runs with its own app context (`flask --app wsgi network analyze`, e.g.
from cron, is the recommended route for big organisations). Pictures, exports and what-if use
the graph of the current data, loaded once and kept in the process for
ANALYSIS_CACHE_SECONDS (default 120 s) per latest snapshot.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import logging
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import networkx as nx
from flask import current_app
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import case, delete, func, insert, select, update

from community.accounts.models import User, UserRole
from community.audit import services as audit
from community.database import utcnow
from community.errors import NotFoundError, PermissionDenied, ValidationFailed
from community.expertise.models import Tag
from community.extensions import db
from community.network import charts, drawing, graph
from community.network.models import AnalysisJob, AnalysisSetting, AnalysisSnapshot, PersonFigure
from community.network.queries import (  # noqa: F401 - part of this module's documented API
    PersonRef,
    health_trend,
    latest_snapshot,
    latest_snapshot_id,
    opted_out_ids,
    people_refs,
    tag_names,
)

log = logging.getLogger("community.network")

ANALYST_ROLES = ("change_manager", "admin")
PSEUDONYM_PATTERN = re.compile(r"^P-[0-9A-F]{10}([0-9A-F]{6})?$")
PSEUDONYM_LENGTH = 10
REVEAL_REASON_MIN = 10
REVEAL_REASON_MAX = 500
WHAT_IF_MAX = 50
STALE_JOB_AFTER = timedelta(hours=2)
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- access


def is_analyst(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.has_role(*ANALYST_ROLES))


def require_analyst(user) -> None:
    if not is_analyst(user):
        raise PermissionDenied(_("Only change managers and admins see the network analysis."))


# --------------------------------------------------------------------------- settings


def pseudonymised_locked() -> bool:
    """ANALYSIS_PSEUDONYMISED=1 in the environment: the mode is on and admins cannot turn it off."""
    return bool(current_app.config.get("ANALYSIS_PSEUDONYMISED"))


def pseudonymised() -> bool:
    if pseudonymised_locked():
        return True
    row = db.session.get(AnalysisSetting, "pseudonymised")
    return bool(row and row.value.get("on"))


def set_pseudonymised(actor, on: bool) -> bool:
    """Admins switch the pseudonymised mode; audited."""
    if not (actor and actor.has_role("admin")):
        raise PermissionDenied(_("Only admins change the analysis settings."))
    if pseudonymised_locked() and not on:
        message = _("The pseudonymised mode is required by the server configuration.")
        raise ValidationFailed(message, {"pseudonymised": [message]})
    row = db.session.get(AnalysisSetting, "pseudonymised")
    if row is None:
        row = AnalysisSetting(key="pseudonymised", value={})
        db.session.add(row)
    row.value = {"on": bool(on)}
    row.updated_by_id = actor.id
    db.session.flush()
    audit.record("network.settings", actor=actor, data={"pseudonymised": bool(on)})
    return bool(on)


def analysis_params(now: datetime) -> graph.AnalysisParams:
    """Defaults of graph.AnalysisParams, overridable with the ANALYSIS_PARAMS config dict."""
    return graph.AnalysisParams(now=now, **current_app.config.get("ANALYSIS_PARAMS", {}))


# --------------------------------------------------------------------------- pseudonyms


def pseudonym(user_id: int, length: int = PSEUDONYM_LENGTH) -> str:
    """Stable pseudonym of a person: "P-" and hex digits of an HMAC of the id (SECRET_KEY)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"network-pseudonym:{user_id}".encode(), hashlib.sha256).hexdigest()
    return "P-" + digest[:length].upper()


def pseudonyms_for(ids: Iterable[int]) -> dict[int, str]:
    """Pseudonyms of these people, unique among them (a clash takes 16 digits for both)."""
    ids = sorted(set(ids))
    names = {pid: pseudonym(pid) for pid in ids}
    clashes = {name for name, count in Counter(names.values()).items() if count > 1}
    for pid in ids:
        if names[pid] in clashes:
            names[pid] = pseudonym(pid, 16)
    return names


def _pseudonym_index() -> dict[str, int]:
    """Pseudonym -> user id for everyone, rebuilt when people are added (one small query)."""
    count, highest = db.session.execute(select(func.count(User.id), func.max(User.id))).one()
    store = current_app.extensions.setdefault("network.pseudonyms", {})
    cached = store.get("index")
    if cached and cached[0] == (count, highest):
        return cached[1]
    ids = list(db.session.scalars(select(User.id)))
    index: dict[str, int] = {}
    for pid in ids:
        index[pseudonym(pid)] = pid
        index[pseudonym(pid, 16)] = pid
    store["index"] = ((count, highest), index)
    return index


def resolve_person(ref: str | int, *, pseudonymised_mode: bool | None = None) -> int | None:
    """A person named by id (normal mode) or by pseudonym (either mode); None when neither.

    In pseudonymised mode ids are refused: an id would tie a pseudonym to a profile.
    """
    mode = pseudonymised() if pseudonymised_mode is None else pseudonymised_mode
    text = str(ref).strip().upper()
    if text.isdigit():
        if mode or len(text) > 12:
            return None
        return int(text)
    if PSEUDONYM_PATTERN.match(text):
        return _pseudonym_index().get(text)
    return None


def reveal(actor, ref: str, reason: str) -> User:
    """A change manager reveals the name behind one pseudonym, giving a reason; audited."""
    require_analyst(actor)
    reason = " ".join((reason or "").split())
    if len(reason) < REVEAL_REASON_MIN:
        message = _("Give a reason of at least %(num)d characters.", num=REVEAL_REASON_MIN)
        raise ValidationFailed(message, {"reason": [message]})
    if len(reason) > REVEAL_REASON_MAX:
        message = _("Keep the reason under %(num)d characters.", num=REVEAL_REASON_MAX)
        raise ValidationFailed(message, {"reason": [message]})
    text = (ref or "").strip().upper()
    person_id = _pseudonym_index().get(text) if PSEUDONYM_PATTERN.match(text) else None
    person = db.session.get(User, person_id) if person_id else None
    if person is None or person.analysis_opt_out:
        message = _("No person in the analysis has this pseudonym.")
        raise ValidationFailed(message, {"pseudonym": [message]})
    audit.record(
        "network.revealed", actor=actor, subject_type="user", subject_id=person.id,
        note=reason, data={"pseudonym": text},
    )
    return person


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class NetworkData:
    """The analysis input as of `now`, and who opted out of being named."""

    input: graph.AnalysisInput
    opted_out: frozenset[int]
    now: datetime


def _interaction_sources() -> tuple[Callable | None, Callable | None]:
    try:
        from community.discussions.queries import activity_records, interaction_edges
    except ImportError:  # the community feature is not installed
        return None, None
    return interaction_edges, activity_records


def _status_at(status: str, decided_at, completed_at, now: datetime) -> str:
    """What a mentorship's status was at `now` (snapshots may be dated in the past)."""
    if status == "completed" and completed_at is not None and completed_at > now:
        status = "active"
    if status in ("active", "declined", "completed") and decided_at is not None and decided_at > now:
        status = "requested"
    return status


def load_input(now: datetime | None = None, params: graph.AnalysisParams | None = None) -> NetworkData:
    """Everything the analysis needs, as it was at `now`, in a fixed number of queries.

    People: active users created by then; mentorships requested by then with the status they
    had then; sessions done and feedback given by then; community interactions and activity
    inside the analysis window.
    """
    from community.mentoring.models import (
        MentoringSession,
        Mentorship,
        MentorshipGoal,
        SessionAgendaTag,
        SessionFeedback,
    )
    from community.profiles.models import PersonTag

    now = now or utcnow()
    params = params or analysis_params(now)
    active = (User.active.is_(True), User.created_at <= now)
    people_rows = db.session.execute(
        select(User.id, User.department, User.capacity, User.is_ambassador, User.ambassador_since,
               User.analysis_opt_out).where(*active)
    ).all()
    known = {row.id for row in people_rows}
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
        graph.PersonRecord(
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
    tag_records = [
        graph.TagRecord(slug, field_name or "")
        for slug, field_name in db.session.execute(select(Tag.slug, Tag.field).order_by(Tag.slug))
    ]

    mentorship_rows = db.session.execute(
        select(Mentorship.id, Mentorship.mentor_id, Mentorship.executive_id, Mentorship.status,
               Mentorship.decided_at, Mentorship.completed_at)
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
            graph.MentorshipRecord(
                mentor_id=row.mentor_id,
                executive_id=row.executive_id,
                status=_status_at(row.status, row.decided_at, row.completed_at, now),
                sessions_done=done,
                goals=tuple(goals.get(row.id, ())),
                agenda_tags=tuple(agenda.get(row.id, ())),
            )
        )
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
    outcomes = [
        graph.OutcomeRecord(
            mentor_id=mentor_id,
            sessions_done=sessions_of_mentor.get(mentor_id, 0),
            feedback_count=feedback.get(mentor_id, (0, None))[0],
            feedback_avg=feedback.get(mentor_id, (0, None))[1],
        )
        for mentor_id in sorted(set(sessions_of_mentor) | set(feedback))
        if mentor_id in known
    ]

    interactions: list[graph.InteractionRecord] = []
    activities: list[graph.ActivityRecord] = []
    interaction_edges, activity_records = _interaction_sources()
    # Interaction traces older than the retention period are never used, whatever the window.
    retention_days = round(current_app.config["RETENTION_MONTHS"] * 30.44)
    since = now - timedelta(days=min(params.window_days, retention_days))
    if interaction_edges is not None:
        interactions = [
            graph.InteractionRecord(source, target, kind, at)
            for source, target, kind, at in interaction_edges(since=since, until=now)
            if source in known and target in known
        ]
    if activity_records is not None:
        activities = [
            graph.ActivityRecord(person_id, kind, at)
            for person_id, kind, at in activity_records(since=since)
            if person_id in known and at <= now
        ]
    data = graph.AnalysisInput(
        people=people,
        tags=tag_records,
        mentorships=mentorships,
        interactions=interactions,
        activities=activities,
        outcomes=outcomes,
    )
    opted_out = frozenset(row.id for row in people_rows if row.analysis_opt_out)
    return NetworkData(data, opted_out, now)


# --------------------------------------------------------------------------- redaction


PERSON_LISTS = ("roles", "single_points_of_failure", "overloaded", "idle", "unmatched_executives",
                "ambassador_shortlist", "fading_mentors")


def redact_findings(findings: dict[str, Any], hidden: Collection[int]) -> dict[str, Any]:
    """A copy of stored findings without the people in `hidden`, counted instead.

    `opted_out` holds a count per list; a single point of failure counts the hidden
    executives it cuts off (`cuts_off.executives_opted_out`), an uncovered topic its hidden
    providers (`providers_opted_out`). Applying it again with the same people changes nothing.
    """
    hidden = frozenset(hidden)
    result = dict(findings)
    counts = dict(findings.get("opted_out") or {})
    for name in PERSON_LISTS:
        kept = []
        for entry in findings.get(name) or []:
            if entry.get("person_id") in hidden:
                counts[name] = counts.get(name, 0) + 1
                continue
            kept.append(entry)
        result[name] = kept
    spofs = []
    for entry in result["single_points_of_failure"]:
        cuts = dict(entry.get("cuts_off") or {})
        executives = cuts.get("executives") or []
        visible = [pid for pid in executives if pid not in hidden]
        if len(visible) != len(executives):
            cuts["executives"] = visible
            cuts["executives_opted_out"] = cuts.get("executives_opted_out", 0) + len(executives) - len(visible)
        spofs.append({**entry, "cuts_off": cuts})
    result["single_points_of_failure"] = spofs
    topics = []
    for entry in findings.get("uncovered_topics") or []:
        providers = entry.get("providers") or []
        visible = [pid for pid in providers if pid not in hidden]
        if len(visible) != len(providers):
            entry = {**entry, "providers": visible,
                     "providers_opted_out": entry.get("providers_opted_out", 0) + len(providers) - len(visible)}
        topics.append(entry)
    result["uncovered_topics"] = topics
    result["opted_out"] = counts
    return result


# --------------------------------------------------------------------------- snapshots


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


# Other features add their findings to a snapshot as it is stored (the pool feature: fading mentors).
SNAPSHOT_HOOKS: list[Callable[[AnalysisSnapshot, frozenset[int]], None]] = []


def store_snapshot(actor, data: NetworkData, result: graph.AnalysisResult,
                   params: graph.AnalysisParams, *, duration: float) -> AnalysisSnapshot:
    """Write a snapshot: summary, findings (opted-out people stripped), figures in bulk."""
    plain = result.to_dict()
    summary = plain.pop("summary")
    plain.pop("people", None)
    plain.pop("computed_at", None)
    for community in plain.get("communities", []):
        community.pop("members", None)  # per person; kept in PersonFigure.community
    findings = redact_findings(plain, data.opted_out)
    summary["opted_out"] = len(data.opted_out)
    stored_params = graph.plain_data(params)
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
    if rows:
        db.session.execute(insert(PersonFigure), rows)
    for hook in SNAPSHOT_HOOKS:
        hook(snapshot, data.opted_out)
    audit.record(
        "network.computed", actor=actor, subject_type="analysis_snapshot", subject_id=snapshot.id,
        data={"people": summary.get("people"), "seconds": snapshot.duration},
    )
    return snapshot


def compute_snapshot(actor, now: datetime | None = None, *,
                     after_loading: Callable[[], None] | None = None) -> AnalysisSnapshot:
    """Load, analyse and store one dated snapshot (the caller commits).

    `after_loading` runs between reading and analysing: the CLI and background jobs pass
    `db.session.commit` so a long analysis holds no database transaction open.
    """
    started = time.perf_counter()
    now = now or utcnow()
    params = analysis_params(now)
    data = load_input(now, params)
    actor_id = getattr(actor, "id", None)
    if after_loading is not None:
        after_loading()
        actor = db.session.get(User, actor_id) if actor_id else None
    result = graph.analyse(data.input, params)
    snapshot = store_snapshot(actor, data, result, params, duration=time.perf_counter() - started)
    _remember(snapshot.id, data, params, result.graph, result.coverage)
    return snapshot


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


def request_analysis(actor, now: datetime | None = None) -> tuple[str, AnalysisSnapshot | AnalysisJob]:
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


def get_job(actor, job_id: int) -> AnalysisJob:
    require_analyst(actor)
    job = db.session.get(AnalysisJob, job_id)
    if job is None:
        raise NotFoundError(_("No such analysis job."))
    return job


def start_job(job_id: int) -> threading.Thread | None:
    """Run a queued job in a background thread with its own app context.

    With ANALYSIS_JOBS_IN_THREAD = False (tests), nothing starts: call run_job() yourself.
    """
    if not current_app.config.get("ANALYSIS_JOBS_IN_THREAD", True):
        return None
    app = current_app._get_current_object()

    def work():
        with app.app_context():
            try:
                run_job(job_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"analysis-job-{job_id}", daemon=True)
    thread.start()
    return thread


def run_job(job_id: int) -> AnalysisJob | None:
    """Compute the snapshot of a queued job and record the outcome (commits: it is a worker)."""
    # Claim it atomically: a web worker's thread and `network run-jobs` may both try.
    claimed = db.session.execute(
        update(AnalysisJob).where(AnalysisJob.id == job_id, AnalysisJob.status == "queued")
        .values(status="running", started_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    job = db.session.get(AnalysisJob, job_id)
    if job is None or not claimed:
        return job
    requested_by_id = job.requested_by_id
    try:
        actor = db.session.get(User, requested_by_id) if requested_by_id else None
        snapshot = compute_snapshot(actor, after_loading=db.session.commit)
        job = db.session.get(AnalysisJob, job_id)
        job.status = "done"
        job.snapshot_id = snapshot.id
        job.finished_at = utcnow()
        db.session.commit()
    except Exception as error:  # noqa: BLE001 - a failed job is reported on the job, not lost
        db.session.rollback()
        log.exception("analysis job %s failed", job_id)
        job = db.session.get(AnalysisJob, job_id)
        job.status = "failed"
        job.error = f"{type(error).__name__}: {error}"[:1000]
        job.finished_at = utcnow()
        db.session.commit()
    return job


def run_queued_jobs() -> list[AnalysisJob]:
    """Run every queued job, oldest first (for `flask --app wsgi network run-jobs`)."""
    open_job()  # marks jobs abandoned by a stopped process as failed
    db.session.commit()
    queued = list(db.session.scalars(select(AnalysisJob.id).where(AnalysisJob.status == "queued").order_by(AnalysisJob.id)))
    return [job for job in (run_job(job_id) for job_id in queued) if job is not None]


def forget_jobs(older_than_days: int = 30) -> int:
    """Delete finished and failed jobs older than this; returns how many."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    result = db.session.execute(
        delete(AnalysisJob).where(AnalysisJob.status.in_(("done", "failed")), AnalysisJob.requested_at < cutoff)
    )
    return result.rowcount or 0


# --------------------------------------------------------------------------- the live graph


@dataclass
class LiveNetwork:
    """The graph of the current data, for pictures, exports and what-if."""

    snapshot_id: int | None
    loaded: float
    data: NetworkData
    params: graph.AnalysisParams
    graph: nx.Graph
    coverage: graph.CoverageIndex
    pictures: dict[tuple, str] = field(default_factory=dict)


_LIVE_LOCK = threading.Lock()


def _remember(snapshot_id, data, params, network, coverage) -> LiveNetwork:
    entry = LiveNetwork(snapshot_id, time.monotonic(), data, params, network, coverage)
    with _LIVE_LOCK:
        current_app.extensions.setdefault("network.live", {})["entry"] = entry
    return entry


def live_network() -> LiveNetwork:
    """The current data as a graph; reused for ANALYSIS_CACHE_SECONDS per latest snapshot."""
    latest_id = latest_snapshot_id()
    ttl = float(current_app.config.get("ANALYSIS_CACHE_SECONDS", 120))
    with _LIVE_LOCK:
        entry = current_app.extensions.setdefault("network.live", {}).get("entry")
    if entry is not None and entry.snapshot_id == latest_id and time.monotonic() - entry.loaded < ttl:
        return entry
    now = utcnow()
    params = analysis_params(now)
    data = load_input(now, params)
    network = graph.build_graph(data.input, params)
    coverage = graph.CoverageIndex.build(data.input, params, graph=network)
    return _remember(latest_id, data, params, network, coverage)


# --------------------------------------------------------------------------- what-if


@dataclass
class WhatIfView:
    removed: list[PersonRef]
    executives: list[PersonRef]
    executives_opted_out: int
    departments: list[str]
    topics: list[tuple[str, str]]  # (slug, name)
    health: dict[str, dict[str, int]]


def parse_refs(values: Iterable[str | int]) -> list[str]:
    """Split "12, 13" and repeated values into single references."""
    refs: list[str] = []
    for value in values:
        for part in re.split(r"[\s,;]+", str(value)):
            if part and part not in refs:
                refs.append(part)
    return refs


def what_if(actor, remove_ids: Iterable[str | int]) -> WhatIfView:
    """What the pool loses if these mentors leave, on the current data; audited."""
    require_analyst(actor)
    refs = parse_refs(remove_ids)
    if not refs:
        message = _("Choose at least one mentor.")
        raise ValidationFailed(message, {"remove": [message]})
    if len(refs) > WHAT_IF_MAX:
        message = _("Choose at most %(num)d mentors.", num=WHAT_IF_MAX)
        raise ValidationFailed(message, {"remove": [message]})
    mode = pseudonymised()
    live = live_network()
    hidden = opted_out_ids()
    ids: list[int] = []
    problems: list[str] = []
    for ref in refs:
        person_id = resolve_person(ref, pseudonymised_mode=mode)
        # One message for unknown people, non-mentors and people who opted out: the answer
        # must not tell who opted out.
        if person_id is None or person_id not in live.coverage.mentors or person_id in hidden:
            if mode and ref.strip().isdigit():
                problems.append(_("%(ref)s: in pseudonymised mode, name mentors by their pseudonym.", ref=ref[:20]))
            else:
                problems.append(_("%(ref)s is not a mentor in the analysis.", ref=ref[:20]))
        else:
            ids.append(person_id)
    if problems:
        raise ValidationFailed(problems[0], {"remove": problems})
    result = graph.what_if(live.data.input, live.params, ids, index=live.coverage)
    visible_executives = [pid for pid in result.executives_losing_coverage if pid not in hidden]
    refs_by_id = people_refs([*result.removed, *visible_executives], mode)
    names = tag_names(result.topics_losing_coverage)
    audit.record("network.what_if", actor=actor, data={"remove": list(result.removed)})
    return WhatIfView(
        removed=[refs_by_id[pid] for pid in result.removed],
        executives=[refs_by_id[pid] for pid in visible_executives],
        executives_opted_out=len(result.executives_losing_coverage) - len(visible_executives),
        departments=list(result.departments_losing_coverage),
        topics=[(slug, names.get(slug, slug)) for slug in result.topics_losing_coverage],
        health=result.to_dict()["health"],
    )


def mentor_choices(limit: int = 2000) -> tuple[list[tuple[str, str]], int]:
    """(value, label) of the mentors in the latest snapshot, busiest first, and their total."""
    from community.network.queries import snapshot_mentors

    mode = pseudonymised()
    rows = snapshot_mentors()
    hidden = opted_out_ids()
    rows = [row for row in rows if row[0] not in hidden]
    shown = rows[:limit]
    refs = people_refs([row[0] for row in shown], mode)
    choices = []
    for person_id, load, capacity in shown:
        ref = refs[person_id]
        choices.append((ref.key, _("%(name)s (load %(load)d of %(capacity)d)", name=ref.name,
                                   load=load or 0, capacity=capacity or 0)))
    if not mode:
        choices.sort(key=lambda choice: choice[1].lower())
    return choices, len(rows)


# --------------------------------------------------------------------------- pictures


def picture_words() -> drawing.Words:
    """The pictures' texts in the viewer's language."""
    from community.templating import role_label

    return drawing.Words(
        roles={**{role: role_label(role) for role in ("executive", "mentor", "change_manager", "admin", "staff")},
               "ambassador": _("Ambassador")},
        people_and_ties=lambda people, ties: " ".join([
            ngettext("%(num)d person", "%(num)d people", people), ngettext("and %(num)d tie.", "and %(num)d ties.", ties)]),
        ties=lambda n: ngettext("%(num)d tie", "%(num)d ties", n),
        community=lambda n: _("Community %(number)d", number=n),
        other_communities=_("Other communities"),
        no_community=_("no community"),
        other_groups=_("Other"),
        groups_of_people=lambda groups, people: " ".join([
            ngettext("%(num)d group", "%(num)d groups", groups), ngettext("of %(num)d person.", "of %(num)d people.", people)]),
        ties_between=lambda a, b, n: f"{a} – {b}: " + ngettext("%(num)d tie", "%(num)d ties", n),
        group_summary=lambda name, members, inside: f"{name} — " + ", ".join([
            ngettext("%(num)d person", "%(num)d people", members), ngettext("%(num)d tie inside", "%(num)d ties inside", inside)]),
        network_of=lambda name: _("Network of %(name)s", name=name),
        people_nearby=lambda name, n: f"{name}: " + ngettext("%(num)d person nearby.", "%(num)d people nearby.", n),
        bars=lambda n: ngettext("%(num)d bar.", "%(num)d bars.", n),
        more=lambda n: _("… and %(num)d more", num=n),
        nothing=_("Nothing to show"),
        wanted=lambda n: ngettext("wanted %(num)d time", "wanted %(num)d times", n),
    )


def _picture(key: tuple, draw: Callable[[LiveNetwork, frozenset[int]], str]) -> str:
    live = live_network()
    hidden = opted_out_ids()
    full_key = (*key, pseudonymised(), hash(hidden), str(get_locale()))
    if full_key not in live.pictures:
        live.pictures[full_key] = draw(live, hidden)
    return live.pictures[full_key]


def _left_out_note(count: int) -> str:
    return ngettext("%(num)d person who opted out is not shown.",
                    "%(num)d people who opted out are not shown.", count) if count else ""


def network_svg(viewer) -> str:
    """The mentor network: people (connected ones) or, when too many, departments."""
    require_analyst(viewer)

    def draw(live: LiveNetwork, hidden: frozenset[int]) -> str:
        core = graph.connected_core(live.graph)
        if drawing.needs_condensing(core):
            no_department = _("No department")
            group_of = {node: core.nodes[node].get("department") or no_department for node in core}
            return drawing.draw_condensed(core, group_of, title=_("Mentor network by department"),
                                          words=picture_words())
        left_out = [node for node in core if node in hidden]
        core.remove_nodes_from(left_out)
        refs = people_refs(list(core), pseudonymised())
        labels = {pid: ref.name for pid, ref in refs.items()}
        title = " ".join(filter(None, [_("Mentor network"), _left_out_note(len(left_out))]))
        return drawing.draw_network(core, labels, title=title, words=picture_words())

    return _picture(("network",), draw)


def load_svg(viewer) -> str:
    """Mentor load against capacity (from the latest snapshot), busiest first."""
    require_analyst(viewer)
    from community.network.queries import snapshot_mentors

    hidden = opted_out_ids()
    rows = [row for row in snapshot_mentors() if row[0] not in hidden]
    load = {pid: value or 0 for pid, value, _capacity in rows}
    capacity = {pid: value or 0 for pid, _load, value in rows}
    top = sorted(load, key=lambda pid: (-load[pid], pid))[:40]
    refs = people_refs(top, pseudonymised())
    labels = {pid: ref.name for pid, ref in refs.items()}
    return drawing.draw_bar_chart(
        drawing.load_bars(load, capacity, labels), title=_("Mentor load"),
        value_label=_("active mentorships"), marker_label=_("capacity"), words=picture_words(),
    )


def coverage_svg(viewer) -> str:
    """Mentors able to teach each demanded topic, against the number needed."""
    require_analyst(viewer)

    def draw(live: LiveNetwork, hidden: frozenset[int]) -> str:
        coverage = live.coverage
        names = tag_names(coverage.demand)
        words = picture_words()
        bars = drawing.coverage_bars(coverage.demand, coverage.providers,
                                     min_providers=coverage.min_providers, labels=names, words=words)
        return drawing.draw_bar_chart(bars, title=_("Topic coverage"),
                                      value_label=_("mentors"), marker_label=_("needed"), words=words)

    return _picture(("coverage",), draw)


TREND_SERIES = ("single_points_of_failure", "overloaded", "idle", "uncovered_topics",
                "departments_without_mentors", "unmatched_executives")


def trend_series_labels() -> dict[str, str]:
    return {
        "single_points_of_failure": _("Single points of failure"),
        "overloaded": _("Overloaded mentors"),
        "idle": _("Idle mentors"),
        "uncovered_topics": _("Uncovered topics"),
        "departments_without_mentors": _("Departments without mentors"),
        "unmatched_executives": _("Unmatched executives"),
        "fading_mentors": _("Fading mentors"),
    }


def trend_svg(viewer, limit: int = 12) -> str:
    require_analyst(viewer)
    points = health_trend(limit)
    labels = trend_series_labels()
    return charts.draw_trend(
        [point.label for point in points],
        {labels[name]: [point.summary.get(name, 0) or 0 for point in points] for name in TREND_SERIES},
        title=_("Pool health across snapshots"),
        groups=[point.cohort for point in points],
        empty=_("No snapshot yet"),
    )


def ego_svg(viewer, ref: str) -> str:
    """A person's ties (radius 1) for the analyst's person page."""
    require_analyst(viewer)
    person_id = resolve_person(ref)
    live = live_network()
    hidden = opted_out_ids()
    if person_id is None or person_id in hidden or person_id not in live.graph:
        raise NotFoundError(_("This person is not in the network analysis."))
    ego = graph.ego_network(live.graph, person_id)
    left_out = [node for node in ego if node in hidden]
    ego.remove_nodes_from(left_out)
    refs = people_refs(list(ego), pseudonymised())
    labels = {pid: r.name for pid, r in refs.items()}
    title = " ".join(filter(None, [_("Network of %(name)s", name=labels[person_id]), _left_out_note(len(left_out))]))
    return drawing.draw_ego(ego, person_id, labels, title=title, words=picture_words())


# --------------------------------------------------------------------------- exports


def exported_graph(live: LiveNetwork, hidden: frozenset[int]) -> nx.Graph:
    """Connected people plus every mentor and executive; people who opted out left out."""
    keep = [
        node for node, data in live.graph.nodes(data=True)
        if node not in hidden
        and (live.graph.degree(node) > 0 or data.get("roles", frozenset()) & {"mentor", "executive"})
    ]
    return live.graph.subgraph(keep)


def export_graph(viewer, fmt: str) -> tuple[bytes | dict, str]:
    """GraphML bytes or node-link data of the current graph, with the latest figures; audited.

    Returns (content, format). Pseudonymised mode replaces node ids and labels by pseudonyms.
    """
    require_analyst(viewer)
    if fmt not in ("graphml", "json"):
        message = _("Choose the format graphml or json.")
        raise ValidationFailed(message, {"format": [message]})
    from community.network.queries import snapshot_figures

    mode = pseudonymised()
    live = live_network()
    hidden = opted_out_ids()
    exported = exported_graph(live, hidden)
    figures = snapshot_figures()
    node_figures = {
        pid: {"community": f.community, "pagerank": f.pagerank, "betweenness": f.betweenness,
              "weighted_degree": f.weighted_degree, "network_roles": ",".join(f.roles or [])}
        for pid, f in figures.items() if pid in exported
    }
    left_out = sum(1 for node in hidden if node in live.graph)
    attributes = {"opted_out_people": left_out, "pseudonymised": mode}
    options: dict[str, Any] = {"node_figures": node_figures, "graph_attributes": attributes}
    if mode:
        options["pseudonyms"] = pseudonyms_for(exported)
    else:
        options["labels"] = {pid: ref.name for pid, ref in people_refs(list(exported), False).items()}
    audit.record("network.exported", actor=viewer, data={"format": fmt, "pseudonymised": mode,
                                                        "people": exported.number_of_nodes()})
    if fmt == "graphml":
        return graph.to_graphml(exported, **options), fmt
    return graph.to_node_link(exported, **options), fmt


def _cell(value: Any) -> str:
    """CSV cells that spreadsheets would run as formulas get a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_FORMULA_START) else text


def findings_csv(viewer) -> str:
    """Every finding of the latest snapshot as CSV rows with their reasons; audited."""
    require_analyst(viewer)
    from community.network.queries import build_report

    snapshot = latest_snapshot()
    if snapshot is None:
        raise NotFoundError(_("There is no network analysis yet."))
    report = build_report(snapshot)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["finding", "person", "person_id", "department", "details"])

    def person_cells(person: PersonRef) -> list[Any]:
        return [person.name, person.id if person.id is not None else "", person.department or ""]

    for item in report.roles:
        writer.writerow([_cell(v) for v in [item.label, *person_cells(item.person), item.reason]])
    for item in report.single_points_of_failure:
        writer.writerow([_cell(v) for v in [_("Single point of failure"), *person_cells(item.person), item.reason]])
    for item in report.overloaded:
        writer.writerow([_cell(v) for v in [_("Overloaded mentor"), *person_cells(item.person), item.reason]])
    for item in report.idle:
        writer.writerow([_cell(v) for v in [_("Idle mentor"), *person_cells(item.person), item.reason]])
    for item in report.unmatched_executives:
        writer.writerow([_cell(v) for v in [_("Unmatched executive"), *person_cells(item.person), item.reason]])
    for item in report.ambassador_shortlist:
        writer.writerow([_cell(v) for v in [_("Ambassador candidate"), *person_cells(item.person), item.reason]])
    for topic in report.uncovered_topics:
        writer.writerow([_cell(v) for v in [_("Uncovered topic"), "", "", "", topic.reason]])
    for department in report.departments_without_mentors:
        writer.writerow([_cell(v) for v in [_("Department without mentors"), "", "", department["department"],
                                           department["reason"]]])
    if report.opted_out_people:
        writer.writerow([_cell(v) for v in [_("Opted out"), "", "", "",
                                           ngettext("%(num)d person who opted out is counted but not named.",
                                                    "%(num)d people who opted out are counted but not named.",
                                                    report.opted_out_people)]])
    audit.record("network.exported", actor=viewer, subject_type="analysis_snapshot", subject_id=snapshot.id,
                 data={"format": "csv", "pseudonymised": report.pseudonymised})
    return out.getvalue()


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
