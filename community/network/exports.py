"""Exports of the analysis: the graph (GraphML, node-link JSON) and the findings (CSV); audited."""

from __future__ import annotations

from typing import Any

import networkx as nx
from flask_babel import gettext as _
from flask_babel import ngettext

from community.accounts.models import User
from community.audit import services as audit
from community.errors import NotFoundError, ValidationFailed
from community.network import analysis
from community.network.access import require_analyst
from community.network.anonymity import K_ANONYMITY, bands, generalise
from community.network.loading import LiveNetwork, live_network
from community.network.pseudonyms import pseudonymised, pseudonyms_for
from community.network.queries import (
    PersonRef,
    build_report,
    latest_snapshot,
    opted_out_ids,
    people_refs,
    snapshot_figures,
)
from community.spreadsheets import csv_text


def exported_graph(live: LiveNetwork, hidden: frozenset[int]) -> nx.Graph:
    """Connected people plus every mentor and executive; people who opted out left out."""
    keep = [
        node for node, data in live.graph.nodes(data=True)
        if node not in hidden
        and (live.graph.degree(node) > 0 or data.get("roles", frozenset()) & {"mentor", "executive"})
    ]
    return live.graph.subgraph(keep)


BANDED_FIGURES = ("pagerank", "betweenness", "weighted_degree")
SHARED_FIGURES = (*(f"{name}_band" for name in BANDED_FIGURES), "community", "network_roles")


def k_anonymous(graph: nx.Graph, figures: dict[int, dict[str, Any]] | None = None
                ) -> tuple[nx.Graph, dict[int, dict[str, Any]]]:
    """A copy whose people carry only attribute combinations shared by >= K_ANONYMITY of them,
    and their figures in the same way: PageRank, betweenness and weighted degree as bands by rank
    (1 = lowest third ... 3 = highest), community and network roles as they are, all of them part
    of the combination that must be shared by K_ANONYMITY people (else left out)."""
    names = ("roles", "department", "capacity", "tags", "is_ambassador")
    records = {node: {name: data.get(name) for name in names} for node, data in graph.nodes(data=True)}
    _add_figures(records, figures or {})
    kept = generalise(records)
    copy = nx.Graph(graph)
    for node, data in copy.nodes(data=True):
        data.update({name: value for name, value in kept[node].items() if name in names})
        data["withheld"] = frozenset(name for name in names if name not in kept[node])
    shared = {node: {name: kept[node][name] for name in SHARED_FIGURES if name in kept[node]} for node in copy}
    return copy, shared


def _add_figures(records: dict[int, dict[str, Any]], figures: dict[int, dict[str, Any]]) -> None:
    """Each person's figures join their attribute combination: the banded ones as bands by
    rank, community and network roles as they are."""
    with_figures = [node for node in records if node in figures]
    for figure in BANDED_FIGURES:
        banded = bands({node: float(figures[node].get(figure) or 0.0) for node in with_figures})
        for node, band in banded.items():
            records[node][f"{figure}_band"] = band
    for node in with_figures:
        if figures[node].get("community") is not None:
            records[node]["community"] = figures[node]["community"]
        if figures[node].get("network_roles"):
            records[node]["network_roles"] = figures[node]["network_roles"]


def export_graph(viewer: User, fmt: str) -> tuple[bytes | dict[str, Any], str]:
    """GraphML bytes or node-link data of the current graph, with the latest figures; audited.

    Returns (content, format). Pseudonymised mode replaces node ids and labels by pseudonyms.
    """
    require_analyst(viewer)
    if fmt not in ("graphml", "json"):
        message = _("Choose the format graphml or json.")
        raise ValidationFailed(message, {"format": [message]})
    mode = pseudonymised()
    live = live_network()
    hidden = opted_out_ids()
    exported = exported_graph(live, hidden)
    figures = snapshot_figures()
    node_figures = {
        pid: {"community": f.community, "pagerank": f.pagerank, "betweenness": f.betweenness,
              "weighted_degree": f.weighted_degree, "network_roles": ",".join(f.roles or [])}
        for pid, f in figures.items() if pid in exported
    }
    left_out = sum(1 for node in hidden if node in live.graph)
    attributes = {"opted_out_people": left_out, "pseudonymised": mode}
    options: dict[str, Any] = {"node_figures": node_figures, "graph_attributes": attributes}
    if mode:
        options["pseudonyms"] = pseudonyms_for(exported)
        # Joined with the directory or ranked by a figure, nobody stands out.
        exported, options["node_figures"] = k_anonymous(exported, node_figures)
        attributes["k_anonymity"] = K_ANONYMITY
    else:
        options["labels"] = {pid: ref.name for pid, ref in people_refs(list(exported), False).items()}
    audit.record("network.exported", actor=viewer, data={"format": fmt, "pseudonymised": mode,
                                                        "people": exported.number_of_nodes()})
    if fmt == "graphml":
        return analysis.to_graphml(exported, **options), fmt
    return analysis.to_node_link(exported, **options), fmt


def findings_csv(viewer: User) -> str:
    """Every finding of the latest snapshot as CSV rows with their reasons, for the reader's
    spreadsheet (community.spreadsheets); audited."""
    require_analyst(viewer)
    snapshot = latest_snapshot()
    if snapshot is None:
        raise NotFoundError(_("There is no network analysis yet."))
    report = build_report(snapshot)
    rows: list[list[Any]] = [[_("Finding"), _("Person"), _("Person id"), _("Department"), _("Details")]]

    def person_cells(person: PersonRef | None) -> list[Any]:
        if person is None:
            return ["", "", ""]
        return [person.name, person.id if person.id is not None else "", person.department or ""]

    rows += [[item.label, *person_cells(item.person), item.reason] for item in report.roles]
    for label, items in ((_("Single point of failure"), report.single_points_of_failure),
                         (_("Overloaded mentor"), report.overloaded), (_("Idle mentor"), report.idle),
                         (_("Unmatched executive"), report.unmatched_executives),
                         (_("Ambassador candidate"), report.ambassador_shortlist)):
        rows += [[label, *person_cells(item.person), item.reason] for item in items]
    rows += [[_("Uncovered topic"), "", "", "", topic.reason] for topic in report.uncovered_topics]
    rows += [[_("Department without mentors"), "", "", department["department"], department["reason"]]
             for department in report.departments_without_mentors]
    if report.opted_out_people:
        rows.append([_("Opted out"), "", "", "",
                     ngettext("%(num)d person who opted out is counted but not named.",
                              "%(num)d people who opted out are counted but not named.",
                              report.opted_out_people)])
    audit.record("network.exported", actor=viewer, subject_type="analysis_snapshot", subject_id=snapshot.id,
                 data={"format": "csv", "pseudonymised": report.pseudonymised})
    return csv_text(rows)
