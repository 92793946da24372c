"""Network analysis on small hand-built organisations with known answers (no app needed)."""

from __future__ import annotations

import json
import math
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from community.network.analysis import (
    ActivityRecord,
    AnalysisInput,
    AnalysisParams,
    CoverageIndex,
    InteractionRecord,
    MentorshipRecord,
    OutcomeRecord,
    PeerIndex,
    PersonRecord,
    TagRecord,
    analyse,
    betweenness,
    build_graph,
    connected_core,
    ego_network,
    graph_structure,
    peer_suggestions,
    recency_weight,
    single_points_of_failure,
    to_graphml,
    to_node_link,
    what_if,
    what_if_on,
)
from community.network.synthetic import synthetic_organisation

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
FAST = settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def mentor(pid, department="it", capacity=3, tags=None, ambassador=False):
    return PersonRecord(
        pid, frozenset({"mentor"}), department, capacity, tags or {}, is_ambassador=ambassador
    )


def executive(pid, department="sales"):
    return PersonRecord(pid, frozenset({"executive"}), department)


def staff(pid, department="it"):
    return PersonRecord(pid, frozenset({"staff"}), department)


def active(mentor_id, executive_id, sessions=1, goals=(), agenda=()):
    return MentorshipRecord(
        mentor_id, executive_id, "active", sessions, tuple(goals), tuple(agenda)
    )


def chat(a, b, days_ago=10.0, kind="reply", weight=1.0):
    return InteractionRecord(a, b, kind, NOW - timedelta(days=days_ago), weight)


def params(**overrides):
    return AnalysisParams(**{"now": NOW, **overrides})


