"""Exports: JSON-ready plain data, GraphML and node-link JSON."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from datetime import datetime
from typing import Any, cast

import networkx as nx
import numpy as np

from community.network.analysis.records import sort_key


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
        return [plain_data(item) for item in sorted(value, key=sort_key)]
    if isinstance(value, Iterable):
        return [plain_data(item) for item in value]
    return str(value)


NodeFigures = Mapping[int, Mapping[str, float | int | str | bool | None]]


def _export_graph(
    graph: nx.Graph,
    labels: Mapping[int, str] | None,
    pseudonyms: Mapping[int, str] | None,
    node_figures: NodeFigures | None,
) -> nx.Graph:
    """A copy whose attributes are plain scalars (GraphML accepts no sets or dicts)."""
    names = _export_names(graph, labels, pseudonyms)
    plain = nx.Graph()
    for node, data in graph.nodes(data=True):
        attributes = _node_attributes(data, names[node])
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


def _export_names(
    graph: nx.Graph, labels: Mapping[int, str] | None, pseudonyms: Mapping[int, str] | None
) -> dict[Any, str]:
    """Each node's label: its pseudonym ("anonymous-N" when missing), label or id."""
    if pseudonyms is None:
        return {node: labels.get(node, str(node)) if labels else str(node) for node in graph}
    names = {
        node: pseudonyms.get(node) or f"anonymous-{position}"
        for position, node in enumerate(sorted(graph, key=sort_key), start=1)
    }
    if len(set(names.values())) != len(names):
        raise ValueError("pseudonyms must be unique")
    return names


def _tags_text(tags: Any) -> str:
    """"slug:level;..." for topics with levels; "slug;..." once the levels were generalised away."""
    if isinstance(tags, Mapping):
        return ";".join(f"{slug}:{level}" for slug, level in sorted(tags.items()))
    return ";".join(sorted(str(slug) for slug in tags))


def _node_attributes(data: Mapping[str, Any], label: str) -> dict[str, Any]:
    """A node's exported attributes; those named in its `withheld` set (k-anonymity) are left out."""
    attributes = {
        "label": label,
        "roles": ",".join(sorted(data.get("roles", ()))),
        "department": data.get("department") or "",
        "capacity": int(data.get("capacity") or 0),
        "tags": _tags_text(data.get("tags", {})),
        "is_ambassador": bool(data.get("is_ambassador", False)),
    }
    withheld = data.get("withheld", ())
    return {name: value for name, value in attributes.items() if name not in withheld}


def to_graphml(
    graph: nx.Graph,
    *,
    labels: Mapping[int, str] | None = None,
    pseudonyms: Mapping[int, str] | None = None,
    node_figures: NodeFigures | None = None,
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
    node_figures: NodeFigures | None = None,
    graph_attributes: Mapping[str, str | int | float | bool] | None = None,
) -> dict[str, Any]:
    """Node-link JSON (`nodes`, `edges`, `graph`), readable by nx.node_link_graph(data,
    edges="edges")."""
    plain = _export_graph(graph, labels, pseudonyms, node_figures)
    plain.graph.update(graph_attributes or {})
    return cast("dict[str, Any]", nx.node_link_data(plain, edges="edges"))
