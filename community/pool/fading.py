"""Fading mentors over the database: records per mentor, stored with each analysis snapshot,
a friendly in-app check-in for the mentor (never a message to anyone else), words for reasons.

People who opted out of the analysis are not assessed at all: they are never named.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from community.accounts.models import User, UserRole
from community.discussions.models import Post
from community.extensions import db
from community.i18n import local_number
from community.mentoring.models import MentoringSession, Mentorship, SessionChange
from community.mentoring.queries import mentor_loads
from community.mentoring.services import path_for
from community.network import fading as model
from community.network import services as network
from community.network.models import AnalysisSnapshot
from community.network.queries import PersonRef, people_refs
from community.notifications.services import notify, register_kind

register_kind("fading_checkin", _l("How is mentoring going for you? If you need a break, you can pause "
                                   "mentoring on your profile at any time: your mentees will be looked after."))

PARAMS = model.FadingParams()


def load_activity(now: datetime, hidden: frozenset[int] = frozenset()) -> list[model.MentorActivity]:
    """Every active mentor's own history over the baseline and recent windows."""
    since = now - timedelta(days=PARAMS.recent_days + PARAMS.baseline_days)
    loads = mentor_loads(("active",))
    mentors = [(uid, capacity, loads.get(uid, 0)) for uid, capacity in db.session.execute(
        select(User.id, User.capacity)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == "mentor"))
        .where(User.active.is_(True), User.erased_at.is_(None), User.analysis_opt_out.is_(False),
               User.mentoring_paused.is_(False))
    ) if uid not in hidden]
    changes = model.group_times(db.session.execute(
        select(MentoringSession.mentor_id, SessionChange.changed_at)
        .join(MentoringSession, MentoringSession.id == SessionChange.session_id)
        .where(SessionChange.kind.in_(("rescheduled", "cancelled")), SessionChange.changed_by_id == MentoringSession.mentor_id,
               SessionChange.changed_at >= since)
    ))
    answers: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
    declined: dict[int, list[datetime]] = defaultdict(list)
    for mentor_id, requested_at, decided_at, status in db.session.execute(
        select(Mentorship.mentor_id, Mentorship.requested_at, Mentorship.decided_at, Mentorship.status)
        .where(Mentorship.requested_at >= since, Mentorship.continues_id.is_(None))
    ):
        answered = decided_at if decided_at is not None else (now if status == "requested" else None)
        if answered is not None:
            answers[mentor_id].append((requested_at, max(0.0, (answered - requested_at).total_seconds() / 3600)))
        if status == "declined" and decided_at is not None:
            declined[mentor_id].append(decided_at)
    posts = model.group_times(db.session.execute(
        select(Post.author_id, Post.created_at).where(Post.created_at >= since, Post.author_id.is_not(None))
    ))
    sessions = model.group_times(db.session.execute(
        select(MentoringSession.mentor_id, MentoringSession.starts_at)
        .where(MentoringSession.status == "done", MentoringSession.starts_at >= since)
    ))
    return [
        model.MentorActivity(
            mentor_id=uid, capacity=max(0, capacity or 0), load=int(n), changes=tuple(changes.get(uid, ())),
            answers=tuple(answers.get(uid, ())), posts=tuple(posts.get(uid, ())),
            sessions=tuple(sessions.get(uid, ())), declined=tuple(declined.get(uid, ())),
        )
        for uid, capacity, n in mentors
    ]


def compute(now: datetime, hidden: frozenset[int] = frozenset()) -> list[dict[str, Any]]:
    found = model.fading_mentors(load_activity(now, hidden), now, PARAMS)
    return [{"person_id": f.person_id, "score": f.score, "reasons": [[code, values] for code, values in f.reasons]}
            for f in found]


def _previous_fading(snapshot: AnalysisSnapshot) -> set[int]:
    previous = db.session.scalar(
        select(AnalysisSnapshot).where(AnalysisSnapshot.id < snapshot.id).order_by(AnalysisSnapshot.id.desc()).limit(1)
    )
    if previous is None:
        return set()
    return {entry.get("person_id") for entry in (previous.findings or {}).get("fading_mentors") or []}


