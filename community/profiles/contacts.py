"""Topic contacts: "whom do I ask about X?" ranked with reasons, spreading the load.

The rule, in points (higher first):
- level: expert 50, practitioner 32, interested 10;
- recent activity: 4 per session held on this topic in the last 365 days (at most 20), and 5
  more for any session in the last 90 days;
- availability: 5 for a note on when one is available;
- load (mentors with a capacity): up to 10 for free places; a full mentor loses 30, so a full
  expert (20) ranks below a free practitioner (42); a mentor who paused mentoring offers no
  place and counts as full (still a contact for questions, shown as paused);
- recently asked: 8 less per topic question or mentorship request in the last 30 days (at most
  32 less), so an expert asked three times this month (26) drops below a practitioner (32);
- answering (from 2 questions received in the last 365 days, any topic): from 10 less (answers
  none) to 10 more (answers all), and up to 8 more for the share of rated answers found helpful.
Equal scores are ordered by a stable hash of (person, topic, ISO week): deterministic for the
same data, but the first place rotates among equally good people week by week.

Every candidate is scored in Python from six aggregate queries (no per-person queries); only
the people of the requested page are loaded as objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple, dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, literal, select, union_all

from community.accounts.models import User, UserRole
from community.caching import cached
from community.database import utcnow
from community.expertise.models import Tag
from community.extensions import db
from community.mentoring.models import MentoringSession, Mentorship, SessionAgendaTag
from community.pagination import Page
from community.profiles.models import PersonTag, Question
from community.profiles.queries import people_by_id, visible_people
from community.profiles.questions import answer_stats

LEVEL_POINTS = {"expert": 50.0, "practitioner": 32.0, "interested": 10.0}
TOPIC_SESSION_POINTS, TOPIC_SESSION_MAX = 4.0, 20.0
RECENT_SESSION_POINTS = 5.0
AVAILABILITY_POINTS = 5.0
FREE_PLACES_POINTS = 10.0
FULL_PENALTY = 30.0
ASKED_PENALTY, ASKED_PENALTY_MAX = 8.0, 32.0
ANSWER_POINTS, HELPFUL_POINTS, ANSWER_MIN_RECEIVED = 10.0, 8.0, 2
MOST, SOME = 0.75, 0.4
TOPIC_WINDOW, RECENT_WINDOW, ASKED_WINDOW = timedelta(days=365), timedelta(days=90), timedelta(days=30)
OPEN_STATUSES = ("requested", "active")
NOTE_CHARS = 80


@dataclass
class Candidate:
    person_id: int
    level: str
    capacity: int
    availability: str | None
    is_mentor: bool
    topic_sessions: int = 0
    recent_sessions: int = 0
    open_mentorships: int = 0
    recently_asked: int = 0
    received: int = 0
    answered: int = 0
    rated: int = 0
    helpful: int = 0
    score: float = 0.0
    tiebreak: int = 0
    paused: bool = False  # last: a cached tuple of an older process still reads right


@dataclass
class Contact:
    person: User
    score: float
    level: str
    reasons: list[str] = field(default_factory=list)


def week_of(now: datetime) -> int:
    year, week, _day = now.isocalendar()
    return year * 100 + week


def rotation_key(person_id: int, tag_id: int, week: int) -> int:
    """A stable pseudo-random number for (person, topic, ISO week): the same in every process
    and run (integer arithmetic, no salted hash), different from week to week."""
    x = (person_id * 0x9E3779B1 + tag_id * 0x85EBCA77 + week * 0xC2B2AE3D) & 0xFFFFFFFFFFFF
    x ^= x >> 23
    x = (x * 0x2127599BF4325C37) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 29)


def score(c: Candidate) -> float:
    points = LEVEL_POINTS.get(c.level, 0.0)
    points += min(TOPIC_SESSION_MAX, TOPIC_SESSION_POINTS * c.topic_sessions)
    if c.recent_sessions:
        points += RECENT_SESSION_POINTS
    if c.availability:
        points += AVAILABILITY_POINTS
    if c.is_mentor and c.paused:
        points -= FULL_PENALTY
    elif c.is_mentor and c.capacity > 0:
        free = c.capacity - c.open_mentorships
        points += FREE_PLACES_POINTS * free / c.capacity if free > 0 else -FULL_PENALTY
    points -= min(ASKED_PENALTY_MAX, ASKED_PENALTY * c.recently_asked)
    if c.received >= ANSWER_MIN_RECEIVED:
        points += ANSWER_POINTS * (2 * c.answered / c.received - 1)
    if c.rated:
        points += HELPFUL_POINTS * c.helpful / c.rated
    return round(points, 2)


class Caveat(str):
    """A reason that speaks against asking this person now (paused, fully booked, asked often):
    the page marks it apart from the reasons for asking, which it ticks."""

    caveat = True


def answer_reasons(c: Candidate) -> list[str]:
    """How the person answers questions, in words: "answers most questions", "4 of 5 found helpful"."""
    out = []
    if c.received >= ANSWER_MIN_RECEIVED:
        rate = c.answered / c.received
        if rate >= MOST:
            out.append(_("answers most questions"))
        elif rate >= SOME:
            out.append(_("answers some questions"))
        else:
            out.append(Caveat(_("rarely answers questions")))
    if c.helpful:  # a colleague's "0 of 1 found helpful" is not for everyone to read; the ranking still weighs it
        out.append(ngettext("%(helpful)d of %(num)d found helpful", "%(helpful)d of %(num)d found helpful", c.rated,
                            helpful=c.helpful))
    return out


def reasons(c: Candidate) -> list[str]:
    labels = {"expert": _("expert"), "practitioner": _("practitioner"), "interested": _("interested")}
    out = [labels.get(c.level, c.level)]
    if c.topic_sessions:
        out.append(ngettext("%(num)d session on this topic this year", "%(num)d sessions on this topic this year", c.topic_sessions))
    elif c.recent_sessions:
        out.append(ngettext("%(num)d mentoring session in the last 90 days", "%(num)d mentoring sessions in the last 90 days", c.recent_sessions))
    if c.is_mentor and c.paused:
        out.append(Caveat(_("mentoring paused: takes no new mentees for now")))
    elif c.is_mentor and c.capacity > 0:
        free = c.capacity - c.open_mentorships
        if free > 0:
            out.append(ngettext("%(free)d of %(num)d place free", "%(free)d of %(num)d places free", c.capacity,
                                free=free))
        else:
            out.append(Caveat(ngettext("fully booked (%(taken)d of %(num)d place taken)",
                                       "fully booked (%(taken)d of %(num)d places taken)", c.capacity,
                                       taken=c.open_mentorships)))
    if c.availability:
        note = c.availability if len(c.availability) <= NOTE_CHARS else c.availability[:NOTE_CHARS - 1] + "…"
        out.append(_("available: %(note)s", note=note))
    out.extend(answer_reasons(c))
    if c.recently_asked:
        out.append(Caveat(ngettext("asked %(num)d time in the last 30 days", "asked %(num)d times in the last 30 days",
                                   c.recently_asked)))
    return out


def _candidates(tag: Tag, exclude_id: int | None) -> dict[int, Candidate]:
    is_mentor = (
        select(UserRole.user_id).where(UserRole.user_id == User.id, UserRole.role == "mentor").exists()
    )
    stmt = (
        select(PersonTag.user_id, PersonTag.level, User.capacity, User.availability, is_mentor, User.mentoring_paused)
        .join(User, User.id == PersonTag.user_id)
        .where(PersonTag.tag_id == tag.id, visible_people())
    )
    if exclude_id is not None:
        stmt = stmt.where(PersonTag.user_id != exclude_id)
    return {
        row[0]: Candidate(person_id=row[0], level=row[1], capacity=row[2] or 0, availability=row[3], is_mentor=bool(row[4]),
                          paused=bool(row[5]))
        for row in db.session.execute(stmt)
    }


def _holders(tag: Tag):
    return select(PersonTag.user_id).where(PersonTag.tag_id == tag.id)


def _collect_activity(tag: Tag, candidates: dict[int, Candidate], now: datetime) -> None:
    holders = _holders(tag)
    done = MentoringSession.status == "done"
    topic = (
        select(MentoringSession.mentor_id, func.count())
        .join(SessionAgendaTag, SessionAgendaTag.session_id == MentoringSession.id)
        .where(done, SessionAgendaTag.tag_id == tag.id, MentoringSession.starts_at >= now - TOPIC_WINDOW,
               MentoringSession.starts_at <= now)
        .group_by(MentoringSession.mentor_id)
    )
    for person_id, n in db.session.execute(topic):
        if person_id in candidates:
            candidates[person_id].topic_sessions = n
    recent = (
        select(MentoringSession.mentor_id, func.count())
        .where(done, MentoringSession.mentor_id.in_(holders), MentoringSession.starts_at >= now - RECENT_WINDOW,
               MentoringSession.starts_at <= now)
        .group_by(MentoringSession.mentor_id)
    )
    for person_id, n in db.session.execute(recent):
        if person_id in candidates:
            candidates[person_id].recent_sessions = n
    load = (
        select(Mentorship.mentor_id, func.count())
        .where(Mentorship.status.in_(OPEN_STATUSES), Mentorship.mentor_id.in_(holders))
        .group_by(Mentorship.mentor_id)
    )
    for person_id, n in db.session.execute(load):
        if person_id in candidates:
            candidates[person_id].open_mentorships = n
    since = now - ASKED_WINDOW
    asks = union_all(
        select(Question.contact_id.label("person_id"), literal(1).label("n"))
        .where(Question.created_at >= since, Question.contact_id.in_(holders)),
        select(Mentorship.mentor_id.label("person_id"), literal(1).label("n"))
        .where(Mentorship.requested_at >= since, Mentorship.mentor_id.in_(holders)),
    ).subquery("asks")
    for person_id, n in db.session.execute(select(asks.c.person_id, func.count()).group_by(asks.c.person_id)):
        if person_id in candidates:
            candidates[person_id].recently_asked = n
    for person_id, stats in answer_stats(holders, now=now).items():
        if person_id in candidates:
            c = candidates[person_id]
            c.received, c.answered, c.rated, c.helpful = stats.received, stats.answered, stats.rated, stats.helpful


def ranked_candidates(tag: Tag, *, exclude_id: int | None = None, now: datetime | None = None) -> list[Candidate]:
    now = now or utcnow()
    candidates = _candidates(tag, exclude_id)
    if candidates:
        _collect_activity(tag, candidates, now)
    week = week_of(now)
    for c in candidates.values():
        c.score = score(c)
        c.tiebreak = rotation_key(c.person_id, tag.id, week)
    return sorted(candidates.values(), key=lambda c: (-c.score, c.tiebreak, c.person_id))


def _ranking(tag: Tag, now: datetime | None) -> list[Candidate]:
    if now is not None:
        return ranked_candidates(tag, now=now)
    # Everyone sees the same ranking until the data changes (community.caching); it is
    # cached as plain tuples, which load much faster than objects.
    rows = cached(("contacts", tag.id, week_of(utcnow())), lambda: [astuple(c) for c in ranked_candidates(tag)])
    return [Candidate(*row) for row in rows]


def listed_ids(tag_id: int, tag: Callable[[], Tag]) -> frozenset[int]:
    """Everyone ranked for the topic (cached like the ranking; tag() loads the topic when it is
    not): whether a viewer is among them decides whether their own page of contacts differs
    from everyone else's."""
    return cached(("contacts", "ids", tag_id, week_of(utcnow())),
                  lambda: frozenset(c.person_id for c in _ranking(tag(), None)))


