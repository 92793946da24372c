"""The interactive explorer's data: the graph as nodes and edges for Cytoscape.js, and what-if on it.

The same rules as the dashboard and the graph export: analysts only (`require_analyst`),
people who opted out left out (counted), pseudonyms in pseudonymised mode (with only the
attributes at least K_ANONYMITY people share), and every load written to the audit trail.
Large organisations get the best-connected people only, so the browser stays responsive.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx
from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from community.accounts.models import User
from community.audit import services as audit
from community.extensions import db
from community.network.access import require_analyst
from community.network.drawing import layout_positions, primary_role
from community.network.exports import exported_graph, k_anonymous
from community.network.loading import LiveNetwork, live_network
from community.network.models import PersonFigure
from community.network.pseudonyms import pseudonymised
from community.network.queries import latest_snapshot_id, opted_out_ids, people_refs
from community.network.whatif import what_if

EXPLORER_MAX_PEOPLE = 400
LAYOUT_WIDTH, LAYOUT_HEIGHT = 1200, 900  # the first layout's coordinates (the browser fits them)
EXPLORER_MAX_TIES = 3000  # the strongest ties among the people shown; layouts in the browser stay quick


def _communities(ids: Iterable[int]) -> dict[int, int | None]:
    """Community of each person in the latest snapshot (one statement)."""
    snapshot_id = latest_snapshot_id()
    if snapshot_id is None:
        return {}
    wanted = set(ids)
    return {
        user_id: community
        for user_id, community in db.session.execute(
            select(PersonFigure.user_id, PersonFigure.community).where(PersonFigure.snapshot_id == snapshot_id)
        )
        if user_id in wanted
    }


def _subset(graph: nx.Graph, limit: int) -> nx.Graph:
    """The `limit` best-connected people (weighted ties, then id) and the ties among them."""
    if graph.number_of_nodes() <= limit:
        return graph
    strength = dict(graph.degree(weight="weight"))
    keep = sorted(graph.nodes, key=lambda node: (-float(strength.get(node, 0) or 0), node))[:limit]
    return graph.subgraph(keep)


def explorer_data(viewer: User, *, limit: int = EXPLORER_MAX_PEOPLE) -> dict[str, Any]:
    """Nodes (with a first layout) and edges of the current network for the explorer; audited.

    The answer is kept with the live graph per mode, opt-outs and language, so the layout is
    computed once per snapshot, not per visit."""
    require_analyst(viewer)
    mode = pseudonymised()
    live = live_network()
    hidden = opted_out_ids()
    key = ("explorer", mode, hash(hidden), limit, EXPLORER_MAX_TIES, str(get_locale()))
    if key not in live.pictures:
        live.pictures[key] = json.dumps(_explorer_payload(live, hidden, mode, limit))
    data: dict[str, Any] = json.loads(live.pictures[key])
    audit.record("network.viewed", actor=viewer, subject_type="analysis_snapshot", subject_id=latest_snapshot_id(),
                 note="explorer", data={"people": data["shown"], "pseudonymised": mode})
    return data


def _explorer_payload(live: LiveNetwork, hidden: frozenset[int], mode: bool, limit: int) -> dict[str, Any]:
    full = exported_graph(live, hidden)
    graph = _subset(full, limit)
    communities = _communities(graph.nodes)
    if mode:
        # A community is shown only inside attribute combinations shared by K_ANONYMITY people.
        graph, shared = k_anonymous(graph, {node: {"community": c} for node, c in communities.items()})
        communities = {node: shared.get(node, {}).get("community") for node in graph}
    refs = people_refs(list(graph), mode)
    positions = layout_positions(graph)
    nodes = []
    for node, data in sorted(graph.nodes(data=True), key=lambda item: item[0]):
        ref = refs[node]
        withheld = data.get("withheld", frozenset())
        x, y = positions.get(node, (0.5, 0.5))
        nodes.append({
            "id": ref.key,
            "label": ref.name,
            "role": primary_role(data) if "roles" not in withheld else None,
            "department": ref.department,
            "community": communities.get(node),
            "ties": int(graph.degree(node)),  # in the picture's people (before the cap on ties)
            "x": round(x * LAYOUT_WIDTH, 1),
            "y": round(y * LAYOUT_HEIGHT, 1),
        })
    ties = sorted(graph.edges(data=True), key=lambda edge: (-float(edge[2].get("weight") or 1.0), edge[0], edge[1]))
    edges = [
        {"source": refs[a].key, "target": refs[b].key, "weight": round(float(data.get("weight") or 1.0), 3)}
        for a, b, data in sorted(ties[:EXPLORER_MAX_TIES], key=lambda edge: (edge[0], edge[1]))
    ]
    left_out = sum(1 for node in hidden if node in live.graph)
    shown, total = graph.number_of_nodes(), full.number_of_nodes()
    notes = []
    if shown < total:
        notes.append(_("Showing the %(shown)s best-connected of %(total)s people, to keep the page responsive.",
                       shown=format_decimal(shown), total=format_decimal(total)))
    if len(ties) > EXPLORER_MAX_TIES:
        notes.append(_("Showing the %(shown)s strongest of %(total)s ties.", shown=format_decimal(EXPLORER_MAX_TIES),
                       total=format_decimal(len(ties))))
    if left_out:
        notes.append(ngettext("%(num)d person who opted out is not shown.",
                              "%(num)d people who opted out are not shown.", left_out))
    return {"nodes": nodes, "edges": edges, "shown": shown, "total": total, "opted_out_people": left_out,
            "pseudonymised": mode, "notes": notes}


def explorer_texts() -> dict[str, dict[str, str]]:
    """The explorer's sentences with a count, for one and for more ({"one", "other"}).

    The script fills in the count (people cut off in the picture, ties shown: only the browser
    knows them) and the placeholders in braces. English and German take the first form for
    exactly one, like the catalogue's plural rule."""

    def forms(text: Callable[[int], str]) -> dict[str, str]:
        return {"one": text(1), "other": text(2)}

    return {
        "left": forms(lambda n: ngettext("If %(names)s left:", "If %(names)s left:", n, names="{names}")),
        "executives": forms(lambda n: ngettext("%(count)s executive loses their mentor",
                                               "%(count)s executives lose their mentor", n, count="{num}")),
        "separated": forms(lambda n: ngettext("%(count)s person is cut off from the rest",
                                              "%(count)s people are cut off from the rest", n, count="{num}")),
        "ties": forms(lambda n: ngettext("%(name)s: %(count)s tie shown in the picture.",
                                         "%(name)s: %(count)s ties shown in the picture.", n, name="{name}",
                                         count="{num}")),
    }


def explorer_what_if(viewer: User, refs: Iterable[str]) -> dict[str, Any]:
    """What the pool loses if these people leave, in the explorer's terms (keys, names); audited."""
    view = what_if(viewer, list(refs))
    return {
        "removed": [ref.key for ref in view.removed],
        "removed_names": [ref.name for ref in view.removed],
        "executives": [ref.key for ref in view.executives],
        "executives_opted_out": view.executives_opted_out,
        "departments": view.departments,
        "topics": [name for _slug, name in view.topics],
        "health": view.health,
    }
