"""Read-only views of the programme for pages and the API; a constant number of statements each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Case, ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import joinedload, lazyload, selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad

from community.accounts.models import User
from community.database import utcnow
from community.expertise.models import Tag
from community.extensions import db
from community.mentoring.models import (
    Cohort,
    MentoringSession,
    Mentorship,
    MentorshipGoal,
    SessionAgendaTag,
    SessionChange,
    SessionFeedback,
)
from community.pagination import Page, paginate

FEED_PAST_DAYS = 90

# Pages show names only: no synonyms of every shown tag, no roles and languages of every shown
# person (the signed-in person's own are loaded already).
_BARE_PERSON = (lazyload(User.role_rows), lazyload(User.language_rows))


def mentor_loads(statuses: tuple[str, ...]) -> dict[int, int]:
    """Mentorships per mentor in these statuses (mentors with none are absent).

    Read on its own, not joined to the mentors as a grouped subquery: on PostgreSQL with
    statistics not yet gathered (just after a bulk import) the planner estimated a handful of
    rows and re-ran the grouping for every mentor, 11 s at 10,000 mentors instead of 10 ms."""
    rows = db.session.execute(
        select(Mentorship.mentor_id, func.count()).where(Mentorship.status.in_(statuses)).group_by(Mentorship.mentor_id)
    )
    return {mentor_id: count for mentor_id, count in rows}


def _people(path: _AbstractLoad) -> tuple[_AbstractLoad, _AbstractLoad]:
    return (path.joinedload(Mentorship.mentor).options(*_BARE_PERSON),
            path.joinedload(Mentorship.executive).options(*_BARE_PERSON))


GOALS = selectinload(Mentorship.goals).joinedload(MentorshipGoal.tag).lazyload(Tag.synonyms)
MENTORSHIP_LIST = (
    GOALS,
    joinedload(Mentorship.mentor).options(*_BARE_PERSON),
    joinedload(Mentorship.executive).options(*_BARE_PERSON),
)
AGENDA = selectinload(MentoringSession.agenda_tags).joinedload(SessionAgendaTag.tag).lazyload(Tag.synonyms)
_SESSION_MENTORSHIP = joinedload(MentoringSession.mentorship)
SESSION_LIST = (
    AGENDA,
    _SESSION_MENTORSHIP.selectinload(Mentorship.goals).joinedload(MentorshipGoal.tag).lazyload(Tag.synonyms),
    *_people(_SESSION_MENTORSHIP),
)
SESSION_PAGE = (
    *SESSION_LIST,
    selectinload(MentoringSession.changes).joinedload(SessionChange.changed_by).options(*_BARE_PERSON),
)
STATUS_ORDER = case(
    {"requested": 0, "active": 1, "completed": 2, "declined": 3}, value=Mentorship.status, else_=4
)


def sessions_over() -> ColumnElement[int]:
    """Beside a count by status: how many of them are over. A planned session that is over has
    no outcome recorded: it is counted as "not_recorded", neither held nor still to come."""
    return func.sum(case((MentoringSession.ends_at <= utcnow(), 1), else_=0))


def add_session_count(counts: dict[str, int], status: str, n: int, over: int | None) -> None:
    """Add a (status, count, over) row of a count by status to `counts`, planned sessions that are over apart."""
    if status == "planned" and over:
        counts["not_recorded"] = counts.get("not_recorded", 0) + int(over)
        n -= int(over)
        if not n:
            return
    counts[status] = counts.get(status, 0) + n


def _involving(user: User) -> ColumnElement[bool]:
    return or_(Mentorship.mentor_id == user.id, Mentorship.executive_id == user.id)


def my_mentorships(user: User, limit: int = 100) -> list[Mentorship]:
    """As mentor or executive, open ones first."""
    return list(
        db.session.scalars(
            select(Mentorship).where(_involving(user)).options(*MENTORSHIP_LIST)
            .order_by(STATUS_ORDER, Mentorship.requested_at.desc()).limit(limit)
        ).unique()
    )


def waiting_requests(user: User) -> list[Mentorship]:
    """Requests waiting for this mentor's answer."""
    return list(
        db.session.scalars(
            select(Mentorship)
            .where(Mentorship.mentor_id == user.id, Mentorship.status == "requested")
            .options(*MENTORSHIP_LIST)
            .order_by(Mentorship.requested_at)
        ).unique()
    )


