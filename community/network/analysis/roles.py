"""Network roles (after Cross & Prusak) and the ambassador shortlist."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np

from community.network.analysis.records import (
    MENTOR,
    NETWORK_ROLES,
    AnalysisInput,
    AnalysisParams,
    PersonRecord,
    provider_tags,
    recency_weight,
)

ROLE_EXPLANATIONS: Mapping[str, str] = {
    "central_connector": (
        "Has {degree:g} direct ties, among the top {top_percent:g}% of the network "
        "(threshold {degree_threshold:g})."
    ),
    "broker": (
        "Lies on many shortest paths between others (betweenness {betweenness:.3g}, "
        "threshold {betweenness_threshold:.3g}) and has ties into {communities:g} communities."
    ),
    "boundary_spanner": (
        "Has ties into {other_departments:g} other departments (threshold "
        "{department_threshold:g}); {cross_department_share:.0%} of their ties cross a "
        "department boundary."
    ),
    "peripheral_specialist": (
        "Has only {degree:g} tie(s) but holds {rare_tags:g} rare topic(s) that at most "
        "{rare_tag_max_mentors:g} mentors cover."
    ),
}


@dataclass(frozen=True, slots=True)
class RoleAssignment:
    """A network role after Cross & Prusak, with the figures that led to it."""

    person_id: int
    role: str  # one of NETWORK_ROLES; also the key of ROLE_EXPLANATIONS
    figures: Mapping[str, float]
    explanation: str  # ROLE_EXPLANATIONS[role] filled in with the figures (English)
    tags: tuple[str, ...] = ()  # the rare tags of a peripheral specialist


@dataclass(frozen=True, slots=True)
class Reach:
    """Where a person's ties lead: communities, departments and the share crossing one."""

    communities: int
    departments: int
    other_departments: int
    cross_share: float
    known_ties: int


def person_reach(
    neighbours: Iterable[int],
    department: str | None,
    department_of: Mapping[int, str | None],
    community_of: Mapping[int, int],
) -> Reach:
    communities: set[int] = set()
    departments: set[str] = set()
    other_departments: set[str] = set()
    known = crossing = 0
    for other in neighbours:
        communities.add(community_of[other])
        their = department_of[other]
        if their is None:
            continue
        known += 1
        departments.add(their)
        if department is not None and their != department:
            crossing += 1
            other_departments.add(their)
    if department is None:
        other_departments = departments
    share = crossing / known if known and department is not None else 0.0
    return Reach(len(communities), len(departments), len(other_departments), share, known)


def network_roles(
    core: nx.Graph,
    params: AnalysisParams,
    *,
    betweenness_of: Mapping[int, float],
    community_of: Mapping[int, int],
    reach_of: Mapping[int, Reach],
    rare_tags_of: Mapping[int, tuple[str, ...]],
    degree_of_mentor: Mapping[int, int],
) -> list[RoleAssignment]:
    """Central connectors, brokers, boundary spanners and peripheral specialists."""
    top_percent = 100.0 * params.top_fraction
    degrees = dict(core.degree())
    found: list[RoleAssignment] = []
    if degrees:
        degree_threshold = max(
            float(params.connector_min_degree),
            float(np.percentile(list(degrees.values()), 100.0 - top_percent)),
        )
        # "High" is relative, as for connectors: in an organisation where most ties cross
        # departments a fixed count would make a third of the network boundary spanners.
        top_degree = float(np.percentile(list(degrees.values()), 100.0 - top_percent))
        spread = [reach_of[node].other_departments for node in degrees]
        department_threshold = max(
            float(params.spanner_min_departments),
            float(np.percentile(spread, 100.0 - top_percent)),
        )
        tie_threshold = max(float(params.spanner_min_ties), top_degree)
        positive = [value for value in betweenness_of.values() if value > 0]
        betweenness_threshold = (
            float(np.percentile(positive, 100.0 - top_percent)) if positive else math.inf
        )
        for node, degree in degrees.items():
            if degree >= degree_threshold:
                found.append(
                    _role(
                        node,
                        "central_connector",
                        degree=degree,
                        degree_threshold=degree_threshold,
                        top_percent=top_percent,
                    )
                )
            reach = reach_of[node]
            spanned = len({community_of[node]} | {community_of[o] for o in core.adj[node]})
            value = betweenness_of.get(node, 0.0)
            if value > 0 and value >= betweenness_threshold and spanned >= 2:
                found.append(
                    _role(
                        node,
                        "broker",
                        betweenness=value,
                        betweenness_threshold=betweenness_threshold,
                        communities=spanned,
                        top_percent=top_percent,
                    )
                )
            if reach.other_departments >= department_threshold or (
                reach.known_ties >= tie_threshold and reach.cross_share >= params.spanner_min_share
            ):
                found.append(
                    _role(
                        node,
                        "boundary_spanner",
                        other_departments=reach.other_departments,
                        department_threshold=department_threshold,
                        cross_department_share=reach.cross_share,
                        ties=degree,
                    )
                )
    for mentor_id, rare in rare_tags_of.items():
        degree = degree_of_mentor.get(mentor_id, 0)
        if rare and degree <= params.peripheral_max_degree:
            found.append(
                _role(
                    mentor_id,
                    "peripheral_specialist",
                    tags=rare,
                    degree=degree,
                    rare_tags=len(rare),
                    rare_tag_max_mentors=params.rare_tag_max_mentors,
                )
            )
    primary = {
        "central_connector": "degree",
        "broker": "betweenness",
        "boundary_spanner": "other_departments",
        "peripheral_specialist": "rare_tags",
    }
    return sorted(
        found,
        key=lambda r: (NETWORK_ROLES.index(r.role), -r.figures[primary[r.role]], r.person_id),
    )