def clique(ids):
    return [chat(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]


def roles_of(result, person_id):
    return {r.role for r in result.roles if r.person_id == person_id}


def two_groups_and_a_bridge():
    """Mentors 1–5 (it) and 7–11 (hr) chat among themselves; mentor 6 (ops) links them."""
    left, right = [1, 2, 3, 4, 5], [7, 8, 9, 10, 11]
    people = [mentor(p, "it") for p in left] + [mentor(6, "ops")] + [mentor(p, "hr") for p in right]
    interactions = clique(left) + clique(right) + [chat(5, 6), chat(6, 7)]
    return AnalysisInput(people=people, interactions=interactions)


# --------------------------------------------------------------------------- the graph


def test_held_mentorships_become_ties_weighted_by_sessions_but_requests_do_not():
    inp = AnalysisInput(
        people=[mentor(1), executive(2), executive(3), executive(4), executive(5)],
        mentorships=[
            active(1, 2, sessions=3),
            MentorshipRecord(1, 3, "completed", 5),
            MentorshipRecord(1, 4, "requested"),
            MentorshipRecord(1, 5, "declined"),
        ],
    )
    graph = build_graph(inp, params())
    assert graph[1][2]["weight"] == 4.0
    assert graph[1][2]["kind"] == "mentorship"
    assert graph[1][3]["weight"] == 6.0
    assert not graph.has_edge(1, 4)
    assert not graph.has_edge(1, 5)


def test_interactions_outside_the_window_or_after_the_snapshot_are_ignored():
    inp = AnalysisInput(
        people=[mentor(p) for p in (1, 2, 3, 4)],
        interactions=[chat(1, 2, days_ago=10), chat(1, 3, days_ago=400), chat(1, 4, days_ago=-2)],
    )
    graph = build_graph(inp, params(window_days=365))
    assert graph.has_edge(1, 2)
    assert not graph.has_edge(1, 3)
    assert not graph.has_edge(1, 4)


def test_recent_interactions_weigh_more_than_old_ones():
    inp = AnalysisInput(
        people=[mentor(p) for p in (1, 2, 3, 4)],
        interactions=[chat(1, 2, days_ago=5), chat(3, 4, days_ago=200), chat(3, 4, days_ago=90)],
    )
    graph = build_graph(inp, params(half_life_days=90))
    assert graph[1][2]["weight"] > 0.9
    # one half-life ago counts half; 200 days ago counts less than a quarter
    assert graph[3][4]["weight"] == pytest.approx(0.5 + 0.5 ** (200 / 90))
    assert graph[1][2]["weight"] > graph[3][4]["weight"] / 2


def test_a_pair_with_a_mentorship_and_chats_has_one_tie_carrying_both():
    inp = AnalysisInput(
        people=[mentor(1), executive(2)],
        mentorships=[active(1, 2, sessions=2)],
        interactions=[chat(1, 2, 0, "reply"), chat(2, 1, 0, "mention"), chat(1, 1, 0)],
    )
    graph = build_graph(inp, params())
    assert graph.number_of_edges() == 1
    tie = graph[1][2]
    assert tie["kind"] == "mentorship"
    assert (tie["interactions"], tie["reply"], tie["mention"]) == (2, 1, 1)
    assert tie["weight"] == pytest.approx(3.0 + 2.0)
    assert not graph.has_edge(1, 1)


def test_people_without_ties_stay_in_the_graph_but_out_of_the_analysed_core():
    inp = AnalysisInput(people=[mentor(1), mentor(2), staff(3)], interactions=[chat(1, 2)])
    graph = build_graph(inp, params())
    assert set(graph) == {1, 2, 3}
    assert set(connected_core(graph)) == {1, 2}
    result = analyse(inp, params())
    assert (result.summary.people, result.summary.connected_people) == (3, 2)


def test_ego_network_holds_the_person_and_their_direct_ties():
    graph = build_graph(two_groups_and_a_bridge(), params())
    ego = ego_network(graph, 6)
    assert set(ego) == {5, 6, 7}
    assert len(ego_network(graph, 6, radius=2)) == 11
    with pytest.raises(nx.NodeNotFound):
        ego_network(graph, 999)


# --------------------------------------------------------------------------- roles


def test_hub_of_a_star_is_the_central_connector():
    leaves = list(range(2, 8))
    inp = AnalysisInput(
        people=[mentor(1)] + [mentor(p) for p in leaves],
        interactions=[chat(1, leaf) for leaf in leaves],
    )
    result = analyse(inp, params())
    assert "central_connector" in roles_of(result, 1)
    assert all("central_connector" not in roles_of(result, leaf) for leaf in leaves)
    connector = next(r for r in result.roles if r.role == "central_connector")
    assert connector.figures["degree"] == 6
    assert "6 direct ties" in connector.explanation


def test_mentor_joining_two_groups_is_the_broker_between_communities():
    result = analyse(two_groups_and_a_bridge(), params())
    brokers = [r for r in result.roles if r.role == "broker"]
    assert brokers[0].person_id == 6
    assert brokers[0].figures["communities"] >= 2
    assert all("broker" not in roles_of(result, p) for p in (1, 2, 3, 4, 8, 9, 10, 11))
    figures = {f.person_id: f for f in result.people}
    assert figures[6].betweenness == max(f.betweenness for f in result.people)


def test_mentor_bridging_two_departments_is_a_single_point_of_failure():
    result = analyse(two_groups_and_a_bridge(), params())
    spofs = {s.person_id: s for s in result.single_points_of_failure}
    assert spofs[6].is_articulation_point
    assert spofs[6].separated_people == 5  # one whole group would be cut off
    assert 1 not in spofs


def test_mentor_with_ties_into_three_other_departments_is_a_boundary_spanner():
    people = [mentor(1, "it"), mentor(2, "hr"), mentor(3, "ops"), mentor(4, "legal")]
    people += [mentor(5, "it"), mentor(6, "it")]
    inp = AnalysisInput(
        people=people, interactions=[chat(1, 2), chat(1, 3), chat(1, 4), chat(5, 6)]
    )
    result = analyse(inp, params())
    spanner = next(r for r in result.roles if r.role == "boundary_spanner")
    assert spanner.person_id == 1
    assert spanner.figures["other_departments"] == 3
    assert "boundary_spanner" not in roles_of(result, 5)


def test_loner_holding_a_rare_skill_is_a_peripheral_specialist():
    common = {"team-chat": "expert"}
    people = [
        mentor(1, tags={"ai-ethics": "expert", **common}),
        mentor(2, tags=common),
        mentor(3, tags=common),
        mentor(4, tags=common),
    ]
    inp = AnalysisInput(people=people, interactions=[chat(2, 3), chat(3, 4), chat(2, 4)])
    result = analyse(inp, params())
    specialists = [r for r in result.roles if r.role == "peripheral_specialist"]
    assert [s.person_id for s in specialists] == [1]
    assert specialists[0].tags == ("ai-ethics",)


# --------------------------------------------------------------------------- single points of failure


def test_only_expert_on_a_demanded_topic_is_a_single_point_of_failure():
    people = [
        mentor(1, tags={"okrs": "expert"}),
        mentor(2, tags={"okrs": "interested", "kanban": "expert"}),
        mentor(3, tags={"kanban": "practitioner"}),
        executive(10),
        executive(11),
    ]
    mentorships = [active(2, 10, goals=["okrs"]), active(3, 10), active(3, 11, goals=["kanban"])]
    result = analyse(AnalysisInput(people=people, mentorships=mentorships), params())
    spofs = {s.person_id: s for s in result.single_points_of_failure}
    assert spofs[1].cuts_off.topics == ("okrs",)
    assert "kanban" not in spofs.get(2, spofs[1]).cuts_off.topics  # two mentors teach kanban


def test_executive_with_two_active_mentors_is_not_cut_off_by_losing_one():
    people = [mentor(1), mentor(2), mentor(3), executive(10), executive(11)]
    mentorships = [active(1, 10), active(2, 10), active(3, 11)]
    result = analyse(AnalysisInput(people=people, mentorships=mentorships), params())
    cut = {s.person_id: s.cuts_off.executives for s in result.single_points_of_failure}
    assert 10 not in cut.get(1, ()) and 10 not in cut.get(2, ())
    assert cut[3] == (11,)


def test_department_whose_executives_all_rely_on_one_mentor_is_cut_off_with_them():
    people = [mentor(1), mentor(2), executive(10, "legal"), executive(11, "legal")]
    people += [executive(12, "sales")]
    mentorships = [active(1, 10), active(1, 11), active(1, 12), active(2, 12)]
    result = analyse(AnalysisInput(people=people, mentorships=mentorships), params())
    spof = next(s for s in result.single_points_of_failure if s.person_id == 1)
    assert spof.cuts_off.departments == ("legal",)
    assert spof.cuts_off.executives == (10, 11)


# --------------------------------------------------------------------------- pool health


def test_mentor_over_capacity_or_far_above_the_median_is_overloaded_with_the_reason():
    people = [mentor(1, capacity=2), mentor(2, capacity=10), mentor(3), mentor(4)]
    people += [executive(e) for e in range(10, 22)]
    mentorships = [active(1, 10), active(1, 11), active(1, 12)]
    mentorships += [active(2, e) for e in range(13, 19)]
    mentorships += [active(3, 19), active(4, 20)]
    result = analyse(AnalysisInput(people=people, mentorships=mentorships), params())
    overloaded = {o.person_id: o for o in result.overloaded}
    assert overloaded[1].reasons == ("over_capacity",)  # 3 > 2, median of 1, 1, 3, 6 is 2
    assert overloaded[2].reasons == ("far_above_median",)  # 6 > 1.5 × 2 within capacity
    assert overloaded[2].load == 6
    assert 3 not in overloaded


def test_mentor_without_mentees_or_recent_community_life_is_idle():
    people = [mentor(1), mentor(2), mentor(3), mentor(4), executive(10)]
    inp = AnalysisInput(
        people=people,
        mentorships=[active(1, 10)],
        interactions=[chat(2, 4, days_ago=500)],
        activities=[ActivityRecord(3, "post", NOW - timedelta(days=3))],
    )
    result = analyse(inp, params())
    idle = {i.person_id: i for i in result.idle}
    assert set(idle) == {2, 4}
    assert idle[2].days_since_last_seen == pytest.approx(500)


def test_executive_without_active_or_requested_mentorship_is_unmatched():
    people = [mentor(1), executive(10), executive(11), executive(12)]
    mentorships = [
        active(1, 10),
        MentorshipRecord(1, 11, "requested"),
        MentorshipRecord(1, 12, "completed", 4),
    ]
    result = analyse(AnalysisInput(people=people, mentorships=mentorships), params())
    assert [(u.person_id, u.past_mentorships) for u in result.unmatched_executives] == [(12, 1)]


def test_department_with_people_but_no_mentor_is_listed():
    people = [mentor(1, "it"), staff(2, "it"), executive(3, "legal"), staff(4, "legal")]
    people += [staff(5, None)]
    result = analyse(AnalysisInput(people=people), params())
    assert [(d.department, d.people, d.executives) for d in result.departments_without_mentors] == [
        ("legal", 2, 1)
    ]


def test_topic_wanted_by_executives_but_taught_by_one_mentor_is_uncovered():
    people = [
        mentor(1, tags={"okrs": "expert", "kanban": "expert"}),
        mentor(2, tags={"okrs": "interested", "kanban": "practitioner"}),
        executive(10),
    ]
    tags = [TagRecord("okrs", "ways-of-working"), TagRecord("kanban", "ways-of-working")]
    mentorships = [active(1, 10, goals=["okrs", "kanban"], agenda=["okrs"])]
    result = analyse(AnalysisInput(people=people, tags=tags, mentorships=mentorships), params())
    assert [(t.slug, t.field, t.demand, t.providers) for t in result.uncovered_topics] == [
        ("okrs", "ways-of-working", 2, (1,))
    ]


# --------------------------------------------------------------------------- what-if


def coverage_example():
    people = [
        mentor(1, tags={"okrs": "expert"}),
        mentor(2, tags={"okrs": "expert", "kanban": "expert"}),
        mentor(3, tags={"kanban": "expert"}),
        executive(10, "legal"),
        executive(11, "sales"),
        executive(12, "sales"),
    ]
    mentorships = [
        active(1, 10, goals=["okrs"]),
        active(1, 11),
        active(2, 11, goals=["kanban"]),
        active(3, 12),
    ]
    return AnalysisInput(people=people, mentorships=mentorships)


def test_what_if_one_mentor_leaves_lists_what_loses_coverage():
    inp = coverage_example()
    outcome = what_if(inp, params(), [1])
    assert outcome.removed == (1,)
    assert outcome.executives_losing_coverage == (10,)  # 11 keeps mentor 2
    assert outcome.departments_losing_coverage == ("legal",)
    assert outcome.topics_losing_coverage == ()  # mentor 2 still teaches okrs
    assert outcome.health["unmatched_executives"].before == 0
    assert outcome.health["unmatched_executives"].after == 1
    assert outcome.to_dict()["health"]["unmatched_executives"]["change"] == 1


def test_what_if_two_mentors_leave_the_executive_they_shared_loses_coverage():
    inp = coverage_example()
    outcome = what_if(inp, params(), [2, 1, 999])
    assert outcome.removed == (1, 2)
    assert outcome.unknown_ids == (999,)
    assert outcome.executives_losing_coverage == (10, 11)
    assert outcome.departments_losing_coverage == ("legal",)
    assert outcome.topics_losing_coverage == ("okrs",)
    assert outcome.health["uncovered_topics"].after > outcome.health["uncovered_topics"].before
    components = outcome.health["components"]
    assert (components.before, components.after) == (2, 3)  # 10 and 11 are left on their own
    assert outcome.health["largest_component"].after == 2


def test_what_if_with_a_prebuilt_index_gives_the_same_answer():
    inp = coverage_example()
    result = analyse(inp, params())
    assert what_if(inp, params(), [1], index=result.coverage) == what_if(inp, params(), [1])


# --------------------------------------------------------------------------- ambassadors


def ambassador_example():
    people = [mentor(p, department=d) for p, d in ((1, "it"), (2, "hr"), (3, "ops"), (4, "it"))]
    people[3] = replace(people[3], is_ambassador=True)
    people += [executive(10, "sales"), executive(11, "legal"), executive(12, "hr")]
    recent = NOW - timedelta(days=2)
    inp = AnalysisInput(
        people=people,
        mentorships=[active(1, 10, 6), active(2, 11, 4), active(3, 12, 0), active(4, 10, 9)],
        interactions=[chat(1, 2), chat(1, 3), chat(2, 4), chat(1, 4)],
        activities=[ActivityRecord(p, "post", recent) for p in (1, 1, 1, 3, 4)],
        outcomes=[
            OutcomeRecord(1, 6, 6, 4.7),
            OutcomeRecord(2, 4, 3, 4.5),
            OutcomeRecord(3, 0, 0, None),
            OutcomeRecord(4, 9, 9, 4.9),
        ],
    )
    return inp


def test_shortlist_leaves_out_existing_ambassadors():
    result = analyse(ambassador_example(), params())
    assert 4 not in {c.person_id for c in result.ambassador_shortlist}
    assert result.ambassador_shortlist[0].person_id == 1
    top = result.ambassador_shortlist[0]
    assert set(top.parts) == {"outcomes", "community", "reach"}
    assert all(0 <= value <= 1 for value in top.parts.values())
    assert top.figures["sessions_done"] == 6


def test_mentor_without_sessions_ranks_below_every_mentor_with_sessions():
    result = analyse(ambassador_example(), params())
    ranking = [c.person_id for c in result.ambassador_shortlist]
    scores = {c.person_id: c for c in result.ambassador_shortlist}
    assert ranking[-1] == 3
    assert scores[3].parts["outcomes"] == 0 and scores[3].score == 0
    assert scores[2].score > 0


def test_one_glowing_rating_does_not_beat_many_good_ones():
    people = [mentor(1), mentor(2), mentor(3), executive(10)]
    inp = AnalysisInput(
        people=people,
        outcomes=[
            OutcomeRecord(1, 5, 1, 5.0),
            OutcomeRecord(2, 25, 20, 4.8),
            OutcomeRecord(3, 40, 30, 4.0),  # the pool's typical rating
        ],
    )
    result = analyse(inp, params())
    adjusted = {c.person_id: c.figures["feedback_adjusted"] for c in result.ambassador_shortlist}
    assert adjusted[2] > adjusted[1]


# --------------------------------------------------------------------------- peers


TAXONOMY = [
    TagRecord("okrs", "ways-of-working"),
    TagRecord("kanban", "ways-of-working"),
    TagRecord("design-thinking", "ways-of-working"),
    TagRecord("team-chat", "collaboration"),
    TagRecord("wikis", "collaboration"),
    TagRecord("podcasting", "social-media"),
]


def peer_people():
    return [
        mentor(1, tags={"okrs": "expert", "team-chat": "expert", "design-thinking": "interested"}),
        mentor(2, tags={"okrs": "expert", "team-chat": "practitioner"}),  # similar
        mentor(3, tags={"team-chat": "expert"}),
        mentor(4, tags={"design-thinking": "expert", "kanban": "practitioner"}),  # complements
        mentor(5, tags={"podcasting": "expert"}),  # nothing in common
        mentor(6, tags={"okrs": "expert", "team-chat": "expert"}),  # already connected
        staff(7),
        PersonRecord(8, frozenset({"staff"}), "it", 0, {"okrs": "expert"}),  # not a mentor
    ]


def test_peer_finder_suggests_similar_and_complementary_mentors_with_reasons():
    suggestions = peer_suggestions(peer_people(), TAXONOMY, 1, connected_ids={6})
    by_person = {s.person_id: s for s in suggestions}
    assert suggestions[0].person_id == 2 and suggestions[0].kind == "similar"
    assert by_person[2].shared_tags == ("okrs", "team-chat")  # rarer tag first
    assert by_person[4].kind == "complementary"
    assert by_person[4].complementary_tags == ("design-thinking", "kanban")
    assert 5 not in by_person  # shares neither a tag nor a field


def test_peer_finder_leaves_out_connected_mentors_themselves_and_non_mentors():
    suggestions = peer_suggestions(peer_people(), TAXONOMY, 1, connected_ids={6, 2})
    suggested = {s.person_id for s in suggestions}
    assert suggested.isdisjoint({1, 2, 6, 7, 8})
    assert peer_suggestions(peer_people(), TAXONOMY, 7, connected_ids=()) == []


def test_similar_score_is_the_adamic_adar_index_on_the_person_tag_graph():
    people = [
        mentor(1, tags={"okrs": "expert", "wikis": "expert"}),
        mentor(2, tags={"okrs": "expert", "wikis": "expert"}),
        mentor(3, tags={"okrs": "expert"}),
        mentor(4, tags={"okrs": "expert", "kanban": "expert"}),
    ]
    index = PeerIndex(people, TAXONOMY)
    bipartite = nx.Graph([(("p", p.id), ("t", slug)) for p in people for slug in p.tags])
    expected = dict(
        ((u[1], v[1]), score)
        for u, v, score in nx.adamic_adar_index(
            bipartite, [(("p", 1), ("p", q)) for q in (2, 3, 4)]
        )
    )
    scores = index.similar(1, exclude=())
    for other in (2, 3, 4):
        assert scores[other] == pytest.approx(expected[(1, other)])


def test_peer_finder_answers_quickly_for_one_mentor_in_a_big_organisation():
    inp = synthetic_organisation(20_000, seed=3)
    index = PeerIndex(inp.people, inp.tags)
    some_mentor = next(p.id for p in inp.people if "mentor" in p.roles)
    started = time.perf_counter()
    suggestions = index.suggest(some_mentor, connected_ids=(), limit=10)
    assert time.perf_counter() - started < 0.5
    assert len(suggestions) == 10
    assert {s.kind for s in suggestions} == {"similar", "complementary"}


# --------------------------------------------------------------------------- exports


def labelled_graph():
    inp = coverage_example()
    inp = replace(inp, people=[replace(p, tags={"okrs": "expert"}) for p in inp.people])
    return build_graph(inp, params())


def test_graphml_export_round_trips_through_networkx():
    graph = labelled_graph()
    data = to_graphml(graph, labels={1: "Ada Lovelace"}, node_figures={1: {"pagerank": 0.25}})
    parsed = nx.parse_graphml(data.decode("utf-8"))
    assert parsed.number_of_nodes() == graph.number_of_nodes()
    assert parsed.number_of_edges() == graph.number_of_edges()
    assert parsed.nodes["1"]["label"] == "Ada Lovelace"
    assert parsed.nodes["1"]["roles"] == "mentor"
    assert parsed.nodes["1"]["tags"] == "okrs:expert"
    assert parsed.nodes["1"]["pagerank"] == 0.25
    assert parsed.edges["1", "10"]["kind"] == "mentorship"
    assert parsed.edges["1", "10"]["weight"] == graph[1][10]["weight"]


def test_node_link_export_is_json_and_round_trips():
    graph = labelled_graph()
    data = json.loads(json.dumps(to_node_link(graph)))
    back = nx.node_link_graph(data, edges="edges")
    assert set(back) == set(graph)
    assert set(map(frozenset, back.edges())) == set(map(frozenset, graph.edges()))
    assert back.nodes[10]["roles"] == "executive"


def test_pseudonymised_export_shows_neither_names_nor_ids():
    graph = labelled_graph()
    pseudonyms = {pid: f"P{index:03d}" for index, pid in enumerate(sorted(graph), start=1)}
    del pseudonyms[12]
    data = to_node_link(graph, labels={1: "Ada Lovelace"}, pseudonyms=pseudonyms)
    assert "Ada Lovelace" not in json.dumps(data)
    names = {node["id"] for node in data["nodes"]}
    assert names == {"P001", "P002", "P003", "P004", "P005", "anonymous-6"}
    assert all(node["label"] == node["id"] for node in data["nodes"])
    parsed = nx.parse_graphml(to_graphml(graph, pseudonyms=pseudonyms))
    assert set(parsed) == names


# --------------------------------------------------------------------------- whole analysis


def test_analysis_summary_counts_what_the_dashboard_shows_and_serialises_to_json():
    inp = coverage_example()
    result = analyse(inp, params())
    summary = result.summary
    assert (summary.people, summary.mentors, summary.executives) == (6, 3, 3)
    assert summary.components == 2
    assert summary.single_points_of_failure == len(result.single_points_of_failure)
    assert summary.timings["total"] >= summary.timings["betweenness"]
    data = json.loads(json.dumps(result.to_dict()))
    assert data["single_points_of_failure"][0]["cuts_off"].keys() == {
        "executives",
        "departments",
        "topics",
    }
    assert "graph" not in data and "coverage" not in data
    assert data["computed_at"] == NOW.isoformat()


def test_synthetic_organisation_is_reproducible_and_shaped_like_a_real_one():
    first, second = synthetic_organisation(2000, seed=7), synthetic_organisation(2000, seed=7)
    assert first == second
    mentors = sum("mentor" in p.roles for p in first.people)
    executives = sum("executive" in p.roles for p in first.people)
    assert (mentors, executives) == (200, 100)
    assert len({t.slug for t in first.tags}) == 40
    result = analyse(first, params(now=datetime(2025, 1, 1, tzinfo=UTC)))
    assert 0 < result.summary.connected_people < 2000 / 2
    assert result.summary.unmatched_executives > 0
    assert result.ambassador_shortlist


def test_betweenness_equals_networkx_exact_and_sampled():
    graph = connected_core(build_graph(synthetic_organisation(1500, seed=5), params()))
    exact, method, _ = betweenness(graph, params())
    assert method == "exact"
    reference = nx.betweenness_centrality(graph)
    assert max(abs(exact[n] - reference[n]) for n in graph) < 1e-12
    sampled, method, sources = betweenness(
        graph, params(betweenness_exact_below=10, betweenness_k=20, seed=9)
    )
    assert (method, sources) == ("sampled", 20)
    reference = nx.betweenness_centrality(graph, k=20, seed=9)
    assert max(abs(sampled[n] - reference[n]) for n in graph) < 1e-12


def test_pagerank_is_networkx_pagerank_solved_exactly():
    """The same weighted PageRank as networkx, to networkx's own precision when it is asked
    for a tight tolerance, on the connected people of a synthetic organisation (several
    weights) and on a graph of two components; a graph without people has none."""
    from community.network.analysis.centrality import pagerank

    graph = connected_core(build_graph(synthetic_organisation(1500, seed=5), params()))
    assert len({round(w, 6) for _a, _b, w in graph.edges(data="weight")}) > 1
    two_parts = nx.Graph([(1, 2, {"weight": 3.0}), (2, 3, {"weight": 0.5}), (7, 8, {"weight": 1.0})])
    for case in (graph, two_parts):
        ranks = pagerank(case)
        reference = nx.pagerank(case, weight="weight", tol=1e-13, max_iter=10_000)
        assert set(ranks) == set(case)
        assert max(abs(ranks[n] - reference[n]) / reference[n] for n in case) < 1e-6
        assert math.isclose(sum(ranks.values()), 1.0)
    assert ranks[2] > ranks[1] > ranks[3]  # the hub, then the heavier tie
    assert pagerank(nx.Graph()) == {}


# --------------------------------------------------------------------------- properties


ROLE_CHOICES = ("mentor", "mentor", "executive", "staff")
DEPARTMENT_CHOICES = ("it", "hr", None)
TAG_CHOICES = ("okrs", "kanban", "wikis")
LEVEL_CHOICES = ("interested", "practitioner", "expert")
STATUS_CHOICES = ("active", "requested", "completed")


def _organisation(people, mentorships, interactions):
    """Small organisations from plain integers: cheap for Hypothesis to generate and shrink."""
    size = len(people)
    records = [
        PersonRecord(
            pid,
            frozenset({ROLE_CHOICES[role]}),
            DEPARTMENT_CHOICES[department],
            2,
            {
                TAG_CHOICES[t]: LEVEL_CHOICES[(tags >> 2 * t) % 3]
                for t in range(3)
                if tags >> 6 + t & 1
            },
        )
        for pid, (role, department, tags) in enumerate(people, start=1)
    ]
    return AnalysisInput(
        people=records,
        mentorships=[
            MentorshipRecord(a % size + 1, b % size + 1, STATUS_CHOICES[status], 1, ("okrs",))
            for a, b, status in mentorships
        ],
        interactions=[chat(a % size + 1, b % size + 1, days_ago=d) for a, b, d in interactions],
    )


organisations = st.builds(
    _organisation,
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 511)),
        min_size=3,
        max_size=12,
    ),
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11), st.integers(0, 2)), max_size=8),
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11), st.integers(0, 400)), max_size=14),
)