def sent_requests(user: User) -> list[Mentorship]:
    """Requests for this executive (or sent by this person) still waiting for the mentor's answer."""
    return list(
        db.session.scalars(
            select(Mentorship)
            .where(or_(Mentorship.executive_id == user.id, Mentorship.requested_by_id == user.id),
                   Mentorship.mentor_id != user.id, Mentorship.status == "requested")
            .options(*MENTORSHIP_LIST)
            .order_by(Mentorship.requested_at)
        ).unique()
    )


def ask_again_after() -> timedelta:
    """How long a mentor who declined an executive's request is not offered to that executive
    again (ASK_AGAIN_AFTER_DAYS, default 90); a change manager, who may have talked to both, can
    still ask on the executive's behalf."""
    return timedelta(days=current_app.config.get("ASK_AGAIN_AFTER_DAYS", 90))


def recent_declines(executive_id: int) -> dict[int, Any]:
    """Mentor id -> when that mentor last declined this executive's request, within ask_again_after()."""
    wait = ask_again_after()
    if not wait:
        return {}
    rows = db.session.execute(
        select(Mentorship.mentor_id, func.max(Mentorship.decided_at))
        .where(Mentorship.executive_id == executive_id, Mentorship.status == "declined",
               Mentorship.decided_at >= utcnow() - wait)
        .group_by(Mentorship.mentor_id)
    )
    return {mentor_id: decided_at for mentor_id, decided_at in rows}


def _sessions_of(user: User) -> Select[MentoringSession]:
    return (
        select(MentoringSession)
        .join(Mentorship, Mentorship.id == MentoringSession.mentorship_id)
        .where(_involving(user))
        .options(*SESSION_LIST)
    )


def upcoming_sessions(user: User, limit: int | None = None) -> list[MentoringSession]:
    stmt = _sessions_of(user).where(MentoringSession.status == "planned", MentoringSession.ends_at > utcnow())
    stmt = stmt.order_by(MentoringSession.starts_at, MentoringSession.id)
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt).unique())


def past_sessions(user: User, *, page: int, per_page: int) -> Page:
    """Done and cancelled sessions, and planned ones whose time has passed (to be marked done)."""
    stmt = _sessions_of(user).where(
        or_(MentoringSession.status != "planned", MentoringSession.ends_at <= utcnow())
    ).order_by(MentoringSession.starts_at.desc(), MentoringSession.id.desc())
    result = paginate(stmt, page=page, per_page=per_page)
    result.items = list(dict.fromkeys(result.items))
    return result


def sessions_of_mentorship(mentorship: Mentorship) -> list[MentoringSession]:
    return list(
        db.session.scalars(
            select(MentoringSession)
            .where(MentoringSession.mentorship_id == mentorship.id)
            .options(AGENDA)
            .order_by(MentoringSession.starts_at, MentoringSession.id)
        ).unique()
    )


def sessions_page(mentorship: Mentorship, *, page: int, per_page: int) -> Page:
    stmt = (
        select(MentoringSession)
        .where(MentoringSession.mentorship_id == mentorship.id)
        .options(*SESSION_PAGE)
        .order_by(MentoringSession.starts_at, MentoringSession.id)
    )
    return paginate(stmt, page=page, per_page=per_page)


