"""Network analysis of the mentor pool: pure functions over networkx.

Plain records go in, frozen dataclasses come out; nothing here knows about Flask, SQLAlchemy or
files. `analyse()` runs every step once; the other public functions answer one question each
and are reused by the web layer (what-if, peers, ego networks, exports).

Costs: the analysis runs on the subgraph of *connected* people (most of an organisation has no
tie at all), betweenness is exact only for small graphs and sampled with a fixed seed above
that, and nothing calls `nx.constraint` (quadratic in the neighbourhoods, minutes at 100 k).

The rooms: `records` (input records and parameters), `building` (the graph), `centrality`
(centralities, communities, components), `coverage` (coverage index, single points of failure,
what-if), `health` (pool health), `roles` (network roles and the ambassador shortlist),
`pipeline` (`analyse()`), `exports` (plain data, GraphML, node-link JSON) and `peers` (the
peer index). Import from this package; the rooms may move things between them.
"""

from __future__ import annotations

from community.network.analysis.building import (
    build_graph,
    condensed_graph,
    connected_core,
    ego_network,
)
from community.network.analysis.centrality import (
    Structure,
    betweenness,
    graph_structure,
    louvain_communities,
    pagerank,
)
from community.network.analysis.coverage import (
    CoverageIndex,
    CutOff,
    HealthChange,
    SinglePointOfFailure,
    WhatIfResult,
    single_points_of_failure,
    what_if,
    what_if_on,
)
from community.network.analysis.exports import (
    plain_data,
    to_graphml,
    to_node_link,
)
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
from community.network.analysis.peers import (
    LEVEL_WEIGHT,
    PeerIndex,
    PeerSuggestion,
    peer_suggestions,
)
from community.network.analysis.pipeline import (
    AnalysisResult,
    AnalysisSummary,
    Community,
    PersonFigures,
    analyse,
)
from community.network.analysis.records import (
    EXECUTIVE,
    INTERACTION_KINDS,
    LEVELS,
    MATCHED_STATUSES,
    MENTOR,
    NETWORK_ROLES,
    PROVIDER_LEVELS,
    ROLES,
    TIE_STATUSES,
    ActivityRecord,
    AnalysisInput,
    AnalysisParams,
    InteractionRecord,
    MentorshipRecord,
    OutcomeRecord,
    PersonRecord,
    TagRecord,
    recency_weight,
)
from community.network.analysis.roles import (
    ROLE_EXPLANATIONS,
    AmbassadorCandidate,
    Reach,
    RoleAssignment,
    ambassador_shortlist,
    network_roles,
    rare_tags,
)

__all__ = [
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
    "EXECUTIVE",
    "HealthChange",
    "INTERACTION_KINDS",
    "IdleMentor",
    "InteractionRecord",
    "LEVELS",
    "LEVEL_WEIGHT",
    "MATCHED_STATUSES",
    "MENTOR",
    "MentorshipRecord",
    "NETWORK_ROLES",
    "OutcomeRecord",
    "OverloadedMentor",
    "PROVIDER_LEVELS",
    "PeerIndex",
    "PeerSuggestion",
    "PersonFigures",
    "PersonRecord",
    "ROLES",
    "ROLE_EXPLANATIONS",
    "Reach",
    "RoleAssignment",
    "SinglePointOfFailure",
    "Structure",
    "TIE_STATUSES",
    "TagRecord",
    "UncoveredTopic",
    "UnmatchedExecutive",
    "WhatIfResult",
    "ambassador_shortlist",
    "analyse",
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
    "what_if_on",
]