@FAST
@given(organisations)
def test_removing_a_mentor_who_is_no_articulation_point_disconnects_nobody(inp):
    result = analyse(inp, params())
    structure = result.coverage.structure
    for person in inp.people:
        if "mentor" not in person.roles or person.id in structure.pieces:
            continue
        outcome = what_if(inp, params(), [person.id], index=result.coverage)
        components = outcome.health["components"]
        assert components.after == components.before


@FAST
@given(organisations)
def test_removing_nobody_loses_nothing(inp):
    outcome = what_if(inp, params(), [])
    assert outcome.removed == ()
    assert outcome.executives_losing_coverage == ()
    assert outcome.departments_losing_coverage == ()
    assert outcome.topics_losing_coverage == ()
    assert all(change.before == change.after for change in outcome.health.values())


@FAST
@given(organisations, st.randoms(use_true_random=False))
def test_analysis_is_deterministic_whatever_the_record_order(inp, shuffler):
    shuffled = AnalysisInput(
        people=shuffler.sample(list(inp.people), len(inp.people)),
        mentorships=shuffler.sample(list(inp.mentorships), len(inp.mentorships)),
        interactions=shuffler.sample(list(inp.interactions), len(inp.interactions)),
    )
    first, second = analyse(inp, params()), analyse(shuffled, params())
    assert first == second
    assert json.dumps(first.to_dict()["roles"]) == json.dumps(second.to_dict()["roles"])