def covered_tag_ids(mentorship: Mentorship) -> set[int]:
    """Topics on the agenda of this mentorship's done sessions, and of the mentorships it
    continues after a handover (the new mentor goes on from there)."""
    pairs, earlier = [mentorship.id], mentorship.continues_id
    while earlier is not None and earlier not in pairs and len(pairs) < 20:
        pairs.append(earlier)
        earlier = db.session.scalar(select(Mentorship.continues_id).where(Mentorship.id == earlier))
    return set(
        db.session.scalars(
            select(SessionAgendaTag.tag_id)
            .join(MentoringSession, MentoringSession.id == SessionAgendaTag.session_id)
            .where(MentoringSession.mentorship_id.in_(pairs), MentoringSession.status == "done")
        )
    )


def next_topics(mentorship: Mentorship, sessions: list[MentoringSession] | None = None) -> list[Tag]:
    """Goals not yet covered by a done session's agenda."""
    if sessions is None or mentorship.continues_id is not None:  # after a handover the earlier pairs' count too
        covered = covered_tag_ids(mentorship)
    else:
        covered = {row.tag_id for s in sessions if s.status == "done" for row in s.agenda_tags}
    return sorted((goal.tag for goal in mentorship.goals if goal.tag_id not in covered and goal.progress != "reached"),
                  key=lambda t: t.display_name)


def goals_to_work_on(mentorship: Mentorship, next_topics: list[Tag]) -> list[Tag]:
    """The goals a new session's agenda starts with: those no done session has covered yet,
    or, once every goal has been covered, those not yet reached."""
    if next_topics:
        return next_topics
    return [goal.tag for goal in mentorship.goals if goal.progress != "reached"]


@dataclass
class FeedbackView:
    """What one participant may see of a session's feedback."""

    mine: SessionFeedback | None = None
    theirs: SessionFeedback | None = None  # only once `mine` exists
    theirs_given: bool = False


def feedback_view(viewer: User, session: MentoringSession) -> FeedbackView:
    rows = db.session.scalars(select(SessionFeedback).where(SessionFeedback.session_id == session.id)).all()
    view = FeedbackView()
    for row in rows:
        if row.author_id == viewer.id:
            view.mine = row
        else:
            view.theirs_given = True
            view.theirs = row
    if view.mine is None:
        view.theirs = None
    return view


def feedback_views(viewer: User, session_ids: list[int]) -> dict[int, FeedbackView]:
    views: dict[int, FeedbackView] = {sid: FeedbackView() for sid in session_ids}
    if not session_ids:
        return views
    for row in db.session.scalars(select(SessionFeedback).where(SessionFeedback.session_id.in_(session_ids))):
        view = views[row.session_id]
        if row.author_id == viewer.id:
            view.mine = row
        else:
            view.theirs_given = True
            view.theirs = row
    for view in views.values():
        if view.mine is None:
            view.theirs = None
    return views


def list_mentorships(user: User, *, status: str | None = None, cohort_id: int | None = None, page: int, per_page: int) -> Page:
    """Change managers see every mentorship; others the ones they take part in or requested."""
    stmt = select(Mentorship).options(*MENTORSHIP_LIST)
    if not user.has_role("change_manager"):
        stmt = stmt.where(or_(_involving(user), Mentorship.requested_by_id == user.id))
    if status:
        stmt = stmt.where(Mentorship.status == status)
    if cohort_id:
        stmt = stmt.where(Mentorship.cohort_id == cohort_id)
    result = paginate(stmt.order_by(Mentorship.id.desc()), page=page, per_page=per_page)
    result.items = list(dict.fromkeys(result.items))
    return result


def feed_sessions(user: User) -> list[MentoringSession]:
    since = utcnow() - timedelta(days=FEED_PAST_DAYS)
    return list(
        db.session.scalars(
            _sessions_of(user).where(MentoringSession.starts_at >= since).order_by(MentoringSession.starts_at)
        ).unique()
    )


# Programme runs -------------------------------------------------------------------------

HANDOVER_LIST_LIMIT = 200


