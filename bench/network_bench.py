"""Benchmark of the network analysis: the pure analysis on synthetic organisations, and
`network analyze` end to end on the demo organisation in a database.

    .venv/bin/python bench/network_bench.py [--sizes 1000,10000,100000] [--seed 42] [--json]
        [--db-sizes 10000,100000] [--database-url postgresql://…] [--no-sqlite] [--no-db]

Each measurement runs in a fresh child process so that its peak memory (ru_maxrss) is its own.

1. Pure analysis (synthetic organisations, community.network.synthetic): per size the time of
   every analysis step, of the full analysis, of the per-request questions (what-if, peers, ego
   network) and of the JSON snapshot, plus peak memory.
2. End to end (`flask network analyze`: load from the database, analyse, store the snapshot)
   on the demo organisation (`flask demo --people N`), on SQLite (built once per size into
   instance/bench/network-demo-<N>-<seed>.sqlite3, a copy is measured) and, with
   --database-url or NETWORK_BENCH_DATABASE_URL, on PostgreSQL (the demo is built there when
   that database does not hold N people; `{people}` in the URL gives each size its own
   database, e.g. postgresql://postgres@127.0.0.1/network_bench_{people}). Per size: load, analyse (per step), store; the first run
   in the process (as the CLI: imports included) and a second one; peak memory; what-if on the
   stored snapshot in a process that never loaded the network (cold) and again (warm); and the
   what-if API as served (gunicorn, production settings, one worker): a worker's first what-if
   on three fresh servers (cold), then 20 more (warm).

Targets (issue "Performance as served", 2 cores): end to end 1.5 s at 10,000 people and 12 s
at 100,000, peak memory under 1 GB, what-if on a stored snapshot under 50 ms; the pure
analysis under 3 s at 10,000 and 30 s at 100,000. The exit status is 1 when a target is
missed (judged on wall time). The machine may be shared: the process CPU time (all threads)
is printed next to the wall time; on a loaded machine it is the better guide.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

TARGETS = {10_000: 3.0, 100_000: 30.0}  # seconds for the full analysis
END_TO_END_TARGETS = {10_000: 1.5, 100_000: 12.0}  # seconds: load, analyse, store
PEAK_MEMORY_TARGET_MB = 1024
WHAT_IF_TARGET_MS = 50.0  # warm, on a stored snapshot (at 10,000 people)
DEMO_SEED = 1


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


# ------------------------------------------------------------------ end to end, in a database


def _make_app(database_url: str):  # noqa: ANN202 - a Flask app
    from community import create_app
    from community.config import _engine_options

    return create_app({
        "SECRET_KEY": "network-bench-" + "x" * 32, "SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": None,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url), "RATELIMIT_STORAGE_URI": "memory://",
        "ANALYSIS_JOBS_QUEUED": False,
    })


def _build_demo(database_url: str, people: int) -> None:
    """The demo organisation of `people` persons in an empty (or wiped) database."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from community import demo
    from community.database import gather_statistics
    from community.extensions import db

    app = _make_app(database_url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        started = time.perf_counter()
        demo.build(people=people, seed=DEMO_SEED)
        db.session.commit()
        gather_statistics(db.engine)
        print(f"  demo organisation of {people:,} people built in {time.perf_counter() - started:.0f} s",
              file=sys.stderr, flush=True)
        db.session.remove()
        db.engine.dispose()


def create_database(database_url: str) -> bool:
    """Create the PostgreSQL database when it does not exist yet; True when it was created."""
    from sqlalchemy import create_engine, text

    base, name = database_url.rsplit("/", 1)
    name = name.split("?")[0]
    admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                return False
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            return True
    finally:
        admin.dispose()


def _people_in(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM users")).scalar() or 0)
    except Exception:  # noqa: BLE001 - no schema yet
        return 0
    finally:
        engine.dispose()


def prepare_database(people: int, database_url: str | None, workdir: Path) -> str:
    """The URL to measure: PostgreSQL as given (demo built when missing), or a copy of the
    cached SQLite demo of that size."""
    if database_url:
        database_url = database_url.replace("{people}", str(people))
        create_database(database_url)
        if _people_in(database_url) != people:
            print(f"Building the demo organisation ({people:,} people) in {database_url.split('@')[-1]} …",
                  file=sys.stderr, flush=True)
            _build_demo(database_url, people)
        return database_url
    cache_dir = ROOT / "instance" / "bench"
    cache_dir.mkdir(parents=True, exist_ok=True)
    cached = cache_dir / f"network-demo-{people}-{DEMO_SEED}.sqlite3"
    if not cached.exists():
        print(f"Building the demo organisation ({people:,} people) into {cached.relative_to(ROOT)} "
              "(once; about 2 min at 10,000 and 12 min at 100,000 people) …", file=sys.stderr, flush=True)
        partial = cached.with_name(cached.name + ".partial")
        for leftover in cache_dir.glob(partial.name + "*"):
            leftover.unlink()
        _build_demo(f"sqlite:///{partial}", people)
        with sqlite3.connect(partial) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        partial.rename(cached)
        for leftover in cache_dir.glob(partial.name + "-*"):
            leftover.unlink()  # the emptied write-ahead log
    copy = workdir / f"network-{people}.sqlite3"
    with sqlite3.connect(cached) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return f"sqlite:///{copy}"


def _cpu() -> float:
    return time.process_time()


def measure_end_to_end(database_url: str, size: int) -> dict:
    """`network analyze` twice (first as the CLI: imports included), then what-if; in this process."""
    from flask_migrate import upgrade
    from sqlalchemy import delete, select

    from community import unit_of_work
    from community.accounts.models import User, UserRole
    from community.extensions import db
    from community.network import services
    from community.network.models import AnalysisSnapshot, SnapshotCoverage

    app = _make_app(database_url)
    figures: dict = {"size": size, "database": database_url.split(":", 1)[0]}
    with app.app_context():
        upgrade()  # a cached demo built by an older schema
        db.session.remove()
        figures["rss_mb_before"] = _peak_rss_mb()
        created: list[int] = []
        for run in ("first", "second"):
            phases: dict[str, float] = {}
            started, cpu = time.perf_counter(), _cpu()
            snapshot = services.compute_snapshot(None, after_loading=unit_of_work.commit, phases=phases)
            committing, committing_cpu = time.perf_counter(), _cpu()
            unit_of_work.commit()
            phases["store"] += time.perf_counter() - committing
            phases["store_cpu"] += _cpu() - committing_cpu
            figures[run] = {
                "total": time.perf_counter() - started, "cpu": _cpu() - cpu, **phases,
                "steps": {k: v for k, v in snapshot.summary.get("timings", {}).items() if k != "total"},
            }
            created.append(snapshot.id)
            if run == "first":
                summary = snapshot.summary
                figures.update(people=summary.get("people"), connected_people=summary.get("connected_people"),
                               edges=summary.get("edges"), communities=summary.get("communities"),
                               betweenness=f"{summary.get('betweenness_method')} "
                                           f"({summary.get('betweenness_sources')} sources)")
        figures["peak_rss_mb"] = _peak_rss_mb()
        coverage_bytes = db.session.scalar(select(SnapshotCoverage.data).where(SnapshotCoverage.snapshot_id == created[-1]))
        figures["stored_index_mb"] = len(json.dumps(coverage_bytes)) / 1e6
        # What-if as a web worker that never loaded the network answers it: from the stored snapshot.
        analyst_id = db.session.scalar(select(UserRole.user_id).where(UserRole.role.in_(("change_manager", "admin")))
                                       .order_by(UserRole.user_id).limit(1))
        findings = db.session.scalar(select(AnalysisSnapshot.findings).where(AnalysisSnapshot.id == created[-1])) or {}
        mentors = [e["person_id"] for e in findings.get("single_points_of_failure", [])[:3]]
        app.extensions.pop("network.live", None)
        timings, cpu_timings = [], []
        with app.test_request_context():
            for _ in range(8):
                actor = db.session.get_one(User, analyst_id)
                started, cpu = time.perf_counter(), _cpu()
                services.what_if(actor, [str(pid) for pid in mentors])
                timings.append(time.perf_counter() - started)
                cpu_timings.append(_cpu() - cpu)
                db.session.rollback()  # the audit event
        figures["what_if_mentors"] = len(mentors)
        figures["what_if_cold_ms"] = timings[0] * 1000
        figures["what_if_cold_cpu_ms"] = cpu_timings[0] * 1000
        figures["what_if_warm_ms"] = statistics.median(timings[1:]) * 1000
        figures["what_if_warm_cpu_ms"] = statistics.median(cpu_timings[1:]) * 1000
        db.session.commit()
        figures.update(_served_what_if(database_url, analyst_id, mentors))
        db.session.execute(delete(AnalysisSnapshot).where(AnalysisSnapshot.id.in_(created)))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return figures


def _served_what_if(database_url: str, analyst_id: int, mentors: list[int]) -> dict:
    """The what-if API as served: gunicorn with the production settings and one worker, so that
    the first what-if (after a few other requests) is that worker's first read of the snapshot's
    coverage index. Three fresh servers give three cold answers; 20 more on the last, warm ones."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))

    from community.accounts import services as accounts
    from community.accounts.models import User
    from community.extensions import db

    analyst = db.session.get_one(User, analyst_id)
    row, token = accounts.create_api_token(analyst, f"network bench {time.time():.3f}")
    db.session.commit()
    try:
        return _what_if_servers(database_url, token, mentors)
    finally:  # a reused (PostgreSQL) bench database keeps no live token of past runs
        accounts.revoke_api_token(analyst, row.id)
        db.session.commit()


def _what_if_servers(database_url: str, token: str, mentors: list[int]) -> dict:
    import urllib.parse

    import served_bench

    env = {**os.environ, "COMMUNITY_ENV": "production", "SECRET_KEY": served_bench.SECRET,
           "DATABASE_URL": database_url, "TASKS_PERIODIC_SECONDS": "0"}
    env.pop("REDIS_URL", None)
    headers = {"Authorization": f"Bearer {token}"}
    path = "/api/v1/network/what-if?" + urllib.parse.urlencode([("remove", pid) for pid in mentors])
    cold: list[float] = []
    warm: list[float] = []
    with tempfile.TemporaryDirectory(prefix="network-bench-served-") as logs:
        for round_ in range(3):
            port = served_bench.free_port()
            server = served_bench.start_server("wsgi:app", env, port, [], Path(logs) / "gunicorn.log", workers=1)
            try:
                for _ in range(5):
                    _timed_get(port, "/api/v1/me", headers)  # a worker that has served before
                cold.append(_timed_get(port, path, headers))
                if round_ == 2:
                    warm = [_timed_get(port, path, headers) for _ in range(20)]
            finally:
                server.terminate()
                server.wait()
    return {"served_cold_ms": cold, "served_warm_p50_ms": statistics.median(warm), "served_warm_max_ms": max(warm)}


def _timed_get(port: int, path: str, headers: dict[str, str]) -> float:
    """Milliseconds from sending the request to the whole answer (a new connection each time)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}")
    return elapsed


def _run_end_to_end(size: int, database_url: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="network-bench-") as workdir:
        url = prepare_database(size, database_url, Path(workdir))
        completed = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, __file__, "--child-db", str(size), "--database-url", url],
            check=False, capture_output=True, text=True,
        )
    if completed.returncode != 0:
        print(completed.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"end-to-end measurement at {size} people failed")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _report_end_to_end(figures: dict) -> bool:
    size = figures["size"]
    target = END_TO_END_TARGETS.get(size)
    first, second = figures["first"], figures["second"]
    print(
        f"\n{figures['database']}, demo organisation of {size:,} people: {figures['connected_people']:,} "
        f"connected, {figures['edges']:,} ties, {figures['communities']:,} communities, "
        f"betweenness {figures['betweenness']}"
    )
    print(f"  {'':34} {'first run':>10} {'CPU':>8} {'second':>10} {'CPU':>8}")
    for phase, label in (("load", "load"), ("analyse", "analyse"), ("store", "store (and commit)")):
        print(f"  {label:34} {first[phase]:9.3f}s {first[phase + '_cpu']:7.3f}s "
              f"{second[phase]:9.3f}s {second[phase + '_cpu']:7.3f}s")
        if phase == "analyse":
            for step, seconds in first["steps"].items():
                print(f"    {step:32} {seconds:9.3f}s {'':8} {second['steps'].get(step, 0.0):9.3f}s")
    met_time = target is None or first["total"] < target
    verdict = "" if target is None else f"   (target {target:g} s: {'met' if met_time else 'MISSED'})"
    print(f"  {'END TO END':34} {first['total']:9.3f}s {first['cpu']:7.3f}s "
          f"{second['total']:9.3f}s {second['cpu']:7.3f}s{verdict}")
    met_memory = figures["peak_rss_mb"] < PEAK_MEMORY_TARGET_MB
    print(f"  {'peak memory (RSS)':34} {figures['peak_rss_mb']:9.0f} MB ({figures['rss_mb_before']:.0f} MB "
          f"before; target {PEAK_MEMORY_TARGET_MB} MB: {'met' if met_memory else 'MISSED'})")
    print(f"  {'coverage index stored':34} {figures['stored_index_mb']:9.2f} MB")
    met_what_if = size > 10_000 or figures["what_if_warm_ms"] < WHAT_IF_TARGET_MS
    target_note = f"target {WHAT_IF_TARGET_MS:g} ms: {'met' if met_what_if else 'MISSED'}" if size <= 10_000 else "no target"
    print(f"  {'what-if, ' + str(figures['what_if_mentors']) + ' mentors, cold':34} "
          f"{figures['what_if_cold_ms']:8.1f} ms (CPU {figures['what_if_cold_cpu_ms']:.1f} ms; "
          "a process that never loaded the network)")
    print(f"  {'what-if, warm':34} {figures['what_if_warm_ms']:8.1f} ms (CPU "
          f"{figures['what_if_warm_cpu_ms']:.1f} ms; {target_note})")
    cold = figures["served_cold_ms"]
    met_served = statistics.median(cold) < WHAT_IF_TARGET_MS and figures["served_warm_p50_ms"] < WHAT_IF_TARGET_MS
    print(f"  {'what-if as served, cold':34} {statistics.median(cold):8.1f} ms (median of "
          f"{', '.join(f'{ms:.1f}' for ms in cold)}: a gunicorn worker's first; "
          f"target {WHAT_IF_TARGET_MS:g} ms: {'met' if met_served else 'MISSED'})")
    print(f"  {'what-if as served, warm':34} {figures['served_warm_p50_ms']:8.1f} ms (p50 of 20; "
          f"slowest {figures['served_warm_max_ms']:.1f} ms)")
    return met_time and met_memory and met_what_if and met_served


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
    parser.add_argument("--db-sizes", default="10000,100000",
                        help="demo organisation sizes for `network analyze` end to end (comma-separated)")
    parser.add_argument("--database-url", default=os.environ.get("NETWORK_BENCH_DATABASE_URL", ""),
                        help="PostgreSQL database to measure as well; its contents are replaced by the "
                             "demo organisation; {people} in it names one database per size (created)")
    parser.add_argument("--no-db", action="store_true", help="only the pure analysis")
    parser.add_argument("--no-sqlite", action="store_true", help="end to end on --database-url only")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-db", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.seed)))
        return 0
    if args.child_db:
        print(json.dumps(measure_end_to_end(args.database_url, args.child_db)))
        return 0
    sizes = _sizes(args.sizes)
    print(f"Network analysis benchmark, seed {args.seed}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    results = [_run_child(size, args.seed) for size in sizes]
    databases = [*([] if args.no_sqlite else [None]), *([args.database_url] if args.database_url else [])]
    end_to_end = [] if args.no_db else [
        _run_end_to_end(size, url) for url in databases for size in _sizes(args.db_sizes)
    ]
    if args.json:
        print(json.dumps({"analysis": results, "end_to_end": end_to_end}, indent=2))
        return 0 if all(_meets(r) for r in results) else 1
    print("\n== The pure analysis, synthetic organisations")
    met = [_report(figures) for figures in results]
    if end_to_end:
        print("\n== `network analyze` end to end, demo organisation")
        met += [_report_end_to_end(figures) for figures in end_to_end]
    print(f"\nLoad average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (figures are wall time).")
    return 0 if all(met) else 1


def _sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def _meets(figures: dict) -> bool:
    target = TARGETS.get(figures["size"])
    return target is None or figures["full_analysis"] < target


if __name__ == "__main__":
    sys.exit(main())
