"""Network analysis of the mentor pool: pure functions over networkx.

Plain records go in, frozen dataclasses come out; nothing here knows about Flask, SQLAlchemy or
files. `analyse()` runs every step once; the other public functions answer one question each
and are reused by the web layer (what-if, peers, ego networks, exports).

Costs follow /work/shared/GRAPH-NOTES.md: the analysis runs on the subgraph of *connected*
people (most of an organisation has no tie at all), betweenness is exact only for small graphs
and sampled with a fixed seed above that, and nothing calls `nx.constraint`.
"""

from __future__ import annotations

import io
import math
import os
import random
import time
from collections import Counter, defaultdict, deque
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from typing import Any

import networkx as nx
import numpy as np

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

_SECONDS_PER_DAY = 86_400.0


# --------------------------------------------------------------------------- records


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
    age_days = (params.now - at).total_seconds() / _SECONDS_PER_DAY
    if age_days < 0 or age_days > params.window_days:
        return None
    return 0.5 ** (age_days / params.half_life_days)


# --------------------------------------------------------------------------- the graph


def build_graph(inp: AnalysisInput, params: AnalysisParams) -> nx.Graph:
    """People as nodes, mentorships and recent interactions as weighted, undirected ties.

    Node attributes: roles, department, capacity, tags, is_ambassador. One edge per pair with:
    kind ("mentorship" if the pair has a held mentorship, else "interaction"), weight
    (= mentorship_weight + interaction_weight), mentorship, mentorship_active,
    mentorship_weight (1 + sessions done, per active/completed mentorship), sessions_done,
    interaction_weight (sum of weight × recency decay inside the window), interactions and a
    count per interaction kind. Self-loops and records naming unknown people are dropped;
    nodes and edges are inserted in id order so results do not depend on record order.
    """
    people = sorted(inp.people, key=lambda person: person.id)
    known = {person.id for person in people}
    if len(known) != len(people):
        raise ValueError("person ids must be unique")
    graph = nx.Graph()
    graph.add_nodes_from(
        (
            person.id,
            {
                "roles": person.roles,
                "department": person.department,
                "capacity": person.capacity,
                "tags": person.tags,
                "is_ambassador": person.is_ambassador,
            },
        )
        for person in people
    )
    ties: dict[tuple[int, int], dict[str, Any]] = {}
    contributions: dict[tuple[int, int], list[float]] = {}

    def tie(a: int, b: int) -> dict[str, Any]:
        key = (a, b) if a < b else (b, a)
        data = ties.get(key)
        if data is None:
            data = ties[key] = {
                "kind": "interaction",
                "weight": 0.0,
                "mentorship": False,
                "mentorship_active": False,
                "mentorship_weight": 0.0,
                "sessions_done": 0,
                "interaction_weight": 0.0,
                "interactions": 0,
                **dict.fromkeys(INTERACTION_KINDS, 0),
            }
        return data

    for mentorship in inp.mentorships:
        a, b = mentorship.mentor_id, mentorship.executive_id
        if mentorship.status not in TIE_STATUSES or a == b or a not in known or b not in known:
            continue
        data = tie(a, b)
        sessions = max(0, mentorship.sessions_done)
        data["kind"] = "mentorship"
        data["mentorship"] = True
        data["mentorship_active"] = data["mentorship_active"] or mentorship.status == "active"
        data["mentorship_weight"] += 1.0 + sessions
        data["sessions_done"] += sessions
    for interaction in inp.interactions:
        a, b = interaction.source_id, interaction.target_id
        if a == b or interaction.weight <= 0 or a not in known or b not in known:
            continue
        decay = recency_weight(interaction.at, params)
        if decay is None:
            continue
        data = tie(a, b)
        contributions.setdefault((a, b) if a < b else (b, a), []).append(interaction.weight * decay)
        data["interactions"] += 1
        kind = interaction.kind if interaction.kind in INTERACTION_KINDS else "other"
        data[kind] += 1
    for key, parts in contributions.items():
        # fsum is exact, so the weight does not depend on the order of the records.
        ties[key]["interaction_weight"] = math.fsum(parts)
    for data in ties.values():
        data["weight"] = data["mentorship_weight"] + data["interaction_weight"]
    graph.add_edges_from((a, b, ties[(a, b)]) for a, b in sorted(ties))
    return graph


def connected_core(graph: nx.Graph) -> nx.Graph:
    """A copy holding only people with at least one tie (the part worth analysing)."""
    core = nx.Graph()
    core.add_nodes_from((node, graph.nodes[node]) for node, degree in graph.degree() if degree)
    core.add_edges_from(graph.edges(data=True))
    return core


def ego_network(graph: nx.Graph, person_id: int, radius: int = 1) -> nx.Graph:
    """The people within `radius` ties of a person, with the ties among them (a copy).

    Cost: proportional to the neighbourhood, milliseconds even at 100 k people.
    Raises nx.NodeNotFound for an unknown person.
    """
    if person_id not in graph:
        raise nx.NodeNotFound(f"person {person_id} is not in the graph")
    return nx.ego_graph(graph, person_id, radius=radius)


def condensed_graph(graph: nx.Graph, group_of: Mapping[int, Hashable | None]) -> nx.Graph:
    """One node per group (department, community): `members`, `internal_ties`, `internal_weight`;
    one edge per pair of groups with `ties` (count) and `weight` (sum of tie weights).

    People whose group is missing or None are left out.
    """
    condensed = nx.Graph()
    members = Counter(group for node in graph if (group := group_of.get(node)) is not None)
    for group in sorted(members, key=_sort_key):
        condensed.add_node(group, members=members[group], internal_ties=0, internal_weight=0.0)
    for a, b, weight in graph.edges(data="weight", default=1.0):
        group_a, group_b = group_of.get(a), group_of.get(b)
        if group_a is None or group_b is None:
            continue
        if group_a == group_b:
            condensed.nodes[group_a]["internal_ties"] += 1
            condensed.nodes[group_a]["internal_weight"] += weight
        elif condensed.has_edge(group_a, group_b):
            condensed[group_a][group_b]["ties"] += 1
            condensed[group_a][group_b]["weight"] += weight
        else:
            condensed.add_edge(group_a, group_b, ties=1, weight=weight)
    return condensed