def mentorships_needing_handover() -> list[Mentorship]:
    """Active mentorships whose mentor left or stepped back, oldest request first."""
    return list(
        db.session.scalars(
            select(Mentorship)
            .where(Mentorship.status == "active", Mentorship.handover_requested_at.is_not(None))
            .order_by(Mentorship.handover_requested_at, Mentorship.id)
            .limit(HANDOVER_LIST_LIMIT)
        )
    )


@dataclass
class CohortRow:
    cohort: Cohort
    by_status: dict[str, int] = field(default_factory=dict)
    sessions_done: int = 0
    sessions_planned: int = 0  # still to come
    sessions_not_recorded: int = 0  # their time is over, no outcome recorded

    @property
    def mentorships(self) -> int:
        return sum(self.by_status.values())


def cohorts_overview() -> list[CohortRow]:
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.id.desc())).all()
    rows = {c.id: CohortRow(cohort=c) for c in cohorts}
    counted = counted_status()  # "handed over" as the run's page and report count it, not "completed"
    for cohort_id, status, n in db.session.execute(
        select(Mentorship.cohort_id, counted, func.count())
        .where(Mentorship.cohort_id.is_not(None))
        .group_by(Mentorship.cohort_id, counted)
    ):
        if cohort_id in rows:
            rows[cohort_id].by_status[status] = n
    for cohort_id, status, n, over in db.session.execute(
        select(Mentorship.cohort_id, MentoringSession.status, func.count(), sessions_over())
        .join(Mentorship, Mentorship.id == MentoringSession.mentorship_id)
        .where(Mentorship.cohort_id.is_not(None))
        .group_by(Mentorship.cohort_id, MentoringSession.status)
    ):
        if cohort_id in rows:
            counts: dict[str, int] = {}
            add_session_count(counts, status, n, over)
            row = rows[cohort_id]
            row.sessions_done += counts.get("done", 0)
            row.sessions_planned += counts.get("planned", 0)
            row.sessions_not_recorded += counts.get("not_recorded", 0)
    return list(rows.values())


@dataclass
class SideAggregate:
    average: float | None = None
    count: int = 0
    respondents: int = 0  # distinct authors: averages of fewer than REPORT_MIN_GROUP are not shown


@dataclass(frozen=True)
class SharedComment:
    """A comment its author shared with the programme team: its side and its words only. Its
    rating stays out (the author agreed to share the comment, and a side's ratings are shown
    only as an average of enough respondents)."""

    side: str  # mentor | executive
    text: str


@dataclass
class CohortReport:
    by_status: dict[str, int]
    sessions: dict[str, int]
    feedback: dict[str, SideAggregate]
    comments: list[SharedComment]
    session_counts: dict[int, dict[str, int]]


def _side() -> Case[str]:
    return case((SessionFeedback.author_id == Mentorship.mentor_id, "mentor"), else_="executive")


def counted_status() -> ColumnElement[str]:
    """A mentorship's status as the reports count it: one handed over to a new mentor is
    "handed_over", not "completed" (the executive goes on with the successor, which counts)."""
    return case((Mentorship.handed_over_at.is_not(None), literal("handed_over")), else_=Mentorship.status)


