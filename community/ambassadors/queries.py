"""Read-only: evidence per mentor, the candidate shortlist, the ambassador directory.

Evidence is computed for many mentors at once in a fixed number of queries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, distinct, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from community.accounts.models import User
from community.ambassadors.models import AmbassadorCriteria, Nomination
from community.database import utcnow
from community.expertise.models import Tag
from community.extensions import db
from community.mentoring.models import (
    MentoringSession,
    Mentorship,
    SessionAgendaTag,
    SessionFeedback,
)
from community.pagination import Page, paginate
from community.profiles.models import PersonTag
from community.profiles.queries import listed_for

ACTIVITY_WEIGHT = {"thread": 2.0, "post": 1.0}
HALF_LIFE_DAYS = 90.0


@dataclass
class EvidenceItem:
    key: str
    label: object
    value: float | int | None
    display: str
    threshold: float | int | None
    met: bool
    source: object
    count: int = 0  # how many figures the value stands on (the ratings behind a feedback average)


@dataclass
class Evidence:
    person_id: int
    items: list[EvidenceItem] = field(default_factory=list)

    @property
    def met_count(self) -> int:
        return sum(1 for item in self.items if item.met)

    def as_dict(self) -> dict[str, Any]:
        return {i.key: i.value for i in self.items}


def evidence_for(user_ids: list[int], criteria: AmbassadorCriteria, now: datetime | None = None,
                 viewer: User | None = None) -> dict[int, Evidence]:
    """Numbers behind a nomination: sessions, mentees, feedback, community, topics, reach.

    A mentor looking at their own evidence (`viewer`) counts an executive's rating only once they
    have rated that session too, as the session pages reveal the other side's feedback: the
    average must not show them a rating, or a new one, earlier."""
    now = now or utcnow()
    if not user_ids:
        return {}
    ids = list(dict.fromkeys(user_ids))
    sessions = dict(db.session.execute(
        select(MentoringSession.mentor_id, func.count()).where(MentoringSession.mentor_id.in_(ids), MentoringSession.status == "done")
        .group_by(MentoringSession.mentor_id)
    ).all())
    mentees = dict(db.session.execute(
        select(Mentorship.mentor_id, func.count(distinct(Mentorship.executive_id)))
        .where(Mentorship.mentor_id.in_(ids), Mentorship.status.in_(("active", "completed")))
        .group_by(Mentorship.mentor_id)
    ).all())
    ratings = (
        select(MentoringSession.mentor_id, func.count(SessionFeedback.id), func.avg(SessionFeedback.rating))
        .join(SessionFeedback, SessionFeedback.session_id == MentoringSession.id)
        .where(MentoringSession.mentor_id.in_(ids), SessionFeedback.author_id != MentoringSession.mentor_id)
        .group_by(MentoringSession.mentor_id)
    )
    if viewer is not None:
        own = aliased(SessionFeedback)
        rated_by_mentor = exists().where(own.session_id == MentoringSession.id, own.author_id == MentoringSession.mentor_id)
        ratings = ratings.where(or_(MentoringSession.mentor_id != viewer.id, rated_by_mentor))
    feedback = {mentor_id: (count, avg) for mentor_id, count, avg in db.session.execute(ratings).all()}
    own_view = {viewer.id} if viewer is not None else set()
    topic_rows = db.session.execute(
        select(PersonTag.user_id, PersonTag.tag_id).where(PersonTag.user_id.in_(ids), PersonTag.level.in_(("practitioner", "expert")))
        .union(
            select(MentoringSession.mentor_id, SessionAgendaTag.tag_id)
            .join(SessionAgendaTag, SessionAgendaTag.session_id == MentoringSession.id)
            .where(MentoringSession.mentor_id.in_(ids), MentoringSession.status == "done")
        )
    ).all()
    topics: dict[int, set[int]] = {}
    for user_id, tag_id in topic_rows:
        topics.setdefault(user_id, set()).add(tag_id)
    community = community_scores(ids, since=now - timedelta(days=criteria.activity_days), now=now)
    reach, reach_source = network_reach(ids)

    result = {}
    for uid in ids:
        s, m = sessions.get(uid, 0), mentees.get(uid, 0)
        f_count, f_avg = feedback.get(uid, (0, None))
        f_avg = round(float(f_avg), 2) if f_avg is not None else None
        c = round(community.get(uid, 0.0), 1)
        t = len(topics.get(uid, ()))
        r = reach.get(uid)
        result[uid] = Evidence(uid, [
            EvidenceItem("sessions", _l("Sessions held"), s, str(s), criteria.min_sessions, s >= criteria.min_sessions,
                         _l("mentoring sessions marked done")),
            EvidenceItem("mentees", _l("Mentees"), m, str(m), criteria.min_mentees, m >= criteria.min_mentees,
                         _l("executives in active or completed mentorships")),
            EvidenceItem("feedback", _l("Feedback average"), f_avg,
                         f"{f_avg:.1f} ({f_count})" if f_avg is not None else "—", criteria.min_feedback_avg,
                         f_avg is not None and f_avg >= criteria.min_feedback_avg,
                         _l("ratings from executives on sessions you have rated too (count in brackets)") if uid in own_view
                         else _l("ratings from executives after sessions (count in brackets)"),
                         count=f_count),
            EvidenceItem("community", _l("Community activity"), c, str(c), criteria.min_community_score, c >= criteria.min_community_score,
                         _l("posts and threads of the last %(days)d days, recent ones weigh more", days=criteria.activity_days)),
            EvidenceItem("topics", _l("Topic breadth"), t, str(t), criteria.min_topics, t >= criteria.min_topics,
                         _l("topics at practitioner or expert level, and topics of sessions held")),
            EvidenceItem("reach", _l("Network reach"), r, str(r) if r is not None else "—", criteria.min_reach,
                         r is not None and r >= criteria.min_reach, reach_source),
        ])
    return result


def community_scores(user_ids: list[int], *, since: datetime, now: datetime) -> dict[int, float]:
    """Recency-weighted posts and threads (half-life 90 days) from the discussions feature."""
    try:
        from community.discussions.queries import activity_records
    except ImportError:  # the community feature is optional for the evidence
        return {}
    wanted = set(user_ids)
    scores: dict[int, float] = {}
    for person_id, kind, at in activity_records(since=since):
        if person_id in wanted and at <= now:
            age = (now - at).total_seconds() / 86400
            scores[person_id] = scores.get(person_id, 0.0) + ACTIVITY_WEIGHT.get(kind, 1.0) * math.pow(0.5, age / HALF_LIFE_DAYS)
    return scores


def network_reach(user_ids: list[int]) -> tuple[dict[int, int], object]:
    """Departments reached in the latest network snapshot, and where that number comes from."""
    try:
        from community.network.models import AnalysisSnapshot, PersonFigure
    except ImportError:
        return {}, _l("no network analysis yet")
    snapshot = db.session.execute(
        select(AnalysisSnapshot.id, AnalysisSnapshot.computed_at).order_by(AnalysisSnapshot.computed_at.desc()).limit(1)
    ).first()
    if snapshot is None:
        return {}, _l("no network analysis yet")
    rows = db.session.execute(
        select(PersonFigure.user_id, PersonFigure.departments_reached)
        .join(User, User.id == PersonFigure.user_id)
        # People who left the analysis (even after this snapshot) have no reach figure here.
        .where(PersonFigure.snapshot_id == snapshot.id, PersonFigure.user_id.in_(user_ids),
               User.analysis_opt_out.is_(False))
    ).all()
    from flask_babel import format_date

    return {uid: int(d or 0) for uid, d in rows}, _l("departments reached in the network analysis of %(date)s", date=format_date(snapshot.computed_at))


def shortlist_from_snapshot() -> tuple[list[dict[str, Any]], object | None]:
    """The latest analysis' ambassador shortlist (person_id, score, parts), if any."""
    try:
        from community.network.models import AnalysisSnapshot
    except ImportError:
        return [], None
    snapshot = db.session.scalar(select(AnalysisSnapshot).order_by(AnalysisSnapshot.computed_at.desc()).limit(1))
    if snapshot is None:
        return [], None
    return list((snapshot.findings or {}).get("ambassador_shortlist", [])), snapshot.computed_at