def _sort_key(value: Hashable) -> tuple[int, float, str]:
    """Numbers in numeric order before everything else in text order."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value, "")
    return (1, 0, str(value))


# --------------------------------------------------------------------------- centralities

# Dense work arrays of the batched betweenness hold at most this many cells (8 MB each).
_BETWEENNESS_BATCH_CELLS = 1 << 20


def betweenness(core: nx.Graph, params: AnalysisParams) -> tuple[dict[int, float], str, int]:
    """Normalised shortest-path (hop) betweenness and how it was computed.

    Same definition, source sampling and rescaling as `nx.betweenness_centrality(core, k=k,
    seed=seed)` (exact below `betweenness_exact_below` nodes), so the numbers agree with
    networkx (the tests check it), but Brandes' algorithm runs as sparse matrix products over
    batches of sources: at 100 k people the sampled version takes about 1 s instead of 15–30 s
    and the exact one for 1,500 connected people 0.4 s instead of 5 s (with two threads, as
    the products release the GIL). Peak extra memory: about 10 dense arrays of
    `_BETWEENNESS_BATCH_CELLS` cells in all (~80 MB). Hops, not weights:
    brokerage is about structure, and weights would need a distance transform.
    Returns (values, "exact" | "sampled", number of source nodes).
    """
    nodes = list(core)
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0), "exact", n
    exact = n < params.betweenness_exact_below or params.betweenness_k >= n
    # Same draw as networkx: random.Random(seed).sample(list(G), k).
    sources = nodes if exact else random.Random(params.seed).sample(nodes, params.betweenness_k)  # noqa: S311
    position = {node: index for index, node in enumerate(nodes)}
    adjacency = nx.to_scipy_sparse_array(core, nodelist=nodes, weight=None, format="csr")
    adjacency = adjacency.astype(np.float64)
    source_index = np.fromiter((position[s] for s in sources), dtype=np.int64, count=len(sources))
    threads = max(1, min(params.betweenness_threads, os.cpu_count() or 1))
    batch = max(1, _BETWEENNESS_BATCH_CELLS // (n * threads))
    batches = [source_index[start : start + batch] for start in range(0, len(source_index), batch)]
    if threads > 1 and len(batches) > 1:
        with ThreadPoolExecutor(threads) as pool:
            parts = list(pool.map(lambda sources: _dependencies(adjacency, sources), batches))
    else:
        parts = [_dependencies(adjacency, sources) for sources in batches]
    totals = np.zeros(n)
    for part in parts:  # a fixed order keeps the floating-point sum reproducible
        totals += part
    pairs = n - 2  # N - 1 in networkx's _rescale, with N = n - 1 when endpoints are excluded
    if exact:
        totals *= 1.0 / ((n - 1) * pairs)
    else:
        k = len(sources)
        scale = np.full(n, 1.0 / (k * pairs))
        scale[source_index] = 1.0 / ((k - 1) * pairs)
        totals *= scale
    values = {node: float(totals[index]) for index, node in enumerate(nodes)}
    return values, ("exact" if exact else "sampled"), len(sources)


def _dependencies(adjacency: Any, sources: np.ndarray) -> np.ndarray:
    """Brandes' dependency sums for a batch of BFS sources, one source per column."""
    n, width = adjacency.shape[0], len(sources)
    columns = np.arange(width)
    sigma = np.zeros((n, width))  # number of shortest paths from the column's source
    sigma[sources, columns] = 1.0
    depth = np.full((n, width), -1, dtype=np.int32)
    depth[sources, columns] = 0
    frontier = sigma.copy()
    level = 0
    while True:
        reached = adjacency @ frontier
        new = (reached > 0) & (depth < 0)
        if not new.any():
            break
        level += 1
        depth[new] = level
        frontier = np.where(new, reached, 0.0)
        sigma += frontier
    delta = np.zeros((n, width))
    coefficient = np.zeros((n, width))
    # Walk back from the deepest level; the source (depth 0) collects nothing.
    for current in range(level, 1, -1):
        coefficient.fill(0.0)
        np.divide(1.0 + delta, sigma, out=coefficient, where=depth == current)
        pulled = adjacency @ coefficient
        delta += np.where(depth == current - 1, sigma * pulled, 0.0)
    return delta.sum(axis=1)


def pagerank(core: nx.Graph) -> dict[int, float]:
    """Weighted PageRank on the connected people (scipy; ~0.2 s at 100 k people)."""
    if core.number_of_nodes() == 0:
        return {}
    try:
        return nx.pagerank(core, weight="weight")
    except nx.PowerIterationFailedConvergence:
        return nx.pagerank(core, weight="weight", max_iter=1000, tol=1e-5)


def louvain_communities(core: nx.Graph, seed: int) -> list[tuple[int, ...]]:
    """Louvain communities of the connected people, largest first, members sorted."""
    if core.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(core, weight="weight", seed=seed)
    return sorted((tuple(sorted(members)) for members in found), key=lambda c: (-len(c), c[0]))


@dataclass(frozen=True, slots=True)
class Structure:
    """Connected components and articulation points of a graph, from one depth-first search."""

    component_of: Mapping[int, int]
    component_sizes: tuple[int, ...]
    # Articulation point -> sizes of the pieces its component falls into without it.
    pieces: Mapping[int, tuple[int, ...]]

    def separated_people(self, node: int) -> int:
        """People cut off from the largest remaining piece if `node` leaves (0: not a cut)."""
        sizes = self.pieces.get(node)
        return sum(sizes) - max(sizes) if sizes else 0

    @property
    def largest_component(self) -> int:
        return max(self.component_sizes, default=0)


