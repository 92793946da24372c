"""Pictures of people: the network, its condensed form (one node per group), an ego network."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET  # noqa: S405 - only builds XML, never parses input
from collections.abc import Callable, Collection, Hashable, Mapping

import networkx as nx

from community.network.analysis import condensed_graph, ego_network
from community.network.drawing.svg import (
    _ROLE_ORDER,
    EDGE_COLOUR,
    ENGLISH,
    NODE_LIMIT,
    OTHER_COLOUR,
    PALETTE,
    ROLE_COLOURS,
    TEXT_COLOUR,
    Words,
    _fit,
    _fit_box,
    _fit_centred,
    _layout,
    _legend,
    _n,
    _ordered,
    _serialise,
    _shorten,
    _sort_key,
    _svg,
    _text,
    needs_condensing,
    primary_role,
)


def draw_network(
    graph: nx.Graph,
    labels: Mapping[Hashable, str],
    *,
    colour_by: str = "role",
    community_of: Mapping[Hashable, int] | None = None,
    title: str = "Mentor network",
    width: int = 900,
    height: int = 640,
    seed: int = 42,
    limit: int = NODE_LIMIT,
    highlight: Collection[Hashable] = (),
    href_of: Callable[[Hashable], str | None] | None = None,
    show_labels: int = 8,
    words: Words = ENGLISH,
) -> str:
    """One circle per person (spring layout with a fixed seed), sized by degree, coloured by
    role or by Louvain community, with the name in a <title> tooltip.

    `colour_by` is "role" or "community" (then pass `community_of`). The `show_labels` best
    connected people get a visible name. `href_of` may link circles (e.g. to profile pages).
    Raises ValueError above `limit` people: condense instead.
    """
    if needs_condensing(graph, limit):
        raise ValueError(f"{graph.number_of_nodes()} people exceed the drawing limit of {limit}")
    if colour_by not in ("role", "community"):
        raise ValueError("colour_by must be 'role' or 'community'")
    ordered = _ordered(graph)
    positions = _layout(ordered, seed)
    legend_width = 150
    fitted = _fit_box(positions, width - legend_width, height, margin=30)
    people, ties = ordered.number_of_nodes(), ordered.number_of_edges()
    root = _svg(width, height, title, words.people_and_ties(people, ties))

    community_colour: dict[int, str] = {}
    if colour_by == "community":
        community_of = community_of or {}
        # Palette slots go to the largest communities in this picture; the rest share grey.
        sizes: dict[int, int] = {}
        for node in ordered:
            if (cid := community_of.get(node)) is not None:
                sizes[cid] = sizes.get(cid, 0) + 1
        ranked = sorted(sizes, key=lambda cid: (-sizes[cid], cid))
        community_colour = {cid: PALETTE[i] for i, cid in enumerate(ranked[: len(PALETTE)])}

    others = (len(_ROLE_ORDER), 1 << 30)

    def colour(node: Hashable) -> tuple[str, tuple[int, int], str, str]:
        """Fill, legend order, legend entry and tooltip wording of a person."""
        if colour_by == "community":
            cid = (community_of or {}).get(node)
            if cid is None:
                return OTHER_COLOUR, others, words.other_communities, words.no_community
            name = words.community(cid)  # the app's words number them from 1 (the API and exports from 0)
            if cid not in community_colour:
                return OTHER_COLOUR, others, words.other_communities, name
            return community_colour[cid], (0, cid), name, name
        role = primary_role(ordered.nodes[node])
        name = words.roles.get(role, role)
        return ROLE_COLOURS[role], (_ROLE_ORDER.index(role), 0), name, name

    weights = [w for _, _, w in ordered.edges(data="weight", default=1.0)]
    heaviest = max(weights, default=1.0) or 1.0
    edges = ET.SubElement(
        root, "g", {"class": "ties", "stroke": EDGE_COLOUR, "stroke-opacity": "0.55"}
    )
    for a, b, weight in ordered.edges(data="weight", default=1.0):
        (x1, y1), (x2, y2) = fitted[a], fitted[b]
        ET.SubElement(
            edges,
            "line",
            {
                "x1": _n(x1),
                "y1": _n(y1),
                "x2": _n(x2),
                "y2": _n(y2),
                "stroke-width": _n(0.6 + 2.4 * math.sqrt(max(weight, 0.0) / heaviest)),
            },
        )

    degree = dict(ordered.degree())
    nodes = ET.SubElement(root, "g", {"class": "people", "stroke": "#ffffff"})
    used: dict[str, tuple[tuple[int, int], str]] = {}
    for node in ordered:
        x, y = fitted[node]
        fill, rank, category, wording = colour(node)
        used.setdefault(category, (rank, fill))
        marked = node in highlight
        parent = nodes
        if href_of is not None and (href := href_of(node)):
            parent = ET.SubElement(nodes, "a", {"href": href})
        circle = ET.SubElement(
            parent,
            "circle",
            {
                "cx": _n(x),
                "cy": _n(y),
                "r": _n(min(18.0, 3.5 + 2.0 * math.sqrt(degree[node]))),
                "fill": fill,
                "stroke": TEXT_COLOUR if marked else "#ffffff",
                "stroke-width": "2.5" if marked else "1",
            },
        )
        ET.SubElement(
            circle, "title"
        ).text = f"{labels.get(node, str(node))} — {wording}, {words.ties(degree[node])}"

    best = sorted(ordered, key=lambda node: (-degree[node], _sort_key(node)))[:show_labels]
    names = ET.SubElement(root, "g", {"class": "names", "font-size": "11", "text-anchor": "middle"})
    for node in sorted(set(best) | (set(highlight) & set(ordered)), key=_sort_key):
        x, y = fitted[node]
        radius = min(18.0, 3.5 + 2.0 * math.sqrt(degree[node]))
        _text(names, x, y - radius - 3, _shorten(labels.get(node, str(node)), 24))

    entries = sorted(used.items(), key=lambda item: item[1][0])
    _legend(root, [(fill, name) for name, (_rank, fill) in entries[:12]], width - legend_width + 10, 24)
    return _serialise(root)


def draw_condensed(
    graph: nx.Graph,
    group_of: Mapping[Hashable, Hashable | None],
    *,
    group_labels: Mapping[Hashable, str] | None = None,
    title: str = "Network by group",
    width: int = 900,
    height: int = 640,
    seed: int = 42,
    max_groups: int = 60,
    words: Words = ENGLISH,
) -> str:
    """One circle per group (department or community): size = members, line width = weight
    of the ties between two groups. Groups beyond `max_groups` are merged into "Other"."""
    members: dict[Hashable, int] = {}
    for node in graph:
        if (group := group_of.get(node)) is not None:
            members[group] = members.get(group, 0) + 1
    ranked = sorted(members, key=lambda g: (-members[g], _sort_key(g)))
    kept = set(ranked[: max_groups - 1]) if len(ranked) > max_groups else set(ranked)
    other = ("__other__",)  # a key no caller uses
    mapping = {
        node: (group if group in kept else other)
        for node in graph
        if (group := group_of.get(node)) is not None
    }
    names = dict(group_labels or {})
    names[other] = words.other_groups
    condensed = _ordered(condensed_graph(graph, mapping))
    positions = (
        nx.spring_layout(condensed, seed=seed, method="force", weight=None)
        if condensed.number_of_nodes()
        else {}
    )
    fitted = _fit(positions, width, height, margin=60)
    root = _svg(
        width,
        height,
        title,
        words.groups_of_people(condensed.number_of_nodes(), sum(members.values())),
    )
    largest = max((d["members"] for _, d in condensed.nodes(data=True)), default=1)
    heaviest = max((w for _, _, w in condensed.edges(data="weight")), default=1.0) or 1.0
    edges = ET.SubElement(
        root, "g", {"class": "ties", "stroke": EDGE_COLOUR, "stroke-opacity": "0.6"}
    )
    for a, b, data in condensed.edges(data=True):
        (x1, y1), (x2, y2) = fitted[a], fitted[b]
        line = ET.SubElement(
            edges,
            "line",
            {
                "x1": _n(x1),
                "y1": _n(y1),
                "x2": _n(x2),
                "y2": _n(y2),
                "stroke-width": _n(0.8 + 9.0 * math.sqrt(data["weight"] / heaviest)),
            },
        )
        ET.SubElement(
            line, "title"
        ).text = words.ties_between(names.get(a, str(a)), names.get(b, str(b)), data["ties"])
    circles = ET.SubElement(root, "g", {"class": "groups", "stroke": "#ffffff"})
    labels = ET.SubElement(
        root, "g", {"class": "names", "font-size": "11", "text-anchor": "middle"}
    )
    for rank, group in enumerate(
        sorted(condensed, key=lambda g: (-condensed.nodes[g]["members"], _sort_key(g)))
    ):
        data = condensed.nodes[group]
        x, y = fitted[group]
        radius = 6.0 + 30.0 * math.sqrt(data["members"] / largest)
        circle = ET.SubElement(
            circles,
            "circle",
            {
                "cx": _n(x),
                "cy": _n(y),
                "r": _n(radius),
                "fill": OTHER_COLOUR if group == other else PALETTE[rank % len(PALETTE)],
                "fill-opacity": "0.85",
            },
        )
        name = names.get(group, str(group))
        ET.SubElement(
            circle, "title"
        ).text = words.group_summary(name, data["members"], data["internal_ties"])
        _text(labels, x, y + radius + 12, _shorten(name, 22))
    return _serialise(root)


def draw_network_or_condensed(
    graph: nx.Graph,
    labels: Mapping[Hashable, str],
    group_of: Mapping[Hashable, Hashable | None],
    *,
    group_labels: Mapping[Hashable, str] | None = None,
    limit: int = NODE_LIMIT,
    **options: object,
) -> str:
    """Draw people when there are at most `limit` of them, else one node per group."""
    if needs_condensing(graph, limit):
        condensed_options = {
            key: value
            for key, value in options.items()
            if key in ("title", "width", "height", "seed", "max_groups", "words")
        }
        return draw_condensed(graph, group_of, group_labels=group_labels, **condensed_options)  # type: ignore[arg-type]
    return draw_network(graph, labels, limit=limit, **options)  # type: ignore[arg-type]


def draw_ego(
    graph: nx.Graph,
    person_id: Hashable,
    labels: Mapping[Hashable, str],
    *,
    radius: int = 1,
    title: str | None = None,
    width: int = 560,
    height: int = 560,
    limit: int = NODE_LIMIT,
    words: Words = ENGLISH,
) -> str:
    """A person at the centre, their ties on a ring (and the next ring for radius 2).

    Above `limit` people the strongest ties are kept. Raises nx.NodeNotFound for an unknown
    person.
    """
    ego, shells = _ego_shells(graph, person_id, radius, limit)
    positions = nx.shell_layout(ego, nlist=shells) if len(ego) > 1 else {person_id: (0.0, 0.0)}
    named = len(ego) <= 80  # names around the ring, outside it, up to this many people
    fitted = _fit_centred(positions, width, height, margin=120 if named and len(ego) > 1 else 48)
    name = labels.get(person_id, str(person_id))
    root = _svg(
        width, height, title or words.network_of(name), words.people_nearby(name, len(ego) - 1)
    )
    _ego_ties(root, ego, person_id, fitted)
    people = ET.SubElement(root, "g", {"class": "people", "stroke": "#ffffff"})
    names = ET.SubElement(root, "g", {"class": "names", "font-size": "11", "text-anchor": "middle"})
    used: dict[str, tuple[int, str]] = {}
    for node in sorted(ego, key=lambda n: (n != person_id, _sort_key(n))):
        role = primary_role(ego.nodes[node])
        role_name = words.roles.get(role, role)
        used.setdefault(role_name, (_ROLE_ORDER.index(role), ROLE_COLOURS[role]))
        label = labels.get(node, str(node))
        centre = node == person_id
        _ego_person(people, fitted[node], ROLE_COLOURS[role], f"{label} — {role_name}", centre)
        if centre or named:
            _ego_name(names, fitted[node], label, centre, (width / 2, height / 2))
    entries = sorted(used.items(), key=lambda item: item[1][0])
    _legend(root, [(fill, role) for role, (_rank, fill) in entries], 10, 10)
    return _serialise(root)


def _ego_shells(
    graph: nx.Graph, person_id: Hashable, radius: int, limit: int
) -> tuple[nx.Graph, list[list[Hashable]]]:
    """The ego network (strongest ties kept above `limit`) and its rings around the person."""
    ego = ego_network(graph, person_id, radius=radius)
    distance = nx.single_source_shortest_path_length(ego, person_id, cutoff=radius)

    def strength(node: Hashable) -> float:
        if ego.has_edge(person_id, node):
            return float(ego.edges[person_id, node].get("weight", 1.0))
        return 0.0

    ranked = sorted(
        (node for node in ego if node != person_id),
        key=lambda node: (distance[node], -strength(node), _sort_key(node)),
    )
    kept = [person_id, *ranked[: max(0, limit - 1)]]
    shells = [[person_id]]
    for ring in range(1, radius + 1):
        shell = [node for node in kept if distance[node] == ring]
        if shell:
            shells.append(shell)
    return _ordered(ego.subgraph(kept)), shells


def _ego_ties(
    root: ET.Element,
    ego: nx.Graph,
    person_id: Hashable,
    fitted: Mapping[Hashable, tuple[float, float]],
) -> None:
    """The person's own ties stand out; ties among the others stay in the background."""
    heaviest = max((w for _, _, w in ego.edges(data="weight", default=1.0)), default=1.0) or 1.0
    among = ET.SubElement(root, "g", {"class": "ties among", "stroke": EDGE_COLOUR, "stroke-opacity": "0.18"})
    own = ET.SubElement(root, "g", {"class": "ties own", "stroke": EDGE_COLOUR, "stroke-opacity": "0.75"})
    for a, b, weight in ego.edges(data="weight", default=1.0):
        (x1, y1), (x2, y2) = fitted[a], fitted[b]
        mine = person_id in (a, b)
        ET.SubElement(
            own if mine else among,
            "line",
            {
                "x1": _n(x1),
                "y1": _n(y1),
                "x2": _n(x2),
                "y2": _n(y2),
                "stroke-width": _n((0.8 + 4.0 * math.sqrt(max(weight, 0.0) / heaviest)) if mine else 0.6),
            },
        )