def fading_ids() -> set[int]:
    """The mentors the latest analysis found fading (their activity is falling off)."""
    try:
        from community.network.models import AnalysisSnapshot
    except ImportError:
        return set()
    findings = db.session.scalar(select(AnalysisSnapshot.findings).order_by(AnalysisSnapshot.computed_at.desc()).limit(1))
    return {int(entry["person_id"]) for entry in (findings or {}).get("fading_mentors") or [] if entry.get("person_id")}


@dataclass
class Candidate:
    person: User
    score: float | None
    parts: dict[str, Any]
    nomination: Nomination | None
    evidence: Evidence

    @property
    def zero_parts(self) -> list[str]:
        """The parts of the score at 0 ("outcomes", "community", "reach"): each makes it 0."""
        return [key for key in ("outcomes", "community", "reach") if key in self.parts and not self.parts[key]]


SORT_KEYS = ("score", "criteria", "sessions", "feedback", "community", "reach", "name")


def candidates(criteria: AmbassadorCriteria, sort: str = "score") -> list[Candidate]:
    """Shortlist of the network analysis joined with open nominations and the criteria."""
    shortlist, _computed = shortlist_from_snapshot()
    scored = {int(entry["person_id"]): entry for entry in shortlist if "person_id" in entry}
    # Whoever left the network analysis is not on its shortlist, also when they left after it
    # was computed; an open nomination still lists them, without analysis figures.
    left = set(db.session.scalars(select(User.id).where(User.id.in_(list(scored)), User.analysis_opt_out.is_(True))))
    scored = {uid: entry for uid, entry in scored.items() if uid not in left}
    open_nominations = {
        n.nominee_id: n for n in db.session.scalars(select(Nomination).where(Nomination.status == "open"))
    }
    ids = list(dict.fromkeys([*scored, *open_nominations]))
    people = {
        u.id: u for u in db.session.scalars(
            select(User).where(User.id.in_(ids), User.active.is_(True), User.is_ambassador.is_(False))
            .options(selectinload(User.tag_rows))
        )
    }
    evidence = evidence_for(list(people), criteria)
    rows = [
        Candidate(person=people[uid], score=scored.get(uid, {}).get("score"), parts=scored.get(uid, {}).get("parts", {}),
                  nomination=open_nominations.get(uid), evidence=evidence[uid])
        for uid in ids if uid in people
    ]
    sort = sort if sort in SORT_KEYS else "score"

    def key(c: Candidate) -> tuple[Any, ...]:
        values = c.evidence.as_dict()
        if sort == "name":
            return (c.person.name.lower(),)
        if sort == "criteria":
            return (-c.evidence.met_count, -(c.score or 0))
        if sort == "score":
            return (-(c.score or -1), -c.evidence.met_count)
        return (-(values.get(sort) or -1), c.person.name.lower())

    return sorted(rows, key=key)