def graph_structure(adjacency: Mapping[int, Iterable[int]]) -> Structure:
    """Components and articulation points (Hopcroft–Tarjan, iterative) in O(V + E).

    Unlike nx.articulation_points it also yields how many people each cut separates, which the
    single-points-of-failure list reports.
    """
    discovered: dict[int, int] = {}
    low: dict[int, int] = {}
    subtree: dict[int, int] = {}
    child_pieces: dict[int, list[int]] = defaultdict(list)
    component_of: dict[int, int] = {}
    sizes: list[int] = []
    clock = 0
    for root in adjacency:
        if root in discovered:
            continue
        component = len(sizes)
        discovered[root] = low[root] = clock
        clock += 1
        subtree[root] = 1
        component_of[root] = component
        stack: list[tuple[int, int | None, Any]] = [(root, None, iter(adjacency[root]))]
        while stack:
            node, parent, neighbours = stack[-1]
            descended = False
            for other in neighbours:
                if other == parent:
                    continue
                if other in discovered:
                    low[node] = min(low[node], discovered[other])
                else:
                    discovered[other] = low[other] = clock
                    clock += 1
                    subtree[other] = 1
                    component_of[other] = component
                    stack.append((other, node, iter(adjacency[other])))
                    descended = True
                    break
            if descended:
                continue
            stack.pop()
            if parent is not None:
                subtree[parent] += subtree[node]
                low[parent] = min(low[parent], low[node])
                if low[node] >= discovered[parent]:
                    child_pieces[parent].append(subtree[node])
        sizes.append(subtree[root])
    pieces: dict[int, tuple[int, ...]] = {}
    for node, separated in child_pieces.items():
        rest = sizes[component_of[node]] - 1 - sum(separated)
        all_pieces = (*separated, rest) if rest > 0 else tuple(separated)
        if len(all_pieces) >= 2:
            pieces[node] = all_pieces
    return Structure(component_of, tuple(sizes), pieces)


# --------------------------------------------------------------------------- coverage


def _provider_tags(person: PersonRecord) -> list[str]:
    return [slug for slug, level in person.tags.items() if level in PROVIDER_LEVELS]


@dataclass(frozen=True, slots=True)
class CoverageIndex:
    """Who covers whom: the lookups behind pool health, single points of failure and what-if.

    Build once per snapshot (`CoverageIndex.build`, O(people + mentorships + ties), about
    0.3 s at 100 k people when the graph is passed in); each `what_if` is then proportional
    to the removed mentors' mentees, tags and departments plus the size of the components
    they sit in (milliseconds to tens of milliseconds at 100 k people).
    """

    min_providers: int
    mentors: frozenset[int]
    executives: frozenset[int]
    department_of: Mapping[int, str | None]
    active_mentors_of: Mapping[int, frozenset[int]]  # executive -> mentors, active only
    matched_mentors_of: Mapping[int, frozenset[int]]  # executive -> mentors, active/requested
    mentees_of: Mapping[int, frozenset[int]]  # mentor -> executives, active/requested
    department_links: Mapping[str, frozenset[int]]  # department -> mentors of its executives
    providers: Mapping[str, frozenset[int]]  # tag -> mentors at practitioner/expert
    provided_by: Mapping[int, tuple[str, ...]]  # mentor -> tags at practitioner/expert
    demand: Mapping[str, int]  # tag -> goals + agenda mentions across all mentorships
    department_people: Mapping[str, int]
    department_executives: Mapping[str, int]
    department_mentors: Mapping[str, frozenset[int]]
    adjacency: Mapping[int, Mapping[int, Any]]  # ties among connected people
    structure: Structure
    component_members: Mapping[int, tuple[int, ...]]

    @classmethod
    def build(
        cls,
        inp: AnalysisInput,
        params: AnalysisParams,
        graph: nx.Graph | None = None,
        structure: Structure | None = None,
    ) -> CoverageIndex:
        if graph is None:
            graph = build_graph(inp, params)
        people = {person.id: person for person in inp.people}
        mentors = frozenset(pid for pid, person in people.items() if MENTOR in person.roles)
        executives = frozenset(pid for pid, person in people.items() if EXECUTIVE in person.roles)
        active: dict[int, set[int]] = defaultdict(set)
        matched: dict[int, set[int]] = defaultdict(set)
        mentees: dict[int, set[int]] = defaultdict(set)
        demand: Counter[str] = Counter()
        for mentorship in inp.mentorships:
            demand.update(mentorship.goals)
            demand.update(mentorship.agenda_tags)
            mentor_id, executive_id = mentorship.mentor_id, mentorship.executive_id
            if mentor_id not in people or executive_id not in people or mentor_id == executive_id:
                continue
            if mentorship.status == "active":
                active[executive_id].add(mentor_id)
            if mentorship.status in MATCHED_STATUSES:
                matched[executive_id].add(mentor_id)
                mentees[mentor_id].add(executive_id)
        department_links: dict[str, set[int]] = defaultdict(set)
        for executive_id, linked in active.items():
            department = people[executive_id].department
            if department is not None:
                department_links[department].update(linked)
        providers: dict[str, set[int]] = defaultdict(set)
        provided_by: dict[int, tuple[str, ...]] = {}
        for mentor_id in mentors:
            slugs = _provider_tags(people[mentor_id])
            provided_by[mentor_id] = tuple(sorted(slugs))
            for slug in slugs:
                providers[slug].add(mentor_id)
        department_people: Counter[str] = Counter()
        department_executives: Counter[str] = Counter()
        department_mentors: dict[str, set[int]] = defaultdict(set)
        for pid, person in people.items():
            if person.department is None:
                continue
            department_people[person.department] += 1
            if pid in executives:
                department_executives[person.department] += 1
            if pid in mentors:
                department_mentors[person.department].add(pid)
        adjacency = {node: nbrs for node, nbrs in graph.adjacency() if nbrs}
        if structure is None:
            structure = graph_structure(adjacency)
        members: dict[int, list[int]] = defaultdict(list)
        for node, component in structure.component_of.items():
            members[component].append(node)
        return cls(
            min_providers=params.min_providers_per_topic,
            mentors=mentors,
            executives=executives,
            department_of={pid: person.department for pid, person in people.items()},
            active_mentors_of=_freeze(active),
            matched_mentors_of=_freeze(matched),
            mentees_of=_freeze(mentees),
            department_links=_freeze(department_links),
            providers=_freeze(providers),
            provided_by=provided_by,
            demand=dict(demand),
            department_people=dict(department_people),
            department_executives=dict(department_executives),
            department_mentors=_freeze(department_mentors),
            adjacency=adjacency,
            structure=structure,
            component_members={c: tuple(nodes) for c, nodes in members.items()},
        )

    # The health lists; `removed` answers the same questions as if those people had left.

    def unmatched_executives(self, removed: Collection[int] = frozenset()) -> list[int]:
        gone = frozenset(removed)
        return sorted(
            executive_id
            for executive_id in self.executives
            if executive_id not in gone
            and not (self.matched_mentors_of.get(executive_id, frozenset()) - gone)
        )

    def uncovered_topics(self, removed: Collection[int] = frozenset()) -> list[str]:
        gone = frozenset(removed)
        return sorted(
            slug
            for slug, wanted in self.demand.items()
            if wanted > 0 and len(self.providers.get(slug, frozenset()) - gone) < self.min_providers
        )

    def departments_without_mentors(self, removed: Collection[int] = frozenset()) -> list[str]:
        removed_set = frozenset(removed)
        gone = Counter(
            department
            for pid in removed_set
            if (department := self.department_of.get(pid)) is not None
        )
        return sorted(
            department
            for department, count in self.department_people.items()
            if count - gone[department] > 0
            and not (self.department_mentors.get(department, frozenset()) - removed_set)
        )

    def components_without(self, removed: Collection[int] = frozenset()) -> tuple[int, int]:
        """(number of components, size of the largest) among connected people minus `removed`.

        People left without any tie count as components of their own: they were cut off.
        One removed person is answered from the articulation pieces in O(1); for several,
        only the components that contain a removed person are searched again.
        """
        removed_set = {pid for pid in removed if pid in self.structure.component_of}
        sizes = self.structure.component_sizes
        touched = {self.structure.component_of[pid] for pid in removed_set}
        count = len(sizes) - len(touched)
        largest = max((size for c, size in enumerate(sizes) if c not in touched), default=0)
        if len(removed_set) == 1:
            # One person: the depth-first search already knows the pieces (O(1), no search).
            (person,) = removed_set
            rest = sizes[self.structure.component_of[person]] - 1
            pieces = self.structure.pieces.get(person) or ((rest,) if rest else ())
            return count + len(pieces), max(largest, *pieces, 0)
        for component in touched:
            seen = set(removed_set)
            for start in self.component_members[component]:
                if start in seen:
                    continue
                seen.add(start)
                queue, size = deque([start]), 0
                while queue:
                    node = queue.popleft()
                    size += 1
                    for other in self.adjacency[node]:
                        if other not in seen:
                            seen.add(other)
                            queue.append(other)
                count += 1
                largest = max(largest, size)
        return count, largest


