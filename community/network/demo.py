"""Demo: network snapshots of the demo organisation, with findings worth looking at.

Runs last. It makes sure the dashboard has something to show — a mentor who is the only link
of a department, an overloaded mentor, a topic in demand that too few mentors can teach —
adjusting the data of the earlier steps only where they did not produce one (each adjustment
is listed in the summary under "network_adjusted"). Then it stores one or two earlier
snapshots (at the end of last year's programme run, or months ago) and the current one, so
the trend chart has a line to draw.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, insert, select, update

from community.database import utcnow
from community.demo_support import DemoContext
from community.extensions import db
from community.network.analysis import CoverageIndex
from community.network.loading import NetworkData

NEW_DEPARTMENT = "Board Office"
EARLIER_SNAPSHOTS_UP_TO = 5000  # people; bigger demos store one earlier snapshot only


def seed(ctx: DemoContext) -> None:
    from community.network import analysis, services

    mentors = list(ctx.ids_by_role.get("mentor", []))
    executives = list(ctx.ids_by_role.get("executive", []))
    if len(mentors) < 2 or not executives:
        return
    adjusted: list[str] = []
    now = utcnow()
    data = services.load_input(now)
    params = services.analysis_params(now)
    index = analysis.CoverageIndex.build(data.input, params)
    helper = _Mentorships(ctx)
    # Findings about people who opted out are not shown by name: they do not count here.
    named = [m for m in mentors if m not in data.opted_out]
    if not named:
        return
    if not any(len(linked) == 1 and not linked & data.opted_out for linked in index.department_links.values()):
        _make_sole_link(ctx, index, named, helper, adjusted)
    db.session.flush()
    data = services.load_input(now)
    if not [o for o in analysis.overloaded_mentors(data.input, params) if o.person_id not in data.opted_out]:
        _make_overloaded(ctx, data, named, helper, adjusted)
    db.session.flush()
    data = services.load_input(now)
    index = analysis.CoverageIndex.build(data.input, params)
    if not index.uncovered_topics():
        _make_uncovered_topic(ctx, index, helper, adjusted)
    db.session.flush()

    snapshots = 0
    for moment in _earlier_moments(ctx):
        services.compute_snapshot(None, moment)
        snapshots += 1
    latest = services.compute_snapshot(None, utcnow())
    snapshots += 1
    summary = latest.summary
    ctx.summary.update(
        network_snapshots=snapshots,
        network_single_points_of_failure=summary.get("single_points_of_failure", 0),
        network_overloaded=summary.get("overloaded", 0),
        network_uncovered_topics=summary.get("uncovered_topics", 0),
        network_seconds=round(latest.duration, 2),
    )
    if adjusted:
        ctx.summary["network_adjusted"] = "; ".join(adjusted)


class _Mentorships:
    """Adds active mentorships with two sessions held, in the running programme run."""

    def __init__(self, ctx: DemoContext) -> None:
        from community.mentoring.models import Cohort

        self.ctx = ctx
        self.cohort_id = db.session.scalar(
            select(Cohort.id).where(Cohort.status == "running").order_by(Cohort.starts_on.desc()).limit(1)
        )

    def add(self, mentor_id: int, executive_id: int) -> int:
        from community.mentoring.models import MentoringSession, Mentorship

        requested = self.ctx.days_ago(70)
        mentorship_id = db.session.execute(
            insert(Mentorship).returning(Mentorship.id),
            [{"mentor_id": mentor_id, "executive_id": executive_id, "cohort_id": self.cohort_id,
              "status": "active", "requested_by_id": executive_id, "requested_at": requested,
              "decided_at": requested + timedelta(days=2),
              "goal_text": "Get going with the tools my team uses every day."}],
        ).scalar_one()
        sessions = []
        for days in (50, 20):
            starts = self.ctx.days_ago(days).replace(hour=15)
            sessions.append({
                "mentorship_id": mentorship_id, "mentor_id": mentor_id, "starts_at": starts,
                "ends_at": starts + timedelta(minutes=60), "duration_minutes": 60, "status": "done",
                "location": "Teams", "version": 1, "created_by_id": executive_id,
                "created_at": starts - timedelta(days=7), "done_at": starts + timedelta(minutes=60),
            })
        db.session.execute(insert(MentoringSession), sessions)
        return mentorship_id


def _make_sole_link(ctx: DemoContext, index: CoverageIndex, mentors: list[int], helper: _Mentorships, adjusted: list[str]) -> None:
    """A department whose executives all rely on one mentor."""
    from community.accounts.models import User

    load = Counter({mentor: len(mentees) for mentor, mentees in index.mentees_of.items()})
    mentor = min(mentors, key=lambda m: (load[m], m))
    executives = ctx.ids_by_role["executive"]
    # A department with executives but no mentor link: one mentorship makes that mentor its only link.
    by_department: dict[str, list[int]] = {}
    for executive in executives:
        department = index.department_of.get(executive)
        if department is not None:
            by_department.setdefault(department, []).append(executive)
    for department in sorted(by_department):
        if not index.department_links.get(department):
            helper.add(mentor, by_department[department][0])
            adjusted.append(f"mentorship added so one mentor is the only link of {department}")
            return
    # Otherwise an executive with the fewest mentors moves to a department of their own.
    executive = min(executives, key=lambda e: (len(index.active_mentors_of.get(e, ())), e))
    db.session.execute(update(User).where(User.id == executive).values(department=NEW_DEPARTMENT))
    if not index.active_mentors_of.get(executive):
        helper.add(mentor, executive)
    adjusted.append(f"an executive moved to {NEW_DEPARTMENT}, linked by one mentor")


def _make_overloaded(ctx: DemoContext, data: NetworkData, mentors: list[int], helper: _Mentorships, adjusted: list[str]) -> None:
    """A mentor with more mentees than capacity."""
    from community.accounts.models import User
    from community.network import analysis

    load = analysis.mentor_load(data.input)
    busiest = max(sorted(mentors), key=lambda m: load.get(m, 0))
    if load[busiest] >= 2:
        db.session.execute(update(User).where(User.id == busiest).values(capacity=load[busiest] - 1))
        adjusted.append("the busiest mentor's capacity lowered below their load")
        return
    taken = {m.executive_id for m in data.input.mentorships if m.mentor_id == busiest}
    added = 0
    for executive in ctx.ids_by_role["executive"]:
        if executive not in taken and executive != busiest and added < 3:
            helper.add(busiest, executive)
            added += 1
    db.session.execute(update(User).where(User.id == busiest).values(capacity=max(0, load[busiest] + added - 1)))
    adjusted.append("a mentor given more mentees than capacity")


def _make_uncovered_topic(ctx: DemoContext, index: CoverageIndex, helper: _Mentorships, adjusted: list[str]) -> None:
    """A topic wanted in a learning goal that only one mentor can teach."""
    from community.expertise.models import Tag
    from community.mentoring.models import Mentorship, MentorshipGoal
    from community.profiles.models import PersonTag

    tags = {slug: tag_id for tag_id, slug in db.session.execute(select(Tag.id, Tag.slug))}
    if not tags:
        return
    slug = min(tags, key=lambda s: (len(index.providers.get(s, ())), s))
    mentorship_id = db.session.scalar(
        select(Mentorship.id).where(Mentorship.status == "active").order_by(Mentorship.id).limit(1)
    )
    if mentorship_id is None:
        return
    exists = db.session.scalar(
        select(func.count()).select_from(MentorshipGoal)
        .where(MentorshipGoal.mentorship_id == mentorship_id, MentorshipGoal.tag_id == tags[slug])
    )
    if not exists:
        db.session.execute(insert(MentorshipGoal), [{"mentorship_id": mentorship_id, "tag_id": tags[slug]}])
    providers = sorted(index.providers.get(slug, ()))
    if len(providers) >= index.min_providers:
        db.session.execute(
            update(PersonTag)
            .where(PersonTag.tag_id == tags[slug], PersonTag.user_id.in_(providers[1:]))
            .values(level="interested")
        )
    adjusted.append(f"topic {slug} wanted in a learning goal, taught by one mentor at most")


def _earlier_moments(ctx: DemoContext) -> list[datetime]:
    """The end of last year's programme run (or ten months ago), and a point in between."""
    from community.mentoring.models import Cohort

    today = ctx.now.date()
    ended = db.session.scalar(
        select(Cohort.ends_on).where(Cohort.ends_on < today).order_by(Cohort.ends_on.desc()).limit(1)
    )
    first = datetime.combine(ended, time(17), UTC) if ended else ctx.now - timedelta(days=300)
    if ctx.people > EARLIER_SNAPSHOTS_UP_TO:
        return [first]
    middle = first + (ctx.now - first) / 2
    return [first, middle]
