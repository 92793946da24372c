"""Benchmark of the network analysis on synthetic organisations.

    .venv/bin/python bench/network_bench.py [--sizes 1000,10000,100000] [--seed 42] [--json]

Each size runs in a fresh child process so that its peak memory (ru_maxrss) is its own. Per
size it prints the time of every analysis step, of the full analysis, of the per-request
questions (what-if, peers, ego network) and of the JSON snapshot, plus peak memory. Targets:
a full analysis of 10,000 people under 3 s and of 100,000 under 30 s on 2 cores; the exit
status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

TARGETS = {10_000: 3.0, 100_000: 30.0}  # seconds for the full analysis


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(size: int, seed: int) -> dict:
    """Everything for one organisation size, in this process."""
    from community.network.analysis import (
        AnalysisParams,
        PeerIndex,
        analyse,
        ego_network,
        what_if,
    )
    from community.network.synthetic import DEFAULT_NOW, synthetic_organisation

    params = AnalysisParams(now=DEFAULT_NOW, seed=seed)
    started = time.perf_counter()
    analyse(synthetic_organisation(300, seed=seed), params)  # imports scipy & co. once
    warm_up = time.perf_counter() - started

    started = time.perf_counter()
    inp = synthetic_organisation(size, seed=seed)
    generate = time.perf_counter() - started
    rss_before = _peak_rss_mb()

    started = time.perf_counter()
    result = analyse(inp, params)
    full = time.perf_counter() - started
    rss_after = _peak_rss_mb()

    mentor_id = (
        result.single_points_of_failure[0].person_id
        if result.single_points_of_failure
        else next(p.id for p in inp.people if "mentor" in p.roles)
    )
    started = time.perf_counter()
    what_if(inp, params, [mentor_id], index=result.coverage)
    what_if_warm = time.perf_counter() - started
    started = time.perf_counter()
    what_if(inp, params, [mentor_id])
    what_if_cold = time.perf_counter() - started

    started = time.perf_counter()
    peers = PeerIndex(inp.people, inp.tags)
    peer_index = time.perf_counter() - started
    started = time.perf_counter()
    peers.suggest(mentor_id, connected_ids=set(result.graph[mentor_id]), limit=10)
    peer_query = time.perf_counter() - started

    started = time.perf_counter()
    ego_network(result.graph, mentor_id, radius=2)
    ego = time.perf_counter() - started

    started = time.perf_counter()
    snapshot = json.dumps(result.to_dict())
    to_json = time.perf_counter() - started

    summary = result.summary
    return {
        "size": size,
        "connected_people": summary.connected_people,
        "edges": summary.edges,
        "communities": summary.communities,
        "betweenness": f"{summary.betweenness_method} ({summary.betweenness_sources} sources)",
        "warm_up_imports": warm_up,
        "generate": generate,
        "steps": dict(summary.timings),
        "full_analysis": full,
        "what_if_prebuilt_index": what_if_warm,
        "what_if_cold": what_if_cold,
        "peer_index_build": peer_index,
        "peer_query": peer_query,
        "ego_network_radius_2": ego,
        "snapshot_json": to_json,
        "snapshot_mb": len(snapshot) / 1e6,
        "peak_rss_mb_after_generation": rss_before,
        "peak_rss_mb": rss_after,
    }


def _run_child(size: int, seed: int) -> dict:
    completed = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--child", str(size), "--seed", str(seed)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _report(figures: dict) -> bool:
    size = figures["size"]
    target = TARGETS.get(size)
    met = _meets(figures)
    print(
        f"\n{size:,} people: {figures['connected_people']:,} connected, "
        f"{figures['edges']:,} ties, {figures['communities']:,} communities, "
        f"betweenness {figures['betweenness']}"
    )
    print(f"  {'generate organisation':32} {figures['generate']:8.3f} s")
    for step, seconds in figures["steps"].items():
        if step != "total":
            print(f"  {step:32} {seconds:8.3f} s")
    verdict = "" if target is None else f"   (target {target:g} s: {'met' if met else 'MISSED'})"
    print(f"  {'FULL ANALYSIS':32} {figures['full_analysis']:8.3f} s{verdict}")
    print(f"  {'what-if, prebuilt index':32} {figures['what_if_prebuilt_index'] * 1000:8.1f} ms")
    print(f"  {'what-if, from scratch':32} {figures['what_if_cold']:8.3f} s")
    print(f"  {'peer index build':32} {figures['peer_index_build']:8.3f} s")
    print(f"  {'peer query (one mentor)':32} {figures['peer_query'] * 1000:8.1f} ms")
    print(f"  {'ego network (radius 2)':32} {figures['ego_network_radius_2'] * 1000:8.1f} ms")
    print(
        f"  {'snapshot to JSON':32} {figures['snapshot_json']:8.3f} s "
        f"({figures['snapshot_mb']:.1f} MB)"
    )
    print(
        f"  {'peak memory (RSS)':32} {figures['peak_rss_mb']:8.0f} MB "
        f"({figures['peak_rss_mb_after_generation']:.0f} MB after generating the input)"
    )
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", action="store_true", help="print raw figures as JSON")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.seed)))
        return 0
    sizes = [int(part.replace("_", "")) for part in args.sizes.split(",") if part.strip()]
    print(f"Network analysis benchmark, seed {args.seed}, Python {sys.version.split()[0]}")
    results = [_run_child(size, args.seed) for size in sizes]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0 if all(_meets(r) for r in results) else 1
    met = [_report(figures) for figures in results]
    return 0 if all(met) else 1


def _meets(figures: dict) -> bool:
    target = TARGETS.get(figures["size"])
    return target is None or figures["full_analysis"] < target


if __name__ == "__main__":
    sys.exit(main())