def _freeze(mapping: Mapping[Any, set[int]]) -> dict[Any, frozenset[int]]:
    return {key: frozenset(values) for key, values in mapping.items()}


@dataclass(frozen=True, slots=True)
class CutOff:
    """What would lose its only mentor link if a person left."""

    executives: tuple[int, ...] = ()
    departments: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.executives or self.departments or self.topics)


@dataclass(frozen=True, slots=True)
class SinglePointOfFailure:
    person_id: int
    cuts_off: CutOff
    is_articulation_point: bool
    separated_people: int  # people cut off from the rest of the network if this person leaves


def single_points_of_failure(index: CoverageIndex) -> list[SinglePointOfFailure]:
    """Mentors who are the only link of an executive, department or demanded topic, and
    mentors whose departure splits the network (articulation points).

    Sole-provider checks: an executive cut off has exactly one active mentor; a department
    cut off has all its executives' active mentorships with one mentor; a topic cut off is in
    demand and has exactly one practitioner/expert mentor. Most severe first.
    """
    executives: dict[int, list[int]] = defaultdict(list)
    departments: dict[int, list[str]] = defaultdict(list)
    topics: dict[int, list[str]] = defaultdict(list)
    for executive_id, linked in index.active_mentors_of.items():
        if len(linked) == 1:
            executives[next(iter(linked))].append(executive_id)
    for department, linked in index.department_links.items():
        if len(linked) == 1:
            departments[next(iter(linked))].append(department)
    for slug, wanted in index.demand.items():
        provided = index.providers.get(slug, frozenset())
        if wanted > 0 and len(provided) == 1:
            topics[next(iter(provided))].append(slug)
    structure = index.structure
    candidates = set(executives) | set(departments) | set(topics)
    candidates |= {node for node in structure.pieces if node in index.mentors}
    found = [
        SinglePointOfFailure(
            person_id=mentor_id,
            cuts_off=CutOff(
                executives=tuple(sorted(executives.get(mentor_id, ()))),
                departments=tuple(sorted(departments.get(mentor_id, ()))),
                topics=tuple(sorted(topics.get(mentor_id, ()))),
            ),
            is_articulation_point=mentor_id in structure.pieces,
            separated_people=structure.separated_people(mentor_id),
        )
        for mentor_id in candidates
    ]
    return sorted(
        found,
        key=lambda s: (
            -(len(s.cuts_off.executives) + len(s.cuts_off.departments) + len(s.cuts_off.topics)),
            -s.separated_people,
            s.person_id,
        ),
    )


# --------------------------------------------------------------------------- what-if


@dataclass(frozen=True, slots=True)
class HealthChange:
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class WhatIfResult:
    removed: tuple[int, ...]
    executives_losing_coverage: tuple[int, ...]
    departments_losing_coverage: tuple[str, ...]
    topics_losing_coverage: tuple[str, ...]
    # unmatched_executives, uncovered_topics, departments_without_mentors, components,
    # largest_component
    health: Mapping[str, HealthChange]
    unknown_ids: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = plain_data(self)
        data["health"] = {
            name: {"before": c.before, "after": c.after, "change": c.change}
            for name, c in self.health.items()
        }
        return data


def what_if(
    inp: AnalysisInput,
    params: AnalysisParams,
    remove_ids: Iterable[int],
    *,
    index: CoverageIndex | None = None,
) -> WhatIfResult:
    """What the pool loses if these people (usually mentors) leave.

    An executive loses coverage when every active mentor it had is removed; a department
    when every mentor linked to its executives is removed; a demanded topic when its last
    practitioner/expert mentor is removed. Health figures are compared before and after.
    Pass a prebuilt `index` (e.g. `AnalysisResult.coverage`) to answer in milliseconds at
    100 k people; without one the graph is built first (about a second at 100 k).
    """
    if index is None:
        index = CoverageIndex.build(inp, params)
    asked = sorted(set(remove_ids))
    removed = [pid for pid in asked if pid in index.department_of]
    unknown = [pid for pid in asked if pid not in index.department_of]
    removed_set = frozenset(removed)

    affected_executives = {e for m in removed_set for e in index.mentees_of.get(m, ())}
    executives_losing = sorted(
        e
        for e in affected_executives
        if e not in removed_set
        and index.active_mentors_of.get(e)
        and index.active_mentors_of[e] <= removed_set
    )
    affected_departments = {
        department
        for e in affected_executives
        if (department := index.department_of.get(e)) is not None
    }
    departments_losing = sorted(
        d
        for d in affected_departments
        if index.department_links.get(d) and index.department_links[d] <= removed_set
    )
    affected_topics = {slug for m in removed_set for slug in index.provided_by.get(m, ())}
    topics_losing = sorted(
        slug
        for slug in affected_topics
        if index.demand.get(slug, 0) > 0 and index.providers[slug] <= removed_set
    )
    components_before = index.components_without()
    components_after = index.components_without(removed_set)
    health = {
        "unmatched_executives": HealthChange(
            len(index.unmatched_executives()), len(index.unmatched_executives(removed_set))
        ),
        "uncovered_topics": HealthChange(
            len(index.uncovered_topics()), len(index.uncovered_topics(removed_set))
        ),
        "departments_without_mentors": HealthChange(
            len(index.departments_without_mentors()),
            len(index.departments_without_mentors(removed_set)),
        ),
        "components": HealthChange(components_before[0], components_after[0]),
        "largest_component": HealthChange(components_before[1], components_after[1]),
    }
    return WhatIfResult(
        removed=tuple(removed),
        executives_losing_coverage=tuple(executives_losing),
        departments_losing_coverage=tuple(departments_losing),
        topics_losing_coverage=tuple(topics_losing),
        health=health,
        unknown_ids=tuple(unknown),
    )


