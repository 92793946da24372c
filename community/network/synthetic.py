"""Synthetic organisations for tests and the benchmark: pure, seeded, no I/O.

The shape follows GRAPH-NOTES: 10 % mentors, 5 % executives with 1–3 mentors each (a few
unmatched), power-law mentor–mentor interactions with some department homophily, departments
of skewed sizes and a taxonomy of 40 topic tags in five fields.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

from community.network.analysis import (
    ActivityRecord,
    AnalysisInput,
    InteractionRecord,
    MentorshipRecord,
    OutcomeRecord,
    PersonRecord,
    TagRecord,
)

DEFAULT_NOW = datetime(2025, 1, 1, tzinfo=UTC)

TAXONOMY: dict[str, tuple[str, ...]] = {
    "collaboration": (
        "enterprise-social-network",
        "video-meetings",
        "shared-documents",
        "team-chat",
        "wikis",
        "online-whiteboards",
        "co-authoring",
        "community-management",
    ),
    "social-media": (
        "linkedin",
        "short-video",
        "corporate-blogging",
        "personal-branding",
        "social-listening",
        "employer-branding",
        "podcasting",
        "social-selling",
    ),
    "data-ai": (
        "generative-ai",
        "prompt-writing",
        "data-literacy",
        "dashboards",
        "spreadsheets",
        "no-code-automation",
        "machine-learning-basics",
        "ai-ethics",
    ),
    "ways-of-working": (
        "agile-basics",
        "remote-leadership",
        "kanban",
        "okrs",
        "design-thinking",
        "async-communication",
        "digital-etiquette",
        "focus-tools",
    ),
    "security": (
        "phishing-awareness",
        "password-managers",
        "mobile-security",
        "privacy-settings",
        "secure-sharing",
        "two-factor-auth",
        "social-engineering",
        "data-classification",
    ),
}

LEVELS = ("interested", "practitioner", "expert")


def synthetic_tags() -> tuple[TagRecord, ...]:
    """The 40-tag taxonomy in a fixed order."""
    return tuple(
        TagRecord(slug=slug, field=field_name)
        for field_name, slugs in TAXONOMY.items()
        for slug in slugs
    )


class _Weighted:
    """Repeated weighted draws in O(log n) each (random.choices re-sums weights per call)."""

    def __init__(self, items: Sequence[Any], weights: list[float]) -> None:
        self.items = items
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1] if self.cumulative else 0.0

    def draw(self, rng: random.Random) -> Any:
        index = bisect_left(self.cumulative, rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]

    def draw_distinct(self, rng: random.Random, count: int, tries: int = 20) -> list[Any]:
        chosen: list[Any] = []
        for _ in range(tries):
            if len(chosen) >= count:
                break
            item = self.draw(rng)
            if item not in chosen:
                chosen.append(item)
        return chosen


def _zipf(rng: random.Random, items: list[str], exponent: float) -> _Weighted:
    shuffled = items[:]
    rng.shuffle(shuffled)
    return _Weighted(shuffled, [1.0 / (rank + 1) ** exponent for rank in range(len(shuffled))])


def synthetic_organisation(
    people: int, *, seed: int = 42, now: datetime = DEFAULT_NOW
) -> AnalysisInput:
    """A reproducible organisation of `people` persons, as plain analysis records."""
    if people < 1:
        raise ValueError("people must be at least 1")
    rng = random.Random(seed)
    ids = list(range(1, people + 1))
    groups = _groups(rng, ids)
    n_departments = max(3, round(math.sqrt(people) / 3))
    departments = [f"dept-{index:03d}" for index in range(1, n_departments + 1)]
    department_draw = _Weighted(
        departments, [1.0 / (rank + 1) ** 0.8 for rank in range(n_departments)]
    )
    department_of = {person_id: department_draw.draw(rng) for person_id in ids}

    tags = synthetic_tags()
    slugs = [tag.slug for tag in tags]
    # Supply and demand follow different popularity orders, so some wanted topics are rare.
    supply = _zipf(rng, slugs, 1.1)
    demand = _zipf(rng, slugs, 0.9)
    records = [
        _person(rng, person_id, groups, department_of[person_id], supply, demand)
        for person_id in ids
    ]
    mentorships, sessions_of = _mentorships(rng, groups, demand)
    interactions = _interactions(rng, groups.mentors, department_of, now)
    activities = _activities(rng, groups.mentors, now)
    outcomes: list[OutcomeRecord] = []
    for mentor_id in groups.mentors:
        sessions = sessions_of[mentor_id]
        count = round(sessions * rng.uniform(0.3, 0.9))
        average = round(min(5.0, max(1.0, rng.gauss(4.1, 0.5))), 2) if count else None
        outcomes.append(OutcomeRecord(mentor_id, sessions, count, average))

    return AnalysisInput(
        people=tuple(records),
        tags=tags,
        mentorships=tuple(mentorships),
        interactions=tuple(interactions),
        activities=tuple(activities),
        outcomes=tuple(outcomes),
    )


@dataclass(frozen=True)
class _Groups:
    mentors: list[int]
    executives: list[int]
    change_managers: frozenset[int]
    mentor_set: frozenset[int] = frozenset()
    executive_set: frozenset[int] = frozenset()


def _groups(rng: random.Random, ids: list[int]) -> _Groups:
    """10 % mentors, 5 % executives, one change manager per thousand people."""
    people = len(ids)
    order = ids[:]
    rng.shuffle(order)
    n_mentors = max(1, round(people * 0.10))
    n_executives = max(1, round(people * 0.05))
    n_change_managers = max(1, people // 1000)
    mentors = sorted(order[:n_mentors])
    executives = sorted(order[n_mentors : n_mentors + n_executives])
    return _Groups(
        mentors=mentors,
        executives=executives,
        change_managers=frozenset(order[n_mentors + n_executives :][:n_change_managers]),
        mentor_set=frozenset(mentors),
        executive_set=frozenset(executives),
    )


def _person(
    rng: random.Random,
    person_id: int,
    groups: _Groups,
    department: str,
    supply: _Weighted,
    demand: _Weighted,
) -> PersonRecord:
    roles: set[str] = set()
    tag_levels: dict[str, str] = {}
    capacity = 0
    is_mentor = person_id in groups.mentor_set
    if is_mentor:
        roles.add("mentor")
        capacity = rng.choice((1, 2, 2, 3, 3, 4))
        for slug in supply.draw_distinct(rng, rng.randint(2, 6)):
            tag_levels[slug] = rng.choices(LEVELS, (0.3, 0.45, 0.25))[0]
    elif person_id in groups.executive_set:
        roles.add("executive")
        for slug in demand.draw_distinct(rng, rng.randint(0, 2)):
            tag_levels[slug] = "interested"
    else:
        roles.add("staff")
        if rng.random() < 0.2:
            for slug in supply.draw_distinct(rng, rng.randint(1, 2)):
                tag_levels[slug] = rng.choices(LEVELS, (0.5, 0.35, 0.15))[0]
    if person_id in groups.change_managers:
        roles.add("change_manager")
    if person_id == 1:
        roles.add("admin")
    return PersonRecord(
        id=person_id,
        roles=frozenset(roles),
        department=department,
        capacity=capacity,
        tags=tag_levels,
        is_ambassador=is_mentor and rng.random() < 0.02,
    )


def _mentorships(
    rng: random.Random, groups: _Groups, demand: _Weighted
) -> tuple[list[MentorshipRecord], dict[int, int]]:
    """One to three mentors per executive (popular mentors more often), sessions done."""
    popularity = _Weighted(groups.mentors, [rng.paretovariate(1.5) for _ in groups.mentors])
    mentorships: list[MentorshipRecord] = []
    sessions_of: dict[int, int] = dict.fromkeys(groups.mentors, 0)
    for executive_id in groups.executives:
        if rng.random() < 0.03:
            continue  # a few executives stay unmatched
        wanted = rng.choices((1, 2, 3), (0.6, 0.3, 0.1))[0]
        for position, mentor_id in enumerate(popularity.draw_distinct(rng, wanted)):
            if position == 0:
                status = rng.choices(("active", "completed", "requested"), (0.75, 0.15, 0.10))[0]
            else:
                status = rng.choices(
                    ("active", "completed", "requested", "declined"), (0.6, 0.25, 0.05, 0.1)
                )[0]
            sessions = {"active": rng.randint(0, 8), "completed": rng.randint(3, 12)}.get(status, 0)
            goals = tuple(demand.draw_distinct(rng, rng.randint(1, 3)))
            agenda = _agenda(rng, goals, demand) if sessions else ()
            sessions_of[mentor_id] += sessions
            mentorships.append(
                MentorshipRecord(mentor_id, executive_id, status, sessions, goals, agenda)
            )
    return mentorships, sessions_of


def _agenda(rng: random.Random, goals: tuple[str, ...], demand: _Weighted) -> tuple[str, ...]:
    agenda = tuple(slug for slug in goals if rng.random() < 0.7)
    if rng.random() < 0.3:
        extra = demand.draw(rng)
        if extra not in agenda:
            agenda += (extra,)
    return agenda


def _interactions(
    rng: random.Random, mentors: list[int], department_of: dict[int, str], now: datetime
) -> list[InteractionRecord]:
    mentors_by_department: dict[str, list[int]] = {}
    for mentor_id in mentors:
        mentors_by_department.setdefault(department_of[mentor_id], []).append(mentor_id)
    activity_weight = {mentor_id: rng.paretovariate(1.5) for mentor_id in mentors}
    everyone = _Weighted(mentors, [activity_weight[m] for m in mentors])
    local = {
        department: _Weighted(members, [activity_weight[m] for m in members])
        for department, members in mentors_by_department.items()
    }
    kinds = ("reply", "mention", "co_thread")
    interactions: list[InteractionRecord] = []
    for _ in range(round(3.4 * len(mentors))):
        source = everyone.draw(rng)
        # Half of the ties stay inside the department: communities and spanners then exist.
        pool = local[department_of[source]] if rng.random() < 0.5 else everyone
        target = pool.draw(rng)
        if target == source:
            continue
        for _ in range(1 + min(5, int(rng.expovariate(0.7)))):
            interactions.append(
                InteractionRecord(
                    source_id=source,
                    target_id=target,
                    kind=rng.choices(kinds, (0.5, 0.2, 0.3))[0],
                    at=now - timedelta(days=rng.uniform(0, 450)),
                )
            )
            if rng.random() < 0.4:
                source, target = target, source
    return interactions


def _activities(rng: random.Random, mentors: list[int], now: datetime) -> list[ActivityRecord]:
    activities: list[ActivityRecord] = []
    for mentor_id in mentors:
        for _ in range(min(60, int(rng.paretovariate(1.3)) - 1 + rng.randint(0, 2))):
            activities.append(
                ActivityRecord(
                    person_id=mentor_id,
                    kind="thread" if rng.random() < 0.2 else "post",
                    at=now - timedelta(days=rng.uniform(0, 450)),
                )
            )
    return activities