def ask_options(viewer_id: int, tag_id: int, tag: Callable[[], Tag], options: list[tuple[int, str]],
                asked_id: int | None) -> list[tuple[int, str]]:
    """Whom the ask form offers: the people on the page of contacts shown (`options`, id and
    name), and first the person the address names (`?ask=`, from a peer card) when they are on
    another page, as long as they are ranked for the topic and are not the viewer. Anyone else
    named (hidden, not listed for the topic, unknown) is not added: the form then looks as if no
    one was named."""
    if asked_id is None or asked_id == viewer_id or any(person_id == asked_id for person_id, _name in options):
        return options
    if asked_id not in listed_ids(tag_id, tag):
        return options
    asked = people_by_id([asked_id]).get(asked_id)
    return [(asked.id, asked.name), *options] if asked is not None else options


def topic_contacts(viewer: User, tag: Tag, *, page: int, per_page: int, now: datetime | None = None) -> Page:
    """A page of Contact(person, score, level, reasons) for a topic; the viewer is not listed."""
    ranked = _ranking(tag, now)
    viewer_id = getattr(viewer, "id", None)  # read once: the viewer may be a proxy
    if viewer_id is not None:
        ranked = [c for c in ranked if c.person_id != viewer_id]
    chosen = ranked[(page - 1) * per_page: page * per_page]
    people = people_by_id([c.person_id for c in chosen])
    items = [Contact(person=people[c.person_id], score=c.score, level=c.level, reasons=reasons(c))
             for c in chosen if c.person_id in people]
    return Page(items=items, page=page, per_page=per_page, total=len(ranked))
