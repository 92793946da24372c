"""Demo organisation: a paused mentor whose mentees wait for a handover, one mentorship handed
over already (with earlier sessions), and a mentor whose reschedules doubled (a fading mentor).

Runs before the network step, so the demo's analysis snapshots list the fading mentor.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from community.accounts.models import User
from community.extensions import db
from community.mentoring import services as mentoring
from community.mentoring.models import MentoringSession, Mentorship, SessionChange


def _active_by_mentor() -> dict[int, list[int]]:
    rows = db.session.execute(select(Mentorship.mentor_id, Mentorship.id).where(Mentorship.status == "active")
                              .order_by(Mentorship.id))
    result: dict[int, list[int]] = {}
    for mentor_id, mentorship_id in rows:
        result.setdefault(mentor_id, []).append(mentorship_id)
    return result


def seed(ctx) -> None:
    mentors = set(ctx.ids_by_role.get("mentor", []))
    managers = ctx.ids_by_role.get("change_manager", [])
    if len(mentors) < 4 or not managers:
        return
    manager = db.session.get(User, managers[0])
    assert manager is not None  # an id the demo created
    opted_out = set(db.session.scalars(select(User.id).where(User.analysis_opt_out.is_(True))))
    active = {m: ships for m, ships in _active_by_mentor().items() if m in mentors and m not in opted_out}
    busiest = sorted(active, key=lambda m: (-len(active[m]), m))
    if len(busiest) < 3:
        return

    # 1. A mentor paused: their mentorships wait for a handover (the change managers are told).
    paused = db.session.get(User, busiest[0])
    assert paused is not None
    mentoring.set_mentoring_paused(paused, True)

    # 2. One of them is handed over already, to the best substitute with a free place.
    from community.pool.services import substitutes_for

    first = db.session.get(Mentorship, active[paused.id][0])
    assert first is not None
    choices = substitutes_for(manager, first, limit=3)
    if choices:
        mentoring.hand_over(manager, first, mentor_id=choices[0].person.id,
                            note="Welcome! The earlier sessions covered the basics of the goals.")

    # 3. A mentor whose reschedules doubled against their own earlier months (a fading mentor).
    fading = db.session.get(User, busiest[1])
    assert fading is not None
    # Each session goes to the mentor's mentorship that was under way at its time (they were
    # all put on one mentorship, months before it was requested); a time no mentorship of theirs
    # covered gets none.
    held = db.session.execute(
        select(Mentorship.id, Mentorship.decided_at, Mentorship.completed_at)
        .where(Mentorship.mentor_id == fading.id, Mentorship.status.in_(("active", "completed")),
               Mentorship.decided_at.is_not(None))
        .order_by(Mentorship.decided_at)
    ).all()

    def under_way(moment):
        return next((row.id for row in held if _aware(row.decided_at) + timedelta(days=1) < moment
                     and (row.completed_at is None or moment < _aware(row.completed_at))), None)

    for n, days in enumerate([110, 140, 170, 200, 230, 260, 8, 25, 45, 70]):
        start = ctx.now - timedelta(days=days, hours=n % 6)
        ship_id = under_way(start)
        if ship_id is None:
            continue
        session = MentoringSession(mentorship_id=ship_id, mentor_id=fading.id, starts_at=start,
                                   ends_at=start + timedelta(hours=1), duration_minutes=60, status="done",
                                   created_by_id=fading.id, done_at=start + timedelta(hours=1))
        db.session.add(session)
        db.session.flush()
        db.session.add(SessionChange(session_id=session.id, kind="rescheduled", changed_by_id=fading.id,
                                     changed_at=start - timedelta(days=2), old_starts_at=start - timedelta(days=1),
                                     new_starts_at=start, reason="Customer workshop moved"))
    db.session.flush()

    # 4. A peer learning circle from the first proposal: two joined, a rhythm and a first message.
    from community.pool import circles

    circle_name = None
    found = circles.proposals(manager, limit=1)
    if found:
        proposal = found[0]
        first_meeting = (ctx.now + timedelta(days=10)).replace(hour=15, minute=0)
        circle = circles.create_circle(manager, name="Digital workplace circle",
                                       member_ids=proposal.member_ids,
                                       topic_slugs=[t.slug for t in proposal.topics[:3]], rhythm_weeks=4,
                                       first_meeting_at=first_meeting, location="Room 2.01 or Teams")
        joined = [m.user for m in circle.members[:2]]
        for member in joined:
            circles.respond(member, circle, True)
        circles.add_post(joined[0], circle, "Hello everyone! For our first meeting: **how do we run hybrid meetings well?**")
        circle_name = circle.name
    ctx.summary.update(pool_paused_mentor=paused.email, pool_fading_mentor=fading.email,
                       pool_circle=circle_name or "-")


def _aware(moment):
    """A stored time as UTC-aware (SQLite gives it back naive)."""
    from datetime import UTC

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
