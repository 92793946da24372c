"""The drawings' shared parts: colours, words, SVG primitives and the layout."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET  # noqa: S405 - only builds XML, never parses input
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

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
    number: Callable[[float], str] = lambda value: (
        f"{value:.0f}" if float(value).is_integer() else f"{value:.2g}")  # figures on bar charts


ENGLISH = Words()


def needs_condensing(graph: nx.Graph, limit: int = NODE_LIMIT) -> bool:
    """True when a graph has too many people to draw one circle each."""
    return bool(graph.number_of_nodes() > limit)


def primary_role(data: Mapping[str, object]) -> str:
    """The role a node is coloured by: ambassador, executive, mentor, … staff."""
    if data.get("is_ambassador"):
        return "ambassador"
    roles = data.get("roles") or ()
    for role in _ROLE_ORDER[1:]:
        if role in roles:  # type: ignore[operator]
            return role
    return "staff"


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


def layout_positions(graph: nx.Graph, seed: int = 7) -> dict[Hashable, tuple[float, float]]:
    """The drawings' layout (unit square) for other views of the same graph, e.g. the explorer."""
    return _layout(_ordered(graph), seed)


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
