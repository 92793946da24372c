"""Reads for the mentor pool: demand signals, mentors' supply, substitute candidates."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from community.accounts.models import User, UserLanguage, UserRole
from community.database import utcnow
from community.expertise.models import Tag
from community.extensions import db
from community.mentoring.models import (
    OPEN_STATUSES,
    MentoringSession,
    Mentorship,
    MentorshipGoal,
    SessionAgendaTag,
)
from community.mentoring.queries import mentor_loads
from community.network import demand as demand_model
from community.network import substitutes as substitute_model
from community.network.models import AnalysisSnapshot, PersonFigure
from community.profiles.models import PersonTag, TopicQuestion
from community.profiles.naming import nameable_ids


def demand_signals(since: datetime) -> list[demand_model.DemandSignal]:
    """Learning goals, session agendas and topic questions since a date, with the department
    of the executive (or of the person asking). Nobody is named: only topics, dates, departments."""
    executive = aliased(User)
    signals: list[demand_model.DemandSignal] = []
    for slug, at, department in db.session.execute(
        select(Tag.slug, Mentorship.requested_at, executive.department)
        .join(MentorshipGoal, MentorshipGoal.tag_id == Tag.id)
        .join(Mentorship, Mentorship.id == MentorshipGoal.mentorship_id)
        .join(executive, executive.id == Mentorship.executive_id)
        .where(Mentorship.requested_at >= since, Mentorship.continues_id.is_(None))
    ):
        signals.append(demand_model.DemandSignal(slug, "goal", at, department))
    for slug, at, department in db.session.execute(
        select(Tag.slug, MentoringSession.starts_at, executive.department)
        .join(SessionAgendaTag, SessionAgendaTag.tag_id == Tag.id)
        .join(MentoringSession, MentoringSession.id == SessionAgendaTag.session_id)
        .join(Mentorship, Mentorship.id == MentoringSession.mentorship_id)
        .join(executive, executive.id == Mentorship.executive_id)
        .where(MentoringSession.starts_at >= since, MentoringSession.status != "cancelled")
    ):
        signals.append(demand_model.DemandSignal(slug, "agenda", at, department))
    asker = aliased(User)
    for slug, at, department in db.session.execute(
        select(Tag.slug, TopicQuestion.created_at, asker.department)
        .join(TopicQuestion, TopicQuestion.tag_id == Tag.id)
        .join(asker, asker.id == TopicQuestion.asker_id)
        .where(TopicQuestion.created_at >= since)
    ):
        signals.append(demand_model.DemandSignal(slug, "question", at, department))
    return signals


class MentorRow(NamedTuple):
    id: int
    department: str | None
    capacity: int | None
    mentoring_paused: bool
    load: int
    active: bool
    directory_visible: bool


def _mentor_rows() -> list[MentorRow]:
    """The active mentors, each with their open mentorships (requested or active)."""
    loads = mentor_loads(OPEN_STATUSES)
    return [
        MentorRow(uid, department, capacity, paused, loads.get(uid, 0), active, visible)
        for uid, department, capacity, paused, active, visible in db.session.execute(
            select(User.id, User.department, User.capacity, User.mentoring_paused, User.active, User.directory_visible)
            .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == "mentor"))
            .where(User.active.is_(True), User.erased_at.is_(None))
            .order_by(User.id)
        )
    ]


def _mentor_levels() -> dict[int, dict[str, str]]:
    levels: dict[int, dict[str, str]] = defaultdict(dict)
    for user_id, slug, level in db.session.execute(
        select(PersonTag.user_id, Tag.slug, PersonTag.level)
        .join(Tag, Tag.id == PersonTag.tag_id)
        .join(UserRole, (UserRole.user_id == PersonTag.user_id) & (UserRole.role == "mentor"))
    ):
        levels[user_id][slug] = level
    return levels


def mentor_levels() -> dict[int, dict[str, str]]:
    """Topics and levels of every mentor."""
    return _mentor_levels()


def mentor_supply() -> list[demand_model.MentorSupply]:
    levels = _mentor_levels()
    return [
        demand_model.MentorSupply(mentor_id=user_id, capacity=max(0, capacity or 0), load=load,
                                  levels=levels.get(user_id, {}), paused=bool(paused))
        for user_id, _department, capacity, paused, load, _active, _visible in _mentor_rows()
    ]


def tag_names() -> dict[str, Tag]:
    return {tag.slug: tag for tag in db.session.scalars(select(Tag))}


def latest_communities() -> dict[int, int]:
    """Community of each person in the latest analysis snapshot (people who opted out have none)."""
    latest = db.session.scalar(select(func.max(AnalysisSnapshot.id)))
    if latest is None:
        return {}
    return {user_id: community for user_id, community in db.session.execute(
        select(PersonFigure.user_id, PersonFigure.community)
        .where(PersonFigure.snapshot_id == latest, PersonFigure.community.is_not(None))
    ) if community is not None}


def substitute_candidates(viewer: User, communities: dict[int, int]) -> list[substitute_model.Candidate]:
    """The mentors who could take over, among those `viewer` may name (community.profiles.naming:
    someone hidden from the directory is not offered to an executive)."""
    rows = _mentor_rows()
    nameable = nameable_ids(viewer, rows)
    levels = _mentor_levels()
    spoken: dict[int, set[str]] = defaultdict(set)
    for user_id, code in db.session.execute(
        select(UserLanguage.user_id, UserLanguage.code)
        .join(UserRole, (UserRole.user_id == UserLanguage.user_id) & (UserRole.role == "mentor"))
    ):
        spoken[user_id].add(code)
    return [
        substitute_model.Candidate(
            person_id=user_id, department=department, languages=frozenset(spoken.get(user_id, ())),
            capacity=max(0, capacity or 0), load=load, levels=levels.get(user_id, {}),
            community=communities.get(user_id), paused=bool(paused),
        )
        for user_id, department, capacity, paused, load, _active, _visible in rows if user_id in nameable
    ]


def handing_of(mentorship: Mentorship, communities: dict[int, int]) -> substitute_model.Handing:
    mentor_levels = {slug: level for slug, level in db.session.execute(
        select(Tag.slug, PersonTag.level).join(Tag, Tag.id == PersonTag.tag_id)
        .where(PersonTag.user_id == mentorship.mentor_id)
    )}
    excluded = frozenset(db.session.scalars(
        select(Mentorship.mentor_id).where(Mentorship.executive_id == mentorship.executive_id,
                                           Mentorship.status.in_(OPEN_STATUSES))
    ))
    executive = mentorship.executive
    return substitute_model.Handing(
        mentor_id=mentorship.mentor_id, executive_id=executive.id, executive_department=executive.department,
        executive_languages=frozenset(executive.languages), goals=tuple(goal.tag.slug for goal in mentorship.goals),
        mentor_levels=mentor_levels, mentor_community=communities.get(mentorship.mentor_id), excluded=excluded,
    )


def pending_handovers(limit: int = 50) -> list[Mentorship]:
    """Mentorships waiting for a new mentor (for the change managers' list)."""
    return list(db.session.scalars(
        select(Mentorship).where(Mentorship.handover_requested_at.is_not(None), Mentorship.handed_over_at.is_(None),
                                 Mentorship.status.in_(("active", "completed")))
        .order_by(Mentorship.handover_requested_at).limit(limit)
    ).unique())


def monthly_posts(viewer: User, person_id: int, months: int = 12, now: datetime | None = None) -> list[tuple[date, int]]:
    """Community posts a person wrote in each of the last `months` calendar months, oldest first
    as far as `viewer` may see them (deleted and hidden posts, posts in removed threads and in
    categories the viewer cannot see are not counted); one statement."""
    from community.discussions.models import Category, Post, Thread
    from community.discussions.services import visible_post_clause
    from community.discussions.visibility import visible_threads_clause

    now = now or utcnow()
    first = date(now.year, now.month, 1)
    for _step in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    starts = [first]
    while len(starts) < months:
        last = starts[-1]
        starts.append(date(last.year + (last.month == 12), last.month % 12 + 1, 1))
    counts = dict.fromkeys(starts, 0)
    since = datetime(first.year, first.month, 1, tzinfo=now.tzinfo)
    for (created_at,) in db.session.execute(
        select(Post.created_at)
        .join(Thread, Thread.id == Post.thread_id).join(Category, Category.id == Thread.category_id)
        .where(Post.author_id == person_id, Post.created_at >= since, visible_post_clause(),
               visible_threads_clause(viewer))
    ):
        key = date(created_at.year, created_at.month, 1)
        if key in counts:
            counts[key] += 1
    return list(counts.items())