def _stored(index: CoverageIndex) -> CoverageIndex:
    """The index as what-if reads it back from a stored snapshot (through JSON)."""
    return CoverageIndex.from_plain(json.loads(json.dumps(index.to_plain())))


@FAST
@given(organisations, st.lists(st.integers(1, 12), max_size=4))
def test_the_index_stored_with_a_snapshot_answers_what_if_like_the_live_one(inp, leaving):
    result = analyse(inp, params())
    stored = _stored(result.coverage)
    mentors = [pid for pid in leaving if pid in result.coverage.mentors]
    assert what_if_on(stored, mentors) == what_if(inp, params(), mentors, index=result.coverage)
    assert single_points_of_failure(stored) == list(result.single_points_of_failure)


def _version_1(index: CoverageIndex) -> dict:
    """The document snapshots stored before version 2 (ties as a flat id list, no inverse maps)."""
    plain = index.to_plain()
    nodes = plain["nodes"]
    plain["ties"] = [x for a, near in zip(nodes, plain.pop("neighbours"), strict=True) for b in near if a < b for x in (a, b)]
    names = [*plain.pop("departments"), None]
    plain["department_of"] = [[pid, names[i]] for pid, i in zip(plain.pop("people"), plain.pop("department_index"), strict=True)]
    plain["provided_by"] = [[m, list(tags)] for m, tags in sorted(index.provided_by.items()) if tags]
    for key in ("mentees", "department_links", "department_mentors", "providers"):
        del plain[key]
    return {**json.loads(json.dumps(plain)), "version": 1}


