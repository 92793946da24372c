"""Centralities and communities: betweenness (batched Brandes), PageRank, Louvain, and the
components and articulation points of a graph."""

from __future__ import annotations

import os
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

import igraph
import networkx as nx
import numpy as np

from community.network.analysis.records import AnalysisParams

# Dense work arrays of the batched betweenness hold at most this many cells (8 MB each).
_BETWEENNESS_BATCH_CELLS = 1 << 20


def betweenness(core: nx.Graph, params: AnalysisParams) -> tuple[dict[int, float], str, int]:
    """Normalised shortest-path (hop) betweenness and how it was computed.

    Same definition, source sampling and rescaling as `nx.betweenness_centrality(core, k=k,
    seed=seed)` (exact below `betweenness_exact_below` nodes), so the numbers agree with
    networkx (the tests check it). Exact: Brandes' algorithm in C (igraph), about 0.15 s for
    1,500 connected people with 13,000 ties (the sparse products below took 0.6 s, networkx
    5 s). Sampled: Brandes runs as sparse matrix products over batches of sources, at 100 k
    people about 1 s instead of 15–30 s (with two threads, as the products release the GIL;
    igraph's source-subset betweenness is no faster there). Peak extra memory: about 10 dense arrays of
    `_BETWEENNESS_BATCH_CELLS` cells in all (~80 MB). Hops, not weights:
    brokerage is about structure, and weights would need a distance transform.
    Returns (values, "exact" | "sampled", number of source nodes).
    """
    nodes = list(core)
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0), "exact", n
    exact = n < params.betweenness_exact_below or params.betweenness_k >= n
    # Same draw as networkx: random.Random(seed).sample(list(G), k).
    sources = nodes if exact else random.Random(params.seed).sample(nodes, params.betweenness_k)  # noqa: S311
    position = {node: index for index, node in enumerate(nodes)}
    if exact:
        # Brandes in C (igraph): every pair once, so twice that is networkx's sum over sources.
        ties = igraph.Graph(n=n, edges=[(position[a], position[b]) for a, b in core.edges()])
        raw = np.asarray(ties.betweenness(directed=False), dtype=np.float64)
        raw *= 2.0 / ((n - 1) * (n - 2))
        return {node: float(raw[index]) for index, node in enumerate(nodes)}, "exact", n
    adjacency = nx.to_scipy_sparse_array(core, nodelist=nodes, weight=None, format="csr")
    adjacency = adjacency.astype(np.float64)
    source_index = np.fromiter((position[s] for s in sources), dtype=np.int64, count=len(sources))
    threads = max(1, min(params.betweenness_threads, os.cpu_count() or 1))
    batch = max(1, _BETWEENNESS_BATCH_CELLS // (n * threads))
    batches = [source_index[start : start + batch] for start in range(0, len(source_index), batch)]
    if threads > 1 and len(batches) > 1:
        with ThreadPoolExecutor(threads) as pool:
            parts = list(pool.map(lambda sources: _dependencies(adjacency, sources), batches))
    else:
        parts = [_dependencies(adjacency, sources) for sources in batches]
    totals = np.zeros(n)
    for part in parts:  # a fixed order keeps the floating-point sum reproducible
        totals += part
    pairs = n - 2  # N - 1 in networkx's _rescale, with N = n - 1 when endpoints are excluded
    if exact:
        totals *= 1.0 / ((n - 1) * pairs)
    else:
        k = len(sources)
        scale = np.full(n, 1.0 / (k * pairs))
        scale[source_index] = 1.0 / ((k - 1) * pairs)
        totals *= scale
    values = {node: float(totals[index]) for index, node in enumerate(nodes)}
    return values, ("exact" if exact else "sampled"), len(sources)


def _dependencies(adjacency: Any, sources: np.ndarray) -> np.ndarray:
    """Brandes' dependency sums for a batch of BFS sources, one source per column."""
    n, width = adjacency.shape[0], len(sources)
    columns = np.arange(width)
    sigma = np.zeros((n, width))  # number of shortest paths from the column's source
    sigma[sources, columns] = 1.0
    depth = np.full((n, width), -1, dtype=np.int32)
    depth[sources, columns] = 0
    frontier = sigma.copy()
    level = 0
    while True:
        reached = adjacency @ frontier
        new = (reached > 0) & (depth < 0)
        if not new.any():
            break
        level += 1
        depth[new] = level
        frontier = np.where(new, reached, 0.0)
        sigma += frontier
    delta = np.zeros((n, width))
    coefficient = np.zeros((n, width))
    # Walk back from the deepest level; the source (depth 0) collects nothing.
    for current in range(level, 1, -1):
        coefficient.fill(0.0)
        np.divide(1.0 + delta, sigma, out=coefficient, where=depth == current)
        pulled = adjacency @ coefficient
        delta += np.where(depth == current - 1, sigma * pulled, 0.0)
    return cast("np.ndarray", delta.sum(axis=1))


def pagerank(core: nx.Graph) -> dict[int, float]:
    """Weighted PageRank (damping 0.85) of the connected people, solved exactly by igraph's
    PRPACK in C: about 0.01 s for 1,500 connected people, where networkx's power iteration took
    0.3 s on its first call (importing scipy) and stops at a total error of N x 1e-6, so that on a
    random graph of 100,000 people some of the smallest ranks were off by up to a third. The same definition as
    `nx.pagerank(core, weight="weight")`; the tests compare both."""
    nodes = list(core)
    if not nodes:
        return {}
    position = {node: index for index, node in enumerate(nodes)}
    edges, weights = [], []
    for a, b, weight in core.edges(data="weight", default=1.0):
        edges.append((position[a], position[b]))
        weights.append(weight)
    ranks = igraph.Graph(n=len(nodes), edges=edges).pagerank(weights=weights, damping=0.85)
    return dict(zip(nodes, ranks, strict=True))


def louvain_communities(core: nx.Graph, seed: int) -> list[tuple[int, ...]]:
    """Louvain communities of the connected people, largest first, members sorted."""
    if core.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(core, weight="weight", seed=seed)
    return sorted((tuple(sorted(members)) for members in found), key=lambda c: (-len(c), c[0]))


@dataclass(frozen=True, slots=True)
class Structure:
    """Connected components and articulation points of a graph, from one depth-first search."""

    component_of: Mapping[int, int]
    component_sizes: tuple[int, ...]
    # Articulation point -> sizes of the pieces its component falls into without it.
    pieces: Mapping[int, tuple[int, ...]]

    def separated_people(self, node: int) -> int:
        """People cut off from the largest remaining piece if `node` leaves (0: not a cut)."""
        sizes = self.pieces.get(node)
        return sum(sizes) - max(sizes) if sizes else 0

    @property
    def largest_component(self) -> int:
        return max(self.component_sizes, default=0)


def graph_structure(adjacency: Mapping[int, Iterable[int]]) -> Structure:
    """Components and articulation points (Hopcroft–Tarjan, iterative) in O(V + E).

    Unlike nx.articulation_points it also yields how many people each cut separates, which the
    single-points-of-failure list reports.
    """
    discovered: dict[int, int] = {}
    low: dict[int, int] = {}
    subtree: dict[int, int] = {}
    child_pieces: dict[int, list[int]] = defaultdict(list)
    component_of: dict[int, int] = {}
    sizes: list[int] = []
    clock = 0
    for root in adjacency:
        if root in discovered:
            continue
        component = len(sizes)
        discovered[root] = low[root] = clock
        clock += 1
        subtree[root] = 1
        component_of[root] = component
        stack: list[tuple[int, int | None, Any]] = [(root, None, iter(adjacency[root]))]
        while stack:
            node, parent, neighbours = stack[-1]
            descended = False
            for other in neighbours:
                if other == parent:
                    continue
                if other in discovered:
                    low[node] = min(low[node], discovered[other])
                else:
                    discovered[other] = low[other] = clock
                    clock += 1
                    subtree[other] = 1
                    component_of[other] = component
                    stack.append((other, node, iter(adjacency[other])))
                    descended = True
                    break
            if descended:
                continue
            stack.pop()
            if parent is not None:
                subtree[parent] += subtree[node]
                low[parent] = min(low[parent], low[node])
                if low[node] >= discovered[parent]:
                    child_pieces[parent].append(subtree[node])
        sizes.append(subtree[root])
    pieces: dict[int, tuple[int, ...]] = {}
    for node, separated in child_pieces.items():
        rest = sizes[component_of[node]] - 1 - sum(separated)
        all_pieces = (*separated, rest) if rest > 0 else tuple(separated)
        if len(all_pieces) >= 2:
            pieces[node] = all_pieces
    return Structure(component_of, tuple(sizes), pieces)