def _ego_person(
    people: ET.Element, at: tuple[float, float], fill: str, tooltip: str, centre: bool
) -> None:
    x, y = at
    circle = ET.SubElement(
        people,
        "circle",
        {
            "cx": _n(x),
            "cy": _n(y),
            "r": _n(14.0 if centre else 7.0),
            "fill": fill,
            "stroke": TEXT_COLOUR if centre else "#ffffff",
            "stroke-width": "2.5" if centre else "1",
        },
    )
    ET.SubElement(circle, "title").text = tooltip


def _ego_name(
    names: ET.Element,
    at: tuple[float, float],
    label: str,
    centre: bool,
    middle: tuple[float, float],
) -> None:
    x, y = at
    size = 14.0 if centre else 7.0
    if centre:
        _text(names, x, y - size - 4, _shorten(label, 22))
        return
    # Outside the ring, pointing away from the centre, so names do not cover the ties.
    angle = math.atan2(y - middle[1], x - middle[0])
    dx, dy = math.cos(angle), math.sin(angle)
    anchor = "start" if dx > 0.1 else "end" if dx < -0.1 else "middle"
    _text(names, x + dx * (size + 4), y + dy * (size + 4) + 4, _shorten(label, 18),
          **{"text-anchor": anchor, "font-size": "10"})