def test_an_index_stored_by_an_earlier_version_still_answers_alike():
    inp = synthetic_organisation(2000, seed=3)
    index = analyse(inp, params()).coverage
    earlier = CoverageIndex.from_plain(_version_1(index))
    mentors = sorted(index.mentors)
    for leaving in (mentors[:1], mentors[5:8], mentors[100:130]):
        assert what_if_on(earlier, leaving) == what_if_on(index, leaving)
    assert single_points_of_failure(earlier) == single_points_of_failure(index)


def test_stored_index_of_a_synthetic_organisation_gives_the_same_what_if_answers():
    inp = synthetic_organisation(3000, seed=7)
    index = analyse(inp, params()).coverage
    stored = _stored(index)
    mentors = sorted(index.mentors)
    for count in (1, 2, 3, 10, 50):
        for start in range(0, len(mentors), len(mentors) // 7):
            leaving = mentors[start : start + count]
            assert what_if_on(stored, leaving) == what_if(inp, params(), leaving, index=index)


@FAST
@given(organisations)
def test_what_if_for_one_mentor_matches_their_single_point_of_failure_entry(inp):
    result = analyse(inp, params())
    spofs = {s.person_id: s.cuts_off for s in result.single_points_of_failure}
    for person in inp.people:
        if "mentor" not in person.roles:
            continue
        outcome = what_if(inp, params(), [person.id], index=result.coverage)
        cut = spofs.get(person.id)
        assert outcome.executives_losing_coverage == (cut.executives if cut else ())
        assert outcome.departments_losing_coverage == (cut.departments if cut else ())
        assert outcome.topics_losing_coverage == (cut.topics if cut else ())


@FAST
@given(organisations, st.lists(st.integers(1, 12), min_size=1, max_size=2))
def test_components_left_after_people_leave_agree_with_networkx(inp, leaving):
    result = analyse(inp, params())
    core = connected_core(result.graph)
    rest = core.subgraph(set(core) - set(leaving))
    sizes = [len(c) for c in nx.connected_components(rest)]
    assert result.coverage.components_without(leaving) == (len(sizes), max(sizes, default=0))


def _bare_index(graph: nx.Graph) -> CoverageIndex:
    """An index that knows only who is tied to whom (what components_without reads)."""
    adjacency = {node: list(graph[node]) for node in graph if graph[node]}
    structure = graph_structure(adjacency)
    members: dict[int, list[int]] = {}
    for node, component in structure.component_of.items():
        members.setdefault(component, []).append(node)
    return CoverageIndex(
        min_providers=2, mentors=frozenset(), executives=frozenset(), department_of={}, active_mentors_of={},
        matched_mentors_of={}, mentees_of={}, department_links={}, providers={}, provided_by={}, demand={},
        department_people={}, department_executives={}, department_mentors={}, adjacency=adjacency,
        structure=structure, component_members={c: tuple(nodes) for c, nodes in members.items()},
    )


@FAST
@given(st.integers(2, 60), st.floats(0.5, 3.0), st.integers(0, 10_000), st.data())
def test_pieces_left_when_many_leave_agree_with_networkx(people, ties_each, seed, data):
    """Several people leave at once (the searches that take turns and meet): the same pieces
    as networkx counts, in graphs from sparse trees to dense clusters."""
    graph = nx.gnm_random_graph(people, int(people * ties_each), seed=seed)
    connected = [node for node in graph if graph[node]]
    if not connected:
        return
    leaving = data.draw(st.lists(st.sampled_from(connected), min_size=2, max_size=12, unique=True))
    rest = graph.subgraph(set(connected) - set(leaving))
    sizes = [len(c) for c in nx.connected_components(rest)]
    assert _bare_index(graph).components_without(leaving) == (len(sizes), max(sizes, default=0))


@FAST
@given(organisations, st.lists(st.integers(1, 12), max_size=5))
def test_executives_left_unmatched_are_those_whose_every_mentor_left(inp, leaving):
    """Worked out from the leavers' mentees only; the same as asking every executive."""
    index = analyse(inp, params()).coverage
    for _ in range(2):  # the second time from the remembered figures
        expected = sorted(e for e in index.executives
                          if e not in leaving and not (index.matched_mentors_of.get(e, frozenset()) - set(leaving)))
        assert index.unmatched_executives(leaving) == expected
        assert index.unmatched_executives() == sorted(e for e in index.executives if not index.matched_mentors_of.get(e))


def test_pieces_of_a_large_component_without_a_few_people():
    graph = nx.connected_watts_strogatz_graph(5000, 4, 0.05, seed=3)
    graph.add_edges_from([(5000, 5001), (5001, 5002), (5002, 7), (5003, 9)])  # small branches
    index = _bare_index(graph)
    for leaving in ([7, 9], [7, 9, 100, 2500], list(range(0, 5000, 250)), [5001, 5003, 12]):
        rest = graph.subgraph(set(graph) - set(leaving))
        sizes = [len(c) for c in nx.connected_components(rest)]
        assert index.components_without(leaving) == (len(sizes), max(sizes)), leaving


@FAST
@given(organisations)
def test_articulation_points_and_components_agree_with_networkx(inp):
    core = connected_core(build_graph(inp, params()))
    structure = graph_structure(dict(core.adjacency()))
    assert set(structure.pieces) == set(nx.articulation_points(core))
    assert sorted(structure.component_sizes) == sorted(
        len(c) for c in nx.connected_components(core)
    )
    for node, pieces in structure.pieces.items():
        rest = core.subgraph(nx.node_connected_component(core, node) - {node})
        assert sorted(pieces) == sorted(len(c) for c in nx.connected_components(rest))


def test_recency_weight_halves_every_half_life():
    p = params(half_life_days=30)
    assert recency_weight(NOW, p) == 1.0
    assert recency_weight(NOW - timedelta(days=30), p) == pytest.approx(0.5)
    assert recency_weight(NOW - timedelta(days=60), p) == pytest.approx(0.25)
    assert math.isclose(recency_weight(NOW - timedelta(days=365), p), 0.5 ** (365 / 30))
    assert recency_weight(NOW - timedelta(days=366), p) is None


def test_parameters_refuse_a_naive_snapshot_time():
    with pytest.raises(ValueError):
        AnalysisParams(now=datetime(2025, 1, 1))  # noqa: DTZ001
