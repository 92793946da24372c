"""Fading mentors: an early warning judged against each mentor's own earlier baseline.

Pure code over plain records. For every mentor, the recent window (default the last 90 days)
is compared with the same mentor's baseline (the 270 days before it, scaled to a 90-day rate):

- reschedules and cancellations the mentor caused: flagged when at least `min_changes`
  happened recently and at least twice the baseline rate (or from nothing to `min_changes`);
- time to answer mentoring requests: the recent median at least twice the baseline median
  and at least `slow_answer_hours` (a request still unanswered counts with its age so far);
- community activity (posts): down to a third of the baseline rate or less, when the
  baseline had at least `min_posts` posts per window;
- load against capacity: sessions held per taken place down to half of the baseline rate or
  less, when the baseline had at least `min_sessions` sessions; or free places left unused
  while requests were declined.

Comparisons are never against other mentors: a mentor who always cancels a little is steady.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median


@dataclass(frozen=True)
class MentorActivity:
    mentor_id: int
    capacity: int
    load: int  # active mentorships now
    changes: tuple[datetime, ...] = ()  # reschedules and cancellations the mentor caused
    answers: tuple[tuple[datetime, float], ...] = ()  # (requested at, hours until answered or until now)
    posts: tuple[datetime, ...] = ()
    sessions: tuple[datetime, ...] = ()  # sessions held (done)
    declined: tuple[datetime, ...] = ()  # requests declined


@dataclass(frozen=True)
class FadingParams:
    recent_days: int = 90
    baseline_days: int = 270
    min_changes: int = 3
    slow_answer_hours: float = 72.0
    min_posts: float = 3.0
    min_sessions: float = 3.0


@dataclass
class FadingMentor:
    person_id: int
    score: float  # 0..1, how many and how strong the signs are
    reasons: list[tuple[str, dict[str, float | int]]] = field(default_factory=list)


def _split(times: Iterable[datetime], now: datetime, p: FadingParams) -> tuple[int, float]:
    """Count in the recent window; baseline count scaled to the recent window's length."""
    recent_start = now - timedelta(days=p.recent_days)
    baseline_start = recent_start - timedelta(days=p.baseline_days)
    recent = baseline = 0
    for at in times:
        if recent_start <= at <= now:
            recent += 1
        elif baseline_start <= at < recent_start:
            baseline += 1
    return recent, baseline * p.recent_days / p.baseline_days


def assess(mentor: MentorActivity, now: datetime, p: FadingParams = FadingParams()) -> FadingMentor | None:
    reasons: list[tuple[str, dict[str, float | int]]] = []
    strength = 0.0

    recent, base = _split(mentor.changes, now, p)
    if recent >= p.min_changes and recent >= 2 * base:
        reasons.append(("changes", {"recent": recent, "baseline": round(base, 1)}))
        strength += min(1.0, (recent - base) / max(recent, 1))

    recent_start = now - timedelta(days=p.recent_days)
    baseline_start = recent_start - timedelta(days=p.baseline_days)
    recent_hours = [h for at, h in mentor.answers if recent_start <= at <= now]
    base_hours = [h for at, h in mentor.answers if baseline_start <= at < recent_start]
    if recent_hours and base_hours:
        now_median, before = median(recent_hours), median(base_hours)
        if now_median >= p.slow_answer_hours and now_median >= 2 * max(before, 1.0):
            reasons.append(("answers", {"recent_hours": round(now_median), "baseline_hours": round(before)}))
            strength += min(1.0, 1 - before / now_median)

    recent, base = _split(mentor.posts, now, p)
    if base >= p.min_posts and recent <= base / 3:
        reasons.append(("posts", {"recent": recent, "baseline": round(base, 1)}))
        strength += 1 - recent / base

    recent, base = _split(mentor.sessions, now, p)
    if base >= p.min_sessions and recent <= base / 2:
        reasons.append(("sessions", {"recent": recent, "baseline": round(base, 1), "load": mentor.load,
                                     "capacity": mentor.capacity}))
        strength += 1 - recent / base
    declined, _before = _split(mentor.declined, now, p)
    if declined >= 2 and mentor.load < mentor.capacity:
        reasons.append(("declining", {"declined": declined, "load": mentor.load, "capacity": mentor.capacity}))
        strength += 0.5

    if not reasons:
        return None
    return FadingMentor(person_id=mentor.mentor_id, score=round(min(1.0, strength / 2), 3), reasons=reasons)


def fading_mentors(mentors: Iterable[MentorActivity], now: datetime, p: FadingParams = FadingParams()) -> list[FadingMentor]:
    found = [f for f in (assess(m, now, p) for m in mentors) if f is not None]
    found.sort(key=lambda f: (-f.score, f.person_id))
    return found


def group_times(rows: Iterable[tuple[int, datetime]]) -> dict[int, list[datetime]]:
    """(person, time) rows as lists per person: the shape the records are built from."""
    grouped: dict[int, list[datetime]] = defaultdict(list)
    for person_id, at in rows:
        grouped[person_id].append(at)
    return grouped
