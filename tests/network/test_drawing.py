"""SVG pictures of the network: valid, escaped, CSP-safe, bounded and deterministic."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - parses our own output only
from datetime import UTC, datetime, timedelta

import networkx as nx
import pytest

from community.network.analysis import (
    AnalysisInput,
    AnalysisParams,
    InteractionRecord,
    MentorshipRecord,
    PersonRecord,
    build_graph,
)
from community.network.drawing import (
    NODE_LIMIT,
    ROLE_COLOURS,
    Bar,
    coverage_bars,
    draw_bar_chart,
    draw_condensed,
    draw_ego,
    draw_network,
    draw_network_or_condensed,
    load_bars,
    needs_condensing,
)

NOW = datetime(2025, 3, 1, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script>"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def circles(root: ET.Element) -> list[ET.Element]:
    return root.findall(f".//{SVG}circle")


def small_network(people: int = 12) -> nx.Graph:
    """Mentors in a ring with a few executives attached: roles, departments and weights."""
    records = [
        PersonRecord(pid, frozenset({"mentor" if pid % 3 else "executive"}), f"d{pid % 4}", 2)
        for pid in range(1, people + 1)
    ]
    records[0] = PersonRecord(1, frozenset({"mentor"}), "d1", 2, is_ambassador=True)
    interactions = [
        InteractionRecord(pid, pid % people + 1, "reply", NOW - timedelta(days=pid))
        for pid in range(1, people + 1)
        if pid % 3 and (pid % people + 1) % 3
    ]
    mentorships = [
        MentorshipRecord(pid - 1, pid, "active", pid % 4) for pid in range(3, people + 1, 3)
    ]
    inp = AnalysisInput(people=records, mentorships=mentorships, interactions=interactions)
    return build_graph(inp, AnalysisParams(now=NOW))


def labels_for(graph: nx.Graph) -> dict[int, str]:
    return {node: f"Person {node}" for node in graph}


def assert_csp_safe(svg: str) -> None:
    assert "<script" not in svg.lower()
    assert "style=" not in svg.lower()
    assert "javascript:" not in svg.lower()


def test_network_drawing_is_valid_svg_with_one_circle_per_person():
    graph = small_network()
    svg = draw_network(graph, labels_for(graph))
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert len(circles(root)) == graph.number_of_nodes()
    assert len(root.findall(f".//{SVG}line")) == graph.number_of_edges()
    tooltips = {c.find(f"{SVG}title").text.split(" — ")[0] for c in circles(root)}
    assert tooltips == set(labels_for(graph).values())
    assert_csp_safe(svg)


def test_people_are_coloured_by_role_and_the_best_connected_drawn_biggest():
    graph = small_network()
    root = parse(draw_network(graph, labels_for(graph)))
    fills = {c.find(f"{SVG}title").text.split(" — ")[0]: c.get("fill") for c in circles(root)}
    assert fills["Person 1"] == ROLE_COLOURS["ambassador"]
    assert fills["Person 3"] == ROLE_COLOURS["executive"]
    assert fills["Person 2"] == ROLE_COLOURS["mentor"]
    radius = {c.find(f"{SVG}title").text.split(" — ")[0]: float(c.get("r")) for c in circles(root)}
    busiest = max(graph, key=lambda n: (graph.degree(n), -n))
    loneliest = min(graph, key=lambda n: (graph.degree(n), n))
    assert radius[f"Person {busiest}"] > radius[f"Person {loneliest}"]
    legend = [t.text for t in root.findall(f".//{SVG}g[@class='legend']/{SVG}text")]
    assert legend == ["Ambassador", "Executive", "Mentor"]


def test_colouring_by_community_gives_each_community_its_own_colour():
    graph = small_network()
    community_of = {node: (0 if node <= 6 else 1) for node in graph}
    root = parse(
        draw_network(graph, labels_for(graph), colour_by="community", community_of=community_of)
    )
    fills = {c.get("fill") for c in circles(root)}
    assert len(fills) == 2
    legend = [t.text for t in root.findall(f".//{SVG}g[@class='legend']/{SVG}text")]
    assert legend == ["Community 0", "Community 1"]


def test_a_hostile_name_is_shown_as_text_never_as_markup():
    graph = small_network()
    labels = labels_for(graph)
    labels[2] = EVIL
    svg = draw_network(graph, labels, highlight={2})
    assert_csp_safe(svg)
    assert "&lt;script&gt;" in svg
    titles = [element.text for element in parse(svg).iter(f"{SVG}title")]
    assert any(title.startswith(EVIL) for title in titles)
    ego = draw_ego(graph, 2, labels)
    assert_csp_safe(ego)
    assert any(t.text.startswith(EVIL) for t in parse(ego).iter(f"{SVG}title"))
    chart = draw_bar_chart([Bar(EVIL, 3, 2)], title=EVIL)
    assert_csp_safe(chart)
    assert parse(chart).find(f"{SVG}title").text == EVIL


def test_the_same_network_always_gives_the_same_picture():
    first, second = small_network(), small_network()
    assert draw_network(first, labels_for(first)) == draw_network(second, labels_for(second))
    reordered = nx.Graph()
    reordered.add_nodes_from(sorted(first.nodes(data=True), reverse=True))
    reordered.add_edges_from(sorted(first.edges(data=True), reverse=True))
    assert draw_network(reordered, labels_for(first)) == draw_network(first, labels_for(first))


def test_a_big_network_is_drawn_condensed_by_department_instead_of_per_person():
    graph = nx.Graph()
    for pid in range(NODE_LIMIT + 50):
        graph.add_node(pid, roles=frozenset({"mentor"}), department=f"dept-{pid % 7}")
    graph.add_edges_from((pid, (pid * 7 + 3) % (NODE_LIMIT + 50)) for pid in range(NODE_LIMIT + 50))
    assert needs_condensing(graph)
    with pytest.raises(ValueError):
        draw_network(graph, {})
    group_of = {node: data["department"] for node, data in graph.nodes(data=True)}
    svg = draw_network_or_condensed(graph, {}, group_of, group_labels={"dept-0": "Finance"})
    root = parse(svg)
    assert len(circles(root)) == 7
    titles = [c.find(f"{SVG}title").text for c in circles(root)]
    assert any(title.startswith("Finance — 50 people") for title in titles)
    assert_csp_safe(svg)


def test_condensed_drawing_widens_lines_for_heavier_ties_between_groups():
    graph = nx.Graph()
    graph.add_edges_from(
        [(1, 2, {"weight": 9.0}), (3, 4, {"weight": 1.0}), (2, 3, {"weight": 1.0})]
    )
    group_of = {1: "a", 2: "b", 3: "b", 4: "c"}
    root = parse(draw_condensed(graph, group_of))
    widths = {
        line.find(f"{SVG}title").text: float(line.get("stroke-width"))
        for line in root.iter(f"{SVG}line")
    }
    assert widths["a – b: 1 ties"] > widths["b – c: 1 ties"]
    sizes = {c.find(f"{SVG}title").text.split(" — ")[0]: float(c.get("r")) for c in circles(root)}
    assert sizes["b"] > sizes["a"]


def test_condensed_drawing_merges_the_smallest_groups_into_other():
    graph = nx.path_graph(40)
    group_of = {node: f"g{node}" for node in graph}
    root = parse(draw_condensed(graph, group_of, max_groups=10))
    names = [c.find(f"{SVG}title").text.split(" — ")[0] for c in circles(root)]
    assert len(names) == 10
    assert "Other" in names


def test_ego_drawing_puts_the_person_in_the_middle_with_their_ties_around():
    graph = small_network()
    svg = draw_ego(graph, 2, labels_for(graph))
    root = parse(svg)
    drawn = circles(root)
    assert len(drawn) == len(graph[2]) + 1
    centre = next(c for c in drawn if c.find(f"{SVG}title").text.startswith("Person 2 "))
    assert float(centre.get("r")) > max(float(c.get("r")) for c in drawn if c is not centre)
    assert (float(centre.get("cx")), float(centre.get("cy"))) == (280.0, 280.0)
    assert root.find(f"{SVG}title").text == "Network of Person 2"


def test_ego_drawing_stays_bounded_for_a_hub():
    hub = nx.star_graph(NODE_LIMIT + 100)
    svg = draw_ego(hub, 0, {})
    assert len(circles(parse(svg))) == NODE_LIMIT


def test_load_chart_marks_capacity_and_colours_overloaded_mentors():
    bars = load_bars({1: 4, 2: 1, 3: 2}, {1: 2, 2: 3, 3: 2}, {1: "Ana", 2: "Ben", 3: "Cem"})
    assert [bar.label for bar in bars] == ["Ana", "Cem", "Ben"]
    root = parse(draw_bar_chart(bars, title="Mentor load", value_label="mentees"))
    rects = root.findall(f".//{SVG}g[@class='bars']/{SVG}rect")
    colours = {rect.find(f"{SVG}title").text.split(":")[0]: rect.get("fill") for rect in rects}
    assert colours["Ana"] != colours["Ben"] == colours["Cem"]
    markers = root.findall(f".//{SVG}g[@class='bars']/{SVG}line")
    assert len(markers) == 3
    assert markers[0].find(f"{SVG}title").text == "capacity 2"


def test_coverage_chart_shows_short_topics_first_and_long_lists_are_cut():
    demand = {"okrs": 5, "kanban": 9, "wikis": 2, "unwanted": 0}
    providers = {"okrs": {1}, "kanban": {1, 2, 3}, "wikis": set()}
    bars = coverage_bars(demand, providers, min_providers=2, labels={"okrs": "OKRs"})
    assert [(bar.label, bar.value, bar.alarming) for bar in bars] == [
        ("OKRs", 1.0, True),
        ("wikis", 0.0, True),
        ("kanban", 3.0, False),
    ]
    many = [Bar(f"topic {i}", i) for i in range(60)]
    root = parse(draw_bar_chart(many, title="Topics", max_bars=40))
    assert len(root.findall(f".//{SVG}g[@class='bars']/{SVG}rect")) == 40
    assert any(t.text == "… and 20 more" for t in root.iter(f"{SVG}text"))


def test_the_main_network_fills_the_picture_and_separate_pairs_line_up_below_it():
    """A dense core is spread out (no overlapping blot) and a small separate group does not
    squeeze the main one into a corner."""
    graph = nx.complete_graph(30)
    nx.set_node_attributes(graph, {n: frozenset({"mentor"}) for n in graph}, "roles")
    graph.add_edge(100, 101)
    graph.nodes[100]["roles"] = graph.nodes[101]["roles"] = frozenset({"executive"})
    root = parse(draw_network(graph, {n: f"P{n}" for n in graph}, width=900, height=640))
    where = {c.find(f"{SVG}title").text.split(" — ")[0]: (float(c.get("cx")), float(c.get("cy"))) for c in circles(root)}
    core = [where[f"P{n}"] for n in range(30)]
    xs, ys = [x for x, _ in core], [y for _, y in core]
    assert max(xs) - min(xs) > 400 and max(ys) - min(ys) > 300  # the core uses the picture
    closest = min(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 for i, a in enumerate(core) for b in core[i + 1:])
    assert closest > 15  # no two people of the core on top of each other
    assert where["P100"][1] > max(ys) and where["P101"][1] > max(ys)  # the pair sits below


def test_pictures_use_the_words_they_are_given():
    from community.network.drawing import Words

    graph = small_network()
    german = Words(roles={"ambassador": "Botschafter/in", "executive": "Führungskraft", "mentor": "Mentor/in"},
                   ties=lambda n: f"{n} Verbindungen")
    root = parse(draw_network(graph, labels_for(graph), words=german))
    legend = [t.text for t in root.findall(f".//{SVG}g[@class='legend']/{SVG}text")]
    assert legend == ["Botschafter/in", "Führungskraft", "Mentor/in"]
    assert all("Verbindungen" in c.find(f"{SVG}title").text for c in circles(root))