def add_to_snapshot(snapshot: AnalysisSnapshot, hidden: frozenset[int]) -> None:
    """Store the fading mentors with the snapshot (count in the summary for the trend) and
    start a friendly check-in with each mentor newly flagged."""
    entries = compute(snapshot.computed_at, hidden)
    snapshot.findings = {**(snapshot.findings or {}), "fading_mentors": entries}
    snapshot.summary = {**(snapshot.summary or {}), "fading_mentors": len(entries)}
    before = _previous_fading(snapshot)
    for entry in entries:
        if entry["person_id"] not in before:
            notify(entry["person_id"], "fading_checkin", link=path_for("profiles.show", person_id=entry["person_id"]))
    db.session.flush()


if add_to_snapshot not in network.SNAPSHOT_HOOKS:
    network.SNAPSHOT_HOOKS.append(add_to_snapshot)


def _figure(value: Any) -> str:
    """A rate over an earlier window, in the reader's notation: "3", "3.3" (German "3,3")."""
    number = float(value or 0)
    return local_number(number, 0 if number.is_integer() else 1)


def _plural_of(value: Any) -> int:
    """The count that picks the plural for a rate: "1 session", but "0.5" or "3.3 sessions"."""
    return 1 if float(value or 0) == 1 else 2


def _places_taken(v: dict[str, Any]) -> str:
    return ngettext("%(load)d of %(num)d place taken", "%(load)d of %(num)d places taken", int(v["capacity"]),
                    load=int(v["load"]))


def reason_words(code: str, v: dict[str, Any]) -> str:
    """Why a mentor may be fading, as a phrase with its figures in the reader's notation and
    plurals. The earlier figure is the mentor's own rate over the nine months before, scaled to
    90 days, and says so ("held 1 session in the last 90 days, down from 3.3 sessions per 90 days
    in the nine months before (1 of 1 place taken)"): "against 3.3 before" named no unit."""
    if code == "changes":
        baseline = _("%(figure)s per 90 days", figure=_figure(v["baseline"]))
        return ngettext("caused %(num)d reschedule or cancellation in the last 90 days, "
                        "up from %(baseline)s in the nine months before",
                        "caused %(num)d reschedules or cancellations in the last 90 days, "
                        "up from %(baseline)s in the nine months before",
                        int(v["recent"]), baseline=baseline)
    if code == "answers":
        before = ngettext("%(num)d hour", "%(num)d hours", int(v["baseline_hours"]))
        return ngettext("answers requests after %(num)d hour (median) in the last 90 days, "
                        "after %(before)s in the nine months before",
                        "answers requests after %(num)d hours (median) in the last 90 days, "
                        "after %(before)s in the nine months before",
                        int(v["recent_hours"]), before=before)
    if code == "posts":
        baseline = ngettext("%(figure)s post per 90 days", "%(figure)s posts per 90 days", _plural_of(v["baseline"]),
                            figure=_figure(v["baseline"]))
        return ngettext("%(num)d community post in the last 90 days, down from %(baseline)s in the nine months before",
                        "%(num)d community posts in the last 90 days, down from %(baseline)s in the nine months before",
                        int(v["recent"]), baseline=baseline)
    if code == "sessions":
        baseline = ngettext("%(figure)s session per 90 days", "%(figure)s sessions per 90 days",
                            _plural_of(v["baseline"]), figure=_figure(v["baseline"]))
        return ngettext("held %(num)d session in the last 90 days, down from %(baseline)s in the nine months before "
                        "(%(places)s)",
                        "held %(num)d sessions in the last 90 days, down from %(baseline)s in the nine months before "
                        "(%(places)s)",
                        int(v["recent"]), baseline=baseline, places=_places_taken(v))
    if code == "declining":
        return ngettext("declined %(num)d request with %(places)s", "declined %(num)d requests with %(places)s",
                        int(v["declined"]), places=_places_taken(v))
    return code


def fading_list(snapshot: AnalysisSnapshot | None, pseudonymised: bool) -> list[dict[str, Any]]:
    """The snapshot's fading mentors for analysts: person (name or pseudonym), score, reasons in words.
    People who opted out since are dropped here too."""
    if snapshot is None:
        return []
    hidden = network.opted_out_ids()
    entries = [e for e in (snapshot.findings or {}).get("fading_mentors") or [] if e.get("person_id") not in hidden]
    refs: dict[int, PersonRef] = people_refs([e["person_id"] for e in entries], pseudonymised)
    return [{"person": refs[e["person_id"]], "score": e.get("score", 0.0),
             "reasons": [reason_words(code, values) for code, values in e.get("reasons") or []]}
            for e in entries]