# --------------------------------------------------------------------------- pool health


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
            else (params.now - last_seen[mentor_id]).total_seconds() / _SECONDS_PER_DAY,
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


# --------------------------------------------------------------------------- roles

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


def _reach(
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
    holders = Counter(slug for person in mentors for slug in _provider_tags(person))
    return {
        person.id: tuple(sorted(s for s in _provider_tags(person) if holders[s] <= max_mentors))
        for person in mentors
    }


# --------------------------------------------------------------------------- ambassadors


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
    sessions: Counter[int] = Counter()
    for mentorship in inp.mentorships:
        if mentorship.mentor_id in ids:
            sessions[mentorship.mentor_id] += max(0, mentorship.sessions_done)
    feedback: dict[int, tuple[int, float | None]] = {}
    for outcome in inp.outcomes:
        if outcome.mentor_id in ids:
            sessions[outcome.mentor_id] = max(0, outcome.sessions_done)
            feedback[outcome.mentor_id] = (outcome.feedback_count, outcome.feedback_avg)
    rated = [(n, avg) for n, avg in feedback.values() if n > 0 and avg is not None]
    total_ratings = sum(n for n, _ in rated)
    pool_mean = sum(n * avg for n, avg in rated) / total_ratings if total_ratings else 3.0

    # Sums via fsum over per-mentor lists: exact, hence independent of record order.
    activity_parts: dict[int, list[float]] = defaultdict(list)
    for record in inp.activities:
        if record.person_id in ids and (decay := recency_weight(record.at, params)) is not None:
            activity_parts[record.person_id].append(decay)
    interaction_parts: dict[int, list[float]] = defaultdict(list)
    for record in inp.interactions:
        if record.source_id == record.target_id or record.weight <= 0:
            continue
        if record.source_id not in ids and record.target_id not in ids:
            continue
        decay = recency_weight(record.at, params)
        if decay is None:
            continue
        for person_id in (record.source_id, record.target_id):
            if person_id in ids:
                interaction_parts[person_id].append(record.weight * decay)
    activity = {pid: math.fsum(activity_parts.get(pid, ())) for pid in ids}
    interaction = {pid: math.fsum(interaction_parts.get(pid, ())) for pid in ids}

    def breadth(person_id: int) -> int:
        reach = reach_of.get(person_id)
        return reach.communities + reach.departments if reach else 0

    max_sessions = max(sessions[m] for m in ids)
    max_community = max(activity[m] + interaction[m] for m in ids)
    max_pagerank = max(pagerank_of.get(m, 0.0) for m in ids)
    max_breadth = max(breadth(m) for m in ids)
    prior = params.feedback_prior_count
    found = []
    for person in mentors:
        if person.is_ambassador:
            continue
        pid = person.id
        count, average = feedback.get(pid, (0, None))
        count = count if average is not None else 0
        shrunk = (prior * pool_mean + count * (average or 0.0)) / (prior + count)
        sessions_part = _log_share(sessions[pid], max_sessions)
        feedback_part = min(1.0, max(0.0, (shrunk - 1.0) / 4.0))
        outcomes = math.sqrt(sessions_part * feedback_part)
        community = _log_share(activity[pid] + interaction[pid], max_community)
        pagerank_part = pagerank_of.get(pid, 0.0) / max_pagerank if max_pagerank else 0.0
        breadth_part = breadth(pid) / max_breadth if max_breadth else 0.0
        reach_part = (pagerank_part + breadth_part) / 2.0
        score = (outcomes * community * reach_part) ** (1.0 / 3.0)
        reach = reach_of.get(pid)
        found.append(
            AmbassadorCandidate(
                pid,
                score,
                {"outcomes": outcomes, "community": community, "reach": reach_part},
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


def _log_share(value: float, maximum: float) -> float:
    return math.log1p(value) / math.log1p(maximum) if maximum > 0 else 0.0


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True, slots=True)
class PersonFigures:
    """Per-person network figures (connected people and every mentor)."""

    person_id: int
    degree: int
    weighted_degree: float
    betweenness: float
    pagerank: float
    community: int | None
    communities_reached: int
    departments_reached: int
    cross_department_share: float
    is_articulation_point: bool
    separated_people: int
    load: int | None  # active mentorships, mentors only
    capacity: int | None  # mentors only


@dataclass(frozen=True, slots=True)
class Community:
    id: int  # 0 is the largest
    size: int
    mentors: int
    executives: int
    top_departments: tuple[tuple[str, int], ...]  # up to three (department, members)
    members: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AnalysisSummary:
    people: int
    connected_people: int
    edges: int
    mentors: int
    executives: int
    communities: int
    components: int  # among connected people
    largest_component: int
    overloaded: int
    idle: int
    uncovered_topics: int
    departments_without_mentors: int
    unmatched_executives: int
    single_points_of_failure: int
    betweenness_method: str  # "exact" | "sampled"
    betweenness_sources: int
    timings: Mapping[str, float] = field(default_factory=dict, compare=False)  # seconds


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    computed_at: datetime
    summary: AnalysisSummary
    people: tuple[PersonFigures, ...]
    roles: tuple[RoleAssignment, ...]
    single_points_of_failure: tuple[SinglePointOfFailure, ...]
    overloaded: tuple[OverloadedMentor, ...]
    idle: tuple[IdleMentor, ...]
    uncovered_topics: tuple[UncoveredTopic, ...]
    departments_without_mentors: tuple[DepartmentWithoutMentors, ...]
    unmatched_executives: tuple[UnmatchedExecutive, ...]
    ambassador_shortlist: tuple[AmbassadorCandidate, ...]
    communities: tuple[Community, ...]
    # For reuse by drawings, exports and what-if; not part of to_dict() or equality.
    graph: nx.Graph = field(compare=False, repr=False, metadata={"export": False})
    coverage: CoverageIndex = field(compare=False, repr=False, metadata={"export": False})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain data (str keys, lists, ints, floats to 6 significant digits)."""
        return plain_data(self)

    def community_of(self) -> dict[int, int]:
        """Person id -> community id, for colouring and condensed drawings."""
        return {member: c.id for c in self.communities for member in c.members}


def analyse(inp: AnalysisInput, params: AnalysisParams) -> AnalysisResult:
    """Run every analysis step once; `summary.timings` says how long each step took."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[step] = now - clock
        clock = now

    started = clock
    graph = build_graph(inp, params)
    lap("build_graph")
    core = connected_core(graph)
    lap("connected_core")
    structure = graph_structure(dict(core.adjacency()))
    lap("components_articulation")
    betweenness_of, method, sources = betweenness(core, params)
    lap("betweenness")
    pagerank_of = pagerank(core)
    lap("pagerank")
    communities = louvain_communities(core, params.seed)
    community_of = {member: cid for cid, members in enumerate(communities) for member in members}
    lap("louvain")

    people = {person.id: person for person in inp.people}
    department_of = {pid: person.department for pid, person in people.items()}
    reach_of = {
        node: _reach(neighbours, department_of[node], department_of, community_of)
        for node, neighbours in core.adjacency()
    }
    degree_of = dict(graph.degree())
    roles = network_roles(
        core,
        params,
        betweenness_of=betweenness_of,
        community_of=community_of,
        reach_of=reach_of,
        rare_tags_of=rare_tags(inp.people, params.rare_tag_max_mentors),
        degree_of_mentor=degree_of,
    )
    lap("roles")
    coverage = CoverageIndex.build(inp, params, graph=graph, structure=structure)
    spofs = single_points_of_failure(coverage)
    lap("single_points_of_failure")
    overloaded = overloaded_mentors(inp, params)
    idle = idle_mentors(inp, params)
    uncovered = uncovered_topics(inp, coverage)
    without_mentors = departments_without_mentors(coverage)
    unmatched = unmatched_executives(inp, coverage)
    lap("pool_health")
    shortlist = ambassador_shortlist(
        inp, params, pagerank_of=pagerank_of, reach_of=reach_of, degree_of=degree_of
    )
    lap("ambassadors")

    load = mentor_load(inp)
    weighted = dict(core.degree(weight="weight"))
    figures = []
    for pid in sorted(set(core) | set(load)):
        reach = reach_of.get(pid)
        figures.append(
            PersonFigures(
                person_id=pid,
                degree=degree_of.get(pid, 0),
                weighted_degree=weighted.get(pid, 0.0),
                betweenness=betweenness_of.get(pid, 0.0),
                pagerank=pagerank_of.get(pid, 0.0),
                community=community_of.get(pid),
                communities_reached=reach.communities if reach else 0,
                departments_reached=reach.departments if reach else 0,
                cross_department_share=reach.cross_share if reach else 0.0,
                is_articulation_point=pid in structure.pieces,
                separated_people=structure.separated_people(pid),
                load=load.get(pid),
                capacity=people[pid].capacity if pid in load else None,
            )
        )
    community_records = []
    for cid, members in enumerate(communities):
        departments = Counter(d for m in members if (d := people[m].department) is not None)
        community_records.append(
            Community(
                id=cid,
                size=len(members),
                mentors=sum(1 for m in members if MENTOR in people[m].roles),
                executives=sum(1 for m in members if EXECUTIVE in people[m].roles),
                top_departments=tuple(
                    sorted(departments.items(), key=lambda item: (-item[1], item[0]))[:3]
                ),
                members=members,
            )
        )
    lap("figures")
    timings["total"] = time.perf_counter() - started

    summary = AnalysisSummary(
        people=graph.number_of_nodes(),
        connected_people=core.number_of_nodes(),
        edges=graph.number_of_edges(),
        mentors=len(coverage.mentors),
        executives=len(coverage.executives),
        communities=len(communities),
        components=len(structure.component_sizes),
        largest_component=structure.largest_component,
        overloaded=len(overloaded),
        idle=len(idle),
        uncovered_topics=len(uncovered),
        departments_without_mentors=len(without_mentors),
        unmatched_executives=len(unmatched),
        single_points_of_failure=len(spofs),
        betweenness_method=method,
        betweenness_sources=sources,
        timings=timings,
    )
    return AnalysisResult(
        computed_at=params.now,
        summary=summary,
        people=tuple(figures),
        roles=tuple(roles),
        single_points_of_failure=tuple(spofs),
        overloaded=tuple(overloaded),
        idle=tuple(idle),
        uncovered_topics=tuple(uncovered),
        departments_without_mentors=tuple(without_mentors),
        unmatched_executives=tuple(unmatched),
        ambassador_shortlist=tuple(shortlist),
        communities=tuple(community_records),
        graph=graph,
        coverage=coverage,
    )


def plain_data(value: Any) -> Any:
    """Dataclasses, mappings and sequences as JSON-ready data; floats to 6 significant digits."""
    if is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain_data(getattr(value, f.name))
            for f in fields(value)
            if f.metadata.get("export", True)
        }
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float | np.floating):
        number = float(value)
        if not math.isfinite(number):
            return None
        return float(f"{number:.6g}")
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): plain_data(item) for key, item in value.items()}
    if isinstance(value, frozenset | set):
        return [plain_data(item) for item in sorted(value, key=_sort_key)]
    if isinstance(value, Iterable):
        return [plain_data(item) for item in value]
    return str(value)