def _role(
    person_id: int, role: str, tags: tuple[str, ...] = (), **figures: float
) -> RoleAssignment:
    values = {name: float(value) for name, value in figures.items()}
    return RoleAssignment(
        person_id, role, values, ROLE_EXPLANATIONS[role].format(**values), tuple(tags)
    )


def rare_tags(people: Iterable[PersonRecord], max_mentors: int) -> dict[int, tuple[str, ...]]:
    """Per mentor: provider-level tags that at most `max_mentors` mentors hold at that level."""
    mentors = [person for person in people if MENTOR in person.roles]
    holders = Counter(slug for person in mentors for slug in provider_tags(person))
    return {
        person.id: tuple(sorted(s for s in provider_tags(person) if holders[s] <= max_mentors))
        for person in mentors
    }


@dataclass(frozen=True, slots=True)
class AmbassadorCandidate:
    person_id: int
    score: float  # geometric mean of the parts: a zero part gives zero
    parts: Mapping[str, float]  # outcomes, community, reach — each 0..1
    figures: Mapping[str, float | None]  # the raw numbers behind the parts


def ambassador_shortlist(
    inp: AnalysisInput,
    params: AnalysisParams,
    *,
    pagerank_of: Mapping[int, float],
    reach_of: Mapping[int, Reach],
    degree_of: Mapping[int, int],
) -> list[AmbassadorCandidate]:
    """Mentors worth recruiting as ambassadors: outcomes × community activity × reach.

    outcomes = sqrt(sessions part × feedback part), sessions on a log scale against the best
    mentor, the feedback average shrunk toward the pool mean by `feedback_prior_count`
    pseudo-ratings so that one 5-star rating does not beat twenty 4.8s; community =
    recency-weighted own activity plus interaction weight, log scale; reach = the mean of
    PageRank (against the best mentor) and the number of communities plus departments the
    mentor's ties reach. Existing ambassadors are left out; all mentors set the scales.
    """
    mentors = sorted(
        (person for person in inp.people if MENTOR in person.roles), key=lambda p: p.id
    )
    if not mentors:
        return []
    ids = {person.id for person in mentors}
    sessions, feedback = _outcomes(inp, ids)
    activity, interaction = _community_weights(inp, params, ids)

    def breadth(person_id: int) -> int:
        reach = reach_of.get(person_id)
        return reach.communities + reach.departments if reach else 0

    scales = _Scales(
        sessions=max(sessions[m] for m in ids),
        community=max(activity[m] + interaction[m] for m in ids),
        pagerank=max(pagerank_of.get(m, 0.0) for m in ids),
        breadth=max(breadth(m) for m in ids),
        pool_mean=_pool_mean(feedback),
        prior=params.feedback_prior_count,
    )
    found = []
    for person in mentors:
        if person.is_ambassador:
            continue
        pid = person.id
        count, average = feedback.get(pid, (0, None))
        count = count if average is not None else 0
        shrunk = (scales.prior * scales.pool_mean + count * (average or 0.0)) / (
            scales.prior + count
        )
        community_weight = activity[pid] + interaction[pid]
        parts = scales.parts(
            sessions[pid], shrunk, community_weight, pagerank_of.get(pid, 0.0), breadth(pid)
        )
        score = (parts["outcomes"] * parts["community"] * parts["reach"]) ** (1.0 / 3.0)
        reach = reach_of.get(pid)
        found.append(
            AmbassadorCandidate(
                pid,
                score,
                parts,
                {
                    "sessions_done": sessions[pid],
                    "feedback_count": count,
                    "feedback_avg": average,
                    "feedback_adjusted": shrunk,
                    "activity": activity[pid],
                    "interaction": interaction[pid],
                    "pagerank": pagerank_of.get(pid, 0.0),
                    "degree": degree_of.get(pid, 0),
                    "communities_reached": reach.communities if reach else 0,
                    "departments_reached": reach.departments if reach else 0,
                },
            )
        )
    found.sort(key=lambda c: (-c.score, c.person_id))
    return found[: params.shortlist_size]


