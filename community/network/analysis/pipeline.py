"""`analyse()`: every analysis step once, with the figures per person and per community."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

import networkx as nx

from community.network.analysis.building import build_graph, connected_core
from community.network.analysis.centrality import (
    betweenness,
    graph_structure,
    louvain_communities,
    pagerank,
)
from community.network.analysis.coverage import (
    CoverageIndex,
    SinglePointOfFailure,
    single_points_of_failure,
)
from community.network.analysis.exports import plain_data
from community.network.analysis.health import (
    DepartmentWithoutMentors,
    IdleMentor,
    OverloadedMentor,
    UncoveredTopic,
    UnmatchedExecutive,
    departments_without_mentors,
    idle_mentors,
    mentor_load,
    overloaded_mentors,
    uncovered_topics,
    unmatched_executives,
)
from community.network.analysis.records import EXECUTIVE, MENTOR, AnalysisInput, AnalysisParams
from community.network.analysis.roles import (
    AmbassadorCandidate,
    RoleAssignment,
    ambassador_shortlist,
    network_roles,
    person_reach,
    rare_tags,
)


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

    def to_dict(self, *, without: Iterable[str] = ()) -> dict[str, Any]:
        """JSON-ready plain data (str keys, lists, ints, floats to 6 significant digits);
        `without` leaves fields out unconverted (a stored snapshot keeps the per-person
        figures in rows of their own, so it need not convert them)."""
        skip = frozenset(without)
        data: dict[str, Any] = {
            f.name: plain_data(getattr(self, f.name))
            for f in fields(self)
            if f.metadata.get("export", True) and f.name not in skip
        }
        return data

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
        node: person_reach(neighbours, department_of[node], department_of, community_of)
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