# --------------------------------------------------------------------------- exports


def _export_graph(
    graph: nx.Graph,
    labels: Mapping[int, str] | None,
    pseudonyms: Mapping[int, str] | None,
    node_figures: Mapping[int, Mapping[str, float | int | str | bool | None]] | None,
) -> nx.Graph:
    """A copy whose attributes are plain scalars (GraphML accepts no sets or dicts)."""
    names: dict[int, str] = {}
    if pseudonyms is not None:
        names = {
            node: pseudonyms.get(node) or f"anonymous-{position}"
            for position, node in enumerate(sorted(graph, key=_sort_key), start=1)
        }
        if len(set(names.values())) != len(names):
            raise ValueError("pseudonyms must be unique")
    plain = nx.Graph()
    for node, data in graph.nodes(data=True):
        attributes: dict[str, Any] = {
            "label": names[node]
            if pseudonyms is not None
            else (labels.get(node, str(node)) if labels else str(node)),
            "roles": ",".join(sorted(data.get("roles", ()))),
            "department": data.get("department") or "",
            "capacity": int(data.get("capacity") or 0),
            "tags": ";".join(
                f"{slug}:{level}" for slug, level in sorted(data.get("tags", {}).items())
            ),
            "is_ambassador": bool(data.get("is_ambassador", False)),
        }
        for name, value in (node_figures or {}).get(node, {}).items():
            if value is not None:
                attributes[name] = float(value) if isinstance(value, float | np.floating) else value
        plain.add_node(names[node] if pseudonyms is not None else node, **attributes)
    for a, b, data in graph.edges(data=True):
        attributes = {
            name: float(value) if isinstance(value, float) else value
            for name, value in data.items()
            if isinstance(value, str | int | float | bool)
        }
        if pseudonyms is not None:
            a, b = names[a], names[b]
        plain.add_edge(a, b, **attributes)
    return plain