@dataclass(frozen=True, slots=True)
class _Scales:
    """The pool's best figures, against which each mentor's parts are measured."""

    sessions: int
    community: float
    pagerank: float
    breadth: int
    pool_mean: float
    prior: float

    def parts(
        self, sessions: int, shrunk: float, community: float, pagerank: float, breadth: int
    ) -> dict[str, float]:
        sessions_part = _log_share(sessions, self.sessions)
        feedback_part = min(1.0, max(0.0, (shrunk - 1.0) / 4.0))
        pagerank_part = pagerank / self.pagerank if self.pagerank else 0.0
        breadth_part = breadth / self.breadth if self.breadth else 0.0
        return {
            "outcomes": math.sqrt(sessions_part * feedback_part),
            "community": _log_share(community, self.community),
            "reach": (pagerank_part + breadth_part) / 2.0,
        }


def _outcomes(
    inp: AnalysisInput, ids: Collection[int]
) -> tuple[Counter[int], dict[int, tuple[int, float | None]]]:
    """Sessions held and (feedback count, feedback average) per mentor."""
    sessions: Counter[int] = Counter()
    for mentorship in inp.mentorships:
        if mentorship.mentor_id in ids:
            sessions[mentorship.mentor_id] += max(0, mentorship.sessions_done)
    feedback: dict[int, tuple[int, float | None]] = {}
    for outcome in inp.outcomes:
        if outcome.mentor_id in ids:
            sessions[outcome.mentor_id] = max(0, outcome.sessions_done)
            feedback[outcome.mentor_id] = (outcome.feedback_count, outcome.feedback_avg)
    return sessions, feedback


def _pool_mean(feedback: Mapping[int, tuple[int, float | None]]) -> float:
    rated = [(n, avg) for n, avg in feedback.values() if n > 0 and avg is not None]
    total_ratings = sum(n for n, _ in rated)
    return sum(n * avg for n, avg in rated) / total_ratings if total_ratings else 3.0


def _community_weights(
    inp: AnalysisInput, params: AnalysisParams, ids: Collection[int]
) -> tuple[dict[int, float], dict[int, float]]:
    """Recency-weighted own activity and interaction weight per mentor.

    Sums via fsum over per-mentor lists: exact, hence independent of record order.
    """
    activity_parts: dict[int, list[float]] = defaultdict(list)
    for record in inp.activities:
        if record.person_id in ids and (decay := recency_weight(record.at, params)) is not None:
            activity_parts[record.person_id].append(decay)
    interaction_parts: dict[int, list[float]] = defaultdict(list)
    for tie in inp.interactions:
        if tie.source_id == tie.target_id or tie.weight <= 0:
            continue
        if tie.source_id not in ids and tie.target_id not in ids:
            continue
        decay = recency_weight(tie.at, params)
        if decay is None:
            continue
        for person_id in (tie.source_id, tie.target_id):
            if person_id in ids:
                interaction_parts[person_id].append(tie.weight * decay)
    activity = {pid: math.fsum(activity_parts.get(pid, ())) for pid in ids}
    interaction = {pid: math.fsum(interaction_parts.get(pid, ())) for pid in ids}
    return activity, interaction


def _log_share(value: float, maximum: float) -> float:
    return math.log1p(value) / math.log1p(maximum) if maximum > 0 else 0.0
