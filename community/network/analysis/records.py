"""Input records of the network analysis: people, mentorships, interactions, activity,
outcomes and topics as plain frozen dataclasses, the parameters, and small shared helpers."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

MENTOR = "mentor"
EXECUTIVE = "executive"
ROLES = frozenset({"mentor", "executive", "staff", "change_manager", "admin"})
LEVELS = ("interested", "practitioner", "expert")
PROVIDER_LEVELS = frozenset({"practitioner", "expert"})
# A mentorship that took place is a tie; a request or a refusal is not.
TIE_STATUSES = frozenset({"active", "completed"})
# An executive with one of these is not "unmatched": someone is already on it.
MATCHED_STATUSES = frozenset({"active", "requested"})
INTERACTION_KINDS = ("reply", "mention", "co_thread", "other")
NETWORK_ROLES = ("central_connector", "broker", "boundary_spanner", "peripheral_specialist")

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class PersonRecord:
    id: int
    roles: frozenset[str]  # subset of ROLES
    department: str | None = None
    capacity: int = 0  # max concurrent mentees (mentors)
    tags: Mapping[str, str] = field(default_factory=dict)  # slug -> level
    is_ambassador: bool = False


@dataclass(frozen=True, slots=True)
class MentorshipRecord:
    mentor_id: int
    executive_id: int
    status: str  # "requested" | "active" | "completed" | "declined"
    sessions_done: int = 0
    goals: tuple[str, ...] = ()  # tag slugs the executive wants to learn
    agenda_tags: tuple[str, ...] = ()  # tags of the pair's sessions


@dataclass(frozen=True, slots=True)
class InteractionRecord:
    """A member–member community interaction (mentor–mentor above all)."""

    source_id: int
    target_id: int
    kind: str  # "reply" | "mention" | "co_thread"
    at: datetime  # timezone-aware UTC
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    """A person's own community activity (a post, a thread)."""

    person_id: int
    kind: str  # "post" | "thread"
    at: datetime


@dataclass(frozen=True, slots=True)
class OutcomeRecord:
    """Programme outcomes of one mentor."""

    mentor_id: int
    sessions_done: int
    feedback_count: int
    feedback_avg: float | None


@dataclass(frozen=True, slots=True)
class TagRecord:
    slug: str
    field: str  # e.g. "collaboration", "social-media", "data-ai", "ways-of-working", "security"


@dataclass(frozen=True, slots=True)
class AnalysisInput:
    people: Sequence[PersonRecord] = ()
    tags: Sequence[TagRecord] = ()
    mentorships: Sequence[MentorshipRecord] = ()
    interactions: Sequence[InteractionRecord] = ()
    activities: Sequence[ActivityRecord] = ()
    outcomes: Sequence[OutcomeRecord] = ()


@dataclass(frozen=True, slots=True)
class AnalysisParams:
    now: datetime
    window_days: int = 365  # interactions/activity older than this are ignored
    half_life_days: float = 90.0  # recency decay for interaction weights and activity
    betweenness_exact_below: int = 2000  # connected nodes; above it sample with k and seed
    betweenness_k: int = 200
    seed: int = 42
    overload_ratio: float = 1.5  # load > capacity, or > ratio × median load (and > 2)
    min_providers_per_topic: int = 2  # fewer practitioner/expert mentors: uncovered
    shortlist_size: int = 20
    # Optional refinements (defaults chosen for organisations of 100 to 100,000 people).
    top_fraction: float = 0.10  # "high" degree / betweenness = this top share of people
    connector_min_degree: int = 4  # a connector needs this many ties even in a tiny network
    # Boundary spanner: ties into at least this many other departments (and top share) ...
    spanner_min_departments: int = 3
    spanner_min_share: float = 0.6  # ... or this share of ties crossing departments
    spanner_min_ties: int = 4  # ... with at least this many ties (and top share of degree)
    peripheral_max_degree: int = 1
    rare_tag_max_mentors: int = 2  # a provider-level tag held by at most this many mentors
    feedback_prior_count: float = 3.0  # shrinkage of small feedback samples toward the mean
    betweenness_threads: int = 2  # numpy and scipy release the GIL: two cores, half the time

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("now must be timezone-aware (UTC)")
        if self.window_days <= 0 or self.half_life_days <= 0:
            raise ValueError("window_days and half_life_days must be positive")
        if self.betweenness_k < 2:
            raise ValueError("betweenness_k must be at least 2")
        if not 0 < self.top_fraction < 1:
            raise ValueError("top_fraction must lie between 0 and 1")


def recency_weight(at: datetime, params: AnalysisParams) -> float | None:
    """Exponential decay 0.5 ** (age / half-life); None outside the window or after `now`.

    Events after `now` are ignored rather than clamped so that a snapshot dated `now` can be
    recomputed later from the same records and give the same answer.
    """
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    age_days = (params.now - at).total_seconds() / SECONDS_PER_DAY
    if age_days < 0 or age_days > params.window_days:
        return None
    return float(0.5 ** (age_days / params.half_life_days))




def sort_key(value: Hashable) -> tuple[int, float, str]:
    """Numbers in numeric order before everything else in text order."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value, "")
    return (1, 0, str(value))




def provider_tags(person: PersonRecord) -> list[str]:
    return [slug for slug, level in person.tags.items() if level in PROVIDER_LEVELS]