def to_graphml(
    graph: nx.Graph,
    *,
    labels: Mapping[int, str] | None = None,
    pseudonyms: Mapping[int, str] | None = None,
    node_figures: Mapping[int, Mapping[str, float | int | str | bool | None]] | None = None,
    graph_attributes: Mapping[str, str | int | float | bool] | None = None,
) -> bytes:
    """GraphML (UTF-8) for Gephi, yEd and friends.

    `labels` become each node's `label` attribute. With `pseudonyms` the node ids themselves
    are replaced as well (missing ones become "anonymous-N"), so no database id leaves; roles,
    departments and tags stay. `node_figures` adds attributes such as community or pagerank;
    `graph_attributes` are written on the graph itself (e.g. a count of people left out).
    """
    plain = _export_graph(graph, labels, pseudonyms, node_figures)
    plain.graph.update(graph_attributes or {})
    buffer = io.BytesIO()
    nx.write_graphml_xml(plain, buffer, encoding="utf-8", infer_numeric_types=True)
    return buffer.getvalue()


def to_node_link(
    graph: nx.Graph,
    *,
    labels: Mapping[int, str] | None = None,
    pseudonyms: Mapping[int, str] | None = None,
    node_figures: Mapping[int, Mapping[str, float | int | str | bool | None]] | None = None,
    graph_attributes: Mapping[str, str | int | float | bool] | None = None,
) -> dict[str, Any]:
    """Node-link JSON (`nodes`, `edges`, `graph`), readable by nx.node_link_graph(data,
    edges="edges")."""
    plain = _export_graph(graph, labels, pseudonyms, node_figures)
    plain.graph.update(graph_attributes or {})
    return nx.node_link_data(plain, edges="edges")


# --------------------------------------------------------------------------- peer finder

LEVEL_WEIGHT: Mapping[str, float] = {"interested": 0.5, "practitioner": 0.8, "expert": 1.0}


@dataclass(frozen=True, slots=True)
class PeerSuggestion:
    person_id: int
    kind: str  # "similar" | "complementary"
    score: float
    shared_tags: tuple[str, ...]  # most telling first
    complementary_tags: tuple[str, ...]  # practitioner/expert tags the mentor lacks


