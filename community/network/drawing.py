"""SVG pictures of the mentor network for the dashboard: pure, deterministic, CSP-safe.

Every picture is built with xml.etree.ElementTree, so every name is escaped; nothing uses
<script> or `style=` (only presentation attributes), so the SVG renders under a strict
Content-Security-Policy whether inlined or served as an image. Names come from the caller as
a mapping id -> display name, so the caller decides whether to show names or pseudonyms.
The same input always gives the same bytes (fixed layout seed, sorted iteration, rounded
coordinates).

Drawings stay bounded: `draw_network` refuses more than NODE_LIMIT people; use
`draw_network_or_condensed` (or `needs_condensing`) to fall back to one node per department or
community.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET  # noqa: S405 - only builds XML, never parses input
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

from community.network.analysis import condensed_graph, ego_network

NODE_LIMIT = 300
SVG_NS = "http://www.w3.org/2000/svg"
FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif"
TEXT_COLOUR = "#1f2933"
EDGE_COLOUR = "#8a96a3"
# Okabe–Ito colours (distinguishable with colour-blindness), then two neutral extras.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#7F7F7F",
    "#A6761D",
)
OTHER_COLOUR = "#C8CED4"
ROLE_COLOURS: Mapping[str, str] = {
    "ambassador": "#009E73",
    "executive": "#D55E00",
    "mentor": "#0072B2",
    "change_manager": "#CC79A7",
    "admin": "#7F7F7F",
    "staff": "#A9B4BF",
}
ROLE_NAMES: Mapping[str, str] = {
    "ambassador": "Ambassador",
    "executive": "Executive",
    "mentor": "Mentor",
    "change_manager": "Change manager",
    "admin": "Admin",
    "staff": "Staff",
}
_ROLE_ORDER = tuple(ROLE_COLOURS)


@dataclass(frozen=True)
class Words:
    """Every text a picture shows, so the caller can translate them (English by default)."""

    roles: Mapping[str, str] = field(default_factory=lambda: dict(ROLE_NAMES))
    people_and_ties: Callable[[int, int], str] = lambda people, ties: f"{people} people and {ties} ties."
    ties: Callable[[int], str] = lambda n: f"{n} ties"
    community: Callable[[int], str] = lambda n: f"Community {n}"
    other_communities: str = "Other communities"
    no_community: str = "no community"
    other_groups: str = "Other"
    groups_of_people: Callable[[int, int], str] = lambda groups, people: f"{groups} groups of {people} people."
    ties_between: Callable[[str, str, int], str] = lambda a, b, n: f"{a} – {b}: {n} ties"
    group_summary: Callable[[str, int, int], str] = (
        lambda name, members, inside: f"{name} — {members} people, {inside} ties inside")
    network_of: Callable[[str], str] = lambda name: f"Network of {name}"
    people_nearby: Callable[[str, int], str] = lambda name, n: f"{name} and {n} people nearby."
    bars: Callable[[int], str] = lambda n: f"{n} bars."
    more: Callable[[int], str] = lambda n: f"… and {n} more"
    nothing: str = "Nothing to show"
    wanted: Callable[[int], str] = lambda n: f"wanted {n} times"


ENGLISH = Words()


def needs_condensing(graph: nx.Graph, limit: int = NODE_LIMIT) -> bool:
    """True when a graph has too many people to draw one circle each."""
    return graph.number_of_nodes() > limit


def primary_role(data: Mapping[str, object]) -> str:
    """The role a node is coloured by: ambassador, executive, mentor, … staff."""
    if data.get("is_ambassador"):
        return "ambassador"
    roles = data.get("roles") or ()
    for role in _ROLE_ORDER[1:]:
        if role in roles:  # type: ignore[operator]
            return role
    return "staff"


# --------------------------------------------------------------------------- primitives


def _svg(width: int, height: int, title: str, description: str) -> ET.Element:
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "role": "img",
            "font-family": FONT,
            "font-size": "12",
            "fill": TEXT_COLOUR,
        },
    )
    ET.SubElement(root, "title").text = title
    ET.SubElement(root, "desc").text = description
    return root


def _text(parent: ET.Element, x: float, y: float, content: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, "text", {"x": _n(x), "y": _n(y), **attributes})
    element.text = content
    return element


def _n(value: float) -> str:
    """Coordinates with one decimal: short output, identical across runs."""
    rounded = round(float(value), 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


def _serialise(root: ET.Element) -> str:
    return ET.tostring(root, encoding="unicode")


def _shorten(label: str, length: int) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


def _sort_key(value: Hashable) -> tuple[int, float, str]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value, "")
    return (1, 0, str(value))


def _ordered(graph: nx.Graph) -> nx.Graph:
    """The same graph with nodes and edges inserted in sorted order (stable layouts)."""
    ordered = nx.Graph()
    for node in sorted(graph, key=_sort_key):
        ordered.add_node(node, **graph.nodes[node])
    edges = sorted(
        (tuple(sorted((a, b), key=_sort_key)) for a, b in graph.edges()),
        key=lambda pair: (_sort_key(pair[0]), _sort_key(pair[1])),
    )
    for a, b in edges:
        ordered.add_edge(a, b, **graph.edges[a, b])
    return ordered


def _spread(positions: Mapping[Hashable, Sequence[float]]) -> dict[Hashable, tuple[float, float]]:
    """Even out a force layout over the unit disc: each person keeps their direction from the
    centre, and distances become evenly spaced ranks. A dense core no longer collapses into one
    blot, and a few far-out people no longer squeeze everyone else into a corner."""
    if not positions:
        return {}
    cx = sum(float(p[0]) for p in positions.values()) / len(positions)
    cy = sum(float(p[1]) for p in positions.values()) / len(positions)
    polar = {
        node: (math.hypot(float(x) - cx, float(y) - cy), math.atan2(float(y) - cy, float(x) - cx))
        for node, (x, y) in positions.items()
    }
    order = sorted(polar, key=lambda node: (polar[node][0], _sort_key(node)))
    count = len(order)
    spread = {}
    for rank, node in enumerate(order):
        radius = math.sqrt((rank + 0.5) / count) if count > 1 else 0.0
        angle = polar[node][1]
        spread[node] = (radius * math.cos(angle), radius * math.sin(angle))
    return spread


def _layout(graph: nx.Graph, seed: int) -> dict[Hashable, tuple[float, float]]:
    """Positions in the unit square: the largest group of connected people fills the picture,
    smaller separate groups line up in a band along the bottom."""
    components = sorted(
        (sorted(c, key=_sort_key) for c in nx.connected_components(graph)),
        key=lambda c: (-len(c), _sort_key(c[0])),
    )
    if not components:
        return {}
    main, rest = components[0], components[1:]
    band = 0.16 if rest else 0.0
    positions: dict[Hashable, tuple[float, float]] = {}
    core = graph.subgraph(main)
    k = 1.8 / math.sqrt(len(main))
    disc = _spread(nx.spring_layout(core, seed=seed, k=k, iterations=80, weight=None)) if len(main) > 1 else {
        main[0]: (0.0, 0.0)}
    for node, (x, y) in disc.items():
        positions[node] = (0.5 + 0.5 * x, (1 - band) * (0.5 + 0.5 * y))
    if rest:
        per_row = max(6, math.ceil(math.sqrt(len(rest) * 4)))
        rows = math.ceil(len(rest) / per_row)
        cell_w, cell_h = 1.0 / per_row, band / rows
        for index, component in enumerate(rest):
            left = (index % per_row) * cell_w
            top = 1 - band + (index // per_row) * cell_h
            if len(component) == 1:
                local = {component[0]: (0.0, 0.0)}
            else:
                local = _spread(nx.circular_layout(graph.subgraph(component)))
            for node, (x, y) in local.items():
                positions[node] = (left + cell_w * (0.5 + 0.35 * x), top + cell_h * (0.5 + 0.35 * y))
    return positions


def _fit(
    positions: Mapping[Hashable, Sequence[float]], width: int, height: int, margin: float
) -> dict[Hashable, tuple[float, float]]:
    """Scale layout coordinates into the drawing area."""
    if not positions:
        return {}
    xs = [float(p[0]) for p in positions.values()]
    ys = [float(p[1]) for p in positions.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    usable_x, usable_y = width - 2 * margin, height - 2 * margin
    fitted = {}
    for node, (x, y) in positions.items():
        fx = margin + (float(x) - min(xs)) / span_x * usable_x if max(xs) > min(xs) else width / 2
        fy = margin + (float(y) - min(ys)) / span_y * usable_y if max(ys) > min(ys) else height / 2
        fitted[node] = (round(fx, 1), round(fy, 1))
    return fitted


def _fit_box(
    positions: Mapping[Hashable, Sequence[float]], width: int, height: int, margin: float
) -> dict[Hashable, tuple[float, float]]:
    """Map positions in the unit square onto the drawing area."""
    return {
        node: (round(margin + float(x) * (width - 2 * margin), 1), round(margin + float(y) * (height - 2 * margin), 1))
        for node, (x, y) in positions.items()
    }


def _fit_centred(
    positions: Mapping[Hashable, Sequence[float]], width: int, height: int, margin: float
) -> dict[Hashable, tuple[float, float]]:
    """Scale a layout centred on the origin so that the origin lands in the middle."""
    extent = max((max(abs(float(p[0])), abs(float(p[1]))) for p in positions.values()), default=0)
    extent = extent or 1.0
    half_x, half_y = width / 2, height / 2
    return {
        node: (
            round(half_x + float(x) / extent * (half_x - margin), 1),
            round(half_y + float(y) / extent * (half_y - margin), 1),
        )
        for node, (x, y) in positions.items()
    }


def _legend(root: ET.Element, entries: Sequence[tuple[str, str]], x: float, y: float) -> None:
    group = ET.SubElement(root, "g", {"class": "legend", "font-size": "11"})
    for row, (colour, name) in enumerate(entries):
        top = y + row * 16
        ET.SubElement(
            group,
            "rect",
            {"x": _n(x), "y": _n(top), "width": "10", "height": "10", "rx": "2", "fill": colour},
        )
        _text(group, x + 15, top + 9, name)


# --------------------------------------------------------------------------- people


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
            name = words.community(cid + 1)
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


# --------------------------------------------------------------------------- groups


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
    ego = _ordered(ego.subgraph(kept))
    shells = [[person_id]]
    for ring in range(1, radius + 1):
        shell = [node for node in kept if distance[node] == ring]
        if shell:
            shells.append(shell)
    positions = nx.shell_layout(ego, nlist=shells) if len(ego) > 1 else {person_id: (0.0, 0.0)}
    named = len(ego) <= 80  # names around the ring, outside it, up to this many people
    fitted = _fit_centred(positions, width, height, margin=120 if named and len(ego) > 1 else 48)
    name = labels.get(person_id, str(person_id))
    root = _svg(
        width, height, title or words.network_of(name), words.people_nearby(name, len(ego) - 1)
    )
    heaviest = max((w for _, _, w in ego.edges(data="weight", default=1.0)), default=1.0) or 1.0
    # The person's own ties stand out; ties among the others stay in the background.
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
    people = ET.SubElement(root, "g", {"class": "people", "stroke": "#ffffff"})
    names = ET.SubElement(root, "g", {"class": "names", "font-size": "11", "text-anchor": "middle"})
    used: dict[str, tuple[int, str]] = {}
    cx, cy = width / 2, height / 2
    for node in sorted(ego, key=lambda n: (n != person_id, _sort_key(n))):
        x, y = fitted[node]
        role = primary_role(ego.nodes[node])
        role_name = words.roles.get(role, role)
        used.setdefault(role_name, (_ROLE_ORDER.index(role), ROLE_COLOURS[role]))
        centre = node == person_id
        size = 14.0 if centre else 7.0
        circle = ET.SubElement(
            people,
            "circle",
            {
                "cx": _n(x),
                "cy": _n(y),
                "r": _n(size),
                "fill": ROLE_COLOURS[role],
                "stroke": TEXT_COLOUR if centre else "#ffffff",
                "stroke-width": "2.5" if centre else "1",
            },
        )
        label = labels.get(node, str(node))
        ET.SubElement(circle, "title").text = f"{label} — {role_name}"
        if centre:
            _text(names, x, y - size - 4, _shorten(label, 22))
        elif named:
            # Outside the ring, pointing away from the centre, so names do not cover the ties.
            angle = math.atan2(y - cy, x - cx)
            dx, dy = math.cos(angle), math.sin(angle)
            anchor = "start" if dx > 0.1 else "end" if dx < -0.1 else "middle"
            _text(names, x + dx * (size + 4), y + dy * (size + 4) + 4, _shorten(label, 18),
                  **{"text-anchor": anchor, "font-size": "10"})
    entries = sorted(used.items(), key=lambda item: item[1][0])
    _legend(root, [(fill, role) for role, (_rank, fill) in entries], 10, 10)
    return _serialise(root)


# --------------------------------------------------------------------------- bar charts


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    capacity: float | None = None  # drawn as a marker line
    alert: bool | None = None  # red bar; by default when value exceeds capacity
    note: str | None = None  # extra tooltip text

    @property
    def alarming(self) -> bool:
        if self.alert is not None:
            return self.alert
        return self.capacity is not None and self.value > self.capacity


def draw_bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    value_label: str = "",
    marker_label: str = "capacity",
    width: int = 640,
    max_bars: int = 40,
    words: Words = ENGLISH,
) -> str:
    """Horizontal bars in the given order with an optional capacity marker per bar.

    Bars beyond `max_bars` are summarised in one line ("… and 12 more").
    """
    shown = list(bars[:max_bars])
    hidden = len(bars) - len(shown)
    row, top, label_width, value_room = 22, 44, 190, 70
    height = top + row * max(1, len(shown)) + (24 if hidden else 0) + 30
    root = _svg(width, height, title, f"{words.bars(len(bars))} {value_label}".strip())
    _text(root, 12, 22, title, **{"font-size": "15", "font-weight": "600"})
    scale_max = max(
        [bar.value for bar in shown] + [bar.capacity for bar in shown if bar.capacity is not None],
        default=0.0,
    )
    scale_max = scale_max if scale_max > 0 else 1.0
    span = width - label_width - value_room
    chart = ET.SubElement(root, "g", {"class": "bars"})
    for index, bar in enumerate(shown):
        y = top + index * row
        _text(chart, label_width - 8, y + 14, _shorten(bar.label, 28), **{"text-anchor": "end"})
        length = max(0.0, bar.value) / scale_max * span
        rect = ET.SubElement(
            chart,
            "rect",
            {
                "x": _n(label_width),
                "y": _n(y + 3),
                "width": _n(max(length, 0.5)),
                "height": str(row - 8),
                "rx": "2",
                "fill": "#D55E00" if bar.alarming else "#0072B2",
            },
        )
        tooltip = f"{bar.label}: {_number(bar.value)} {value_label}".strip()
        if bar.capacity is not None:
            tooltip += f" ({marker_label} {_number(bar.capacity)})"
        if bar.note:
            tooltip += f" — {bar.note}"
        ET.SubElement(rect, "title").text = tooltip
        marker_at = max(0.0, bar.capacity) / scale_max * span if bar.capacity is not None else 0.0
        # The value sits right of both the bar and the marker, so neither hides it.
        _text(chart, label_width + max(length, marker_at) + 6, y + 14, _number(bar.value))
        if bar.capacity is not None:
            x = label_width + marker_at
            marker = ET.SubElement(
                chart,
                "line",
                {
                    "x1": _n(x),
                    "y1": _n(y),
                    "x2": _n(x),
                    "y2": _n(y + row - 2),
                    "stroke": TEXT_COLOUR,
                    "stroke-width": "2",
                },
            )
            ET.SubElement(marker, "title").text = f"{marker_label} {_number(bar.capacity)}"
    baseline = top + row * max(1, len(shown))
    ET.SubElement(
        root,
        "line",
        {
            "x1": _n(label_width),
            "y1": _n(top - 2),
            "x2": _n(label_width),
            "y2": _n(baseline),
            "stroke": TEXT_COLOUR,
            "stroke-width": "1",
        },
    )
    if hidden:
        _text(root, label_width, baseline + 18, words.more(hidden), **{"font-size": "11"})
    if not shown:
        _text(root, label_width, top + 14, words.nothing, **{"font-size": "11"})
    return _serialise(root)


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2g}"


def load_bars(
    load: Mapping[int, int], capacity: Mapping[int, int], labels: Mapping[int, str]
) -> list[Bar]:
    """Mentor load against capacity, busiest first (for `draw_bar_chart`)."""
    return [
        Bar(labels.get(mentor, str(mentor)), float(value), float(capacity.get(mentor, 0)))
        for mentor, value in sorted(load.items(), key=lambda item: (-item[1], item[0]))
    ]


def coverage_bars(
    demand: Mapping[str, int],
    providers: Mapping[str, Collection[int]],
    *,
    min_providers: int,
    labels: Mapping[str, str] | None = None,
    words: Words = ENGLISH,
) -> list[Bar]:
    """Mentors able to teach each demanded topic, with the number needed as the marker;
    topics short of providers are red and come first, then by demand."""
    rows = []
    for slug, wanted in demand.items():
        if wanted <= 0:
            continue
        count = len(providers.get(slug, ()))
        rows.append((count >= min_providers, -wanted, slug, count, wanted))
    rows.sort()
    return [
        Bar(
            (labels or {}).get(slug, slug),
            float(count),
            float(min_providers),
            alert=count < min_providers,
            note=words.wanted(wanted),
        )
        for _, _, slug, count, wanted in rows
    ]
