"""Pool health: overloaded and idle mentors, uncovered topics, departments without mentors
and unmatched executives."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from community.network.analysis.coverage import CoverageIndex
from community.network.analysis.records import (
    MATCHED_STATUSES,
    MENTOR,
    SECONDS_PER_DAY,
    AnalysisInput,
    AnalysisParams,
    recency_weight,
)


@dataclass(frozen=True, slots=True)
class OverloadedMentor:
    person_id: int
    load: int  # active mentorships
    capacity: int
    median_load: float  # of mentors with at least one active mentorship
    reasons: tuple[str, ...]  # "over_capacity", "far_above_median"


@dataclass(frozen=True, slots=True)
class IdleMentor:
    person_id: int
    capacity: int
    days_since_last_seen: float | None  # last interaction or activity; None: never


@dataclass(frozen=True, slots=True)
class UncoveredTopic:
    slug: str
    field: str | None
    demand: int  # goals + agenda mentions across mentorships
    providers: tuple[int, ...]  # mentors at practitioner/expert level


@dataclass(frozen=True, slots=True)
class DepartmentWithoutMentors:
    department: str
    people: int
    executives: int


@dataclass(frozen=True, slots=True)
class UnmatchedExecutive:
    person_id: int
    department: str | None
    past_mentorships: int  # completed or declined ones


def mentor_load(inp: AnalysisInput) -> dict[int, int]:
    """Active mentorships per mentor (every person with the mentor role, 0 included)."""
    load = {person.id: 0 for person in inp.people if MENTOR in person.roles}
    for mentorship in inp.mentorships:
        if mentorship.status == "active" and mentorship.mentor_id in load:
            load[mentorship.mentor_id] += 1
    return load


def overloaded_mentors(inp: AnalysisInput, params: AnalysisParams) -> list[OverloadedMentor]:
    """Load above capacity, or above overload_ratio × the median load (and above 2)."""
    load = mentor_load(inp)
    busy = sorted(value for value in load.values() if value > 0)
    median = float(np.median(busy)) if busy else 0.0
    capacity = {person.id: person.capacity for person in inp.people}
    found = []
    for mentor_id, value in load.items():
        reasons = []
        if value > capacity[mentor_id]:
            reasons.append("over_capacity")
        if value > 2 and value > params.overload_ratio * median:
            reasons.append("far_above_median")
        if reasons:
            found.append(
                OverloadedMentor(mentor_id, value, capacity[mentor_id], median, tuple(reasons))
            )
    return sorted(found, key=lambda o: (-(o.load - o.capacity), -o.load, o.person_id))


def idle_mentors(inp: AnalysisInput, params: AnalysisParams) -> list[IdleMentor]:
    """Mentors with no active mentorship and no interaction or own activity in the window.

    Own posts count as well as interactions: a mentor who writes but gets no replies is not
    idle.
    """
    load = mentor_load(inp)
    last_seen: dict[int, datetime] = {}
    recent: set[int] = set()

    def seen(person_id: int, at: datetime) -> None:
        if person_id not in load:
            return
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        if at > params.now:
            return
        if person_id not in last_seen or at > last_seen[person_id]:
            last_seen[person_id] = at
        if recency_weight(at, params) is not None:
            recent.add(person_id)

    for interaction in inp.interactions:
        if interaction.source_id != interaction.target_id:
            seen(interaction.source_id, interaction.at)
            seen(interaction.target_id, interaction.at)
    for activity in inp.activities:
        seen(activity.person_id, activity.at)
    capacity = {person.id: person.capacity for person in inp.people}
    return [
        IdleMentor(
            mentor_id,
            capacity[mentor_id],
            None
            if mentor_id not in last_seen
            else (params.now - last_seen[mentor_id]).total_seconds() / SECONDS_PER_DAY,
        )
        for mentor_id in sorted(load)
        if load[mentor_id] == 0 and mentor_id not in recent
    ]


def uncovered_topics(
    inp: AnalysisInput, index: CoverageIndex, removed: Collection[int] = frozenset()
) -> list[UncoveredTopic]:
    """Demanded topics with fewer practitioner/expert mentors than min_providers_per_topic."""
    field_of = {tag.slug: tag.field for tag in inp.tags}
    found = [
        UncoveredTopic(
            slug,
            field_of.get(slug),
            index.demand[slug],
            tuple(sorted(index.providers.get(slug, frozenset()) - set(removed))),
        )
        for slug in index.uncovered_topics(removed)
    ]
    return sorted(found, key=lambda t: (len(t.providers), -t.demand, t.slug))


def departments_without_mentors(index: CoverageIndex) -> list[DepartmentWithoutMentors]:
    """Departments that have people but not one mentor, those with most executives first."""
    found = [
        DepartmentWithoutMentors(
            d, index.department_people[d], index.department_executives.get(d, 0)
        )
        for d in index.departments_without_mentors()
    ]
    return sorted(found, key=lambda d: (-d.executives, -d.people, d.department))


def unmatched_executives(inp: AnalysisInput, index: CoverageIndex) -> list[UnmatchedExecutive]:
    """Executives with no active or requested mentorship."""
    past: Counter[int] = Counter(
        m.executive_id for m in inp.mentorships if m.status not in MATCHED_STATUSES
    )
    return [
        UnmatchedExecutive(e, index.department_of.get(e), past[e])
        for e in index.unmatched_executives()
    ]