class PeerIndex:
    """Mentor–tag lookups for the peer finder, built once in O(mentors × tags).

    Scores for one mentor are two sparse matrix–vector products over the mentor–tag
    matrices, so a query never looks at pairs of other mentors: about a millisecond at
    100 k people (10 k mentors). Build one per request, or cache it with a snapshot.
    """

    def __init__(self, people: Iterable[PersonRecord], tags: Iterable[TagRecord]) -> None:
        from scipy import sparse  # imported on first use: keeps importing this module light

        self.levels: dict[int, Mapping[str, str]] = {
            person.id: person.tags for person in people if MENTOR in person.roles
        }
        self.field_of: dict[str, str] = {tag.slug: tag.field for tag in tags}
        self.tags_in_field: dict[str, list[str]] = defaultdict(list)
        for slug, field_name in sorted(self.field_of.items()):
            self.tags_in_field[field_name].append(slug)
        self.holders: dict[str, dict[int, str]] = defaultdict(dict)
        self.providers: dict[str, dict[int, str]] = defaultdict(dict)
        for mentor_id, levels in self.levels.items():
            for slug, level in levels.items():
                self.holders[slug][mentor_id] = level
                if level in PROVIDER_LEVELS:
                    self.providers[slug][mentor_id] = level
        self.mentor_ids: list[int] = sorted(self.levels)
        self.row = {mentor_id: row for row, mentor_id in enumerate(self.mentor_ids)}
        self.column = {slug: column for column, slug in enumerate(sorted(self.holders))}
        # Entries: sqrt(level weight) for any level, level weight for provider levels only.
        shape = (len(self.mentor_ids), len(self.column))
        held, provided = ([], [], []), ([], [], [])
        for mentor_id, levels in self.levels.items():
            for slug, level in levels.items():
                weight = LEVEL_WEIGHT.get(level, LEVEL_WEIGHT["interested"])
                for matrix, value in ((held, math.sqrt(weight)), (provided, weight)):
                    if matrix is provided and level not in PROVIDER_LEVELS:
                        continue
                    matrix[0].append(value)
                    matrix[1].append(self.row[mentor_id])
                    matrix[2].append(self.column[slug])
        self.held = sparse.csr_array((held[0], (held[1], held[2])), shape=shape)
        self.provided = sparse.csr_array((provided[0], (provided[1], provided[2])), shape=shape)

    def _similar_scores(self, mentor_id: int) -> np.ndarray:
        vector = np.zeros(len(self.column))
        for slug, level in self.levels.get(mentor_id, {}).items():
            holders = len(self.holders[slug])
            if holders >= 2:
                own = LEVEL_WEIGHT.get(level, LEVEL_WEIGHT["interested"])
                vector[self.column[slug]] = math.sqrt(own) / math.log(holders)
        return self.held @ vector

    def _complementary_scores(self, mentor_id: int) -> np.ndarray:
        levels = self.levels.get(mentor_id, {})
        vector = np.zeros(len(self.column))
        for slug in self.lacking(mentor_id):
            providers = len(self.providers.get(slug, ()))
            if providers:
                boost = 1.5 if levels.get(slug) == "interested" else 1.0
                vector[self.column[slug]] = boost / math.log(1 + providers)
        return self.provided @ vector

    def _ranked(
        self, scores: np.ndarray, mentor_id: int, exclude: Collection[int], limit: int | None
    ) -> list[tuple[int, float]]:
        scores = scores.copy()
        for other in (mentor_id, *exclude):
            if (row := self.row.get(other)) is not None:
                scores[row] = 0.0
        candidates = np.flatnonzero(scores > 0)
        if limit is not None and len(candidates) > limit:
            # Keep everyone tied with the last place so the id tie-break stays exact.
            cutoff = np.partition(scores[candidates], -limit)[-limit]
            candidates = candidates[scores[candidates] >= cutoff]
        ranked = sorted(
            ((self.mentor_ids[row], float(scores[row])) for row in candidates),
            key=lambda item: (-item[1], item[0]),
        )
        return ranked if limit is None else ranked[:limit]

    def similar(self, mentor_id: int, exclude: Collection[int] = ()) -> dict[int, float]:
        """Adamic–Adar index on the mentor–tag bipartite graph, weighted by level.

        Each shared tag adds sqrt(w_own × w_other) / log(number of mentors holding it), so
        rare tags count more; with all levels equal the score is exactly
        nx.adamic_adar_index on that bipartite graph.
        """
        return dict(self._ranked(self._similar_scores(mentor_id), mentor_id, exclude, None))

    def lacking(self, mentor_id: int) -> list[str]:
        """Tags in the mentor's fields that the mentor does not hold at practitioner/expert."""
        levels = self.levels.get(mentor_id, {})
        fields_held = {self.field_of[s] for s in levels if s in self.field_of}
        return [
            slug
            for field_name in sorted(fields_held)
            for slug in self.tags_in_field[field_name]
            if levels.get(slug) not in PROVIDER_LEVELS
        ]

    def complementary(self, mentor_id: int, exclude: Collection[int] = ()) -> dict[int, float]:
        """Mentors who provide what the mentor lacks in their own fields: each such tag adds
        the provider's level weight / log(1 + providers), × 1.5 if the mentor is interested."""
        return dict(self._ranked(self._complementary_scores(mentor_id), mentor_id, exclude, None))

    def suggest(
        self, mentor_id: int, connected_ids: Collection[int] = (), limit: int = 10
    ) -> list[PeerSuggestion]:
        """Up to `limit` peers, alternating the best similar and complementary ones."""
        if mentor_id not in self.levels or limit <= 0:
            return []
        exclude = set(connected_ids)
        ranked = {
            "similar": self._ranked(self._similar_scores(mentor_id), mentor_id, exclude, limit),
            "complementary": self._ranked(
                self._complementary_scores(mentor_id), mentor_id, exclude, limit
            ),
        }
        chosen: list[tuple[str, int, float]] = []
        seen: set[int] = set()
        queues = {kind: deque(items) for kind, items in ranked.items()}
        while len(chosen) < limit and any(queues.values()):
            for kind in ("similar", "complementary"):
                queue = queues[kind]
                while queue and queue[0][0] in seen:
                    queue.popleft()
                if queue and len(chosen) < limit:
                    other, score = queue.popleft()
                    seen.add(other)
                    chosen.append((kind, other, score))
        lacking = set(self.lacking(mentor_id))
        own = self.levels[mentor_id]
        return [
            PeerSuggestion(
                person_id=other,
                kind=kind,
                score=score,
                shared_tags=tuple(
                    sorted(
                        (s for s in self.levels[other] if s in own),
                        key=lambda s: (len(self.holders[s]), s),
                    )
                ),
                complementary_tags=tuple(
                    sorted(
                        (
                            s
                            for s, lvl in self.levels[other].items()
                            if s in lacking and lvl in PROVIDER_LEVELS
                        ),
                        key=lambda s: (len(self.providers[s]), s),
                    )
                ),
            )
            for kind, other, score in chosen
        ]


def peer_suggestions(
    people: Iterable[PersonRecord],
    tags: Iterable[TagRecord],
    mentor_id: int,
    connected_ids: Collection[int],
    limit: int = 10,
    *,
    index: PeerIndex | None = None,
) -> list[PeerSuggestion]:
    """Similar and complementary mentors that `mentor_id` is not yet connected to.

    Builds a PeerIndex unless one is passed (keep one per request or cache it per snapshot).
    """
    if index is None:
        index = PeerIndex(people, tags)
    return index.suggest(mentor_id, connected_ids, limit)


__all__ = [
    "ROLE_EXPLANATIONS",
    "ActivityRecord",
    "AmbassadorCandidate",
    "AnalysisInput",
    "AnalysisParams",
    "AnalysisResult",
    "AnalysisSummary",
    "Community",
    "CoverageIndex",
    "CutOff",
    "DepartmentWithoutMentors",
    "HealthChange",
    "IdleMentor",
    "InteractionRecord",
    "MentorshipRecord",
    "OutcomeRecord",
    "OverloadedMentor",
    "PeerIndex",
    "PeerSuggestion",
    "PersonFigures",
    "PersonRecord",
    "Reach",
    "RoleAssignment",
    "SinglePointOfFailure",
    "Structure",
    "TagRecord",
    "UncoveredTopic",
    "UnmatchedExecutive",
    "WhatIfResult",
    "analyse",
    "ambassador_shortlist",
    "betweenness",
    "build_graph",
    "condensed_graph",
    "connected_core",
    "departments_without_mentors",
    "ego_network",
    "graph_structure",
    "idle_mentors",
    "louvain_communities",
    "mentor_load",
    "network_roles",
    "overloaded_mentors",
    "pagerank",
    "peer_suggestions",
    "plain_data",
    "rare_tags",
    "recency_weight",
    "single_points_of_failure",
    "to_graphml",
    "to_node_link",
    "uncovered_topics",
    "unmatched_executives",
    "what_if",
]
