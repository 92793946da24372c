"""Topic demand against supply: pure code over plain records (no Flask, no database).

Demand comes from three signals, each weighted by what it says and by how recent it is:
an executive's learning goal (a mentorship asked for the topic), a session agenda (the
topic was worked on) and a question asked to a topic contact. Supply is what the mentor
pool can still give: each mentor who knows the topic (practitioner or expert) offers their
free places, an expert fully, a practitioner at a discount; paused mentors offer nothing.

    places short = demand − supply
    mentors to recruit = ⌈places short ÷ places per mentor⌉   (places per mentor: the
                                                               median capacity of the pool)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

SOURCE_WEIGHT = {"goal": 1.0, "agenda": 0.5, "question": 0.75}
LEVEL_SUPPLY = {"expert": 1.0, "practitioner": 0.6}
HALF_LIFE_DAYS = 90.0
DEFAULT_PLACES_PER_MENTOR = 2


@dataclass(frozen=True)
class DemandSignal:
    """One sign that someone wants to learn a topic."""

    tag: str  # slug
    source: str  # goal | agenda | question
    at: datetime
    department: str | None = None  # of the executive / the person asking


@dataclass(frozen=True)
class MentorSupply:
    mentor_id: int
    capacity: int
    load: int  # open mentorships (requested or active)
    levels: dict[str, str]  # slug -> level
    paused: bool = False


@dataclass
class TopicDemand:
    slug: str
    demand: float
    supply: float
    places_short: float
    places_per_mentor: int
    need: int  # mentors to recruit
    signals: dict[str, int]  # source -> how many signals in the window
    mentors: int  # mentors who know the topic (practitioner or expert), paused ones included
    free_places: int  # their free places (paused mentors count none)
    by_department: dict[str, float] = field(default_factory=dict)
    by_month: dict[str, int] = field(default_factory=dict)  # "YYYY-MM" -> signals
    signals_by_department: dict[str, int] = field(default_factory=dict)  # department -> signals (unweighted)


@dataclass
class DemandReport:
    months: list[str]  # "YYYY-MM", oldest first
    departments: list[str]
    topics: list[TopicDemand]  # greatest need first, then greatest demand
    places_per_mentor: int


def recency(at: datetime, now: datetime, half_life_days: float = HALF_LIFE_DAYS) -> float:
    """1 for today, ½ after one half-life, ¼ after two (future dates count as today)."""
    age = max(0.0, (now - at).total_seconds() / 86_400)
    return math.pow(0.5, age / half_life_days)


def month_keys(now: datetime, months: int) -> list[str]:
    """The last `months` calendar months up to `now`, oldest first ("YYYY-MM")."""
    keys = []
    year, month = now.year, now.month
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return keys[::-1]


def window_start(now: datetime, months: int) -> datetime:
    first = month_keys(now, months)[0]
    return datetime(int(first[:4]), int(first[5:]), 1, tzinfo=now.tzinfo)


def places_per_mentor(mentors: Sequence[MentorSupply]) -> int:
    capacities = [m.capacity for m in mentors if m.capacity > 0]
    return max(1, round(median(capacities))) if capacities else DEFAULT_PLACES_PER_MENTOR


def topic_demand(signals: Iterable[DemandSignal], mentors: Sequence[MentorSupply], now: datetime, *,
                 months: int = 12, topics: Iterable[str] = (),
                 half_life_days: float = HALF_LIFE_DAYS) -> DemandReport:
    """Demand, supply and recruitment need per topic over the last `months` months.

    `topics` adds topics that should be listed even without a signal (e.g. those mentors know)."""
    months = max(1, months)
    keys = month_keys(now, months)
    start = window_start(now, months)
    end = now + timedelta(days=366)  # planned sessions ahead count too, as "now"
    demand: dict[str, float] = defaultdict(float)
    by_department: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    by_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    department_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    departments: set[str] = set()
    for signal in signals:
        if signal.at < start or signal.at > end or signal.source not in SOURCE_WEIGHT:
            continue
        weight = SOURCE_WEIGHT[signal.source] * recency(signal.at, now, half_life_days)
        demand[signal.tag] += weight
        counts[signal.tag][signal.source] += 1
        month = f"{signal.at.year:04d}-{signal.at.month:02d}"
        if month > keys[-1]:
            month = keys[-1]
        by_month[signal.tag][month] += 1
        if signal.department:
            departments.add(signal.department)
            by_department[signal.tag][signal.department] += weight
            department_counts[signal.tag][signal.department] += 1

    per_mentor = places_per_mentor(mentors)
    supply: dict[str, float] = defaultdict(float)
    knowers: dict[str, int] = defaultdict(int)
    free_places: dict[str, int] = defaultdict(int)
    for mentor in mentors:
        free = 0 if mentor.paused else max(0, mentor.capacity - mentor.load)
        for slug, level in mentor.levels.items():
            share = LEVEL_SUPPLY.get(level)
            if share is None:
                continue
            knowers[slug] += 1
            free_places[slug] += free
            supply[slug] += share * free

    slugs = set(demand) | set(topics) | set(knowers)
    rows = []
    for slug in slugs:
        wanted = round(demand.get(slug, 0.0), 2)
        offered = round(supply.get(slug, 0.0), 2)
        short = round(max(0.0, wanted - offered), 2)
        rows.append(TopicDemand(
            slug=slug, demand=wanted, supply=offered, places_short=short, places_per_mentor=per_mentor,
            need=math.ceil(short / per_mentor - 1e-9) if short > 0 else 0,
            signals={source: counts[slug].get(source, 0) for source in SOURCE_WEIGHT},
            mentors=knowers.get(slug, 0), free_places=free_places.get(slug, 0),
            by_department={name: round(value, 2) for name, value in sorted(by_department[slug].items())},
            by_month={key: by_month[slug].get(key, 0) for key in keys},
            signals_by_department=dict(sorted(department_counts[slug].items())),
        ))
    rows.sort(key=lambda row: (-row.need, -row.demand, row.slug))
    return DemandReport(months=keys, departments=sorted(departments), topics=rows, places_per_mentor=per_mentor)