def cohort_report(cohort: Cohort, mentorship_ids: list[int], comment_limit: int = 50) -> CohortReport:
    """Counts and feedback per side; comments only where their author shared them."""
    counted = counted_status()
    by_status = dict(
        db.session.execute(
            select(counted, func.count()).where(Mentorship.cohort_id == cohort.id).group_by(counted)
        ).all()
    )
    sessions: dict[str, int] = {}
    for status, n, over in db.session.execute(
        select(MentoringSession.status, func.count(), sessions_over())
        .join(Mentorship, Mentorship.id == MentoringSession.mentorship_id)
        .where(Mentorship.cohort_id == cohort.id)
        .group_by(MentoringSession.status)
    ):
        add_session_count(sessions, status, n, over)
    side = _side()
    feedback = {"mentor": SideAggregate(), "executive": SideAggregate()}
    for side_name, average, count, respondents in db.session.execute(
        select(side, func.avg(SessionFeedback.rating), func.count(), func.count(SessionFeedback.author_id.distinct()))
        .join(MentoringSession, MentoringSession.id == SessionFeedback.session_id)
        .join(Mentorship, Mentorship.id == MentoringSession.mentorship_id)
        .where(Mentorship.cohort_id == cohort.id)
        .group_by(side)
    ):
        feedback[side_name] = SideAggregate(average=round(float(average), 2) if average is not None else None, count=count,
                                         respondents=respondents)
    comments = db.session.execute(
        select(side, SessionFeedback.comment)
        .join(MentoringSession, MentoringSession.id == SessionFeedback.session_id)
        .join(Mentorship, Mentorship.id == MentoringSession.mentorship_id)
        .where(
            Mentorship.cohort_id == cohort.id,
            SessionFeedback.shared_with_programme.is_(True),
            SessionFeedback.comment.is_not(None),
        )
        .order_by(SessionFeedback.created_at.desc(), SessionFeedback.id.desc())
        .limit(comment_limit)
    ).all()
    session_counts: dict[int, dict[str, int]] = {mid: {} for mid in mentorship_ids}
    if mentorship_ids:
        for mentorship_id, status, n, over in db.session.execute(
            select(MentoringSession.mentorship_id, MentoringSession.status, func.count(), sessions_over())
            .where(MentoringSession.mentorship_id.in_(mentorship_ids))
            .group_by(MentoringSession.mentorship_id, MentoringSession.status)
        ):
            add_session_count(session_counts[mentorship_id], status, n, over)
    return CohortReport(by_status=by_status, sessions=sessions, feedback=feedback,
                        comments=[SharedComment(s, text) for s, text in comments if text], session_counts=session_counts)


def cohort_mentorships(cohort: Cohort, *, page: int, per_page: int) -> Page:
    stmt = select(Mentorship).where(Mentorship.cohort_id == cohort.id).options(*MENTORSHIP_LIST).order_by(STATUS_ORDER, Mentorship.id)
    result = paginate(stmt, page=page, per_page=per_page)
    result.items = list(dict.fromkeys(result.items))
    return result


def change_counts(session_ids: list[int]) -> dict[int, int]:
    """How many times each session was moved (to another start: a change of its length alone
    is no move, and was counted as one)."""
    if not session_ids:
        return {}
    moved = or_(SessionChange.old_starts_at.is_(None), SessionChange.new_starts_at.is_(None),
                SessionChange.old_starts_at != SessionChange.new_starts_at)
    return dict(
        db.session.execute(
            select(SessionChange.session_id, func.count())
            .where(SessionChange.session_id.in_(session_ids), SessionChange.kind == "rescheduled", moved)
            .group_by(SessionChange.session_id)
        ).all()
    )


def mentors_with_room() -> list[Any]:
    """Rows (id, name, department, active, directory_visible) of mentors who can take another
    mentee, for the request form (the service keeps those its author may name). The loads are
    read apart (`mentor_loads`), whatever the planner knows of the tables."""
    from community.accounts.models import User, UserRole
    from community.mentoring.models import OPEN_STATUSES

    loads = mentor_loads(OPEN_STATUSES)
    stmt = (
        select(User.id, User.name, User.department, User.active, User.directory_visible, User.capacity)
        .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == "mentor"))
        .where(User.active.is_(True), User.mentoring_paused.is_(False))  # a paused mentor takes no requests
        .where(User.capacity > 0)
        .order_by(User.name, User.id)
    )
    return [row for row in db.session.execute(stmt) if loads.get(row.id, 0) < row.capacity]


def executives() -> list[tuple[int, str, str | None]]:
    """(id, name, department) of active executives."""
    from community.accounts.models import User, UserRole

    return list(
        db.session.execute(
            select(User.id, User.name, User.department)
            .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == "executive"))
            .where(User.active.is_(True))
            .order_by(User.name, User.id)
        ).all()
    )
