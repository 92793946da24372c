"""Demo mentoring: last year's closed programme run and this year's running one, mentorships
matched by topic, sessions with agendas, reschedules, cancellations, notes and feedback.

Reads the mentors' topics and capacities the profiles step stored; writes everything with bulk
inserts and explicit ids, so 10,000 people take a second or two. One topic is made much asked
for and rarely offered (the taxonomy tag with the fewest knowledgeable mentors), so the network
analysis has a coverage gap to find.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func, select

from community.accounts.models import User
from community.demo_support import reset_sequence
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
    SessionNote,
)
from community.notifications.models import Notification
from community.profiles.models import PersonTag

UNMATCHED_SHARE = 0.15
LAST_RUN_SHARE = 0.6
RESCHEDULE_REASONS = [
    "Board meeting moved to that slot", "Travelling that week", "Customer visit", "Sick, sorry!",
    "Clash with the quarterly review", "Kita closed that day", "Let's do it after the release",
]
CANCEL_REASONS = ["Illness", "Budget meeting, no new date yet", "We covered it in the last session", "Business trip"]
DECLINE_REASONS = ["My capacity is taken for this quarter.", "I am on parental leave from next month.",
                   "Someone else in my team knows this topic much better."]
AGENDA_LINES = [
    "Hands-on: {topic} on your own laptop.", "Questions from last time, then {topic}.",
    "Why {topic} matters for your team, with two examples.", "Try out {topic} together; you drive.",
    "{topic}: what works in our company, what does not.",
]
GOAL_TEXTS = [
    "I want to understand how my team works with these tools.", "Ich möchte mitreden können, wenn es um {topic} geht.",
    "Use {topic} myself instead of asking my assistant.", "Be a role model for {topic} in my department.",
    None, None,
]
COMMENTS_EXEC = ["Very practical, I tried it the same afternoon.", "Clear and patient explanations.",
                 "A bit fast for me, but useful.", "Sehr hilfreich, gerne mehr davon.", "Eye-opening."]
COMMENTS_MENTOR = ["Great questions, we went deeper than planned.", "We should prepare examples next time.",
                   "Spannender Austausch über Führung.", "Learned a lot about how decisions are made."]
NOTES = ["Look at the channel settings again.", "Follow up: share the checklist.", "Try the mobile app before next time.",
         "Bring an example from the last team meeting."]
TRIED = ["Posted my first update in the community.", "Set up a team channel for my board.",
         "Used the AI assistant to summarise a long thread.", "Ran my weekly meeting with a shared agenda."]
LOCATIONS = ["Room 4.12", "Coffee corner, 2nd floor", "Canteen, window table", "https://meet.demo.example/{n}",
             "https://video.demo.example/r/{n}"]


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _slot(rng, used: set, start: datetime, end: datetime) -> datetime | None:
    """A weekday hour between start and end that the mentor has free."""
    span = (end - start).days
    if span <= 0:
        return None
    for _attempt in range(20):
        day = (start + timedelta(days=rng.randint(0, span))).date()
        if day.weekday() >= 5:
            continue
        when = datetime(day.year, day.month, day.day, rng.choice((7, 8, 9, 11, 12, 13, 14, 15)), rng.choice((0, 30)),
                        tzinfo=start.tzinfo)
        if start <= when <= end and (day, when.hour) not in used:
            used.add((day, when.hour))
            return when
    return None


def seed(ctx) -> None:
    rng = ctx.rng
    now = ctx.now
    mentors = ctx.ids_by_role.get("mentor", [])
    executives = ctx.ids_by_role.get("executive", [])
    tags = dict(db.session.execute(select(Tag.id, Tag.slug).order_by(Tag.id)).all())
    if not mentors or not executives or not tags:
        return
    planner = _Planner(ctx, mentors, executives, tags)
    last_id, this_id = _seed_cohorts(now, planner)
    plans = planner.plan(last_id, this_id)
    db.session.execute(Mentorship.__table__.insert(), planner.mentorships)
    db.session.execute(MentorshipGoal.__table__.insert(), planner.goals)
    reset_sequence("mentorships", planner.next_mentorship - 1)

    writer = _SessionWriter(rng, now, tags)
    for plan in plans:
        writer.write(*plan)
    writer.insert()
    _notify_waiting(planner.mentorships)
    statuses: defaultdict[str, int] = defaultdict(int)
    for m in planner.mentorships:
        statuses[m["status"]] += 1
    capacity = planner.capacity
    at_capacity = sum(1 for m, load in planner.open_load.items() if load and load >= (capacity.get(m) or 0))
    ctx.summary.update(
        programme_runs=2, mentorships=len(planner.mentorships), mentorships_active=statuses["active"],
        mentorships_requested=statuses["requested"], mentorships_completed=statuses["completed"],
        mentorships_declined=statuses["declined"], sessions=len(writer.sessions), session_feedback=len(writer.feedback),
        unmatched_executives=planner.unmatched, mentors_at_capacity=at_capacity, scarce_topic=tags[planner.scarce],
    )


def _seed_cohorts(now: datetime, planner: _Planner) -> tuple[int, int]:
    """Two programme runs: last year's (closed) and this year's (running)."""
    last_start, last_end = (now - timedelta(days=600)).date(), (now - timedelta(days=240)).date()
    this_start, this_end = (now - timedelta(days=150)).date(), (now + timedelta(days=215)).date()
    cohort_id = _next_id(Cohort)
    last_id, this_id = cohort_id, cohort_id + 1
    db.session.execute(Cohort.__table__.insert(), [
        {"id": last_id, "name": f"Reverse Mentoring {last_start.year}", "starts_on": last_start, "ends_on": last_end,
         "status": "closed", "description": "The first programme run: 1:1 reverse mentoring on the digital workplace.",
         "created_at": now - timedelta(days=640)},
        {"id": this_id, "name": f"Reverse Mentoring {this_start.year}", "starts_on": this_start, "ends_on": this_end,
         "status": "running", "description": "Second run, open to all executives; sessions every three to four weeks.",
         "created_at": now - timedelta(days=170)},
    ])
    reset_sequence("cohorts", this_id)
    planner.last_start_dt = datetime.combine(last_start, datetime.min.time(), now.tzinfo)
    planner.last_end = last_end
    planner.this_start_dt = datetime.combine(this_start, datetime.min.time(), now.tzinfo)
    return last_id, this_id


class _Planner:
    """Who asks whom, in which run, with which goals: the mentorship rows and their plans."""

    def __init__(self, ctx, mentors: list[int], executives: list[int], tags: dict[int, str]) -> None:
        self.ctx, self.rng, self.now = ctx, ctx.rng, ctx.now
        self.mentors, self.executives, self.tags = mentors, executives, tags
        self.capacity = dict(db.session.execute(select(User.id, User.capacity).where(User.id.in_(mentors))).all())
        self.mentors_of_tag: dict[int, list[int]] = defaultdict(list)
        self.interests: dict[int, list[int]] = defaultdict(list)
        mentor_set, executive_set = set(mentors), set(executives)
        for user_id, tag_id, level in db.session.execute(
            select(PersonTag.user_id, PersonTag.tag_id, PersonTag.level).order_by(PersonTag.user_id, PersonTag.tag_id)
        ):
            if user_id in mentor_set:
                if level != "interested":
                    self.mentors_of_tag[tag_id].append(user_id)
            elif user_id in executive_set:
                self.interests[user_id].append(tag_id)
        self.tag_ids = sorted(tags)
        # The topic executives ask for most that the fewest mentors know.
        self.scarce = min(self.tag_ids, key=lambda t: (len(self.mentors_of_tag.get(t, [])), t))
        self.open_load: dict[int, int] = defaultdict(int)
        self.had: dict[int, set[int]] = defaultdict(set)
        self.department = ctx.department_of
        self.mentorships: list[dict] = []
        self.goals: list[dict] = []
        self.unmatched = 0
        self.last_start_dt = self.this_start_dt = self.now
        self.last_end = self.now.date()

    def plan(self, last_id: int, this_id: int) -> list[tuple]:
        """(mentorship id, mentor id, executive id, status, goals, first day, last day) per held one."""
        rng = self.rng
        self.next_mentorship = _next_id(Mentorship)
        sequence = list(self.executives)
        rng.shuffle(sequence)
        # The first mentor fills up to capacity, so the pool shows a mentor at the limit.
        busiest = max(self.mentors, key=lambda m: (self.capacity.get(m) or 0, -m))
        plans: list[tuple] = []
        capacity_fill = self.capacity.get(busiest) or 0
        for index, executive_id in enumerate(sequence):
            if index >= capacity_fill and rng.random() < UNMATCHED_SHARE:
                self.unmatched += 1
                continue
            if rng.random() < LAST_RUN_SHARE:
                self._plan_last_run(executive_id, last_id, plans)
            goal_ids = self.pick_goals(executive_id)
            mentor_id = busiest if index < capacity_fill else self.pick_mentor(executive_id, goal_ids, open_run=True)
            if mentor_id is None:
                if not self.had[executive_id]:
                    self.unmatched += 1
                continue
            self._plan_this_run(executive_id, mentor_id, goal_ids, this_id, index >= capacity_fill, plans)
        return plans

    def _plan_last_run(self, executive_id: int, last_id: int, plans: list[tuple]) -> None:
        rng, now = self.rng, self.now
        goal_ids = self.pick_goals(executive_id)
        mentor_id = self.pick_mentor(executive_id, goal_ids, open_run=False)
        if mentor_id is None:
            return
        asked = self.last_start_dt + timedelta(days=rng.randint(0, 40))
        if rng.random() < 0.1:
            self.add(executive_id, mentor_id, last_id, "declined", asked, goal_ids, asked + timedelta(days=3), rng.choice(DECLINE_REASONS))
        else:
            decided = asked + timedelta(days=rng.randint(1, 10))
            done_at = datetime.combine(self.last_end, datetime.min.time(), now.tzinfo) - timedelta(days=rng.randint(0, 30))
            m = self.add(executive_id, mentor_id, last_id, "completed", asked, goal_ids, decided, None, done_at)
            plans.append((m, mentor_id, executive_id, "completed", goal_ids, decided, done_at))

    def _plan_this_run(self, executive_id: int, mentor_id: int, goal_ids: list[int], this_id: int, free: bool,
                       plans: list[tuple]) -> None:
        rng, now = self.rng, self.now
        asked = self.this_start_dt + timedelta(days=rng.randint(0, 100))
        roll = rng.random()
        if roll < 0.08 and free:
            self.add(executive_id, mentor_id, this_id, "declined", asked, goal_ids, asked + timedelta(days=2), rng.choice(DECLINE_REASONS))
            second = self.pick_mentor(executive_id, goal_ids, open_run=True)
            if second is None:
                return
            mentor_id = second
            asked += timedelta(days=5)
            roll = 0.5
        if (roll < 0.2 and free) or asked > now - timedelta(days=3):
            self.add(executive_id, mentor_id, this_id, "requested", min(asked, now - timedelta(days=1)), goal_ids)
        else:
            decided = asked + timedelta(days=rng.randint(1, 7))
            m = self.add(executive_id, mentor_id, this_id, "active", asked, goal_ids, decided)
            plans.append((m, mentor_id, executive_id, "active", goal_ids, decided, now + timedelta(days=60)))

    def pick_goals(self, executive_id: int) -> list[int]:
        rng = self.rng
        chosen = []
        if rng.random() < 0.35:
            chosen.append(self.scarce)
        own = self.interests.get(executive_id, [])
        if own:
            chosen.append(rng.choice(own))
        while len(chosen) < rng.randint(2, 3):
            chosen.append(rng.choice(self.tag_ids))
        return list(dict.fromkeys(chosen))

    def pick_mentor(self, executive_id: int, goal_ids: list[int], *, open_run: bool) -> int | None:
        rng = self.rng
        candidates = {m for g in goal_ids for m in self.mentors_of_tag.get(g, [])}
        pool = sorted(candidates) if candidates and rng.random() < 0.85 else self.mentors
        for _attempt in range(12):
            mentor_id = rng.choice(pool)
            if mentor_id in self.had[executive_id]:
                continue
            if open_run and self.open_load[mentor_id] >= (self.capacity.get(mentor_id) or 0):
                continue
            if self.department.get(mentor_id) == self.department.get(executive_id) and rng.random() < 0.7:
                continue
            return mentor_id
        return None

    def _in_office_hours(self, moment, salt: int):
        """A day's midnight as a time of that day's working hours (the pages showed "02:00"),
        never after now; without drawing from the random numbers, so the demo stays the same."""
        if moment is None or (moment.hour, moment.minute, moment.second) != (0, 0, 0):
            return moment
        moment = moment + timedelta(hours=8 + salt % 9, minutes=(salt * 7) % 60)
        return min(moment, self.now - timedelta(hours=1))

    def add(self, executive_id, mentor_id, cohort, status, requested_at, goal_ids, decided=None, reason=None,
            completed=None) -> int:
        rng, ctx = self.rng, self.ctx
        mentorship_id = self.next_mentorship
        self.next_mentorship += 1
        requested_by = executive_id if rng.random() < 0.8 or not ctx.ids_by_role.get("change_manager") \
            else rng.choice(ctx.ids_by_role["change_manager"])
        first_goal = self.tags[goal_ids[0]].replace("-", " ")
        text = rng.choice(GOAL_TEXTS)
        self.mentorships.append({
            "id": mentorship_id, "mentor_id": mentor_id, "executive_id": executive_id, "cohort_id": cohort,
            "status": status, "goal_text": text.format(topic=first_goal) if text else None, "requested_by_id": requested_by,
            "requested_at": self._in_office_hours(requested_at, executive_id),
            "decided_at": self._in_office_hours(decided, mentor_id * 3 + executive_id),
            "decision_reason": reason, "completed_at": self._in_office_hours(completed, mentor_id),
        })
        self.goals.extend({"mentorship_id": mentorship_id, "tag_id": g} for g in goal_ids)
        self.had[executive_id].add(mentor_id)
        if status in ("requested", "active"):
            self.open_load[mentor_id] += 1
        return mentorship_id


class _SessionWriter:
    """The sessions of the held mentorships: history, agenda topics, feedback and notes."""

    def __init__(self, rng, now: datetime, tags: dict[int, str]) -> None:
        self.rng, self.now, self.tags = rng, now, tags
        self.sessions: list[dict] = []
        self.agenda_rows: list[dict] = []
        self.changes: list[dict] = []
        self.feedback: list[dict] = []
        self.notes_out: list[dict] = []
        self.used_slots: dict[int, set] = defaultdict(set)
        self.next_session, self.next_change = _next_id(MentoringSession), _next_id(SessionChange)
        self.next_feedback = _next_id(SessionFeedback)

    def write(self, mentorship_id, mentor_id, executive_id, status, goal_ids, first, last) -> None:
        rng, now = self.rng, self.now
        count = rng.randint(3, 6) if status == "completed" else rng.randint(1, 4)
        past_end = min(last, now - timedelta(hours=2))
        times = sorted(t for t in (_slot(rng, self.used_slots[mentor_id], first + timedelta(days=3), past_end) for _ in range(count)) if t)
        kinds = ["done"] * len(times)
        if status == "active" and rng.random() < 0.75:
            upcoming = _slot(rng, self.used_slots[mentor_id], now + timedelta(days=1), now + timedelta(days=45))
            if upcoming:
                times.append(upcoming)
                kinds.append("planned")
        for position, (starts_at, kind) in enumerate(zip(times, kinds, strict=True)):
            self._session(mentorship_id, mentor_id, executive_id, goal_ids, first, position, starts_at, kind)

    def _past(self, moment):
        """`moment`, or an hour ago if it would lie in the future."""
        return min(moment, self.now - timedelta(hours=1))

    def _change(self, session_id: int, kind: str, **values) -> None:
        self.changes.append({"id": self.next_change, "session_id": session_id, "kind": kind, **values})
        self.next_change += 1

    def _session(self, mentorship_id, mentor_id, executive_id, goal_ids, first, position, starts_at, kind) -> None:
        rng = self.rng
        if kind == "done" and rng.random() < 0.08:
            kind = "cancelled"
        duration = rng.choice((45, 60, 60, 60, 90))
        session_id = self.next_session
        self.next_session += 1
        creator = rng.choice((mentor_id, executive_id))
        # Every entry of a history lies in the past, also for an upcoming session: it was
        # arranged days before it starts, but not after today.
        created_at = max(first, min(starts_at - timedelta(days=rng.randint(5, 20)), self._past(starts_at)))
        version = 1
        self._change(session_id, "created", changed_by_id=creator, changed_at=created_at, old_starts_at=None,
                     new_starts_at=starts_at, reason=None)
        if rng.random() < 0.2:  # moved once: the first planned time is kept in the history
            original = starts_at - timedelta(days=rng.choice((-2, -1, 1, 2, 7)))
            self.changes[-1]["new_starts_at"] = original
            self._change(session_id, "rescheduled", changed_by_id=rng.choice((mentor_id, executive_id)),
                         changed_at=min(created_at + timedelta(days=1), starts_at - timedelta(hours=1),
                                        self._past(created_at + timedelta(hours=1))),
                         old_starts_at=original, new_starts_at=starts_at, reason=rng.choice(RESCHEDULE_REASONS))
            version += 1
        cancel_reason = None
        done_at = None
        if kind == "cancelled":
            cancel_reason = rng.choice(CANCEL_REASONS)
            self._change(session_id, "cancelled", changed_by_id=rng.choice((mentor_id, executive_id)),
                         changed_at=starts_at - timedelta(days=1), old_starts_at=starts_at, new_starts_at=None,
                         reason=cancel_reason)
            version += 1
        elif kind == "done":
            done_at = starts_at + timedelta(minutes=duration)
            self._change(session_id, "done", changed_by_id=mentor_id, changed_at=done_at, old_starts_at=None,
                         new_starts_at=None, reason=None)
            version += 1
        topic_ids = [goal_ids[position % len(goal_ids)]]
        if rng.random() < 0.4:
            topic_ids.append(rng.choice(goal_ids))
        topic_ids = list(dict.fromkeys(topic_ids))
        topic = self.tags[topic_ids[0]].replace("-", " ")
        location = rng.choice(LOCATIONS).format(n=session_id)
        self.sessions.append({
            "id": session_id, "mentorship_id": mentorship_id, "mentor_id": mentor_id, "starts_at": starts_at,
            "ends_at": starts_at + timedelta(minutes=duration), "duration_minutes": duration, "location": location,
            "agenda": rng.choice(AGENDA_LINES).format(topic=topic), "status": kind, "version": version,
            "cancel_reason": cancel_reason, "created_by_id": creator, "created_at": created_at, "done_at": done_at,
        })
        self.agenda_rows.extend({"session_id": session_id, "tag_id": t} for t in topic_ids)
        if kind == "done":
            self._feedback_and_notes(session_id, mentor_id, executive_id, done_at)

    def _feedback_and_notes(self, session_id, mentor_id, executive_id, done_at) -> None:
        rng = self.rng
        for author, chance, comments in ((executive_id, 0.7, COMMENTS_EXEC), (mentor_id, 0.5, COMMENTS_MENTOR)):
            if rng.random() < chance:
                comment = rng.choice(comments) if rng.random() < 0.5 else None
                self.feedback.append({
                    "id": self.next_feedback, "session_id": session_id, "author_id": author,
                    "rating": rng.choices((2, 3, 4, 5), weights=(1, 3, 6, 5), k=1)[0], "comment": comment,
                    "shared_with_programme": bool(comment) and rng.random() < 0.35,
                    "created_at": self._past(done_at + timedelta(hours=rng.randint(1, 72))),
                })
                self.next_feedback += 1
        if rng.random() < 0.3:
            self.notes_out.append({"session_id": session_id, "notes": rng.choice(NOTES),
                                   "tried": rng.choice(TRIED) if rng.random() < 0.6 else None,
                                   "updated_at": self._past(done_at + timedelta(days=1)), "updated_by_id": executive_id})

    def insert(self) -> None:
        if self.sessions:
            db.session.execute(MentoringSession.__table__.insert(), self.sessions)
            db.session.execute(SessionAgendaTag.__table__.insert(), self.agenda_rows)
            db.session.execute(SessionChange.__table__.insert(), self.changes)
            reset_sequence("mentoring_sessions", self.next_session - 1)
            reset_sequence("session_changes", self.next_change - 1)
        if self.feedback:
            db.session.execute(SessionFeedback.__table__.insert(), self.feedback)
            reset_sequence("session_feedback", self.next_feedback - 1)
        if self.notes_out:
            db.session.execute(SessionNote.__table__.insert(), self.notes_out)


def _notify_waiting(mentorships: list[dict]) -> None:
    """Requests waiting for an answer show up as unread notifications for their mentors."""
    waiting = [m for m in mentorships if m["status"] == "requested"]
    names = dict(db.session.execute(
        select(User.id, User.name).where(User.id.in_({m["executive_id"] for m in waiting}))
    ).all()) if waiting else {}
    if waiting:
        db.session.execute(Notification.__table__.insert(), [
            {"user_id": m["mentor_id"], "actor_id": m["requested_by_id"],
             "kind": "mentorship_requested" if m["requested_by_id"] == m["executive_id"] else "mentorship_requested_for",
             "params": {} if m["requested_by_id"] == m["executive_id"] else {"executive": names.get(m["executive_id"], "")},
             "link": f"/mentoring/mentorships/{m['id']}", "created_at": m["requested_at"]}
            for m in waiting
        ])