def ambassadors(viewer: User, *, tag: str | None, department: str | None, location: str | None, page: int,
                per_page: int) -> Page:
    """The ambassadors `viewer` may see named: someone hidden from the directory is listed only
    for themselves, change managers and admins (community.profiles.queries.listed_for)."""
    stmt = (
        select(User)
        .where(User.is_ambassador.is_(True), listed_for(viewer))
        .options(selectinload(User.tag_rows).joinedload(PersonTag.tag), selectinload(User.language_rows))
    )
    if tag:
        stmt = stmt.where(User.id.in_(select(PersonTag.user_id).join(Tag).where(Tag.slug == tag)))
    if department:
        stmt = stmt.where(User.department == department)
    if location:
        stmt = stmt.where(User.location == location)
    return paginate(stmt.order_by(User.name, User.id), page=page, per_page=per_page)


def ambassador_facets(viewer: User) -> dict[str, list[str]]:
    """Departments and locations that have ambassadors `viewer` sees listed, for the filters."""
    base = and_(User.is_ambassador.is_(True), listed_for(viewer))
    departments = [d for d in db.session.scalars(select(User.department).where(base).distinct().order_by(User.department)) if d]
    locations = [d for d in db.session.scalars(select(User.location).where(base).distinct().order_by(User.location)) if d]
    return {"departments": departments, "locations": locations}


def nominations_for(actor: User, *, status: str | None, page: int, per_page: int) -> Page:
    stmt = select(Nomination)
    if not actor.has_role("change_manager", "admin"):
        stmt = stmt.where(or_(Nomination.nominee_id == actor.id, Nomination.nominated_by_id == actor.id))
    if status:
        stmt = stmt.where(Nomination.status == status)
    return paginate(stmt.order_by(Nomination.created_at.desc(), Nomination.id.desc()), page=page, per_page=per_page)



def nominee_marks(people: list[User]) -> dict[int, str]:
    """"ambassador already" or "nomination open" for those among `people` a nomination would
    refuse (the nominee picker says so before the form is sent)."""
    ids = [p.id for p in people]
    nominated = set(db.session.scalars(select(Nomination.nominee_id).where(Nomination.nominee_id.in_(ids),
                                                                           Nomination.status == "open"))) if ids else set()
    return {p.id: _("ambassador already") if p.is_ambassador else _("nomination open") for p in people
            if p.is_ambassador or p.id in nominated}


def open_nomination_of(user_id: int) -> Nomination | None:
    """A person's nomination that waits for a decision (there is at most one)."""
    return db.session.scalar(select(Nomination).where(Nomination.nominee_id == user_id, Nomination.status == "open"))
